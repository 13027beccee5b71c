from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.conftest import FIXTURE_CORPUS, copy_corpus

from confqa.cli import main


def test_ask_prints_answer_and_sources(runner: CliRunner, index_arg: list[str]) -> None:
    result = runner.invoke(main, ["ask", "What did Lovelace recommend for benchmarks?", *index_arg])
    assert result.exit_code == 0, result.output
    assert "[1]" in result.stdout
    assert "Sources:" in result.stdout
    assert "talks/keynote-lovelace.md:" in result.stdout
    assert "Ada Lovelace" in result.stdout


def test_ask_json_is_the_api_model(runner: CliRunner, index_arg: list[str], fixture_assistant) -> None:  # type: ignore[no-untyped-def]
    question = "What did Lovelace recommend for benchmarks?"
    result = runner.invoke(main, ["ask", question, "--json", *index_arg])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == json.loads(fixture_assistant.ask(question).model_dump_json())
    assert isinstance(data["abstained"], bool) and 0 <= data["confidence"] <= 1
    for citation in data["citations"]:
        assert {"n", "doc", "title", "section", "talk", "speakers", "quote", "line_start", "line_end", "score"} <= set(citation)
    for passage in data["passages"]:
        assert {"doc", "title", "section", "talk", "speakers", "text", "line_start", "line_end", "score"} <= set(passage)


def test_batch_mode_writes_json_lines(runner: CliRunner, index_arg: list[str]) -> None:
    questions = "What did Lovelace recommend?\n\nWho was on the robots panel?\nWhat did Yann LeCun say about JEPA?\n"
    result = runner.invoke(main, ["ask", "-", *index_arg], input=questions)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    # One line out per line in: the blank line gets an error object in its place.
    assert [line["question"] for line in lines] == [
        "What did Lovelace recommend?", "", "Who was on the robots panel?", "What did Yann LeCun say about JEPA?"]
    assert lines[1]["error"] == "the question is empty"
    assert lines[3]["abstained"] is True
    assert lines[3]["declined"] == "no note names Yann LeCun"  # why, for a program reading the lines
    assert lines[0]["declined"] is None


def test_error_exits(runner: CliRunner, index_arg: list[str], tmp_path: Path) -> None:
    empty = runner.invoke(main, ["ask", "   ", *index_arg])
    assert empty.exit_code == 2 and "empty" in empty.output
    missing = runner.invoke(main, ["ask", "hello", "--index", "no-such-index"])
    assert missing.exit_code == 1
    assert "no index at" in missing.stderr and "confqa index" in missing.stderr
    bad_filter = runner.invoke(main, ["ask", "hello", "--speaker", "Nobody Atall", *index_arg])
    assert bad_filter.exit_code == 2 and "unknown speaker" in bad_filter.stderr
    bad_year = runner.invoke(main, ["ask", "hello", "--year", "nineteen", *index_arg])
    assert bad_year.exit_code == 2
    bad_name = runner.invoke(main, ["ask", "hello", "--index", ".hidden"])
    assert bad_name.exit_code == 2 and "invalid index name" in bad_name.stderr
    assert "Traceback" not in missing.output + bad_filter.output + bad_name.output


def test_index_talks_and_auto_build(runner: CliRunner, isolated: Path) -> None:
    copy_corpus(FIXTURE_CORPUS, isolated / "corpus")  # the default corpus of this test's settings
    first = runner.invoke(main, ["index", "--json"])
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert report["rebuilt"] and report["documents"] == 4
    # The progress counts what the report says was embedded, and the model's loading is announced.
    counted = re.findall(r"embedding passages and sentences (\d+)/(\d+)", first.stderr)
    assert counted and int(counted[-1][0]) == int(counted[-1][1]) == report["embedded_texts"] > report["chunks"]
    assert "loading the embedding model" in first.stderr
    again = runner.invoke(main, ["index"])
    assert again.exit_code == 0 and "unchanged" in again.stdout and "embedded 0 texts" in again.stdout
    rebuilt = runner.invoke(main, ["index", "--rebuild"])
    assert rebuilt.exit_code == 0 and "rebuilt, no note changed" in rebuilt.stdout
    assert "added:" not in rebuilt.stdout  # the notes were there before the rebuild
    talks = runner.invoke(main, ["talks", "--json"])
    assert talks.exit_code == 0
    assert any(t["speakers"] == ["Ada Lovelace"] for t in json.loads(talks.stdout))
    # A stale index is reported with the command that refreshes it.
    (isolated / "corpus" / "old-2030.txt").write_text("Changed text about the 2030 summit in Porto.\n")
    stale = runner.invoke(main, ["ask", "Where was the 2030 summit?"])
    assert stale.exit_code == 0
    assert "stale" in stale.stderr and "confqa index" in stale.stderr
    assert stale.stderr.count("the index is stale") == 1  # said once, by opening the index
    assert "stale" not in stale.stdout  # notices are diagnostics: stderr, also when stdout is piped


