"""Embedding throughput: the single-process path (sentence-transformers, torch using every core) against Ray Data
(`confqa index --ray`: a local Ray with an actor per CPU, one torch thread each), on the same texts in one run.

    python benchmarks/ray_embedding.py                  # the shipped corpus's chunk texts, repeated to --texts
    python benchmarks/ray_embedding.py --texts 4000

Reported: texts per second for each path (medians over --repeats runs, Ray's start-up and actor model loading
timed apart, as a cluster pays them once), the largest difference between the vectors, and what N machines would
give by arithmetic, not measurement (embedding is embarrassingly parallel; the driver only sends text and receives
1.5 KB per vector)."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, machine  # noqa: E402


def corpus_texts(count: int) -> list[str]:
    from confqa.ingest.chunking import chunk_document, embedding_text
    from confqa.ingest.loading import load_corpus
    from confqa.settings import Settings
    from confqa.tokenization import default_counter

    texts: list[str] = []
    counter = default_counter()
    for document in load_corpus(REPO / "corpus").documents:
        chunks, _ = chunk_document(document, Settings().chunking, counter)
        texts.extend(embedding_text(c) for c in chunks)
    return (texts * (count // len(texts) + 1))[:count]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cpus", type=int, default=2)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    from confqa.distributed import RayEmbedder, start_ray
    from confqa.embedding import default_embedder

    texts = corpus_texts(args.texts)
    local = default_embedder()
    local.encode(texts[:32], batch_size=16)  # warm up
    single = []
    for _ in range(args.repeats):
        t = time.perf_counter()
        reference = local.encode(texts, batch_size=16)
        single.append(time.perf_counter() - t)
    t = time.perf_counter()
    start_ray("local", num_cpus=args.cpus)
    ray_start = time.perf_counter() - t
    embedder = RayEmbedder("local", batch_size=16)
    t = time.perf_counter()
    embedder.encode_all(texts[:64], 16)  # first run: actors start and load the model
    first_run = time.perf_counter() - t
    runs = []
    for _ in range(args.repeats):
        t = time.perf_counter()
        vectors = embedder.encode_all(texts, 16)
        runs.append(time.perf_counter() - t)
    difference = float(np.abs(vectors - reference).max())
    single_rate = len(texts) / statistics.median(single)
    ray_rate = len(texts) / statistics.median(runs)
    print(f"texts: {len(texts)} (shipped corpus chunks, {np.mean([len(t) for t in texts]):.0f} characters on average)")
    print("| path | texts/s (median of runs) | seconds per run | start-up |")
    print("|---|---|---|---|")
    print(f"| single process, torch on {args.cpus} threads | {single_rate:.0f} | {statistics.median(single):.1f} | — |")
    print(f"| Ray Data, {args.cpus} actors × 1 thread | {ray_rate:.0f} | {statistics.median(runs):.1f} | "
          f"ray.init {ray_start:.1f} s, actors + model on a 64-text run {first_run:.1f} s |")
    print(f"Ray / single process: {ray_rate / single_rate:.2f}×; largest vector difference {difference:.1e}")
    per_core = ray_rate / args.cpus
    print("Arithmetic (not measured): with per-core throughput as here, "
          + ", ".join(f"{n} machine{'s' if n > 1 else ''} × {args.cpus} cores ≈ {per_core * n * args.cpus:,.0f} texts/s"
                    for n in (1, 4, 16))
          + f"; 10^6 chunks ≈ {1e6 / (per_core * 16 * args.cpus) / 60:.0f} min on 16 such machines, "
          f"{1e6 / single_rate / 3600:.1f} h in one process here.")


if __name__ == "__main__":
    main()
