"""Every command whose stdout is JSON prints exactly one JSON document (or JSON lines) there, whatever its
dependencies print: run as real processes, so prints from Python and from C are both caught."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from confqa.cli import emit_json, json_stdout


def _confqa(args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFQA_")}
    return subprocess.run([sys.executable, "-m", "confqa", *args], input=stdin, capture_output=True, env=env,
                          timeout=600)


def test_only_the_json_reaches_stdout_from_python_and_from_c(tmp_path: Path) -> None:
    script = tmp_path / "noisy.py"
    script.write_text(
        "import ctypes, os, sys\n"
        "from confqa.cli import emit_json, json_stdout\n"
        "with json_stdout():\n"
        "    print('a dependency says hello')\n"
        "    os.write(1, b'C code writes to fd 1\\n')\n"
        "    ctypes.CDLL(None).puts(b'libc puts')\n"
        "    emit_json('{\"ok\": true}')\n"
        "print('after')\n"
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode().splitlines()
    assert out == ['{"ok": true}', "after"]  # stdout is restored afterwards
    err = done.stderr.decode()
    assert "a dependency says hello" in err and "C code writes to fd 1" in err and "libc puts" in err


def test_without_a_real_stdout_the_guard_still_routes_prints_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    with json_stdout():
        print("noise")
        emit_json('{"n": 1}')
    captured = capsys.readouterr()
    assert captured.out == '{"n": 1}\n' and "noise" in captured.err


@pytest.mark.slow
def test_every_json_command_prints_one_json_document(fixture_index, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    corpus, index_dir = fixture_index
    index = ["--index", str(index_dir)]
    evalset = tmp_path / "questions.jsonl"
    evalset.write_text(json.dumps({
        "id": "q1", "question": "Who gave the talk on engines that weave algebraic patterns?", "answerable": True,
        "gold_docs": ["summit-2031.md"], "facts": [["Lovelace"]], "type": "who", "split": "dev", "intent": "who",
    }) + "\n")
    commands = {
        "ask": ["ask", "Who gave the talk on engines that weave algebraic patterns?", *index, "--json"],
        "talks": ["talks", *index, "--json"],
        "settings": ["settings", "--json"],
        "index": ["index", str(corpus), *index, "--json"],
        # The llama-index baseline prints "LLM is explicitly disabled. Using MockLLM." on stdout by itself.
        "eval": ["eval", str(evalset), *index, "--split", "dev", "--baselines", "bm25,llama-index", "--json"],
    }
    for name, args in commands.items():
        done = _confqa(args)
        assert done.returncode == 0, (name, done.stderr.decode()[-2000:])
        json.loads(done.stdout)  # the whole of stdout is one JSON document
    evaluated = json.loads(_confqa(commands["eval"]).stdout)
    assert "llama-index" in evaluated["systems"]
    batch = _confqa(["ask", "-", *index], stdin=b"who is Lovelace\n\nwhat did the panel discuss\n")
    lines = batch.stdout.decode().splitlines()
    assert len(lines) == 3 and all(isinstance(json.loads(line), dict) for line in lines)