def test_ask_builds_missing_default_index(runner: CliRunner, isolated: Path) -> None:
    copy_corpus(FIXTURE_CORPUS, isolated / "corpus")
    result = runner.invoke(main, ["ask", "Who was on the robots panel?", "--json"])
    assert result.exit_code == 0, result.output
    assert "building" in result.stderr
    assert json.loads(result.stdout)["passages"]


def test_settings_command(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFQA_RETRIEVAL__TOP_K", "7")
    result = runner.invoke(main, ["settings", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["retrieval"]["top_k"] == 7
    monkeypatch.setenv("CONFQA_RETRIEVAL__TOP_K", "0")
    bad = runner.invoke(main, ["settings"])
    assert bad.exit_code == 2 and "CONFQA_RETRIEVAL__TOP_K" in bad.output


def test_index_names_notes_without_talks_and_talks_says_what_found_each(runner: CliRunner, isolated: Path) -> None:
    corpus = isolated / "corpus"
    corpus.mkdir()
    (corpus / "talk.md").write_text("# Efficient Inference on Phones\n\n*Kenji Watanabe, Sony AI*\n\nQuantised "
                                    "models ran at 30 tokens per second on a phone.\n")
    (corpus / "travel.md").write_text("# Getting there\n\nThe tram from the airport takes 40 minutes.\n")
    result = runner.invoke(main, ["index"])
    assert result.exit_code == 0, result.output
    assert "0 talks in travel.md: add it to talks.yaml beside your notes if it describes one" in result.stderr
    assert "talk.md" not in result.stderr and "0 talks" not in result.stdout
    (corpus / "talks.yaml").write_text("- title: Getting there\n  speakers: Ada Lovelace\n")
    again = runner.invoke(main, ["index", "--json"])
    assert json.loads(again.stdout)["without_talks"] == []  # talks.yaml names it: the title heading joins it
    listing = runner.invoke(main, ["talks"])
    assert listing.exit_code == 0
    blocks = listing.stdout.split("Efficient Inference on Phones")[1]
    assert "found by: byline (talk.md:3)" in blocks.splitlines()[2]
    assert "found by: catalogue (talks.yaml), title (travel.md:1)" in listing.stdout
    assert "part of:" not in listing.stdout


def test_talks_says_which_workshop_a_talk_is_part_of(runner: CliRunner, isolated: Path) -> None:
    corpus = isolated / "corpus"
    corpus.mkdir()
    (corpus / "day.md").write_text("# Day one\n\n## Workshop: Data Curation at Scale\n\nThree talks.\n\n"
                                   "### Deduplication Is Not Enough (Ana Lima)\n\nMinHash removed a fifth.\n")
    assert runner.invoke(main, ["index"]).exit_code == 0
    listing = runner.invoke(main, ["talks"]).stdout
    block = listing.split("Deduplication Is Not Enough")[1]
    assert "    part of: Data Curation at Scale" in block.splitlines()
    talks = json.loads(runner.invoke(main, ["talks", "--json"]).stdout)
    parent = next(t["id"] for t in talks if t["title"] == "Data Curation at Scale")
    assert next(t["part_of"] for t in talks if t["title"] == "Deduplication Is Not Enough") == parent
