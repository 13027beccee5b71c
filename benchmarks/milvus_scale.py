"""The milvus backend (Milvus Lite, in process) against the faiss backend on synthetic stores of the same size.

    python benchmarks/milvus_scale.py --sizes 100000
    python benchmarks/milvus_scale.py --sizes 1000000 --insert-budget 1200    # stops inserting after 20 minutes

For each size, both backends hold the same chunks: 384-d vectors (scale.py's Gaussian mixture), 60 Zipf-distributed
words of text, and scalar fields (doc, year, talk ids). Measured in the same run: query latency median and p95 of
the whole candidate step (dense top-50 + BM25 top-50 + confqa's min-max fusion), without a filter and with
`year == 2025` (half the chunks) pushed down; recall@10 of each backend's dense search against exact search;
insert throughput; memory (resident set growth of this process while the store is built and searched) and disk.
The faiss backend uses what confqa uses at that size: exact search up to 50,000 chunks, HNSW (M=32, efSearch 128)
above; BM25 from bm25s's arrays. The milvus backend uses confqa's collection schema and index choice (FLAT up to
50,000 chunks, HNSW above; SPARSE_INVERTED_INDEX with the BM25 function). With --insert-budget, a size whose insert
does not finish in time reports the insert throughput it reached and no query figures."""

from __future__ import annotations

import argparse
import atexit
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine  # noqa: E402
from scale import synthetic_vectors  # noqa: E402

from confqa.models import IndexParameters  # noqa: E402
from confqa.search.fusion import fuse, top_indices  # noqa: E402

PARAMETERS = IndexParameters()  # the defaults, as a new index records them
from confqa.settings import RetrievalSettings  # noqa: E402

DIM = 384
VOCABULARY = [f"w{i}" for i in range(30_000)]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def disk_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def synthetic_texts(n: int, rng: np.random.Generator) -> list[list[str]]:
    ranks = np.arange(1, len(VOCABULARY) + 1)
    probabilities = (1 / ranks) / (1 / ranks).sum()
    out: list[list[str]] = []
    for start in range(0, n, 100_000):
        ids = rng.choice(len(VOCABULARY), size=(min(100_000, n - start), 60), p=probabilities)
        out.extend([[VOCABULARY[i] for i in row] for row in ids])
    return out


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) * 1000


def faiss_side(vectors: np.ndarray, texts: list[list[str]], years: np.ndarray, queries: np.ndarray,
               query_words: list[list[str]], folder: Path) -> dict[str, float]:
    import bm25s
    import faiss

    from confqa.index.bm25 import Bm25Arrays
    from confqa.index.build import build_dense_index
    from confqa.index.store import _load_dense

    n = len(vectors)
    before = rss_mb()
    started = time.perf_counter()
    kind = "flat" if n <= PARAMETERS.exact_search_limit else "hnsw"
    np.save(folder / "embeddings.npy", vectors, allow_pickle=False)
    faiss.write_index(build_dense_index(vectors, kind, PARAMETERS), str(folder / "dense.faiss"))
    retriever = bm25s.BM25(k1=PARAMETERS.bm25_k1, b=PARAMETERS.bm25_b)
    retriever.index(texts, show_progress=False)
    retriever.save(str(folder / "bm25"), show_progress=False)
    build_s = time.perf_counter() - started
    del retriever
    chunk_vectors = np.load(folder / "embeddings.npy", mmap_mode="r", allow_pickle=False)
    dense = _load_dense(folder / "dense.faiss", chunk_vectors, kind, PARAMETERS.hnsw_ef_search, "")
    bm25 = Bm25Arrays(folder / "bm25")
    settings = RetrievalSettings()
    mask = years == 2025
    out: dict[str, float] = {"insert_per_s": n / build_s, "build_s": build_s}
    for label, use_mask in (("", False), ("_filtered", True)):
        timings, recall = [], []
        for q, words in zip(queries, query_words):
            t = time.perf_counter()
            if use_mask or n <= PARAMETERS.exact_search_limit:  # as retrieve(): a filter scans the allowed chunks exactly
                scores = np.asarray(chunk_vectors @ q, dtype=np.float32)
                if use_mask:
                    scores[~mask] = -np.inf
                order = top_indices(scores, settings.candidates)
                dense_hits = {int(i): float(scores[i]) for i in order}
            else:
                values, ids = dense.search(q[None, :], settings.candidates)
                dense_hits = {int(i): float(v) for i, v in zip(ids[0], values[0]) if i >= 0}
            lexical = bm25.get_scores(words)
            if use_mask:
                lexical[~mask] = 0
            lex_order = [int(i) for i in top_indices(lexical, settings.candidates) if lexical[i] > 0]
            fused, _ = fuse([(list(dense_hits), dense_hits, 1.0), (lex_order, {i: float(lexical[i]) for i in lex_order},
                             1.5), ([], {}, 0.0)], settings, {})
            sorted(fused, key=lambda i: -fused[i])[:10]
            timings.append(time.perf_counter() - t)
            recall.append(list(dense_hits)[:10])
        out[f"query_ms{label}"] = pct(timings, 50)
        out[f"query_p95_ms{label}"] = pct(timings, 95)
        out[f"_top10{label}"] = recall  # type: ignore[assignment]
    out["memory_mb"] = rss_mb() - before
    out["disk_mb"] = disk_mb(folder)
    return out


