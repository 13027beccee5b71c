"""Index build of the shipped corpus: a full build in a new process (chunks per second), the embedding
throughput alone, and a no-change re-index; against llama-index's VectorStoreIndex build with the same model
in the same run.

    python benchmarks/index_build.py [--runs 3]"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, machine, median, run_timed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as base:
        index = str(Path(base) / "bench-index")
        full, noop = [], []
        report: dict = {}
        for _ in range(args.runs):
            shutil.rmtree(index, ignore_errors=True)
            seconds, _, out = run_timed([python, "-m", "confqa", "index", "--index", index, "--json"])
            report = json.loads(out)
            full.append(seconds)
        for _ in range(max(args.runs, 10)):
            seconds, _, out = run_timed([python, "-m", "confqa", "index", "--index", index, "--json"])
            assert json.loads(out)["embedded_chunks"] == 0
            noop.append(seconds)
        baseline = []
        for _ in range(args.runs):
            folder = Path(base) / f"llama-{len(baseline)}"
            seconds, _, _ = run_timed([python, str(REPO / "benchmarks" / "llama_index_pipeline.py"), "build", str(folder)])
            baseline.append(seconds)
    chunks = report["chunks"]
    # Embedding throughput alone, model already loaded, the way the build batches.
    sys.path.insert(0, str(REPO / "src"))
    from confqa.embedding import default_embedder
    from confqa.index.store import open_index
    from confqa.ingest.chunking import embedding_text
    from confqa.settings import Settings

    store = open_index(REPO / "indexes" / "default")
    texts = sorted((embedding_text(c) for c in store.chunks), key=len, reverse=True)
    embedder = default_embedder()
    embedder.encode(texts[:16])
    t = time.perf_counter()
    embedder.encode(texts, batch_size=Settings().embedding_batch_size)
    embed_seconds = time.perf_counter() - t
    print(f"machine: {machine()}")
    print(f"full build ({report['documents']} notes, {chunks} chunks, {report['talks']} talks), new process, "
          f"model load and sentence vectors included: median {median(full):.1f} s = {chunks / median(full):.1f} chunks/s "
          f"(runs: {', '.join(f'{s:.1f}' for s in full)})")
    print(f"chunk embedding alone: {embed_seconds:.1f} s = {chunks / embed_seconds:.1f} chunks/s "
          f"(mean {sum(len(t) for t in texts) / len(texts):.0f} characters per chunk)")
    print(f"no-change re-index, new process: median {median(noop):.2f} s, 0 chunks embedded "
          f"(runs: {', '.join(f'{s:.2f}' for s in noop)})")
    print(f"llama-index VectorStoreIndex build, new process: median {median(baseline):.1f} s "
          f"(ratio confqa/llama-index {median(full) / median(baseline):.2f}; confqa also embeds every sentence)")


if __name__ == "__main__":
    main()
