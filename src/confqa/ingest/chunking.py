"""Split a note along its markdown structure into chunks that fit the embedding model's window.

Blocks (headings, paragraphs, list items, table rows, code and math blocks) are cut into units that
never end mid-sentence; units are packed into chunks that never cross a heading. All positions are
character offsets into the note's cleaned text, so a chunk's or a sentence's text is always a verbatim
slice of it and its line span is exact."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from confqa.ingest.markdown import SECTION_SEPARATOR, Block, ParsedDocument, margin_width, parse
from confqa.models import Chunk, Document, Sentence
from confqa.settings import ChunkingSettings
from confqa.text.sentences import sentence_spans
from confqa.tokenization import TokenCounter

_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
@dataclass
class Unit:
    start: int
    end: int
    tokens: int = 0
    quotable: bool = True
    kind: str = "sentence"  # sentence, item (opens a list item), row (table row), label (a bold lead line)
    depth: int = 0  # indentation of the list item the unit belongs to


def _code_lines(parsed: ParsedDocument, block: Block) -> list[int]:
    """The positions (in the note's lines) of a code block's lines of code, its fences and blank lines aside."""
    return [i for i in range(block.line_start - 1, block.line_end)
            if parsed.document.lines[i].strip() and not parsed.document.lines[i].lstrip().startswith(("```", "~~~"))]


def units_of(parsed: ParsedDocument, block: Block) -> list[Unit]:
    """The pieces a block can be cut into without breaking a sentence."""
    text = parsed.text
    if block.kind in ("heading", "math"):
        # A formula on one line ('$$ECE = ...$$') reads as a statement and can be quoted; a display block over
        # several lines is layout, kept for retrieval only.
        quotable = block.kind == "heading" or block.line_start == block.line_end
        return [Unit(block.start, block.end, quotable=quotable)]
    if block.kind == "code" and len(code := _code_lines(parsed, block)) == 1:
        # A fenced line ('RRF(d) = Σ 1/(k + rank_i(d)), with k = 60') reads as a statement, like a formula on one
        # line: it can be quoted as the payload of the line that introduces it. Longer code is kept for retrieval.
        line = code[0]
        s = parsed.line_offsets[line] + len(parsed.document.lines[line]) - len(parsed.document.lines[line].lstrip())
        return [Unit(s, parsed.line_offsets[line] + len(parsed.document.lines[line].rstrip()))]
    if block.kind in ("table", "code"):
        units = []
        first_line = block.line_start - 1
        for line_index in range(first_line, block.line_end):
            s = parsed.line_offsets[line_index]
            e = s + len(parsed.document.lines[line_index].rstrip())
            # A row starts after its indentation and, in a table quoted as a callout, its '>' markers.
            s += margin_width(parsed.document.lines[line_index])
            if e <= s:
                continue
            quotable = block.kind == "table" and not _TABLE_SEPARATOR.match(text[s:e])
            units.append(Unit(max(s, block.start), min(e, block.end), quotable=quotable, kind="row"))
        return _merge_table_header(units, text) if block.kind == "table" else units
    units = [Unit(s, e) for start, end in sentence_spans(text, block.start, block.end)
             for s, e in _bounded_spans(text, start, end)]
    if units and block.kind == "list":
        units[0].kind = "item"
        for unit in units:
            unit.depth = block.level
    for unit in units:
        whole_line = _whole_line(parsed, unit)
        if whole_line and unit.kind == "sentence" and _is_pseudo_heading(text[unit.start:unit.end]):
            unit.kind = "label"
    return units


# Longest sentence measured as one unit, in characters. A "sentence" without full stops can run to megabytes (a
# pasted log, a note on one line); tokenizing it whole holds every token of it in memory at once. Longer ones are
# cut at word boundaries first; 2,000 characters are about two chunk windows, so nothing is cut that would fit.
MAX_UNIT_CHARS = 2000


def _bounded_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) cut at whitespace into pieces of at most MAX_UNIT_CHARS characters (a longer word alone)."""
    if end - start <= MAX_UNIT_CHARS:
        return [(start, end)]
    spans = []
    while end - start > MAX_UNIT_CHARS:
        cut = max(text.rfind(" ", start + 1, start + MAX_UNIT_CHARS), text.rfind("\n", start + 1, start + MAX_UNIT_CHARS))
        if cut <= start:
            following = [p for p in (text.find(" ", start, end), text.find("\n", start, end)) if p != -1]
            if not following:
                break  # one very long word: up to the end
            cut = min(following)
        spans.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        spans.append((start, end))
    return spans


def _whole_line(parsed: ParsedDocument, unit: Unit) -> bool:
    line = parsed.line_of(unit.start)
    start = parsed.line_offsets[line - 1]
    content = parsed.document.lines[line - 1]
    indent = len(content) - len(content.lstrip())
    end_line = parsed.line_of(unit.end - 1)
    end = parsed.line_offsets[end_line - 1] + len(parsed.document.lines[end_line - 1].rstrip())
    return unit.start == start + indent and unit.end == end


_BULLET = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_PSEUDO_HEADING = re.compile(r"^(?:\d+[.)]\s*)?(\*\*|__|\*|_)[^*_]+\1[.:]?$")


def _is_pseudo_heading(sentence: str) -> bool:
    """'**The Math**' or '*Or: The Franken-Model Era*' on its own line labels what follows; it is not a claim.
    '**Winner: Gemini 3 Pro**' states something, so a bold label with a value is not a heading."""
    stripped = _BULLET.sub("", sentence.strip())
    if re.search(r":\s*\S", stripped.strip("*_").rstrip(".:")) and not stripped.startswith("*Or"):
        return False
    return bool(_PSEUDO_HEADING.match(stripped)) and len(stripped.split()) <= 14


def _merge_table_header(units: list[Unit], text: str) -> list[Unit]:
    """The header row and its |---| separator travel together."""
    if len(units) >= 2 and _TABLE_SEPARATOR.match(text[units[1].start:units[1].end]):
        header = Unit(units[0].start, units[1].end, quotable=False)
        return [header, *units[2:]]
    return units


@dataclass
class _Draft:
    section: tuple[str, ...]
    units: list[tuple[Unit, Block]] = field(default_factory=list)
    tokens: int = 0


def _split_long_unit(parsed: ParsedDocument, unit: Unit, budget: int, counter: TokenCounter) -> list[Unit]:
    """A single sentence longer than the window: cut at line ends, then at word boundaries."""
    text = parsed.text
    pieces: list[tuple[int, int]] = []
    cursor = unit.start
    for match in re.finditer(r"\n", text[unit.start:unit.end]):
        pieces.append((cursor, unit.start + match.start()))
        cursor = unit.start + match.end()
    pieces.append((cursor, unit.end))
    words: list[tuple[int, int]] = []
    for s, e in pieces:
        counts = counter.count([text[s:e]])[0]
        if counts <= budget:
            words.append((s, e))
            continue
        for m in re.finditer(r"\S+", text[s:e]):
            words.append((s + m.start(), s + m.end()))
    out: list[Unit] = []
    group_start, group_end, group_tokens = words[0][0], words[0][1], 0
    counts = counter.count([text[s:e] for s, e in words])
    for (s, e), c in zip(words, counts):
        if group_tokens and group_tokens + c > budget:
            out.append(Unit(group_start, group_end, group_tokens, unit.quotable))
            group_start, group_tokens = s, 0
        group_end = e
        group_tokens += c
    out.append(Unit(group_start, group_end, group_tokens, unit.quotable))
    return out


def context_line(document: Document, section: tuple[str, ...]) -> str:
    """Title and heading path, embedded with every chunk so that a passage knows where it sits."""
    parts = [document.title, *[h for h in section if h != document.title]]
    return SECTION_SEPARATOR.join(parts)


def chunk_document(
    document: Document, settings: ChunkingSettings, counter: TokenCounter, parsed: ParsedDocument | None = None
) -> tuple[list[Chunk], list[Sentence]]:
    """Chunks of one document, and the quotable sentences of each (Sentence.chunk is local here)."""
    parsed = parsed or parse(document)
    text = parsed.text
    blocks = parsed.blocks
    all_units: list[tuple[Unit, Block]] = []
    for block in blocks:
        for unit in units_of(parsed, block):
            all_units.append((unit, block))
    counts = counter.count([text[u.start:u.end] for u, _ in all_units])
    for (unit, _), c in zip(all_units, counts):
        unit.tokens = c + 1  # the joining newline or space
    sections = sorted({b.heading_path for b in blocks}, key=len)
    context_tokens = dict(zip(sections, counter.count([context_line(document, s) for s in sections])))

    drafts: list[_Draft] = []
    current: _Draft | None = None
    pending_headings: list[tuple[Unit, Block]] = []
    overlap = settings.overlap_tokens

    def budget_for(section: tuple[str, ...]) -> int:
        # The context line is embedded too; cap its share so that deep headings leave room for text.
        return settings.max_tokens - min(context_tokens.get(section, 0) + 2, settings.max_tokens // 3)

    for unit, block in all_units:
        if block.kind == "heading":
            # A heading opens a new section; it joins the first chunk of what follows it.
            if current is not None and current.units and current.units[-1][1].kind != "heading":
                drafts.append(current)
                current = None
            pending_headings.append((unit, block))
            continue
        section = block.heading_path
        budget = budget_for(section)
        pieces = [unit] if unit.tokens <= budget // 2 or unit.tokens <= budget - 8 else \
            _split_long_unit(parsed, unit, budget // 2, counter)
        for piece in pieces:
            if current is not None and current.section != section:
                drafts.append(current)
                current = None
            if current is None:
                current = _Draft(section)
                heading_units = [(u, b) for u, b in pending_headings]
                heading_tokens = sum(u.tokens for u, _ in heading_units)
                while heading_units and heading_tokens + piece.tokens > budget:
                    heading_tokens -= heading_units.pop(0)[0].tokens
                if len(heading_units) < len(pending_headings):
                    # Headings that do not fit with the text form a chunk of their own: never lost.
                    lost = pending_headings[: len(pending_headings) - len(heading_units)]
                    drafts.append(_Draft(lost[-1][1].heading_path + (), lost, sum(u.tokens for u, _ in lost)))
                current.units.extend(heading_units)
                current.tokens += heading_tokens
                pending_headings = []
            if current.tokens + piece.tokens > budget and current.units:
                drafts.append(current)
                carried = _overlap_units(current, overlap, budget - piece.tokens)
                current = _Draft(section, carried, sum(u.tokens for u, _ in carried))
            current.units.append((piece, block))
            current.tokens += piece.tokens
    if current is not None and current.units:
        drafts.append(current)
    if pending_headings:
        drafts.append(_Draft(pending_headings[-1][1].heading_path, pending_headings,
                             sum(u.tokens for u, _ in pending_headings)))

    chunks: list[Chunk] = []
    sentences: list[Sentence] = []
    for draft in drafts:
        if not draft.units:
            continue
        start = min(u.start for u, _ in draft.units)
        end = max(u.end for u, _ in draft.units)
        first_block = draft.units[0][1]
        context = ""
        if first_block.kind == "table" and draft.units[0][0].start > first_block.start:
            header_end = text.find("\n", first_block.start)
            header_end = text.find("\n", header_end + 1) if header_end != -1 else -1
            context = text[first_block.start: header_end if header_end != -1 else first_block.end]
        index = len(chunks)
        chunks.append(
            Chunk(
                id=f"{document.doc}#{index}",
                doc=document.doc,
                title=document.title,
                section=SECTION_SEPARATOR.join(draft.section),
                line_start=parsed.line_of(start),
                line_end=parsed.line_of(end - 1),
                text=text[start:end],
                year=document.year,
                context=context,
            )
        )
        for unit, block in draft.units:
            if unit.quotable and block.kind != "heading":
                sentences.append(
                    Sentence(
                        chunk=index,
                        text=text[unit.start:unit.end],
                        line_start=parsed.line_of(unit.start),
                        line_end=parsed.line_of(unit.end - 1),
                        kind=unit.kind,
                        depth=unit.depth,
                    )
                )
    return chunks, _dedupe_sentences(sentences)


def _overlap_units(draft: _Draft, overlap: int, room: int) -> list[tuple[Unit, Block]]:
    """Whole trailing sentences of a full chunk, repeated at the start of the next one."""
    limit = min(overlap, room)
    carried: list[tuple[Unit, Block]] = []
    total = 0
    for unit, block in reversed(draft.units):
        if block.kind == "heading" or total + unit.tokens > limit:
            break
        carried.insert(0, (unit, block))
        total += unit.tokens
    return carried


def _dedupe_sentences(sentences: list[Sentence]) -> list[Sentence]:
    """Overlap repeats sentences in two chunks; keep each sentence once, in its first chunk."""
    seen: set[tuple[int, int, str]] = set()
    out = []
    for sentence in sentences:
        key = (sentence.line_start, sentence.line_end, sentence.text)
        if key in seen:
            continue
        seen.add(key)
        out.append(sentence)
    return out


def sentence_embedding_text(sentence: Sentence, chunk: Chunk) -> str:
    """What a sentence is embedded as: its innermost heading (unless that is the note's title) before it, so
    that "Winner: Gemini 3 Pro" under "Vending Bench" or a takeaway under "## Takeaways" carries what it is about.
    The quoted text stays the sentence's own."""
    heading = chunk.section.rsplit(SECTION_SEPARATOR, 1)[-1] if chunk.section else ""
    return f"{heading}: {sentence.text}" if heading and heading != chunk.title else sentence.text


def embedding_text(chunk: Chunk, document_title: str | None = None) -> str:
    section = chunk.section.split(SECTION_SEPARATOR) if chunk.section else []
    parts = [document_title or chunk.title, *[h for h in section if h != (document_title or chunk.title)]]
    head = SECTION_SEPARATOR.join(parts)
    body = f"{chunk.context}\n{chunk.text}" if chunk.context else chunk.text
    return f"{head}\n{body}"
