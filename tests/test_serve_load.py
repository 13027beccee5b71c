"""The load benchmark of `confqa serve` as a test (slow tier): 1,000 questions from 32 concurrent clients over
loopback against a real server, every answer identical to `confqa ask -` on the same index generation, then the
same load with `confqa index` adding a note in the middle, where no request may fail and every answer must be
the one of the generation that answered it. The script exits non-zero on any failed or differing request; its
timings are reported, never asserted (BENCHMARKS.md, row 10)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="confqa serve needs the serve extra: pip install 'confqa[serve]'")

BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "serve_load.py"


@pytest.mark.slow
def test_a_thousand_questions_from_32_clients_match_the_cli_even_through_a_rebuild() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFQA_")}
    done = subprocess.run([sys.executable, str(BENCHMARK), "--requests", "1000", "--clients", "32"],
                          capture_output=True, text=True, env=env, timeout=1800)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    rows = {line.split(":")[0]: line for line in done.stdout.splitlines()}
    steady = re.search(r"(\d+) requests .* identical to the CLI: (\d+)/(\d+)", rows["steady"])
    assert steady and steady.group(1) == steady.group(2) == steady.group(3) == "1000"
    during = re.search(r"(\d+) requests .* identical to the CLI: (\d+)/(\d+)", rows["rebuild in the middle"])
    assert during and during.group(1) == during.group(2) == during.group(3)
    generations = re.findall(r"gen-[\w-]+: (\d+)", rows["rebuild"])
    assert len(generations) == 2 and all(int(n) > 0 for n in generations)  # both generations answered
