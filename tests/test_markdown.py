"""The markdown layer: blocks and line spans as CommonMark (markdown-it-py) reads the note, front matter skipped."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from confqa.ingest.loading import clean_inline, load_document_bytes
from confqa.ingest.markdown import block_tokens, parse


def blocks_of(text: str, name: str = "n.md") -> list[tuple[str, int, int, str]]:
    parsed = parse(load_document_bytes(text.encode(), name))
    return [(b.kind, b.line_start, b.line_end, b.text) for b in parsed.blocks]


def test_setext_heading_under_a_two_line_paragraph() -> None:
    parsed = parse(load_document_bytes(b"# Top\n\nIntro\nSecond\n---\n\nBody text.\n", "s.md"))
    heading = [b for b in parsed.blocks if b.kind == "heading"][1]
    assert (heading.line_start, heading.line_end, heading.heading_path) == (3, 5, ("Top", "Intro Second"))
    body = parsed.blocks[-1]
    assert body.text == "Body text." and body.heading_path == ("Top", "Intro Second")
    assert not any("---" in b.text for b in parsed.blocks if b.kind == "paragraph")


def test_lines_over_a_rule_in_a_plain_text_file_are_a_paragraph() -> None:
    """A chat export's header ("Slack export — …" / "Channel topic: …" / a rule of dashes) is no heading in a .txt
    file, so the messages below sit under no section; in a Markdown file CommonMark's reading stands."""
    text = b"Slack export - channel #conf\nChannel topic: live notes\n----------\n\n**ana** 9:14 AM\nKeynote starting.\n"
    plain = parse(load_document_bytes(text, "chat.txt"))
    assert [b.kind for b in plain.blocks] == ["paragraph", "paragraph"]
    assert plain.blocks[0].text == "Slack export - channel #conf\nChannel topic: live notes"
    assert plain.blocks[1].heading_path == ()
    marked = parse(load_document_bytes(text, "chat.md"))
    assert marked.blocks[0].kind == "heading" and marked.blocks[1].heading_path == (
        "Slack export - channel #conf Channel topic: live notes",)


def test_a_heading_written_in_html_is_a_heading() -> None:
    """'<h3>Title</h3>' on its own line (notes exported from HTML) opens a section as '### Title' does; other HTML
    stays a paragraph."""
    parsed = parse(load_document_bytes(b"# Day\n\n<h3>Tokenizers Are <em>Policy</em></h3>\n\nKind\n: Keynote\n\n"
                                       b"<div>Slides later</div>\n", "h.md"))
    heading = parsed.blocks[1]
    assert (heading.kind, heading.level, heading.heading_path) == ("heading", 3, ("Day", "Tokenizers Are Policy"))
    assert parsed.blocks[2].heading_path == ("Day", "Tokenizers Are Policy")
    assert parsed.blocks[-1].kind == "paragraph" and parsed.blocks[-1].text == "<div>Slides later</div>"


def test_table_without_outer_pipes_is_a_table() -> None:
    found = blocks_of("Title | Speaker\n--- | ---\nScaling | Jane Doe\nSparse | Kwame Mensah\n")
    assert found == [("table", 1, 4, "Title | Speaker\n--- | ---\nScaling | Jane Doe\nSparse | Kwame Mensah")]


def test_front_matter_shifts_nothing() -> None:
    text = "---\ntitle: T\n---\n# Heading\n\n- item one\n  continued\n- item two\n\n```\ncode\n```\n"
    assert blocks_of(text) == [
        ("heading", 4, 4, "# Heading"),
        ("list", 6, 7, "- item one\n  continued"),
        ("list", 8, 8, "- item two"),
        ("code", 10, 12, "```\ncode\n```"),
    ]


def test_footnotes_math_and_comments() -> None:
    text = "Text[^1] here.\n\n$$\nx = 1\n$$\n\n<!-- private -->\n\n[^1]: The source.\n\n[ref]: https://example.org\n"
    assert blocks_of(text) == [
        ("paragraph", 1, 1, "Text[^1] here."),
        ("math", 3, 5, "$$\nx = 1\n$$"),
        ("footnote", 9, 9, "[^1]: The source."),
        ("paragraph", 11, 11, "[ref]: https://example.org"),  # a definition has text: kept, not lost
    ]


