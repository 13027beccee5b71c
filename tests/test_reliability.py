"""Faults and hostile input: a killed indexer, concurrent builders, arbitrary questions through the CLI."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from confqa.cli import main
from tests.conftest import FIXTURE_CORPUS, copy_corpus


@pytest.mark.slow
def test_sigkill_during_a_build_leaves_the_previous_index_answering(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    from confqa.api import Assistant
    from confqa.indexing import build_index
    from confqa.settings import Settings

    corpus = copy_corpus(FIXTURE_CORPUS, tmp_path / "notes")
    index_dir = tmp_path / "idx"
    build_index([corpus], index_dir, Settings(), lambda: embedder)
    question = "What did Lovelace recommend?"
    before = Assistant(str(index_dir), corpus=corpus, build_missing=False, embedder=embedder).ask(question)
    # Change every note so that a rebuild has real work to do, then kill it at several points.
    for path in corpus.rglob("*.md"):
        path.write_text(path.read_text() + "\nAn added closing line for the rebuild.\n")
    env = {**os.environ, "CONFQA_DEBUG": ""}
    for delay in (0.5, 3.0, 6.0, 9.0):
        process = subprocess.Popen([sys.executable, "-m", "confqa", "index", str(corpus), "--index", str(index_dir)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        after = Assistant(str(index_dir), corpus=corpus, build_missing=False, embedder=embedder)
        answer = after.ask(question)
        if "added closing line" not in " ".join(p.text for p in after.retrieve("added closing line", 10)):
            # Still the previous index (the kill came before the switch): it answers exactly as before.
            assert answer.model_dump(exclude={"notices"}) == before.model_dump(exclude={"notices"})
    finished = subprocess.run([sys.executable, "-m", "confqa", "index", str(corpus), "--index", str(index_dir)],
                              capture_output=True, text=True, env=env)
    assert finished.returncode == 0, finished.stderr
    final = Assistant(str(index_dir), corpus=corpus, build_missing=False, embedder=embedder)
    assert any("added closing line" in p.text for p in final.retrieve("added closing line", 10))
    assert not [p for p in index_dir.iterdir() if p.name.startswith(".tmp-")]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(question=st.text(min_size=0, max_size=300))
def test_arbitrary_questions_never_crash_the_cli(fixture_index, question: str) -> None:  # type: ignore[no-untyped-def]
    _, index_dir = fixture_index
    if question == "-":
        return  # that is batch mode, tested elsewhere
    result = CliRunner().invoke(main, ["ask", question, "--index", str(index_dir), "--json"])
    assert result.exit_code in (0, 2), (question, result.output)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert "empty" in result.output


def test_batch_mode_reports_bad_lines_and_goes_on(fixture_index) -> None:  # type: ignore[no-untyped-def]
    import json

    _, index_dir = fixture_index
    result = CliRunner().invoke(main, ["ask", "-", "--index", str(index_dir)],
                                input="\x00\x01\nWhat did Lovelace recommend?\n")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0].get("error") and "empty" in lines[0]["error"]
    assert lines[1]["question"] == "What did Lovelace recommend?"
