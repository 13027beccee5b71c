"""Attribution: which talks every line of every note is about, as a mapping the index reads (no chunk is changed
here). A line is about a talk when it sits under the talk's heading, in a note about that one talk, in the
table row, list item or highlight that names it, or in a block that names its speaker or title. Notes keep
talking about a talk after naming it ("Mitchell's talk implored ... She went on to ..."), so a mention carries
over to the following paragraphs and list items of the same section, until something starts a new subject: a
heading, a bold lead line, a numbered or bold list item, or a block that names another talk. A block that names
several talks goes on about the one it names first, its subject; a sentence on a line about several talks is
about those of them it names, if it names any. An index table that
numbers its rows ('| # | Date | Speaker | Topic |') may be followed by notes that open with the row's number
('**#6** — Yuki counted 412 feature flags…', 'No. 2: …'): such a block names the talks of that row."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from confqa.ingest.loading import clean_inline
from confqa.ingest.markdown import Block, ParsedDocument
from confqa.models import Talk
from confqa.talks.candidate import Candidate, normalize
from confqa.talks.detectors.structure import cells
from confqa.talks.merge import match_name
from confqa.text.lexicon import CHAT_HEADER, ROW_NUMBER_HEADER

# Paragraphs or list items a mention carries over to (a fitted bound: notes rarely speak of a talk for longer
# without naming it again, and a longer carry attributes unrelated text).
CARRY_BLOCKS = 8
# A block that opens with a bold title ('**7. Agentic AI Infrastructure**', '- **Title** by …'); a bold label
# followed by a colon ('- **Key insight**: …') continues the subject it is under.
_CHAT_HEADER = re.compile(CHAT_HEADER)
_NEW_SUBJECT_ITEM = re.compile(r"^\s*(?:(?:[-*+]|\d{1,3}[.)])\s+)?(?:\*\*|__)(?P<bold>[^*_]+?)(?:\*\*|__)\s*(?P<after>.?)")


@dataclass
class Attribution:
    """doc -> line -> the ids of the talks that line is about; `order` is the catalogue's order of talks."""

    lines: dict[str, dict[int, set[str]]] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)
    finder: _MentionFinder | None = None
    parents: dict[str, str] = field(default_factory=dict)  # talk id -> the session, tutorial or workshop it is part of

    def talks_of(self, doc: str, first: int, last: int) -> list[str]:
        lines = self.lines.get(doc, {})
        found: set[str] = set()
        for number in range(first, last + 1):
            found |= lines.get(number, set())
        return sorted(found, key=self.order.__getitem__)

    def talks_of_sentence(self, doc: str, first: int, last: int, text: str) -> list[str]:
        """The talks of a sentence's lines; where those lines are about several talks (a paragraph written on one
        line: "Behrouz et al. were showing results with HOPE. The same with Cho's presentation."), those of
        them the sentence itself names."""
        talks = self.talks_of(doc, first, last)
        if len(talks) < 2 or self.finder is None:
            return talks
        named = self.finder.mentions(text, set(talks)).keys() & set(talks)
        named |= {self.parents[t] for t in named if t in self.parents}  # a workshop's talk is the workshop's too
        return [t for t in talks if t in named] if named else talks


def attribute(merged: list[Candidate], talks: list[Talk], parsed_docs: list[ParsedDocument]) -> Attribution:
    """The talks of every line of every note (see the module's docstring)."""
    finder = _MentionFinder(merged, talks)
    in_doc: dict[str, list[tuple[Candidate, Talk]]] = defaultdict(list)  # talks placed in a note explicitly
    for candidate, talk in zip(merged, talks):
        docs = {*candidate.whole_docs, *(d for d, _, _ in candidate.spans), *(d for d, _ in candidate.sections)}
        for doc in docs:
            in_doc[doc].append((candidate, talk))
    attribution = Attribution(order={talk.id: position for position, talk in enumerate(talks)}, finder=finder,
                              parents=_nested_by_heading(merged, talks))
    kinds = {talk.id: talk.kind for talk in talks}
    for parsed in parsed_docs:
        doc = parsed.document.doc
        lines: dict[int, set[str]] = defaultdict(set)
        attribution.lines[doc] = lines
        _place_explicitly(parsed, in_doc.get(doc, []), lines)
        _carry_mentions(parsed, finder, in_doc.get(doc, []), lines, kinds, attribution.parents)
    for lines in attribution.lines.values():  # a talk's lines are its session's too
        for found in lines.values():
            found.update([attribution.parents[t] for t in found if t in attribution.parents])
    return attribution


