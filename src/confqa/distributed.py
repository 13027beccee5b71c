"""Distributed embedding with Ray Data: `confqa index --ray [ADDRESS]` embeds the chunks and sentences that changed
with `map_batches` over a pool of actors, each holding the same sentence-transformers model as the single-process
path (same packaged weights, same batch size, same normalisation), so the vectors are the same to float rounding.

ADDRESS 'local' starts a Ray inside the command with the machine's CPUs; 'auto' joins the Ray that `ray start`
runs on this machine; 'ray://host:10001' reaches a cluster's head. Every node needs confqa installed (with the
model package, as here): the actors import it there. Ray is imported only here, and only when asked for."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from confqa.errors import ConfqaError, MissingExtraError
from confqa.settings import EMBEDDING_MODEL_NAME

ROWS_PER_TASK = 256  # texts handed to one actor call; each call embeds them in batches of batch_size


class _EmbedBatch:
    """The Ray actor: loads the model once, then embeds the batches it is given."""

    def __init__(self, batch_size: int, threads: int) -> None:
        import torch

        torch.set_num_threads(max(1, threads))
        from confqa.embedding import default_embedder

        self.model = default_embedder()
        self.batch_size = batch_size

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        vectors = self.model.encode([str(t) for t in batch["text"]], batch_size=self.batch_size)
        return {"i": np.asarray(batch["i"]), "vector": vectors}


def _ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise MissingExtraError("--ray (distributed embedding)", "ray", "ray[data]") from None
    return ray


def start_ray(address: str, num_cpus: int | None = None) -> Any:
    """Connect to (or start) Ray once per process."""
    ray = _ray()
    if ray.is_initialized():
        return ray
    # A local Ray waits a fixed 30 s for its raylet; on a loaded machine that can time out once, so try twice.
    attempts = 2 if address == "local" else 1
    for attempt in range(attempts):
        try:
            if address == "local":
                ray.init(num_cpus=num_cpus or os.cpu_count() or 1, include_dashboard=False, log_to_driver=False,
                         configure_logging=False)
            else:
                ray.init(address=address, log_to_driver=False, configure_logging=False)
            return ray
        except Exception as exc:  # noqa: BLE001 - ConnectionError, ValueError, RuntimeError...
            if ray.is_initialized():
                ray.shutdown()
            if attempt + 1 < attempts:
                continue
            text = str(exc).strip().splitlines()
            raise ConfqaError(f"cannot start or reach Ray at {address!r}: {text[0] if text else type(exc).__name__}"
                              "; give --ray for a local Ray, or --ray=ray://HEAD:10001 for a cluster") from None
    return ray


class RayEmbedder:
    """An Embedder (see confqa.embedding) whose bulk path runs on Ray; indexing calls encode_all once."""

    name = EMBEDDING_MODEL_NAME
    dimension = 384

    def __init__(self, address: str = "local", batch_size: int = 16, actors: int | None = None,
                 num_cpus: int | None = None) -> None:
        _ray()  # fail early, with the install command, when the extra is missing
        self.address = address
        self.batch_size = batch_size
        self.actors = actors
        self.num_cpus = num_cpus
        self._local: Any = None

    def weights_sha256(self) -> str:
        from confqa.embedding import model_weights_sha256

        return model_weights_sha256()

    def _local_model(self) -> Any:
        if self._local is None:
            from confqa.embedding import default_embedder

            self._local = default_embedder()
        return self._local

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Small calls (a question) stay in this process."""
        return self._local_model().encode(texts, batch_size=batch_size)

    def export_onnx(self, target: Path) -> Path:
        return self._local_model().export_onnx(target)  # type: ignore[no-any-return]

    def encode_all(self, texts: list[str], batch_size: int | None = None,
                   progress: Callable[[str, int, int], None] | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        ray = start_ray(self.address, self.num_cpus)
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        import logging

        logging.getLogger("ray.data").setLevel(logging.WARNING)  # its per-run INFO lines are noise on stderr
        cpus = int(ray.cluster_resources().get("CPU", 1))
        actors = max(1, min(self.actors or cpus, (len(texts) + ROWS_PER_TASK - 1) // ROWS_PER_TASK))
        dataset = ray.data.from_items([{"i": i, "text": t} for i, t in enumerate(texts)],
                                      override_num_blocks=max(actors, (len(texts) + ROWS_PER_TASK - 1) // ROWS_PER_TASK))
        embedded = dataset.map_batches(
            _EmbedBatch, fn_constructor_kwargs={"batch_size": batch_size or self.batch_size, "threads": 1},
            batch_size=ROWS_PER_TASK, batch_format="numpy", compute=ray.data.ActorPoolStrategy(size=actors),
            num_cpus=1,
        )
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        done = 0
        for batch in embedded.iter_batches(batch_format="numpy", batch_size=None):
            out[np.asarray(batch["i"], dtype=np.int64)] = np.asarray(batch["vector"], dtype=np.float32)
            done += len(batch["i"])
            if progress:
                progress("embedding passages and sentences (ray)", done, len(texts))
        if done != len(texts):
            raise ConfqaError(f"Ray returned {done} of {len(texts)} vectors; run the command again")
        return out
