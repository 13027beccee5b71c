"""`confqa serve` under load: N questions from C concurrent clients over loopback, every answer checked against
`confqa ask --json` for the same question on the same index generation; then the same load with the index
rebuilt in the middle (a note added: `confqa index` starts after a third of the requests, and the load goes on
until as many again were sent after the switch), where every request must succeed and every answer must be the
one of the generation that the server says answered it (X-Confqa-Generation).

    python benchmarks/serve_load.py [--requests 1000] [--clients 32]

The expected answers come from `confqa ask - --index DIR` (one JSON line per question, the CLI's own code path).
Baselines in the same run: one client asking the same questions one after another, and the warm in-process
`Assistant.ask` (benchmarks/warm_ask.py's measure) on the same questions."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from common import REPO, machine  # noqa: E402

from serving import running_server  # noqa: E402

ADDED_NOTE = """---
title: Late additions to the NeurIPS 2025 notes
date: 2025-12-12
---

# Late additions to the NeurIPS 2025 notes

## Invited talk: Measuring what matters in agent benchmarks

**Speaker:** Priya Raman

Raman argued that agent benchmarks should report the cost of every run next to its score, and that a benchmark
without a held-out split measures memorisation rather than skill.
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    os.chdir(REPO)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFQA_")}
    questions = sorted({json.loads(line)["question"] for line in
                        (REPO / "evals" / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line})
    rng = random.Random(args.seed)
    load = [questions[i % len(questions)] for i in range(args.requests)]
    rng.shuffle(load)
    work = Path(tempfile.mkdtemp(prefix="confqa-serve-load-"))
    try:
        corpus = work / "corpus"
        shutil.copytree(REPO / "corpus", corpus)
        index_dir = work / "index"
        _confqa(["index", str(corpus), "--index", str(index_dir)], env)
        expected = {_generation(index_dir): _expected(index_dir, questions, env)}
        server_env = {**env, "CONFQA_SERVE__RATE_PER_MINUTE": "0"}
        with running_server(index_dir, "--no-access-log", env=server_env) as base:
            sequential = _run(base, questions, clients=1)
            steady = _run(base, load, clients=args.clients)
            (corpus / "late-additions.md").write_text(ADDED_NOTE, encoding="utf-8")
            rebuild = _RebuildMidway(index_dir, corpus, env, after=len(load) // 3)
            during = _run(base, load, clients=args.clients, on_progress=rebuild.maybe_start, more=rebuild.more)
            rebuild.wait()
        expected[_generation(index_dir)] = _expected(index_dir, questions, env)
        in_process = _in_process(index_dir, questions)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"# confqa serve under load: {args.requests} questions, {args.clients} clients, {machine()}")
    print(f"# {len(questions)} distinct questions (evals/questions.jsonl); answers compared with `confqa ask -`")
    for name, result in [("one client, sequential (baseline)", sequential), ("steady", steady),
                         ("rebuild in the middle", during)]:
        print(_row(name, result, expected))
    print(f"in-process warm Assistant.ask (baseline): median {in_process * 1000:.1f} ms per question")
    print(f"rebuild: {rebuild.seconds:.1f} s, started after {rebuild.after} requests, switched after "
          f"{rebuild.switched_at}; generations answering: "
          + ", ".join(f"{g}: {n}" for g, n in sorted(during.generations().items())))
    failures = sum(r.failures(expected) for r in (sequential, steady, during))
    if failures:
        raise SystemExit(f"{failures} requests failed or differed from `confqa ask --json`")


class Result:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.replies: list[tuple[str, int, str, Any]] = []  # question, status, generation, answer
        self.seconds = 0.0

    def generations(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for _, _, generation, _ in self.replies:
            counts[generation] = counts.get(generation, 0) + 1
        return counts

    def failures(self, expected: dict[str, dict[str, Any]]) -> int:
        bad = 0
        for question, status, generation, answer in self.replies:
            if status != 200 or generation not in expected or expected[generation].get(question) != answer:
                bad += 1
        return bad


def _row(name: str, result: Result, expected: dict[str, dict[str, Any]]) -> str:
    latencies = sorted(result.latencies)

    def percentile(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(round(p / 100 * (len(latencies) - 1))))] * 1000

    identical = len(result.replies) - result.failures(expected)
    return (f"{name}: {len(result.replies)} requests in {result.seconds:.1f} s = {len(result.replies) / result.seconds:.1f}"
            f" req/s; latency p50 {percentile(50):.1f} ms, p95 {percentile(95):.1f} ms, p99 {percentile(99):.1f} ms; "
            f"identical to the CLI: {identical}/{len(result.replies)}")


def _run(base: str, load: list[str], clients: int, on_progress: Any = None, more: Any = None) -> Result:
    """Each client thread keeps one HTTP/1.1 connection and takes the next question until none is left (or, with
    `more`, until more(done) says to stop: the load goes round again)."""
    host, port = base.removeprefix("http://").split(":")
    result = Result()
    lock = threading.Lock()
    position = [0]

    def client() -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=300)
        while True:
            with lock:
                if (position[0] >= len(load)) if more is None else not more(position[0]):
                    break
                question = load[position[0] % len(load)]
                position[0] += 1
            body = json.dumps({"question": question})
            started = time.perf_counter()
            connection.request("POST", "/api/ask", body=body, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            data = response.read()
            elapsed = time.perf_counter() - started
            answer = json.loads(data) if response.status == 200 else data.decode("utf-8", "replace")
            with lock:
                result.latencies.append(elapsed)
                result.replies.append((question, response.status, response.getheader("X-Confqa-Generation", ""),
                                       answer))
                done = len(result.replies)
            if on_progress is not None:
                on_progress(done)
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result


class _RebuildMidway:
    """Runs `confqa index` (an update: the added note is embedded, the CURRENT pointer switched) once `after`
    requests have been answered; the load goes on until `after` more requests were sent after the switch."""

    def __init__(self, index_dir: Path, corpus: Path, env: dict[str, str], after: int) -> None:
        self.index_dir, self.corpus, self.env, self.after = index_dir, corpus, env, after
        self.seconds = 0.0
        self.switched_at: int | None = None
        self._sent = 0
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def more(self, sent: int) -> bool:
        self._sent = sent
        return self.switched_at is None or sent < self.switched_at + self.after

    def maybe_start(self, done: int) -> None:
        with self._lock:
            if self._thread is None and done >= self.after:
                self._thread = threading.Thread(target=self._rebuild)
                self._thread.start()

    def _rebuild(self) -> None:
        started = time.perf_counter()
        _confqa(["index", str(self.corpus), "--index", str(self.index_dir)], self.env)
        self.seconds = time.perf_counter() - started
        self.switched_at = self._sent

    def wait(self) -> None:
        if self._thread is None:
            raise SystemExit("the load ended before the rebuild started: use more requests")
        self._thread.join()


def _confqa(args: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "confqa", *args], input=stdin, capture_output=True, text=True,
                          env=env, cwd=REPO)
    if done.returncode != 0:
        raise SystemExit(f"confqa {' '.join(args)} failed: {done.stderr.strip()[-500:]}")
    return done.stdout


def _expected(index_dir: Path, questions: list[str], env: dict[str, str]) -> dict[str, Any]:
    """`confqa ask -`: one JSON line per question, from the CLI's own code path."""
    out = _confqa(["ask", "-", "--index", str(index_dir)], env, stdin="\n".join(questions) + "\n")
    answers = [json.loads(line) for line in out.splitlines() if line]
    return {q: a for q, a in zip(questions, answers)}


def _generation(index_dir: Path) -> str:
    return (index_dir / "CURRENT").read_text(encoding="utf-8").strip()


def _in_process(index_dir: Path, questions: list[str]) -> float:
    from confqa.api import Assistant

    assistant = Assistant(str(index_dir), build_missing=False)
    assistant.warm()
    times = []
    for question in questions:
        started = time.perf_counter()
        assistant.ask(question)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


if __name__ == "__main__":
    main()