def _nested_by_heading(merged: list[Candidate], talks: list[Talk]) -> dict[str, str]:
    """A talk whose heading stands under the heading of a session, tutorial or workshop ("## Workshop: Data
    Curation" / "### Okafor — Checkpointing") is part of it (of the innermost such, when several nest)."""
    owners: dict[tuple[str, tuple[str, ...]], str] = {}
    for candidate, talk in zip(merged, talks):
        if talk.kind in CONTAINER_KINDS:
            for doc, path in candidate.sections:
                owners[(doc, path)] = talk.id
    parents: dict[str, str] = {}
    for candidate, talk in zip(merged, talks):
        for doc, path in candidate.sections:
            above = [owners[(doc, path[:n])] for n in range(len(path) - 1, 0, -1)
                     if (doc, path[:n]) in owners and owners[(doc, path[:n])] != talk.id]
            if above and talk.id not in parents:
                parents[talk.id] = above[0]
    return parents


def _carry_mentions(parsed: ParsedDocument, finder: _MentionFinder, placed: list[tuple[Candidate, Talk]],
                    lines: dict[int, set[str]], kinds: dict[str, str], parents: dict[str, str]) -> None:
    doc = parsed.document.doc
    doc_talks = {t for found in lines.values() for t in found}
    explicit = {number: set(found) for number, found in lines.items()}
    whole = {t.id for c, t in placed if doc in c.whole_docs}
    carried: set[str] = set()
    carried_path: tuple[str, ...] | None = None
    carried_age = 0
    numbered = _numbered_rows(parsed, explicit)
    for block in parsed.blocks:
        named = finder.mentions(block.text, doc_talks)
        mentioned = set(named)
        reference = _ROW_REFERENCE.match(block.text) if numbered and block.kind in ("paragraph", "list") else None
        if reference:  # another row's number starts a new subject, even one no row has
            mentioned |= numbered.get(reference.group("number").lstrip("0"), set())
        # A highlight, list item or table row that names a talk also starts (or ends) what is said about it.
        placed = explicit.get(block.line_start, set()) - whole
        mentioned |= placed
        by_place = bool(placed or reference) or block.kind == "table"
        _nest(block.text, named, parents)
        if block.heading_path == carried_path and block.kind != "heading" and _new_subject(block) and mentioned:
            # "Finally comes the tutorial … It was three talks." then "**Talk 1: Epistemology**": a talk that
            # opens a new subject under a session, tutorial or workshop still being spoken of is part of it.
            containers = {t for t in carried if kinds.get(t) in CONTAINER_KINDS} - mentioned
            for talk in mentioned - set(parents):
                if len(containers) == 1 and kinds.get(talk) not in CONTAINER_KINDS:
                    parents[talk] = next(iter(containers))
        if block.kind == "heading" or block.heading_path != carried_path or (
                (_new_subject(block) or reference) and not mentioned):
            carried, carried_age = set(), 0
        if mentioned:
            carried, carried_path, carried_age = (set(mentioned) if by_place else _subject(named)), block.heading_path, 0
            carried |= {parents[t] for t in carried if t in parents}  # the session is still being spoken of
            found = mentioned
        elif carried and block.kind in ("paragraph", "list") and carried_age < CARRY_BLOCKS:
            carried_age += 1
            found = carried
        else:
            found = set()
        for number in range(block.line_start, block.line_end + 1):
            lines[number].update(found)


# The kinds of talk that hold other talks: a talk found under one, or said to be part of one, is part of it.
CONTAINER_KINDS = frozenset({"tutorial", "workshop", "session", "expo"})
_PART_OF = re.compile(r"\b(?:as |is |was )?(?:a |one )?part of\b", re.I)


