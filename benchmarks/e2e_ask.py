"""Asking through the product at scale: open time, cold `confqa ask`, warm ask, memory and dense recall on one
index, each timing in new processes (medians), questions drawn from the index's own talk catalogue.

    python benchmarks/e2e_ask.py benchmarks/.e2e-scale/n100000/index
    python benchmarks/e2e_ask.py benchmarks/.e2e-scale/tiled-1e6/index --json results.json

Indexes: `benchmarks/e2e_scale.py` writes synthetic notes and builds them with confqa's own build (10^4 and 10^5
chunks); `benchmarks/tile_index.py` writes 10^6 chunks as ten copies of the 10^5 index, in the same format.

Targets at 10^6 chunks (issue "one search core"): open ≤ 1 s, cold ask ≤ 2 s, warm ask ≤ 50 ms, peak memory
beyond memory-mapped files ≤ 1.5 GB, recall@10 ≥ 0.95."""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

PYTHON = sys.executable
OPEN_RUNS = 5
COLD_RUNS = 3
WARM_QUESTIONS = 40
RECALL_QUERIES = 150
# Noise added to a chunk vector to make a query near it (vectors are unit length, 384 dimensions).
QUERY_NOISE = 0.5

OPEN_CODE = """
import sys, time
t = time.perf_counter()
from confqa.index.store import open_index
from pathlib import Path
t0 = time.perf_counter()
store = open_index(Path(sys.argv[1]))
print(time.perf_counter() - t0)
"""

# The CLI in this process, then its memory as the kernel counts it (memory-mapped files are RssFile).
MEMORY_CODE = """
import sys
from confqa.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
fields = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
import json
print(json.dumps({k: int(fields[k].split()[0]) // 1024 for k in ("VmHWM", "VmRSS", "RssAnon", "RssFile")}), file=sys.stderr)
"""

WARM_CODE = """
import json, sys, time
from confqa.api import Assistant
questions = json.loads(sys.argv[2])
assistant = Assistant(sys.argv[1], build_missing=False)
assistant.ask(questions[0])
times = []
for q in questions[1:]:
    t = time.perf_counter()
    assistant.ask(q)
    times.append(time.perf_counter() - t)
print(json.dumps(times))
"""


def questions_of(index_dir: Path, count: int, seed: int = 0) -> list[str]:
    """Questions that name a talk's speaker or title words, ask about its topic, or name a year."""
    generation = index_dir / (index_dir / "CURRENT").read_text().strip()
    rng = random.Random(seed)
    offsets = np.load(generation / "talks.offsets.npy")
    with open(generation / "talks.jsonl", "rb") as handle:
        data = handle.read(int(offsets[min(len(offsets) - 1, 5000)]))
    talks = [json.loads(line) for line in data.decode().splitlines()]
    talks = [t for t in talks if t.get("speakers") and len(t["title"].split()) >= 3]
    out = []
    while len(out) < count:
        talk = rng.choice(talks)
        speaker = talk["speakers"][0].split()[-1]
        words = [w for w in talk["title"].split() if len(w) > 3]
        topic = " ".join(rng.sample(words, min(2, len(words))))
        out.append(rng.choice([
            f"What did {speaker} recommend?", f"What did {speaker} say about {topic.lower()}?",
            f"Who presented the talk on {topic.lower()}?", f"How does {topic.lower()} work?",
            f"What was said about {topic.lower()} in 2024?", f"Which talks covered {topic.lower()}?",
        ]))
    return out


def run(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PYTHON, "-c", code, *args], capture_output=True, text=True, check=True, cwd="/")


