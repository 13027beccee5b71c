"""Cold `confqa ask`: a new process per question, index already built, against a plain llama-index pipeline
(VectorStoreIndex over FAISS, same model) answering the same question in a new process, in the same run.

    python benchmarks/cold_ask.py [--runs 10]

Prints the median wall time and peak RSS of each, and their ratio. Runs alternate between the two so that
noise on this shared machine hits both alike."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, machine, median, run_timed  # noqa: E402

QUESTION = "what did Mitchell recommend"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    python = sys.executable
    confqa = [python, "-m", "confqa", "ask", QUESTION]
    run_timed([python, "-m", "confqa", "index"])  # build if needed (not timed)
    run_timed(confqa)  # warm the OS file cache for both sides
    with tempfile.TemporaryDirectory() as folder:
        pipeline = str(REPO / "benchmarks" / "llama_index_pipeline.py")
        run_timed([python, pipeline, "build", folder])
        baseline = [python, pipeline, "ask", folder, QUESTION]
        run_timed(baseline)
        ours, theirs = [], []
        for _ in range(args.runs):
            ours.append(run_timed(confqa)[:2])
            theirs.append(run_timed(baseline)[:2])
    ours_s, theirs_s = median([o[0] for o in ours]), median([t[0] for t in theirs])
    ours_mb, theirs_mb = median([o[1] for o in ours]), median([t[1] for t in theirs])
    print(f"machine: {machine()}")
    print(f"question: {QUESTION!r}, {args.runs} runs each, alternating")
    print(f"confqa ask (cold):            median {ours_s:.3f} s, peak RSS {ours_mb:.0f} MB "
          f"(runs: {', '.join(f'{o[0]:.2f}' for o in ours)})")
    print(f"llama-index pipeline (cold):  median {theirs_s:.3f} s, peak RSS {theirs_mb:.0f} MB "
          f"(runs: {', '.join(f'{t[0]:.2f}' for t in theirs)})")
    print(f"speed-up: {theirs_s / ours_s:.1f}x faster; memory: {theirs_mb / ours_mb:.1f}x less")


if __name__ == "__main__":
    main()