def _nest(text: str, named: dict[str, int], parents: dict[str, str]) -> None:
    """"Zhang's talk _Advancing Rigor_ as part of Capital One's expo workshop on _Exploring Trust_": the talk named
    before "part of" is part of the one named after it."""
    if len(named) < 2:
        return
    found = _PART_OF.search(text)
    if not found:
        return
    at = len(normalize(text[:found.start()]).split())
    before = [t for t, position in named.items() if position < at]
    after = sorted((position, t) for t, position in named.items() if position >= at)
    if before and after:
        for talk in before:
            parents.setdefault(talk, after[0][1])


def _subject(named: dict[str, int]) -> set[str]:
    """What a paragraph or list item goes on to be about: of the talks it names, the one named first ("Jiang et
    al.'s paper is a divergence from Tufekci's talk." is followed by more on the paper). (A block that holds talks
    by its place, a table, a highlight or a row number, carries all of them.)"""
    first = min(named.values())
    return {talk for talk, position in named.items() if position == first}


# A block that opens with a row's number ('**#6** —', '- No. 2:',
# '(#3)'); '#6' with no space after it is no heading in Markdown.
_ROW_REFERENCE = re.compile(r"^[\s\-*+>(\[_]*(?:#|№\s?|(?i:no\.|nr\.)\s?)(?P<number>\d{1,4})\b(?![.,:]\d)")


def _numbered_rows(parsed: ParsedDocument, explicit: dict[int, set[str]]) -> dict[str, set[str]]:
    """Row number → the talks of that row, for every table of the note with a column of row numbers."""
    numbered: dict[str, set[str]] = defaultdict(set)
    for block in parsed.blocks:
        rows = [row for row in block.text.splitlines() if row.strip()] if block.kind == "table" else []
        if len(rows) < 3:
            continue
        header = [clean_inline(cell).strip().lower() for cell in cells(rows[0])]
        column = next((i for i, name in enumerate(header) if ROW_NUMBER_HEADER.fullmatch(name)), None)
        if column is None:
            continue
        for offset, row in enumerate(rows[2:], start=2):
            row_cells = cells(row)
            number = clean_inline(row_cells[column]).strip().lstrip("#№") if column < len(row_cells) else ""
            talks = explicit.get(block.line_start + offset)
            if number.isdigit() and talks:
                numbered[number.lstrip("0")] |= talks
    return numbered


def _new_subject(block: Block) -> bool:
    """A bold lead line, or a numbered or bold list item: it starts a new subject, so no mention carries into it."""
    match = _NEW_SUBJECT_ITEM.match(block.text) if block.kind in ("paragraph", "list") else None
    if match and _CHAT_HEADER.match(block.text.split("\n", 1)[0]):
        return False  # "**ana** 9:21 AM" heads the next message of a chat, still about the talk on stage
    return bool(match) and not match.group("bold").rstrip().endswith(":") and match.group("after") != ":"


def _place_explicitly(parsed: ParsedDocument, placed: list[tuple[Candidate, Talk]],
                      lines: dict[int, set[str]]) -> None:
    """The lines of a note that its talks own outright: the whole note, a span, or a heading's subtree."""
    doc = parsed.document.doc
    n_lines = len(parsed.document.lines)
    for candidate, talk in placed:
        if doc in candidate.whole_docs:
            for number in range(parsed.document.body_start, n_lines + 1):
                lines[number].add(talk.id)
        for span_doc, first, last in candidate.spans:
            if span_doc == doc:
                for number in range(first, last + 1):
                    lines[number].add(talk.id)
        for section_doc, path in candidate.sections:
            if section_doc != doc:
                continue
            for block in parsed.blocks:
                if block.heading_path[: len(path)] == path:
                    for number in range(block.line_start, block.line_end + 1):
                        lines[number].add(talk.id)


