"""A note's markdown blocks, each with its exact line span and the heading path it sits under.

markdown-it-py parses (CommonMark, GFM tables, `$$` math blocks and footnotes); confqa keeps only what it needs
of the token stream: one block per heading, paragraph, list item paragraph, table, code or math block, with the
lines `token.map` gives. A block's text is a verbatim slice of the note, from the first non-blank character of
its first line to the end of its last line, so sentence offsets and quotes stay exact."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from confqa.ingest.loading import clean_inline
from confqa.models import Document

SECTION_SEPARATOR = " › "
# What stands before a line's content in a block quote or callout: indentation and '>' markers ("> | a | b |").
_QUOTE_MARGIN = re.compile(r"[ \t]*(?:>[ \t]*)*")


def margin_width(line: str) -> int:
    """How many characters of a line come before its content: its indentation and its block-quote markers."""
    match = _QUOTE_MARGIN.match(line)
    return match.end() if match else 0

# The kinds of block, by the markdown-it token that opens them.
_LEAF_KINDS = {"fence": "code", "code_block": "code", "math_block": "math", "math_block_label": "math"}


@dataclass
class Block:
    kind: str  # heading, paragraph, list (a list item's first paragraph), table, code, math, footnote
    start: int  # char offset in the document text
    end: int
    line_start: int  # 1-based, inclusive
    line_end: int
    heading_path: tuple[str, ...]
    level: int = 0  # heading level, or the list item's indentation in characters
    text: str = ""


@dataclass
class ParsedDocument:
    document: Document
    text: str
    line_offsets: list[int]
    blocks: list[Block] = field(default_factory=list)

    def line_of(self, offset: int) -> int:
        """1-based line number of a character offset."""
        return bisect.bisect_right(self.line_offsets, offset)

    def slice(self, start: int, end: int) -> str:
        return self.text[start:end]


@lru_cache(maxsize=1)
def _parser():  # noqa: ANN202 - markdown_it is imported only when notes are parsed
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.footnote import footnote_plugin

    return (
        MarkdownIt("commonmark", {"html": True})
        .enable("table")
        .use(dollarmath_plugin, allow_space=True, double_inline=True)
        .use(footnote_plugin)
    )


@dataclass
class _Raw:
    kind: str
    first: int  # 0-based line in the whole note
    last: int
    level: int = 0
    title: str = ""


def block_tokens(body: str):  # noqa: ANN201 - list of markdown_it Tokens
    """markdown-it's tokens for a note's body (front matter removed)."""
    return _parser().parse(body)


def parse(document: Document) -> ParsedDocument:
    """Cut a document's body into markdown blocks, each with the heading path it sits under."""
    lines = document.lines
    text = "\n".join(lines)
    offsets = [0]
    for line in lines[:-1]:
        offsets.append(offsets[-1] + len(line) + 1)
    parsed = ParsedDocument(document=document, text=text, line_offsets=offsets)
    first_body = max(document.body_start - 1, 0)
    plain = document.doc.lower().endswith(".txt")
    raws, dropped = _raw_blocks(block_tokens("\n".join(lines[first_body:])), first_body, lines, plain)
    raws += _leftovers(raws, dropped, lines, first_body)
    headings: list[tuple[int, str]] = []
    for raw in sorted(raws, key=lambda r: (r.first, r.last)):
        last = raw.last
        while last > raw.first and not lines[last].strip():
            last -= 1  # an unclosed fence runs to the end of the note; trailing blank lines are not in it
        start = offsets[raw.first] + (len(lines[raw.first]) - len(lines[raw.first].lstrip()))
        end = offsets[last] + len(lines[last].rstrip())
        level = raw.level
        if raw.kind == "heading":
            title = clean_inline(raw.title)
            level = _repair_subsection_level(title, level, headings)
            while headings and headings[-1][0] >= level:
                headings.pop()
            if title:
                headings.append((level, title))
        if end <= start:
            continue
        parsed.blocks.append(Block(raw.kind, start, end, raw.first + 1, last + 1,
                                   tuple(h for _, h in headings), level, text[start:end]))
    return parsed


