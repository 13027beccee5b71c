"""Reliability round two, the command line: questions with colour codes, bytes that are not UTF-8, invisible
questions, empty --doc patterns, malformed and misspelt CONFQA_* variables, broken evaluation sets, a
--milvus-uri that is some other file, and file names that would drive the terminal. Each is one clear line and
the right exit code, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.conftest import FIXTURE_CORPUS, copy_corpus

from confqa.api import clean_question
from confqa.cli import main
from confqa.errors import ConfqaUsageError

QUESTION = "What did Lovelace recommend for benchmarks?"


def _confqa(args: list[str | bytes], stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """The real command in its own process: argv and stdin as raw bytes, as a shell hands them over."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFQA_")}
    env["PYTHONIOENCODING"] = ""  # the locale's own encoding, as in a user's shell
    return subprocess.run([sys.executable, "-m", "confqa", *args], input=stdin, capture_output=True, env=env,
                          timeout=300)


def _no_traceback(output: str | bytes) -> None:
    text = output.decode("utf-8", "replace") if isinstance(output, bytes) else output
    assert "Traceback" not in text, text


# -- 6: colour codes -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("wrapped", [
    f"\x1b[31m{QUESTION}\x1b[0m",                 # CSI colour, as `$'\e[31m…\e[0m'`
    f"\x1b[1;38;5;196m{QUESTION}\x1b[m",          # 256-colour CSI
    f"\x1b]0;title\x07{QUESTION}",                # OSC (window title) ended by BEL
    f"\x1b]8;;https://x\x1b\\{QUESTION}\x1b]8;;\x1b\\",  # OSC 8 hyperlink ended by ST
    f"\x9b31m{QUESTION}\x9b0m",                   # the 8-bit CSI
])
def test_a_question_in_colour_codes_is_the_question(fixture_assistant, wrapped: str) -> None:  # type: ignore[no-untyped-def]
    cleaned, notices = clean_question(wrapped)
    assert cleaned == QUESTION
    assert notices
    plain = fixture_assistant.ask(QUESTION)
    coloured = fixture_assistant.ask(wrapped)
    assert not coloured.abstained
    assert [c.quote for c in coloured.citations] == [c.quote for c in plain.citations]
    assert coloured.confidence == pytest.approx(plain.confidence)


# -- 8: bytes that are not UTF-8 ----------------------------------------------------------------------------------
def test_non_utf8_question_on_argv_is_answered(fixture_index) -> None:  # type: ignore[no-untyped-def]
    _, index_dir = fixture_index
    result = _confqa(["ask", b"What did Lovelace recommend \xff\xfe for benchmarks?", "--index", str(index_dir),
                      "--json"])
    _no_traceback(result.stderr)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert "\ufffd" in answer["question"] and "Lovelace" in answer["question"]
    assert any("not UTF-8" in notice for notice in answer["notices"])


def test_batch_mode_answers_every_line_whatever_its_bytes(fixture_index) -> None:  # type: ignore[no-untyped-def]
    _, index_dir = fixture_index
    lines = [b"What did Lovelace recommend?", b"\xff\xfe bad", b"", b"   ", b"\xe2\x80\x8b",
             b"\x1b[31mWho was on the robots panel?\x1b[0m", b"q2"]
    result = _confqa(["ask", "-", "--index", str(index_dir)], stdin=b"\n".join(lines) + b"\n")
    _no_traceback(result.stderr)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert len(out) == len(lines)  # one output line per input line, in order
    assert out[0]["question"] == "What did Lovelace recommend?" and "answer" in out[0]
    assert out[1]["question"] == "\ufffd\ufffd bad" and "answer" in out[1]
    for blank in (2, 3, 4):  # empty, spaces, a zero-width space: an error object each, with its line number
        assert out[blank]["error"] == "the question is empty" and out[blank]["line"] == blank + 1
    assert out[5]["question"] == "Who was on the robots panel?" and not out[5]["abstained"]
    assert out[6]["question"] == "q2"


