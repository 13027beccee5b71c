"""The one renderer: text, terminal, Markdown and HTML views of answers, talks and passages."""

from __future__ import annotations

import re

from confqa.models import Answer, Citation, Passage, PassageList, Talk, TalkList
from confqa.render import answer_to_html, answer_to_markdown, answer_to_rich, answer_to_text, quote_lines


def _answer(quote: str = "**Alpha Arena** (LLMs as traders): gave each LLM $10k.", columns: list[str] | None = None,
            question: str = "Which LLM traded best?") -> Answer:
    title = "On the Science of “Alien Intelligences”: Evaluating Cognitive Capabilities in Babies, Animals, and AI"
    return Answer(question=question, answer="Alpha Arena gave each LLM $10k [1].", abstained=False, confidence=0.8,
                  citations=[Citation(n=1, doc="notes.md", title="Notes", section="Notes › Benchmarks › Agents",
                                      talk=title, speakers=["Melanie Mitchell"], quote=quote, line_start=3,
                                      line_end=3, score=0.9, columns=columns or [])],
                  notices=["the index is stale"])


def test_sources_have_short_headings_and_formatted_quotes() -> None:
    text = answer_to_text(_answer())
    heading = next(line for line in text.splitlines() if line.startswith("[1]"))
    assert heading.startswith("[1] notes.md:3 · On the Science of") and "…" in heading and len(heading) < 110
    assert "Agents" not in heading  # the section path is shown on demand, not in the heading
    assert "Alpha Arena (LLMs as traders)" in text and "**" not in text  # emphasis shown, not printed
    html = answer_to_html(_answer())
    assert "<strong>Alpha Arena</strong>" in html and "<details" in html and "Notes › Benchmarks › Agents" in html


def test_a_talk_of_a_workshop_is_shown_in_it() -> None:
    answer = _answer()
    answer.citations[0] = answer.citations[0].model_copy(update={"talk": "Limitations", "speakers": [],
                                                                 "part_of": "The Science of Benchmarking"})
    heading = next(line for line in answer_to_text(answer).splitlines() if line.startswith("[1]"))
    assert heading == "[1] notes.md:3 · Limitations (in The Science of Benchmarking)"
    assert "(in The Science of Benchmarking)" in answer_to_html(answer)


def test_a_table_row_reads_as_column_value_pairs() -> None:
    row = "| [Alien Intelligences](talk.md) | Melanie Mitchell | Six principles |"
    assert quote_lines(row, ["Talk Title", "Speaker", "Notes"]) == [
        "Talk Title: [Alien Intelligences](talk.md); Speaker: Melanie Mitchell; Notes: Six principles"]
    html = answer_to_html(_answer(row, ["Talk Title", "Speaker", "Notes"]))
    assert "Speaker: Melanie Mitchell" in html and "href=\"talk.md\"" not in html  # note links are not followed
    assert "|" not in answer_to_text(_answer(row, ["Talk Title", "Speaker", "Notes"])).split("Sources:")[1]


def test_anchors_come_from_the_content_and_stay_unique_on_a_page() -> None:
    first, second = answer_to_html(_answer(question="Anchors?")), answer_to_html(_answer(question="Anchors?"))
    ids = re.findall(r'id="(confqa-[^"]+)"', first + second)
    assert len(ids) == len(set(ids))  # the same answer shown twice: no duplicate ids
    assert re.findall(r'id="(confqa-[0-9a-f]{10})"', first)  # a content digest, not Python's hash()
    other = answer_to_html(_answer(question="Something else?"))
    assert re.findall(r'id="(confqa-[0-9a-f]{10})', other)[0] != re.findall(r'id="(confqa-[0-9a-f]{10})', first)[0]
    links = re.findall(r'href="#([^"]+)"', first)
    assert links and all(f'id="{target}"' in first for target in links)


def test_html_takes_its_colours_from_the_page() -> None:
    html = answer_to_html(_answer())
    assert not re.search(r"color:\s*#(444|666)\b", html)
    assert "currentColor" in html and "var(--jp-" in html


def test_markdown_links_markers_to_sources() -> None:
    markdown = answer_to_markdown(_answer())
    target = re.search(r"\]\(#(confqa-[^)]+-1)\)", markdown).group(1)
    assert f'<a id="{target}"></a>' in markdown


def test_terminal_view_keeps_everything_the_text_view_has() -> None:
    from rich.console import Console

    console = Console(width=80, record=True, color_system=None)
    for renderable in answer_to_rich(_answer()):
        console.print(renderable)
    shown = console.export_text()
    assert "[1] notes.md:3" in shown and "confidence 0.80" in shown and "Alpha Arena (LLMs as traders)" in shown


def test_talks_and_passages_have_html_views() -> None:
    talks = TalkList([Talk(id="a", title="Engines <b>That</b> Weave", kind="invited talk", speakers=["Ada Lovelace"],
                           docs=["summit.md"], chunks=3)])
    html = talks._repr_html_()
    assert "<table" in html and "Ada Lovelace" in html and "&lt;b&gt;That&lt;/b&gt;" in html
    assert "Talk(" not in html and str(talks) == "Engines <b>That</b> Weave (invited talk) — Ada Lovelace"
    passages = PassageList([Passage(doc="n.md", title="N", section="N › S", talk=None, speakers=[],
                                    text="Train \\(\\pi_\\theta\\) on **data**.", line_start=1, line_end=1, score=0.5)])
    html = passages._repr_html_()
    assert "π" in html and "<strong>data</strong>" in html and "\\(" not in html
    assert "π" in str(passages)


def _in_terminal(args: list[str], columns: int) -> str:
    """Run confqa in a pseudo-terminal of the given width; its output as the terminal receives it."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFQA_")}
    env.update({"COLUMNS": str(columns), "LINES": "50", "TERM": "xterm-256color"})
    env.pop("NO_COLOR", None)
    process = subprocess.Popen([sys.executable, "-m", "confqa", *args], stdin=follower, stdout=follower,
                               stderr=subprocess.PIPE, env=env, close_fds=True)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=300)
    os.close(leader)
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""
    return b"".join(chunks).decode("utf-8", "replace")


_SGR = re.compile(r"\x1b\[[0-9;]*m")


def test_the_terminal_view_wraps_quotes_under_their_indent_and_resets_styles(index_arg) -> None:  # type: ignore[no-untyped-def]
    question = "What did Lovelace recommend for benchmarks?"
    for columns in (80, 160):
        raw = _in_terminal(["ask", question, *index_arg], columns)
        lines = raw.replace("\r\n", "\n").split("\n")
        plain = [_SGR.sub("", line) for line in lines]
        assert "\x1b[" in raw  # it is styled: a terminal, not a pipe
        assert all(len(line) <= columns for line in plain), max(plain, key=len)
        start = plain.index("Sources") + 1
        end = next(i for i in range(start, len(plain)) if plain[i].startswith("confidence"))
        body = [line for line in plain[start:end] if line.strip()]
        assert body and body[0].startswith("[1] ")
        assert all(line.startswith("[") or line.startswith("    ") for line in body)  # wrapped quotes stay indented
        for line in lines:
            codes = _SGR.findall(line)
            if any(code not in ("\x1b[0m", "\x1b[m") for code in codes):
                assert codes[-1] in ("\x1b[0m", "\x1b[m"), repr(line)  # every style ends on its line