def _raw_blocks(tokens: list, shift: int, lines: list[str], plain: bool = False) -> tuple[list[_Raw], set[int]]:
    """The blocks confqa keeps, from the token stream (footnotes come last in it; sorting restores order), and
    the lines left out on purpose (HTML comments). In a `plain` text file, lines of text over a rule of dashes
    are a paragraph and a separator, not a heading (CommonMark's reading of a Markdown file)."""
    raws: list[_Raw] = []
    dropped: set[int] = set()
    item_open = False  # the next paragraph opens a list item
    in_footnote = 0
    for i, token in enumerate(tokens):
        kind = token.type
        if kind == "list_item_open":
            item_open = True
        elif kind == "footnote_open":
            in_footnote += 1
        elif kind == "footnote_close":
            in_footnote -= 1
        if token.map is None:
            continue
        first, last = token.map[0] + shift, token.map[1] - 1 + shift
        if plain and kind == "heading_open" and token.markup in ("-", "=") and "\n" in tokens[i + 1].content:
            # A chat export's "Slack export — …" / "Channel topic: …" / "-----": a paragraph and a separator.
            raws.append(_Raw("paragraph", first, last - 1))
        elif kind == "heading_open":
            raws.append(_Raw("heading", first, last, int(token.tag[1]), tokens[i + 1].content.replace("\n", " ")))
        elif kind == "paragraph_open":
            if in_footnote:
                raws.append(_Raw("footnote", first, last))
            elif item_open:
                line = lines[first]
                raws.append(_Raw("list", first, last, len(line) - len(line.lstrip())))
            else:
                raws.append(_Raw("paragraph", first, last))
            item_open = False
        elif kind == "table_open":
            raws.append(_Raw("table", first, last))
            item_open = False
        elif kind in _LEAF_KINDS:
            raws.append(_Raw(_LEAF_KINDS[kind], first, last))
            item_open = False
        elif kind == "html_block":
            heading = _HTML_HEADING.match(token.content)
            if token.content.lstrip().startswith("<!--"):  # comments are not content
                dropped.update(range(first, last + 1))
            elif heading and first == last:  # '<h3>Title</h3>' on its own line: a heading, as '### Title' is
                raws.append(_Raw("heading", first, last, int(heading.group("level")),
                                 _TAG.sub("", heading.group("title")).strip()))
            else:
                raws.append(_Raw("paragraph", first, last))
            item_open = False
        elif kind in ("bullet_list_open", "ordered_list_open") and item_open:
            item_open = False  # an item that opens with a nested list has no text of its own
    return raws, dropped


_HAS_TEXT = re.compile(r"\w")
# A heading written in HTML on a line of its own: '<h3>Tokenizers Are a Policy Decision</h3>', '<h2 id="x">…</h2>'.
_HTML_HEADING = re.compile(r"^\s*<h(?P<level>[1-6])(?:\s[^>]*)?>(?P<title>.*?)</h(?P=level)>\s*$", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")


def _leftovers(raws: list[_Raw], dropped: set[int], lines: list[str], first_body: int) -> list[_Raw]:
    """Lines with text that no block holds (link reference definitions, say) become paragraphs, so that nothing
    a note says is lost to the index. Empty list markers and thematic breaks have no text and stay out."""
    covered = set(dropped)
    for raw in raws:
        covered.update(range(raw.first, raw.last + 1))
    out: list[_Raw] = []
    for number in range(first_body, len(lines)):
        if number in covered or not _HAS_TEXT.search(lines[number]):
            continue
        if out and out[-1].last == number - 1:
            out[-1].last = number
        else:
            out.append(_Raw("paragraph", number, number))
    return out


_NUMBERED = re.compile(r"^(?:[A-Za-z]+\s+)?(\d+)(?:\.(\d+))?\s*[:.\-–—]")


def _repair_subsection_level(title: str, level: int, headings: list[tuple[int, str]]) -> int:
    """'## Section 3.1' right under '## Tutorial 3: ...' is a subsection written at the wrong level:
    numbering says it belongs inside, so it goes one level below."""
    match = _NUMBERED.match(title)
    if not match or match.group(2) is None:
        return level
    for parent_level, parent_title in reversed(headings):
        parent = _NUMBERED.match(parent_title)
        if parent and parent.group(2) is None and parent.group(1) == match.group(1):
            return max(level, parent_level + 1)
        if parent_level < level:
            break
    return level