# -- property: any document made of CommonMark pieces is cut where markdown-it-py cuts it -----------------------
_WORD = st.sampled_from(["alpha", "Beta", "gamma", "delta", "42", "**bold**", "*em*", "`code`", "[link](x.md)"])
_LINE = st.lists(_WORD, min_size=1, max_size=6).map(" ".join)
_PIECES = st.one_of(
    _LINE.map(lambda t: f"# {t}"),
    _LINE.map(lambda t: f"### {t} ###"),
    st.tuples(_LINE, _LINE).map(lambda p: f"{p[0]}\n{p[1]}\n---"),  # setext over two lines
    st.tuples(_LINE, _LINE).map(lambda p: f"{p[0]}\n===\n\n{p[1]}"),
    st.lists(_LINE, min_size=1, max_size=3).map("\n".join),
    st.lists(_LINE, min_size=1, max_size=4).map(lambda items: "\n".join(f"- {i}" for i in items)),
    st.lists(_LINE, min_size=1, max_size=4).map(lambda items: "\n".join(f"{n}. {i}" for n, i in enumerate(items, 1))),
    st.tuples(_LINE, _LINE).map(lambda p: f"- {p[0]}\n  - {p[1]}"),
    st.tuples(_LINE, _LINE).map(lambda p: f"a | b\n--- | ---\n{p[0]} | {p[1]}"),
    st.tuples(_LINE, _LINE).map(lambda p: f"| a | b |\n|---|---|\n| {p[0]} | {p[1]} |"),
    _LINE.map(lambda t: f"```\n{t}\n```"),
    _LINE.map(lambda t: f"> {t}\n> {t}"),
    _LINE.map(lambda t: f"$$\n{t}\n$$"),
    st.just("---"),
    st.just("<!-- note -->"),
)
_SEPARATORS = st.sampled_from(["\n\n", "\n", "\n\n\n"])


@st.composite
def documents(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(_PIECES, min_size=1, max_size=8))
    out = pieces[0]
    for piece in pieces[1:]:
        out += draw(_SEPARATORS) + piece
    return out + "\n"


def _expected_spans(text: str, skip: int = 0) -> list[tuple[str, int, int]]:
    """Straight from markdown-it-py's tokens: the blocks a reader sees, with 1-based inclusive line spans. `skip`:
    lines of front matter before the body (a document that opens with '---' … '---' has some)."""
    all_lines = text.split("\n")
    lines = all_lines[skip:]
    out = []
    in_item = in_footnote = False
    for token in block_tokens("\n".join(lines)):
        if token.type == "list_item_open":
            in_item = True
        if token.type == "footnote_open":
            in_footnote = True
        if token.map is None:
            continue
        first, last = token.map[0], token.map[1] - 1
        while last > first and not lines[last].strip():
            last -= 1
        kind = {"heading_open": "heading", "table_open": "table", "fence": "code", "code_block": "code",
                "math_block": "math"}.get(token.type)
        if token.type == "paragraph_open":
            kind = "footnote" if in_footnote else ("list" if in_item else "paragraph")
            in_item = False
        elif token.type == "html_block" and "<!--" not in token.content:
            kind = "paragraph"
        elif kind or token.type in ("bullet_list_open", "ordered_list_open"):
            in_item = False if kind else in_item
        if kind:
            out.append((kind, first + 1 + skip, last + 1 + skip))
    return sorted(out, key=lambda s: (s[1], s[2]))


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_blocks_and_line_spans_are_markdown_its(text: str) -> None:
    parsed = parse(load_document_bytes(text.encode(), "p.md"))
    skip = parsed.document.body_start - 1
    assert [(b.kind, b.line_start, b.line_end) for b in parsed.blocks] == _expected_spans(text, skip)
    lines = text.split("\n")
    for block in parsed.blocks:
        span = "\n".join(lines[block.line_start - 1: block.line_end])
        assert block.text == span.strip(), block  # a verbatim slice of its lines
    assert [b.heading_path for b in parsed.blocks] == _expected_paths(text, parsed.blocks, skip)


def _expected_paths(text: str, blocks: list, skip: int = 0) -> list[tuple[str, ...]]:  # type: ignore[type-arg]
    """The heading path of each block: the titles of the headings above it, each closing those of its level and
    deeper (titles as a reader sees them: markdown-it's inline text without its markup)."""
    tokens = block_tokens("\n".join(text.split("\n")[skip:]))
    headings = {tokens[i].map[0] + 1 + skip: (int(tokens[i].tag[1]), clean_inline(tokens[i + 1].content.replace("\n", " ")))
                for i in range(len(tokens)) if tokens[i].type == "heading_open"}
    stack: list[tuple[int, str]] = []
    out = []
    for block in blocks:
        if block.line_start in headings:
            level, title = headings[block.line_start]
            while stack and stack[-1][0] >= level:
                stack.pop()
            if title:
                stack.append((level, title))
        out.append(tuple(t for _, t in stack))
    return out