def measure(index_dir: Path) -> dict[str, object]:
    from confqa.index.storage import read_manifest

    index_dir = index_dir.resolve()
    generation = index_dir / (index_dir / "CURRENT").read_text().strip()
    manifest = read_manifest(generation)
    result: dict[str, object] = {"chunks": manifest.chunks, "sentences": manifest.sentences,
                                 "talks": manifest.talks, "notes": len(manifest.documents),
                                 "dense_index": manifest.dense_index,
                                 "index_gb": sum(p.stat().st_size for p in generation.rglob("*") if p.is_file()) / 1e9}
    print(f"{manifest.chunks:,} chunks", file=sys.stderr)
    opens = [float(run(OPEN_CODE, str(index_dir)).stdout) for _ in range(OPEN_RUNS)]
    result["open_s"] = statistics.median(opens)
    cold_questions = questions_of(index_dir, 4, seed=1)
    cold = []
    for question in cold_questions:
        walls = []
        for _ in range(COLD_RUNS):
            started = time.perf_counter()
            done = subprocess.run([PYTHON, "-m", "confqa", "ask", question, "--index", str(index_dir), "--json"],
                                  capture_output=True, text=True, cwd="/")
            walls.append(time.perf_counter() - started)
            assert done.returncode == 0, done.stderr
            json.loads(done.stdout)
        cold.append(statistics.median(walls))
    filtered = subprocess.run([PYTHON, "-m", "confqa", "ask", cold_questions[0], "--year", "2024", "--index",
                               str(index_dir), "--json"], capture_output=True, text=True, cwd="/")
    assert filtered.returncode == 0, filtered.stderr
    result["cold_ask_s"] = {"median": statistics.median(cold), "slowest_question": max(cold),
                            "questions": cold_questions}
    memory = run(MEMORY_CODE, "ask", cold_questions[0], "--index", str(index_dir), "--json").stderr
    result["memory_mb"] = json.loads(memory.strip().splitlines()[-1])
    warm_questions = json.dumps(questions_of(index_dir, WARM_QUESTIONS + 1, 2))
    # Warm as found: after the cold runs, with whatever of the index the page cache holds (at 10^6 chunks the
    # index is 15 GB: a question about a talk not touched yet reads its sentence vectors from disk).
    warm = json.loads(run(WARM_CODE, str(index_dir), warm_questions).stdout)
    result["warm_ms"] = {"median": 1000 * statistics.median(warm),
                         "p95": 1000 * float(np.percentile(warm, 95))}
    # Warm with the page cache hot: every file of the generation read once first, as in a server that has run
    # for a while on a machine whose memory holds the index.
    read_through(generation)
    hot = json.loads(run(WARM_CODE, str(index_dir), warm_questions).stdout)
    result["warm_hot_ms"] = {"median": 1000 * statistics.median(hot),
                             "p95": 1000 * float(np.percentile(hot, 95))}
    result["recall@10"] = recall(index_dir)
    return result


def read_through(generation: Path) -> None:
    """Read every file of the generation once, so that the page cache holds it."""
    for path in sorted(generation.rglob("*")):
        if path.is_file():
            with open(path, "rb") as handle:
                while handle.read(1 << 24):
                    pass


def recall(index_dir: Path) -> float:
    """LocalBackend.dense (what `confqa ask` searches with) against an exact scan, queries near chunk vectors."""
    from confqa.index.store import open_index
    from confqa.search.filters import CompiledFilters
    from confqa.search.fusion import top_indices
    from confqa.search.local import LocalBackend

    store = open_index(index_dir)
    backend = LocalBackend(store)
    rng = np.random.default_rng(0)
    vectors = store.chunk_vectors
    found = []
    for row in rng.integers(0, store.size, size=RECALL_QUERIES):
        query = np.asarray(vectors[row], dtype=np.float32) + QUERY_NOISE * rng.standard_normal(
            vectors.shape[1]).astype(np.float32) / np.sqrt(vectors.shape[1])
        query /= np.linalg.norm(query)
        exact = set(top_indices(np.asarray(vectors @ query, dtype=np.float32), 10).tolist())
        got = {i for i, _ in backend.dense(query, 10, CompiledFilters())}
        found.append(len(exact & got) / 10)
    return float(np.mean(found))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("indexes", type=Path, nargs="+")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rows = [measure(i) for i in args.indexes]
    print("| chunks | talks | dense | index GB | open s | cold ask s (median; slowest question) | warm ms, page "
          "cache as found (median / p95) | warm ms, page cache hot (median / p95) | peak RSS MB | anonymous MB | "
          "file-backed MB | recall@10 |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        cold, warm, hot, memory = r["cold_ask_s"], r["warm_ms"], r["warm_hot_ms"], r["memory_mb"]
        print(f"| {r['chunks']:,} | {r['talks']:,} | {r['dense_index']} | {r['index_gb']:.2f} | {r['open_s']:.3f} | "
              f"{cold['median']:.2f}; {cold['slowest_question']:.2f} | {warm['median']:.1f} / {warm['p95']:.1f} | "  # type: ignore[index]
              f"{hot['median']:.1f} / {hot['p95']:.1f} | "  # type: ignore[index]
              f"{memory['VmHWM']:,} | {memory['RssAnon']:,} | {memory['RssFile']:,} | {r['recall@10']:.3f} |")  # type: ignore[index]
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
