"""Reliability round two, the index: repair hints that rebuild from the user's notes, a checksummed ONNX model,
generations kept for readers during rebuilds, and the failures of a build (disk full at the pointer, a kill during
the ONNX export, an empty folder) that must leave nothing behind."""

from __future__ import annotations

import errno
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.conftest import FIXTURE_CORPUS, copy_corpus

from confqa.cli import main
from confqa.errors import ConfqaError, IndexCorruptError
from confqa.index.build import build_index
from confqa.index.storage import ONNX_FILE, current_generation
from confqa.index.store import open_index
from confqa.settings import Settings

QUESTION = "What did Lovelace recommend for benchmarks?"


def _notes(tmp_path: Path) -> Path:
    return copy_corpus(FIXTURE_CORPUS, tmp_path / "my notes")


def _decoy_corpus(tmp_path: Path) -> Path:
    """What CONFQA_CORPUS_DIR (the default corpus) holds in these tests: a note that must never enter a custom
    index."""
    decoy = Path(os.environ["CONFQA_CORPUS_DIR"])
    decoy.mkdir(parents=True, exist_ok=True)
    (decoy / "shipped.md").write_text("# Shipped\n\nA shipped note about llamas in Lisbon.\n", encoding="utf-8")
    return decoy


def _hint(stderr: str, prefix: str) -> list[str]:
    """The command a message tells the user to run, as argv for the CLI (without the leading 'confqa')."""
    line = next(line for line in stderr.splitlines() if prefix in line)
    command = line.split(prefix, 1)[1].strip()
    argv = shlex.split(command)
    assert argv[0] == "confqa"
    return argv[1:]


def _docs(index_dir: Path) -> set[str]:
    return set(open_index(index_dir).manifest.documents)


# -- 1: every hint rebuilds from the notes the index was built from -------------------------------------------------
def test_refresh_hint_updates_from_the_users_notes_not_the_default_corpus(tmp_path: Path) -> None:
    runner = CliRunner()
    notes, decoy = _notes(tmp_path), _decoy_corpus(tmp_path)
    index_dir = tmp_path / "mine"
    assert runner.invoke(main, ["index", str(notes), "--index", str(index_dir)]).exit_code == 0
    expected = _docs(index_dir)
    (notes / "summit-2031.md").write_text((notes / "summit-2031.md").read_text() + "\nA new paragraph.\n")
    stale = runner.invoke(main, ["ask", QUESTION, "--index", str(index_dir)])
    argv = _hint(stale.stderr, "refresh it with:")
    refreshed = runner.invoke(main, argv)
    assert refreshed.exit_code == 0, refreshed.output
    assert _docs(index_dir) == expected and "shipped.md" not in _docs(index_dir)
    assert "changed: summit-2031.md" in refreshed.stdout
    assert (decoy / "shipped.md").is_file()  # the default corpus existed, and was not used


@pytest.mark.parametrize("damage", ["chunks.jsonl", "manifest.json", "CURRENT"])
def test_rebuild_hint_of_a_damaged_index_rebuilds_the_users_notes(tmp_path: Path, damage: str) -> None:
    runner = CliRunner()
    notes, _ = _notes(tmp_path), _decoy_corpus(tmp_path)
    index_dir = tmp_path / "mine"
    assert runner.invoke(main, ["index", str(notes), "--index", str(index_dir)]).exit_code == 0
    expected = _docs(index_dir)
    generation = current_generation(index_dir)
    target = index_dir / "CURRENT" if damage == "CURRENT" else generation / damage
    target.write_text("{ damaged" if damage != "CURRENT" else "../../etc\n")
    broken = runner.invoke(main, ["ask", QUESTION, "--index", str(index_dir)])
    assert broken.exit_code == 1
    argv = _hint(broken.stderr, "rebuild with:")
    assert "--index" in argv  # a hint without the index would rebuild the default one
    rebuilt = runner.invoke(main, argv)
    assert rebuilt.exit_code == 0, rebuilt.output
    assert _docs(index_dir) == expected
    again = runner.invoke(main, ["ask", QUESTION, "--index", str(index_dir), "--json"])
    assert again.exit_code == 0 and json.loads(again.stdout)["citations"]