def test_batch_mode_through_the_runner_keeps_blank_lines(runner: CliRunner, index_arg: list[str]) -> None:
    result = runner.invoke(main, ["ask", "-", *index_arg], input=b"What did Lovelace recommend?\n\nq\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [("error" in o) for o in out] == [False, True, False]


@pytest.mark.parametrize("question", ["\u200b\u200b", "\ufeff", "\u200d\u2060", "\x1b[31m\x1b[0m", " \t "])
def test_an_invisible_question_is_a_usage_error(runner: CliRunner, index_arg: list[str], question: str) -> None:
    with pytest.raises(ConfqaUsageError):
        clean_question(question)
    result = runner.invoke(main, ["ask", question, *index_arg])
    assert result.exit_code == 2, result.output
    assert "the question is empty" in result.stderr


# -- 9: --doc that names no note ------------------------------------------------------------------------------
@pytest.mark.parametrize("pattern", ["", ".", "./", " "])
def test_empty_doc_pattern_is_a_usage_error(runner: CliRunner, index_arg: list[str], pattern: str) -> None:
    result = runner.invoke(main, ["ask", QUESTION, "--doc", pattern, *index_arg])
    _no_traceback(result.output)
    assert result.exit_code == 2, result.output
    assert "names no note" in result.stderr and "summit-2031.md" in result.stderr


# -- 10: settings variables ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "value"), [
    ("CONFQA_RETRIEVAL", "{top_k"), ("CONFQA_CHUNKING", "abc"), ("CONFQA_ANSWER", "[1, 2]"),
    ("CONFQA_RETRIEVAL__TOP_K", "many"),
])
def test_malformed_settings_variable_is_a_usage_error(runner: CliRunner, monkeypatch: pytest.MonkeyPatch,
                                                     name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    for command in (["settings"], ["ask", QUESTION], ["talks"]):
        result = runner.invoke(main, command)
        _no_traceback(result.output)
        assert result.exit_code == 2, (command, result.output)
        assert result.stderr.count("\n") == 1 and f"bad setting {name}" in result.stderr


def test_misspelt_settings_variables_are_named(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFQA_RETRIVAL__TOP_K", "3")
    monkeypatch.setenv("CONFQA_TOPK", "3")
    monkeypatch.setenv("CONFQA_RETRIEVAL__TOP_K", "7")  # a real one: no warning
    monkeypatch.setenv("CONFQA_DEBUG", "")              # read by the CLI, not a setting: no warning
    monkeypatch.setenv("CONFQA_LLM__API_KEY_ENV", "CONFQA_MY_KEY")
    monkeypatch.setenv("CONFQA_MY_KEY", "secret")       # named by a setting as the key's variable: no warning
    result = runner.invoke(main, ["settings", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["retrieval"]["top_k"] == 7
    warnings = [line for line in result.stderr.splitlines() if line.startswith("confqa: warning:")]
    assert len(warnings) == 2, result.stderr
    assert "CONFQA_RETRIVAL__TOP_K is not a confqa setting" in result.stderr
    assert "did you mean CONFQA_RETRIEVAL__TOP_K?" in result.stderr
    assert "CONFQA_TOPK is not a confqa setting" in result.stderr
    assert "secret" not in result.stderr


# -- 11: evaluation sets ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("content", "expected"), [
    (b'{"id": "a", "question": "x"\n', "evals.jsonl:1: Invalid JSON"),
    (b'{"id": "a", "question": "fine", "answerable": false, "type": "t", "split": "dev"}\n\xff\xfe{}\n', "evals.jsonl:2: not UTF-8 (byte 0xff)"),
    (b'{"id": 5, "question": "x"}\n', "evals.jsonl:1: id: "),
    (b"[1, 2]\n", "evals.jsonl:1: "),
    (b"\n\n", "holds no questions"),
    (b'{"id": "a", "question": "x", "answerable": false, "type": "t", "split": "dev"}\n{"id": "a", "question": "y", "answerable": false, "type": "t", "split": "dev"}\n',
     "'a' appears more than once"),
])
def test_broken_evaluation_set_is_one_line(runner: CliRunner, index_arg: list[str], tmp_path: Path,
                                           content: bytes, expected: str) -> None:
    evalset = tmp_path / "evals.jsonl"
    evalset.write_bytes(content)
    result = runner.invoke(main, ["eval", str(evalset), "--baselines", "", "--split", "all", *index_arg])
    _no_traceback(result.output)
    assert result.exit_code == 1, result.output
    assert expected in result.stderr and result.stderr.count("\n") == 1


# -- 12: --milvus-uri naming a file that is not Milvus ----------------------------------------------------------
def test_milvus_uri_that_is_another_file_is_refused_untouched(runner: CliRunner, tmp_path: Path) -> None:
    pytest.importorskip("milvus_lite", reason="the milvus extra is part of confqa[test]")
    other = tmp_path / "thesis.db"
    other.write_bytes(b"SQLite format 3\x00 not a Milvus Lite database")
    corpus = copy_corpus(FIXTURE_CORPUS, tmp_path / "notes")
    result = runner.invoke(main, ["index", str(corpus), "--index", str(tmp_path / "idx"), "--backend", "milvus",
                                  "--milvus-uri", str(other)])
    _no_traceback(result.output)
    assert result.exit_code == 1, result.output
    assert "is a file, not a Milvus Lite database" in result.stderr and result.stderr.count("\n") == 1
    assert other.read_bytes() == b"SQLite format 3\x00 not a Milvus Lite database"
    assert not (tmp_path / "idx").exists()  # refused before any work


# -- smaller: file names that would drive the terminal -------------------------------------------------------------
def test_file_names_with_escapes_reach_the_terminal_as_one_plain_line(runner: CliRunner, tmp_path: Path) -> None:
    corpus = copy_corpus(FIXTURE_CORPUS, tmp_path / "notes")
    evil = "evil\x1b[2J\x1b]0;pwned\x07\nname\u2028.md"
    (corpus / evil).write_text("# Evil\n\nA note about the robots panel and its evil name.\n", encoding="utf-8")
    (corpus / "empty\x1b[31m.md").write_text("", encoding="utf-8")  # skipped: its name goes into a warning
    index_dir = tmp_path / "idx"
    result = runner.invoke(main, ["index", str(corpus), "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    for stream in (result.stdout, result.stderr):
        assert "\x1b" not in stream and "\x07" not in stream and "\u2028" not in stream
    assert "skipped empty[31m.md" not in result.stderr and "skipped empty.md: empty file" in result.stderr
    assert "evil name .md" in result.stdout  # the name stays recognisable, on the summary's own line
    (corpus / evil).write_text("# Evil\n\nChanged text.\n", encoding="utf-8")
    stale = runner.invoke(main, ["ask", "Who was on the robots panel?", "--index", str(index_dir)])
    assert stale.exit_code == 0, stale.output
    assert "the index is stale" in stale.stderr
    assert "\x1b" not in stale.stderr and "\x07" not in stale.stderr
    assert all(line.startswith("confqa: ") for line in stale.stderr.splitlines())


# -- smaller: an unreadable note is a failure to fix (1), not a usage error (2) ---------------------------------
def test_unreadable_note_exits_1_with_one_line(runner: CliRunner, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    note = tmp_path / "unreadable.md"
    note.write_text("# Private\n\nSome text.\n", encoding="utf-8")
    # As root every file is readable, so the permission check and the read are made to fail as for a user.
    real_access, real_read = os.access, Path.read_bytes
    monkeypatch.setattr(os, "access", lambda path, mode, *a, **k: False if Path(path) == note else real_access(
        path, mode, *a, **k))

    def read_bytes(self: Path) -> bytes:
        if self == note:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = runner.invoke(main, ["index", str(note), "--index", str(tmp_path / "idx")])
    _no_traceback(result.output)
    assert result.exit_code == 1, result.output
    assert "unreadable.md" in result.stderr and "Permission denied" in result.stderr
    assert result.stderr.count("\n") == 1
