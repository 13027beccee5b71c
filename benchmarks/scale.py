"""Scale: synthetic chunk stores of 10^4, 10^5 and 10^6 chunks (384-d vectors and synthetic text).

    python benchmarks/scale.py                 # all three sizes (10^6 takes a while on 2 cores)
    python benchmarks/scale.py --sizes 10000 100000

For each size: dense index build time (exact flat vs HNSW), query latency of the dense search alone and of the
whole retrieval (dense + BM25 + fusion, confqa's own functions), recall@10 of HNSW against exact search, and the
memory the structures need. Exact search is the baseline measured in the same run. Vectors are a Gaussian
mixture (chunks of one topic are near each other, as in real notes); queries are chunk vectors with noise as large as the vectors themselves, so that near neighbours are not trivial."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine  # noqa: E402

from confqa.index.bm25 import Bm25Arrays  # noqa: E402
from confqa.index.build import build_dense_index  # noqa: E402
from confqa.models import IndexParameters  # noqa: E402
from confqa.search.fusion import fuse, top_indices  # noqa: E402
from confqa.settings import RetrievalSettings  # noqa: E402

DIM = 384
QUERIES = 100


def synthetic_vectors(n: int, rng: np.random.Generator) -> np.ndarray:
    topics = rng.normal(size=(max(16, n // 200), DIM)).astype(np.float32)
    vectors = np.empty((n, DIM), dtype=np.float32)
    step = 100_000
    for start in range(0, n, step):
        count = min(step, n - start)
        chosen = topics[rng.integers(0, len(topics), size=count)]
        block = chosen + rng.normal(scale=0.9, size=(count, DIM)).astype(np.float32)
        vectors[start:start + count] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return vectors


def synthetic_bm25(n: int, rng: np.random.Generator, folder: Path) -> tuple[Bm25Arrays, list[str]]:
    import bm25s

    vocabulary = [f"w{i}" for i in range(30_000)]
    ranks = np.arange(1, len(vocabulary) + 1)
    probabilities = (1 / ranks) / (1 / ranks).sum()  # Zipf, like words in text
    corpus = []
    for start in range(0, n, 100_000):
        count = min(100_000, n - start)
        ids = rng.choice(len(vocabulary), size=(count, 60), p=probabilities)
        corpus.extend([[vocabulary[i] for i in row] for row in ids])
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)
    retriever.save(str(folder), show_progress=False)
    return Bm25Arrays(folder), vocabulary


def measure(n: int, seed: int = 0) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    vectors = synthetic_vectors(n, rng)
    generate_seconds = time.perf_counter() - started
    result: dict[str, float] = {"chunks": n, "generate_s": generate_seconds}
    queries = vectors[rng.integers(0, n, size=QUERIES)] + rng.normal(scale=0.05, size=(QUERIES, DIM)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)

    timings, truth = [], []
    for q in queries:
        t = time.perf_counter()
        ids = top_indices(np.asarray(vectors @ q, dtype=np.float32), 10)  # the exact scan LocalBackend runs
        timings.append(time.perf_counter() - t)
        truth.append(set(ids.tolist()))
    result["flat_query_ms"] = statistics.median(timings) * 1000

    t = time.perf_counter()
    hnsw = build_dense_index(vectors, "hnsw", IndexParameters())
    result["hnsw_build_s"] = time.perf_counter() - t
    timings, recalls = [], []
    for q, expected in zip(queries, truth):
        t = time.perf_counter()
        _, ids = hnsw.search(q[None, :], 10)
        timings.append(time.perf_counter() - t)
        recalls.append(len(set(ids[0].tolist()) & expected) / 10)
    result["hnsw_query_ms"] = statistics.median(timings) * 1000
    result["hnsw_recall@10"] = float(np.mean(recalls))
    result["vectors_mb"] = vectors.nbytes / 2**20
    result["hnsw_graph_mb"] = n * 32 * 2 * 4 / 2**20  # M=32 links per node on layer 0 (4-byte ids), upper layers are small

    with tempfile.TemporaryDirectory() as folder:
        t = time.perf_counter()
        bm25, vocabulary = synthetic_bm25(n, rng, Path(folder))
        result["bm25_build_s"] = time.perf_counter() - t
        result["bm25_mb"] = (bm25.data.nbytes + bm25.indices.nbytes + bm25.indptr.nbytes) / 2**20
        settings = RetrievalSettings()
        exact_scan = n <= IndexParameters().exact_search_limit
        totals = []
        for q in queries:
            words = [vocabulary[i] for i in rng.integers(20, 3000, size=5)]
            t = time.perf_counter()
            if exact_scan:
                all_scores = np.asarray(vectors @ q, dtype=np.float32)
                dense = {int(i): float(all_scores[i]) for i in top_indices(all_scores, settings.candidates)}
            else:
                scores, ids = hnsw.search(q[None, :], settings.candidates)
                dense = {int(i): float(v) for i, v in zip(ids[0], scores[0]) if i >= 0}
            lexical = bm25.get_scores(words)
            order = [int(i) for i in top_indices(lexical, settings.candidates) if lexical[i] > 0]
            fused, _ = fuse([(list(dense), dense, 1.0), (order, {i: float(lexical[i]) for i in order}, 1.5),
                             ([], {}, 0.0)], settings, {})
            sorted(fused, key=lambda i: -fused[i])[:10]
            totals.append(time.perf_counter() - t)
        result["retrieval_ms"] = statistics.median(totals) * 1000
        result["dense_index"] = 0.0 if exact_scan else 1.0
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    rows = []
    for n in args.sizes:
        row = measure(n)
        rows.append(row)
        print(json.dumps({k: round(v, 3) for k, v in row.items()}), flush=True)
    print()
    print("| chunks | dense index used | retrieval (dense+BM25+fusion) ms | exact search ms | HNSW search ms | speed-up | "
          "HNSW recall@10 | HNSW build s | BM25 build s | vectors MB | HNSW graph MB | BM25 MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {int(r['chunks']):,} | {'HNSW' if r['dense_index'] else 'exact'} | {r['retrieval_ms']:.1f} | "
              f"{r['flat_query_ms']:.2f} | {r['hnsw_query_ms']:.2f} | {r['flat_query_ms'] / r['hnsw_query_ms']:.1f}× | "
              f"{r['hnsw_recall@10']:.3f} | {r['hnsw_build_s']:.1f} | {r['bm25_build_s']:.1f} | {r['vectors_mb']:.0f} | "
              f"{r['hnsw_graph_mb']:.0f} | {r['bm25_mb']:.0f} |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
