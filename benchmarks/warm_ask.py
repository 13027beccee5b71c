"""Warm `ask` through the Python API: median latency per question over the evaluation questions, extractive
answer included, against a warm llama-index retriever (same model, VectorStoreIndex) on the same questions.

    python benchmarks/warm_ask.py [--passes 3]"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, machine  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    os.chdir(REPO)
    import confqa
    from confqa.evaluation import llama_index_system, load_evalset

    questions = [q.question for q in load_evalset(REPO / "evals" / "questions.jsonl")]
    assistant = confqa.Assistant()
    assistant.ask(questions[0])  # open the index and load the model
    baseline = llama_index_system(REPO / "corpus", k=5)
    baseline(questions[0])
    ours: dict[str, list[float]] = {q: [] for q in questions}
    theirs: dict[str, list[float]] = {q: [] for q in questions}
    for _ in range(args.passes):
        for question in questions:
            t = time.perf_counter()
            assistant.ask(question)
            ours[question].append(time.perf_counter() - t)
            t = time.perf_counter()
            baseline(question)
            theirs[question].append(time.perf_counter() - t)
    ours_median = statistics.median(statistics.median(v) for v in ours.values()) * 1000
    theirs_median = statistics.median(statistics.median(v) for v in theirs.values()) * 1000
    slowest = max(statistics.median(v) for v in ours.values()) * 1000
    print(f"machine: {machine()}")
    print(f"{len(questions)} questions x {args.passes} passes")
    print(f"confqa ask (warm, answer included): median {ours_median:.1f} ms per question, slowest question {slowest:.1f} ms")
    print(f"llama-index retriever (warm, retrieval only): median {theirs_median:.1f} ms per question")
    print(f"ratio: {theirs_median / ours_median:.2f}x")


if __name__ == "__main__":
    main()