def test_sources_are_recorded_absolute(tmp_path: Path, embedder, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    notes = _notes(tmp_path)
    monkeypatch.chdir(tmp_path)
    build_index([Path("my notes")], tmp_path / "idx", Settings(), lambda: embedder)
    assert json.loads((tmp_path / "idx" / "sources.json").read_text()) == [str(notes.resolve())]
    assert open_index(tmp_path / "idx").manifest.corpus_dirs == [str(notes.resolve())]


# -- 4: the ONNX question model is checksummed like every index file ----------------------------------------------
def _flip_bits(path: Path, count: int, seed: int = 7) -> bytes:
    import random

    original = path.read_bytes()
    data = bytearray(original)
    rng = random.Random(seed)
    for _ in range(count):
        position = rng.randrange(len(data))
        data[position] ^= 1 << rng.randrange(8)
    # Replace the file (not write in place): a hard link shares its bytes with the previous generation.
    path.unlink()
    path.write_bytes(bytes(data))
    return original


@pytest.mark.parametrize("damage", ["flipped bits", "truncated"])
def test_damaged_onnx_model_is_refused_and_the_hint_repairs_it(tmp_path: Path, embedder, damage: str) -> None:  # type: ignore[no-untyped-def]
    from confqa.api import Assistant

    notes = _notes(tmp_path)
    index_dir = tmp_path / "idx"
    build_index([notes], index_dir, Settings(), lambda: embedder)
    before = Assistant(str(index_dir), build_missing=False).ask(QUESTION)
    model = current_generation(index_dir) / ONNX_FILE
    if damage == "flipped bits":
        _flip_bits(model, 200)
    else:
        data = model.read_bytes()
        model.unlink()
        model.write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexCorruptError, match=r"model\.onnx was modified.*rebuild with: confqa index --index"):
        Assistant(str(index_dir), build_missing=False).ask(QUESTION)
    result = CliRunner().invoke(main, ["ask", QUESTION, "--index", str(index_dir)])
    assert result.exit_code == 1 and "model.onnx" in result.stderr
    repaired = CliRunner().invoke(main, _hint(result.stderr, "rebuild with:"))
    assert repaired.exit_code == 0, repaired.output
    after = Assistant(str(index_dir), build_missing=False).ask(QUESTION)
    assert after.model_dump() == before.model_dump()