def milvus_side(vectors: np.ndarray, texts: list[list[str]], years: np.ndarray, queries: np.ndarray,
                query_words: list[list[str]], folder: Path, budget_s: float | None) -> dict[str, float]:
    from pymilvus import MilvusClient

    from confqa.index.milvus import _create_collection, index_type_for, lexical_text

    n = len(vectors)
    before = rss_mb()
    client = MilvusClient(str(folder / "bench.db"))
    index_type = index_type_for(n, PARAMETERS)
    _create_collection(client, "bench", DIM, index_type, lite=True, parameters=PARAMETERS)
    started = time.perf_counter()
    inserted = 0
    for start in range(0, n, 1000):
        stop = min(n, start + 1000)
        client.insert("bench", [{
            "id": f"c{i}", "doc": f"doc{i // 50}", "section": "", "text": "", "terms": lexical_text(texts[i]),
            "talk_ids": [f"t{i % 97}"], "speakers": [], "year": int(years[i]), "line_start": 1, "line_end": 2,
            "record_sha": "", "dense": vectors[i].tolist()} for i in range(start, stop)])
        inserted = stop
        if budget_s and time.perf_counter() - started > budget_s and inserted < n:
            seconds = time.perf_counter() - started
            client.close()
            return {"insert_per_s": inserted / seconds, "inserted": inserted, "insert_s": seconds, "complete": 0.0,
                    "memory_mb": rss_mb() - before, "disk_mb": disk_mb(folder)}
    client.flush("bench")
    client.load_collection("bench")
    insert_s = time.perf_counter() - started
    out: dict[str, float] = {"insert_per_s": n / insert_s, "insert_s": insert_s, "complete": 1.0,
                             "index_type_hnsw": float(index_type == "HNSW")}
    settings = RetrievalSettings()
    dense_params = {"metric_type": "IP", "params": {"ef": PARAMETERS.hnsw_ef_search}} if index_type == "HNSW" else {"metric_type": "IP"}
    # The first search of a sealed segment builds its in-memory indexes: time it apart.
    t = time.perf_counter()
    client.search("bench", data=[queries[0].tolist()], anns_field="dense", limit=10, search_params=dense_params)
    client.search("bench", data=[lexical_text(query_words[0])], anns_field="sparse", limit=10, search_params={})
    out["first_search_s"] = time.perf_counter() - t
    for label, expr in (("", ""), ("_filtered", "year == 2025")):
        timings, recall = [], []
        for q, words in zip(queries, query_words):
            t = time.perf_counter()
            dense = client.search("bench", data=[q.tolist()], anns_field="dense", limit=settings.candidates,
                                  filter=expr, output_fields=["id"], search_params=dense_params)[0]
            lexical = client.search("bench", data=[lexical_text(words)], anns_field="sparse", limit=settings.candidates,
                                    filter=expr, output_fields=["id"], search_params={})[0]
            dense_hits = {int(h["id"][1:]): float(h["distance"]) for h in dense}
            lex_hits = {int(h["id"][1:]): abs(float(h["distance"])) / (PARAMETERS.bm25_k1 + 1) for h in lexical}
            fused, _ = fuse([(list(dense_hits), dense_hits, 1.0), (list(lex_hits), lex_hits, 1.5), ([], {}, 0.0)],
                            settings, {})
            sorted(fused, key=lambda i: -fused[i])[:10]
            timings.append(time.perf_counter() - t)
            recall.append(sorted(dense_hits, key=lambda i: -dense_hits[i])[:10])
        out[f"query_ms{label}"] = pct(timings, 50)
        out[f"query_p95_ms{label}"] = pct(timings, 95)
        out[f"_top10{label}"] = recall  # type: ignore[assignment]
    out["memory_mb"] = rss_mb() - before
    client.close()
    out["disk_mb"] = disk_mb(folder)
    return out


