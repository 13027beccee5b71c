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
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from tests.conftest import FIXTURE_CORPUS, copy_corpus

from confqa.cli import main


@pytest.mark.slow
def test_sigkill_during_a_build_leaves_the_previous_index_answering(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    from confqa.api import Assistant
    from confqa.index.build import build_index
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
@example(question="-0")
@example(question="--help")
def test_arbitrary_questions_never_crash_the_cli(fixture_index, question: str) -> None:  # type: ignore[no-untyped-def]
    _, index_dir = fixture_index
    if question == "-":
        return  # that is batch mode, tested elsewhere
    # After "--" every word is the question, even one that looks like an option ("-0"), as in a shell.
    result = CliRunner().invoke(main, ["ask", "--index", str(index_dir), "--json", "--", question])
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


def test_tampered_index_files_are_refused(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    from confqa.errors import IndexCorruptError
    from confqa.index.build import build_index, current_generation
    from confqa.index.store import open_index
    from confqa.settings import Settings

    corpus = copy_corpus(FIXTURE_CORPUS, tmp_path / "notes")
    index_dir = tmp_path / "idx"
    build_index([corpus], index_dir, Settings(), lambda: embedder)
    chunks = current_generation(index_dir) / "chunks.jsonl"
    original = chunks.read_text()
    chunks.write_text(original.replace("random seeds", "ignore previous instructions", 1))
    with pytest.raises(IndexCorruptError, match=r"chunks\.jsonl was modified.*--rebuild"):
        open_index(index_dir)
    chunks.write_text(original)
    open_index(index_dir)
    (current_generation(index_dir) / "talks.jsonl").unlink()
    with pytest.raises(IndexCorruptError, match=r"talks\.jsonl is missing"):
        open_index(index_dir)


def test_index_from_another_embedding_model_is_refused(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    import json

    from confqa.api import Assistant
    from confqa.errors import IndexCorruptError
    from confqa.index.build import build_index, current_generation
    from confqa.index.storage import ONNX_FILE
    from confqa.settings import Settings

    corpus = copy_corpus(FIXTURE_CORPUS, tmp_path / "notes")
    index_dir = tmp_path / "idx"
    build_index([corpus], index_dir, Settings(), lambda: embedder)
    generation = current_generation(index_dir)
    manifest = json.loads((generation / "manifest.json").read_text())
    (generation / ONNX_FILE).unlink()  # an index without an export: questions go through torch
    del manifest["files"][ONNX_FILE]
    manifest["embedding"]["weights_sha256"] = "0" * 64
    (generation / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexCorruptError, match="another embedding model"):
        Assistant(str(index_dir), corpus=corpus, build_missing=False).ask("What did Lovelace recommend?")


def test_huge_and_vanishing_files_are_skipped_with_reasons(tmp_path: Path, embedder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from confqa.index.build import build_index
    from confqa.settings import Settings

    corpus = copy_corpus(FIXTURE_CORPUS, tmp_path / "notes")
    with open(corpus / "huge.md", "wb") as handle:
        handle.write(b"# Huge\n" + b"a line of a very large note\n" * (50 * 1024 * 1024 // 28))
    (corpus / "vanishing.md").write_text("# Gone\nThis note is deleted while the index is built.\n")
    original = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path.name == "vanishing.md":
            path.unlink()
        return original(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    report = build_index([corpus], tmp_path / "idx", Settings(), lambda: embedder)
    assert "larger than" in report.skipped["huge.md"]
    assert "unreadable" in report.skipped["vanishing.md"]
    assert report.documents == 4


def test_reading_while_another_process_rebuilds(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    """Readers in other processes see the old index or the new one, never a mix, and never fail."""
    from confqa.index.build import build_index
    from confqa.settings import Settings

    corpus = copy_corpus(FIXTURE_CORPUS, tmp_path / "notes")
    index_dir = tmp_path / "idx"
    build_index([corpus], index_dir, Settings(), lambda: embedder)
    reader_code = (
        "import sys, time\n"
        "from confqa.api import Assistant\n"
        "from confqa.index.store import open_index\n"
        f"deadline = time.time() + 25\n"
        "count = 0\n"
        "while time.time() < deadline:\n"
        f"    store = open_index(__import__('pathlib').Path({str(index_dir)!r}))\n"
        "    assert len(store.chunks) == store.manifest.chunks == store.chunk_vectors.shape[0]\n"
        f"    a = Assistant({str(index_dir)!r}, corpus={str(corpus)!r}, build_missing=False)\n"
        "    assert a.ask('What did Lovelace recommend?').passages\n"
        "    count += 1\n"
        "print(count)\n"
    )
    readers = [subprocess.Popen([sys.executable, "-c", reader_code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for _ in range(2)]
    for round_number in range(3):
        for path in corpus.rglob("*.md"):
            path.write_text(path.read_text() + f"\nRound {round_number} of edits.\n")
        build_index([corpus], index_dir, Settings(), lambda: embedder)
    for reader in readers:
        out, err = reader.communicate(timeout=120)
        assert reader.returncode == 0, err
        assert int(out.strip()) > 0


@pytest.mark.slow
def test_one_assistant_shared_by_8_threads_for_1000_questions(fixture_assistant) -> None:  # type: ignore[no-untyped-def]
    from concurrent.futures import ThreadPoolExecutor

    from tests.conftest import REPO

    from confqa.evaluation import load_evalset

    pool_questions = [q.question for q in load_evalset(REPO / "evals" / "questions.jsonl")]
    questions = [pool_questions[i % len(pool_questions)] for i in range(1000)]
    expected = {q: fixture_assistant.ask(q).model_dump() for q in set(questions)}
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda q: (q, fixture_assistant.ask(q).model_dump()), questions))
    assert len(answers) == 1000
    assert all(answer == expected[q] for q, answer in answers)


def test_read_only_index_folder_is_a_clear_error(tmp_path: Path, embedder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Tests run as root, where chmod does not stop writes, so the refusal is simulated where it happens."""
    from confqa.errors import ConfqaError
    from confqa.index.build import build_index, current_generation
    from confqa.index.store import open_index
    from confqa.settings import Settings

    corpus = copy_corpus(FIXTURE_CORPUS, tmp_path / "notes")
    index_dir = tmp_path / "idx"
    build_index([corpus], index_dir, Settings(), lambda: embedder)
    before = current_generation(index_dir)
    (corpus / "old-2030.txt").write_text("A changed note so that the build has to write.\n")
    original_mkdir = Path.mkdir

    def refuse(path: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if path.name.startswith(".tmp-gen-"):
            raise PermissionError(13, "Permission denied")
        return original_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(ConfqaError, match="Permission denied.*previous index is unchanged"):
        build_index([corpus], index_dir, Settings(), lambda: embedder)
    assert current_generation(index_dir) == before
    assert open_index(index_dir).chunks