def test_every_file_of_a_generation_corrupted_in_turn_is_refused(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    """Each file the manifest lists (the ONNX model included), damaged by one flipped bit, is refused when the
    index is opened or, for the model, when a question needs it; put back, the index answers again."""
    from confqa.api import Assistant

    index_dir = tmp_path / "idx"
    notes = _notes(tmp_path)
    build_index([notes], index_dir, Settings(), lambda: embedder)
    generation = current_generation(index_dir)
    files = sorted(open_index(index_dir).manifest.files)
    assert ONNX_FILE in files and "chunks.jsonl" in files and any(f.startswith("bm25/") for f in files)
    build_only = {"chunk_hashes.json", "sentence_hashes.json"}  # a reader never reads them
    assert build_only <= set(files)
    for name in files:
        if name in build_only:
            continue
        path = generation / name
        original = _flip_bits(path, 1, seed=len(name))
        with pytest.raises(IndexCorruptError, match=rf"{name.split('/')[-1]}.*(modified|checksum)"):
            Assistant(str(index_dir), build_missing=False).ask(QUESTION)
        path.unlink()
        path.write_bytes(original)
    assert Assistant(str(index_dir), build_missing=False).ask(QUESTION).citations
    # What only a build reads is checked by the next build: a damaged generation is rebuilt, its vectors not
    # trusted, even though no note changed.
    for name in sorted(build_only):
        _flip_bits(generation / name, 1, seed=len(name))
        report = build_index([notes], index_dir, Settings(), lambda: embedder)
        assert report.rebuilt and report.embedded_texts > 0
        generation = current_generation(index_dir)


# -- 7: readers are never broken by a rebuild --------------------------------------------------------------------
def test_rebuild_keeps_the_generation_that_was_current(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    from confqa.api import Assistant

    notes = _notes(tmp_path)
    index_dir = tmp_path / "idx"
    build_index([notes], index_dir, Settings(), lambda: embedder)
    first = current_generation(index_dir)
    reader = Assistant(str(index_dir), build_missing=False)
    reader.store  # noqa: B018 - opened before the rebuilds, question model not loaded yet
    build_index([notes], index_dir, Settings(), lambda: embedder, rebuild=True)
    second = current_generation(index_dir)
    assert second != first and first.is_dir()  # the previous generation stays for its readers
    build_index([notes], index_dir, Settings(), lambda: embedder, rebuild=True)
    assert not first.exists() and second.is_dir()  # two generations are kept, no more
    assert sorted(p.name for p in index_dir.glob("gen-*")) == sorted([second.name, current_generation(index_dir).name])
    # The reader's generation is gone from disk; what it opened (the model included) still answers.
    assert reader.ask(QUESTION).citations


def test_a_reader_that_loses_the_race_opens_the_new_generation(tmp_path: Path, embedder,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import confqa.index.store as store_module

    notes = _notes(tmp_path)
    index_dir = tmp_path / "idx"
    build_index([notes], index_dir, Settings(), lambda: embedder)
    real_open = store_module._open_generation
    calls: list[str] = []

    def open_after_two_rebuilds(index: Path, generation: Path):  # type: ignore[no-untyped-def]
        calls.append(generation.name)
        if len(calls) == 1:  # between reading CURRENT and opening its files, two rebuilds finish
            for _ in range(2):
                build_index([notes], index_dir, Settings(), lambda: embedder, rebuild=True)
            assert not generation.exists()
        return real_open(index, generation)

    monkeypatch.setattr(store_module, "_open_generation", open_after_two_rebuilds)
    store = open_index(index_dir)
    assert store.generation == current_generation(index_dir) and len(calls) == 2


def test_readers_in_4_processes_during_20_rebuilds_never_fail(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    notes = _notes(tmp_path)
    index_dir = tmp_path / "idx"
    build_index([notes], index_dir, Settings(), lambda: embedder)
    stop = tmp_path / "stop"
    reader_code = (
        "import pathlib, sys, traceback\n"
        "from confqa.api import Assistant\n"
        "asked = failed = 0\n"
        f"stop = pathlib.Path({str(stop)!r})\n"
        "while not stop.exists() or asked == 0:\n"
        "    try:\n"
        f"        answer = Assistant({str(index_dir)!r}, build_missing=False).ask({QUESTION!r})\n"
        "        assert answer.citations and answer.passages\n"
        "    except Exception:\n"
        "        failed += 1\n"
        "        traceback.print_exc()\n"
        "    asked += 1\n"
        "print(asked, failed)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFQA_")}
    readers = [subprocess.Popen([sys.executable, "-c", reader_code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=env) for _ in range(4)]
    try:
        for _ in range(20):
            build_index([notes], index_dir, Settings(), lambda: embedder, rebuild=True)
    finally:
        stop.touch()
    results = []
    for reader in readers:
        out, err = reader.communicate(timeout=300)
        assert reader.returncode == 0, err
        results.append(tuple(int(n) for n in out.split()))
    assert all(asked > 0 for asked, _ in results), results
    assert sum(failed for _, failed in results) == 0, results
    assert len(list(index_dir.glob("gen-*"))) == 2


# -- smaller: failures of a build leave nothing behind -----------------------------------------------------------
def test_disk_full_at_the_current_pointer_is_one_line_and_leaves_nothing(tmp_path: Path, embedder,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import builtins

    import confqa.index.build as indexing

    notes = _notes(tmp_path)
    index_dir = tmp_path / "idx"
    build_index([notes], index_dir, Settings(), lambda: embedder)
    before = current_generation(index_dir)
    real_open = builtins.open

    class Full:
        def __init__(self, handle) -> None:  # type: ignore[no-untyped-def]
            self.handle = handle

        def __enter__(self):  # type: ignore[no-untyped-def]
            return self

        def __exit__(self, *exc) -> None:  # type: ignore[no-untyped-def]
            self.handle.close()

        def write(self, text: str) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    def open_full(file, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
        handle = real_open(file, mode, *args, **kwargs)
        return Full(handle) if Path(file).name.startswith(".CURRENT.") else handle

    monkeypatch.setattr(indexing, "open", open_full, raising=False)
    with pytest.raises(ConfqaError, match="disk is full.*previous index is unchanged"):
        build_index([notes], index_dir, Settings(), lambda: embedder, rebuild=True)
    assert current_generation(index_dir) == before
    assert [p.name for p in index_dir.iterdir() if p.name.startswith(".CURRENT")] == []
    assert sorted(p.name for p in index_dir.glob("*gen-*")) == [before.name]  # the unused generation removed


def test_a_kill_during_the_onnx_export_leaks_no_file(tmp_path: Path) -> None:
    """SIGKILL a first build while it writes the ONNX export; the next build removes what the kill left."""
    notes = _notes(tmp_path)
    index_dir = tmp_path / "idx"
    code = ("from pathlib import Path\nfrom confqa.index.build import build_index\nfrom confqa.settings import Settings\n"
            "from confqa.embedding import default_embedder\n"
            f"build_index([Path({str(notes)!r})], Path({str(index_dir)!r}), Settings(), default_embedder)\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFQA_")}
    builder = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    exporting: list[Path] = []
    while not exporting and builder.poll() is None and time.monotonic() < deadline:
        exporting = [p for p in index_dir.rglob("*") if ".onnx." in p.name]
        time.sleep(0.005)
    builder.send_signal(signal.SIGKILL)
    builder.wait()
    assert exporting, "the build ended before its ONNX export was seen"
    assert current_generation(index_dir) is None  # killed before the switch: no index yet
    leftovers = [p for p in index_dir.rglob("*") if p.is_file() and p.name != ".lock"]
    assert leftovers  # what the kill left behind: the staging folder with the partial export
    result = CliRunner().invoke(main, ["index", str(notes), "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    generation = current_generation(index_dir)
    files = {p.relative_to(index_dir).as_posix() for p in index_dir.rglob("*") if p.is_file()}
    assert not [f for f in files if ".tmp" in f or f.startswith(".tmp-gen-")], files
    assert f"{generation.name}/{ONNX_FILE}" in files


def test_legacy_and_stale_files_beside_the_generations_are_collected(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    notes = _notes(tmp_path)
    index_dir = tmp_path / "idx"
    build_index([notes], index_dir, Settings(), lambda: embedder)
    dead_pid = 2 ** 22 + 1  # above Linux's pid_max default: no such process
    stale = [".model-0123456789abcdef.onnx.4242.tmp", "model-0123456789abcdef.onnx", f".CURRENT.{dead_pid}",
             f".sources.json.{dead_pid}"]
    for name in stale:
        (index_dir / name).write_bytes(b"x" * 1024)
    live = index_dir / ".CURRENT.1"  # a pointer that a live process (pid 1 always runs) is writing: kept
    live.write_text("gen-x\n")
    build_index([notes], index_dir, Settings(), lambda: embedder, rebuild=True)
    assert [name for name in stale if (index_dir / name).exists()] == []
    assert live.exists()


def test_failed_first_build_of_an_empty_folder_creates_no_index_folder(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    target = Path(os.environ["CONFQA_INDEX_ROOT"]) / "new"
    result = CliRunner().invoke(main, ["index", str(empty), "--index", "new"])
    assert result.exit_code == 1 and "no notes to index" in result.stderr
    assert not target.exists()
    # An existing index is never removed by a failed update.
    existing = tmp_path / "existing"
    existing.mkdir()
    (existing / "keep.txt").write_text("not ours")
    result = CliRunner().invoke(main, ["index", str(empty), "--index", str(existing)])
    assert result.exit_code == 1 and (existing / "keep.txt").exists()


def test_index_report_carries_and_prints_what_loading_repaired(tmp_path: Path) -> None:
    notes = _notes(tmp_path)
    (notes / "broken-bytes.md").write_bytes(b"# Broken\n\nA note with a bad byte \xff in the middle of it.\n")
    result = CliRunner().invoke(main, ["index", str(notes), "--index", str(tmp_path / "idx"), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert any("UTF-8" in notice for notice in report["notices"]["broken-bytes.md"])
    assert "broken-bytes.md" not in report["skipped"]
    printed = CliRunner().invoke(main, ["index", str(notes), "--index", str(tmp_path / "idx2")])
    assert any(line.startswith("confqa: warning: broken-bytes.md:") and "UTF-8" in line
               for line in printed.stderr.splitlines())
    shutil.rmtree(tmp_path / "idx2")