def recall_at_10(found: list[list[int]], truth: list[list[int]]) -> float:
    return float(np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth)]))


def measure(n: int, queries_count: int, budget_s: float | None, backends: list[str], seed: int = 0) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    vectors = synthetic_vectors(n, rng)
    texts = synthetic_texts(n, rng)
    years = np.where(rng.random(n) < 0.5, 2025, 2024)
    queries = vectors[rng.integers(0, n, size=queries_count)] + rng.normal(
        scale=0.05, size=(queries_count, DIM)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    query_words = [[VOCABULARY[i] for i in rng.integers(20, 3000, size=5)] for _ in range(queries_count)]
    truth = [top_indices(np.asarray(vectors @ q, dtype=np.float32), 10).tolist() for q in queries]
    mask = years == 2025
    truth_filtered = []
    for q in queries:
        scores = np.asarray(vectors @ q, dtype=np.float32)
        scores[~mask] = -np.inf
        truth_filtered.append(top_indices(scores, 10).tolist())
    row: dict[str, object] = {"chunks": n, "queries": queries_count}
    for name, side in (("faiss", faiss_side), ("milvus", milvus_side)):
        if name not in backends:
            continue
        folder = Path(tempfile.mkdtemp(prefix=f"confqa-{name}-"))
        atexit.register(shutil.rmtree, folder, True)  # Milvus Lite may still write there after close()
        try:
            args = (vectors, texts, years, queries, query_words, folder)
            result = side(*args) if name == "faiss" else side(*args, budget_s)  # type: ignore[operator]
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        if "_top10" in result:
            result["recall@10"] = recall_at_10(result.pop("_top10"), truth)  # type: ignore[arg-type]
            result["recall@10_filtered"] = recall_at_10(result.pop("_top10_filtered"), truth_filtered)  # type: ignore[arg-type]
        row[name] = {k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()}
        print(json.dumps({"chunks": n, name: row[name]}), flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--insert-budget", type=float, default=None, help="Seconds; stop a Milvus insert after this.")
    parser.add_argument("--backends", nargs="+", default=["faiss", "milvus"], choices=["faiss", "milvus"],
                        help="Measure only these (scale.py has the faiss backend at 10^6 already).")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    rows = [measure(n, args.queries, args.insert_budget, args.backends) for n in args.sizes]
    print()
    print("| chunks | backend | query median ms | p95 ms | filtered median ms | filtered p95 ms | recall@10 | "
          "filtered recall@10 | insert chunks/s | memory MB | disk MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        for name in [b for b in ("faiss", "milvus") if b in row]:
            r: dict = row[name]  # type: ignore[assignment,type-arg]
            if r.get("complete", 1.0) == 0.0:
                print(f"| {row['chunks']:,} | {name} (insert stopped at {r['inserted']:,}) | — | — | — | — | — | — | "
                      f"{r['insert_per_s']:,.0f} | {r['memory_mb']:.0f} | {r['disk_mb']:.0f} |")
                continue
            print(f"| {row['chunks']:,} | {name} | {r['query_ms']:.1f} | {r['query_p95_ms']:.1f} | "
                  f"{r['query_ms_filtered']:.1f} | {r['query_p95_ms_filtered']:.1f} | {r['recall@10']:.3f} | "
                  f"{r['recall@10_filtered']:.3f} | {r['insert_per_s']:,.0f} | {r['memory_mb']:.0f} | {r['disk_mb']:.0f} |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