class _MentionFinder:
    """Which talks a block names: by a speaker's surname (when only one talk has it, or only one in this note), by
    an organiser's full name, or by the full title (three words or more).

    Names and titles are indexed by one word each, so a block is checked only against the talks whose word it
    contains: a name matches at word boundaries, so its first word is a whole word of the block; a title matches
    inside the block's normalised words, so each of its inner words (all but the first and last, which may be
    parts of longer words) is one of them, and the rarest of them is its key."""

    def __init__(self, merged: list[Candidate], talks: list[Talk]) -> None:
        self.owners: dict[str, set[str]] = defaultdict(set)
        for candidate, talk in zip(merged, talks):
            for speaker in candidate.speakers:
                self.owners[_name_in_text(candidate, speaker)].add(talk.id)
        self.by_word: dict[str, list[tuple[str, str, str]]] = defaultdict(list)  # word -> (talk, speaker, name)
        self.unindexed: list[tuple[str, str, str]] = []
        self.titles: dict[str, list[tuple[str, str]]] = defaultdict(list)  # rarest inner word -> (talk, title)
        # A numbered label ("B-12", "Tutorial 4", "Part 2") names its talk in the talk's own notes only: another
        # note's "Part 2" is another talk.
        self.labels: list[tuple[str, re.Pattern[str]]] = [
            (talk.id, re.compile(rf"(?<![\w-]){re.escape(label)}(?![\w-])", re.I))
            for candidate, talk in zip(merged, talks) for label in candidate.labels]
        inner_words = Counter(w for talk in talks for w in normalize(talk.title).split()[1:-1])
        for candidate, talk in zip(merged, talks):
            for speaker in candidate.speakers:
                name = _name_in_text(candidate, speaker)
                first = _NAME_WORD.search(name)
                (self.by_word[first.group(0)] if first else self.unindexed).append((talk.id, speaker, name))
            title = normalize(talk.title).split()
            if len(title) >= 3:
                rarest = min(title[1:-1], key=lambda w: (inner_words[w], w))
                self.titles[rarest].append((talk.id, " ".join(title)))

    def mentions(self, text: str, doc_talks: set[str]) -> dict[str, int]:
        """The talks the text names, each with the word position of its first mention."""
        found: dict[str, int] = {}
        # Membership tests, not `set & dict.keys()`, which would cost the size of the index per block.
        for word in {w for w in _NAME_WORD.findall(text) if w in self.by_word}:
            for entry in self.by_word[word]:
                self._by_name(text, entry, doc_talks, found)
        for entry in self.unindexed:
            self._by_name(text, entry, doc_talks, found)
        for talk_id, label in self.labels:
            if talk_id in doc_talks and (match := label.search(text)):
                _first_at(found, talk_id, len(normalize(text[:match.start()]).split()))
        if self.titles:
            normalized = normalize(text)
            for word in {w for w in normalized.split() if w in self.titles}:
                for talk_id, title in self.titles[word]:
                    at = normalized.find(title)
                    if at >= 0:
                        _first_at(found, talk_id, normalized.count(" ", 0, at))
        return found

    def _by_name(self, text: str, entry: tuple[str, str, str], doc_talks: set[str], found: dict[str, int]) -> None:
        talk_id, speaker, name = entry
        if name not in text:
            return
        owners = self.owners[name]
        if len(owners) > 1:
            full_name_here = " " in speaker and speaker in text
            if owners & doc_talks != {talk_id} and not full_name_here:
                return
        match = re.search(rf"\b{re.escape(name)}\b(?![\w-])", text)
        if match:
            _first_at(found, talk_id, len(normalize(text[:match.start()]).split()))


def _first_at(found: dict[str, int], talk_id: str, position: int) -> None:
    found[talk_id] = min(position, found.get(talk_id, position))


def _name_in_text(candidate: Candidate, speaker: str) -> str:
    """How the notes write a speaker: 'Jiang et al.' as 'Jiang et al', anyone else as `match_name` finds them."""
    lead = _ET_AL.match(speaker)
    return f"{lead.group(1)} et al" if lead else match_name(candidate, speaker)


_ET_AL = re.compile(r"^(.*?\S)\s+et al\b")


_NAME_WORD = re.compile(r"\w+")
