"""Talk detectors: one small function per way notes introduce a talk, each reading the parsed blocks of one note.

A detector looks at one block (and what follows it in its section) and records what it finds in the note's
`NoteScan`: a new talk candidate, or speakers for the talk of a section. The name of the detector is recorded
on each mention (`TalkMention.how`), so `confqa talks` can say which rule found a talk.

Shapes, each with its fixture note in tests/test_talk_shapes.py:
  table        a table with a title column and a speaker, type or kind-of-section column (links: evidence)
  heading      '## Keynote: Title (Jane Doe)', '## Keynote by Jane Doe: Title', '## Tutorial 7: Title'
  name-heading '### Jane Doe — Title', '### Title — Jane Doe'
  parenthesis  '## Fairness at Scale (Ana de la Cruz)': a person (not a topic, not a company) in parentheses
  byline       a heading, then '*Jane Doe, Stanford*', 'by Jane Doe' or 'Jane Doe (Stanford)' on its own line
  presenters   'Speaker: Jane Doe', '**Presenters:** A (Org), B and C'
  list-item    '- **Title** by Jane Doe — summary', '- **Title** (Jane Doe)'
  speaker-list '- **Princessa Cinquecchia (Boston University)** - what she said' under a talk's heading
  panel        the people a panel's prose names ('moderated by X', "Ofir Press's points")
  highlight    '**1. Title (Jane Doe)**' lead lines, and bold highlights that match a talk by topic
  inline       "Mitchell's invited talk _Title_", 'Choi gave a tutorial on "Title"'
  fields       'Title: …' and 'Speaker: …' lines in one block (or a definition list: 'Speaker' / ': Jane Doe')
  lead         '**09:00 Keynote.** Jane Doe (Org) — *Title*', '**Tutorial T3 — Title**' with its presenters below
  prose        'Next up was Jane Doe from Org, who …. The talk was called *Title*'; 'a panel, "Title", moderated by …'
  person-heading '### Jane Doe' whose section names the talk ('her keynote, "Title"', 'talked about <topic>')
  topic        'Jane Doe talked about <topic>' when the note gives the talk no title
  title        a heading (or a note's title) that is the title of a talk found elsewhere
  front-matter 'speaker: Jane Doe' in a note's front matter: the whole note is that talk
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from confqa.ingest.chunking import sentence_spans
from confqa.ingest.loading import clean_inline
from confqa.ingest.markdown import Block, ParsedDocument
from confqa.lexical import surname
from confqa.models import TalkMention
from confqa.talks.candidate import Candidate, content_words, kind_from_heading, kind_from_title, kind_of
from confqa.talks.names import (
    UPPER,
    Vocabulary,
    affiliation_split,
    expands_acronym,
    in_dictionary,
    people,
    person_name,
    without_leading_words,
)
from confqa.text.lexicon import (
    AUTHOR_LINE_WORDS,
    KIND_IN_HEADING,
    KIND_WORDS,
    MEDIA_WORDS,
    NAME_PARTICLES,
    NOBODY,
    NON_TALK_SECTIONS,
    NOT_A_SUBJECT,
    NOTES_HEADERS,
    PANEL_PROSE,
    PRESENTER_LABELS,
    PROSE_TALK_WORDS,
    SPEAKER_HEADERS,
    TALK_WORDS,
    TITLE_HEADERS,
    TITLE_SMALL_WORDS,
    TOO_COMMON_AFTER_THE,
    TYPE_HEADERS,
)

_KINDS = "|".join(sorted((re.escape(k) for k in KIND_WORDS), key=len, reverse=True))
_DASH = r"\s+[—–-]{1,2}\s+|\s*[—–]\s*"
_HEADING_TALK = re.compile(
    r"^(?:(?:opening|closing|morning|afternoon|evening|featured|special|guest|plenary|day\s+\d+)\s+)?"
    rf"(?P<kind>{_KINDS})(?P<session>\s+sessions?)?\s*(?:#?[A-Z]?\d+[A-Za-z]?\b)?\s*(?:\([^()]*\))?\s*(?:by\s+(?P<by>[^:]+?))?\s*"
    r"(?:[:\-–—]|\.\s)\s*(?P<title>.+)$", re.I)
# A time that opens a heading or a bold lead: '09:00', '14.30', '9:00–10:30'.
_TIME = re.compile(r"^\s*\d{1,2}[:.h]\d{2}(?:\s*[-–]\s*\d{1,2}[:.h]\d{2})?\s*[-–—:,.]?\s*")
_QUOTED = re.compile(r"^[\"“”'‘’*_]+(?P<inner>.+?)[\"“”'‘’*_]+[.,;]?$")
_BULLET_MARK = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_ET_AL = re.compile(r",?\s+et\.?\s+al\.?\s*$")
_DATE_HEADING = re.compile(
    r"\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day)?\b|\b(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|"
    r"dec)[a-z]*\.?\s+\d|\d\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)|\bday\s+\d", re.I)
_ONLY_KIND = re.compile(rf"(?P<kind>{_KINDS})(?:\s+(?:session\s+)?[A-Z]?\d+[A-Za-z]?)?", re.I)
_UNKNOWN = re.compile(r"\?+|unknown|tba|tbd|n/?a|not (?:named|announced|listed)|didn'?t catch[^.]*", re.I)
_LIST_SPLIT = re.compile(r"\s*(?:,|;|&|\+|\band\b|/)\s*")
_ENUMERATION = re.compile(r"^\d{1,3}[.)]\s+")
_FIELD = re.compile(r"^\W*(?P<label>[A-Za-z][A-Za-z ()/]{1,30}?)\W*\s*:\s*\**\s*(?P<value>\S.*)$")
_NAME_DASH_TITLE = re.compile(rf"^(?P<left>[^:—–]+?)(?:{_DASH}|:\s+)(?P<right>.+)$")
_PAREN_TAIL = re.compile(r"\((?P<inner>[^()]{3,120})\)\s*\W*$")
_PRESENTERS = re.compile(
    r"^\W*(?:(?P<label>" + "|".join(sorted(map(re.escape, PRESENTER_LABELS), key=len, reverse=True))
    + r")\s*\W*\s*[:—–-]|(?P<by_label>presented by|given by|delivered by|hosted by|moderated by|run by|led by)\s)"
    + r"\W*\s*(?P<names>.+)$", re.I)
_SENTENCE_END = re.compile(r"(?<![A-Z])[.!?](?:\s|$)")
_BY = re.compile(r"^\W*(?:by|with|from)\s+(?P<names>.+?)\W*$", re.I)
_BOLD_START = re.compile(rf"^\s*(?:[-*+]|\d{{1,3}}[.)])?\s*(?P<label>[^\w*_\s]*\s*(?i:{_KINDS})\s*[:—–-]\s*)?(?:\*\*|__)"
                         r"(?P<bold>.+?)(?:\*\*|__)(?P<rest>.*)$", re.S)
_ITEM_BY = re.compile(r"^\s*[,:]?\s*(?:by|from)\s+(?P<who>.+?)(?:\s*(?:[—–:]|\s-\s|\.\s|$)(?P<tail>.*))?$", re.S)
_ITEM_DASH_WHO = re.compile(r"^\s*(?:[—–]|-)\s*(?P<who>(?:[^—–.:;]|(?<=\b[A-Z])\.)+?)\s*(?:[—–:]|\s-\s|$)", re.S)
_ITEM_PAREN_WHO = re.compile(r"^\s*\((?P<who>[^()]+)\)")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)[^)]*\)")
_NAME = r"[A-Z][\w’'\-]+(?:\s+(?:[A-Z]\.|[A-Z][\w’'\-]+|" + "|".join(sorted(NAME_PARTICLES)) + r")){0,3}"
_TITLE_SPAN = (r"(?:_(?P<t1>[^_]{4,220})_|\*(?P<t2>[^*]{4,220})\*|“(?P<t3>[^”]{4,220})”|\"(?P<t4>[^\"]{4,220})\""
               r"|\[(?P<t5>[^\]]{4,220})\]\([^)]*\))")
_POSSESSIVE = re.compile(
    rf"(?P<who>{_NAME}(?:\s+et al\.?)?)[’']s?\s+(?:(?P<kind>{_KINDS})\s+(?:on\s+|titled\s+|called\s+)?)?{_TITLE_SPAN}"
)
_HAD_A = re.compile(
    rf"(?P<who>{_NAME})\s+(?:had|gave|ran|hosted|presented|held|delivered)\s+(?:an?|the|their|his|her)\s+"
    rf"(?P<kind>{_KINDS})\s+(?:on|titled|called|about)\s+{_TITLE_SPAN}"
)
_THE_KIND = re.compile(rf"\b(?:the|a|an)\s+(?P<kind>{_KINDS})[,:]?\s+{_TITLE_SPAN}", re.I)
_PARTICLES = "|".join(sorted(NAME_PARTICLES))
_PROSE_NAME = re.compile(
    rf"(?<![\w.])(?:(?:[{UPPER}]\.\s*){{1,3}}[{UPPER}][\w’'\-\u0300-\u036f]+(?:\s+(?:(?:{_PARTICLES})\s+)*"
    rf"(?:[{UPPER}]\.|[{UPPER}][\w’'\-\u0300-\u036f]+)){{0,3}}|[{UPPER}][\w’'\-\u0300-\u036f]+(?:\s+(?:(?:{_PARTICLES})"
    rf"\s+)*(?:[{UPPER}]\.|[{UPPER}][\w’'\-\u0300-\u036f]+)){{1,3}})"
)
# Paragraphs or list items after a highlight that a panel's prose may name its people in.
PANEL_SCOPE_BLOCKS = 6


@dataclass
class NoteScan:
    """What the detectors found in one note, and the talk each section already has."""

    parsed: ParsedDocument
    vocabulary: Vocabulary
    notes: frozenset[str]  # every note of the corpus (paths relative to it): links to them are evidence
    found: list[Candidate] = field(default_factory=list)
    by_section: dict[tuple[str, ...], Candidate] = field(default_factory=dict)
    lead: Candidate | None = None  # the talk a bold lead, item or sentence introduced last in this section
    claimed: set[int] = field(default_factory=set)  # first lines of blocks a detector has read as a talk
    non_talk_lead: bool = False  # under a bold lead such as '**Books people recommended:**'

    @property
    def doc(self) -> str:
        return self.parsed.document.doc

    def add(self, candidate: Candidate) -> Candidate:
        self.found.append(candidate)
        for doc, path in candidate.sections:
            if doc == self.doc:
                self.by_section[path] = candidate
        return candidate

    def mention(self, block: Block | int, how: str) -> TalkMention:
        line = block if isinstance(block, int) else block.line_start
        return TalkMention(doc=self.doc, line=line, how=how)

    @staticmethod
    def add_speakers(candidate: Candidate, names: list[str]) -> None:
        """Add people to a talk once: 'Fatima Zahra' is already there as 'Fatima Zahra El Idrissi'."""
        for name in names:
            words = name.split()
            if not any(words == other.split()[: len(words)] or other.split() == words[: len(other.split())]
                       for other in candidate.speakers):
                candidate.speakers.append(name)

    def speakers_of_section(self, block: Block, names: list[str], how: str) -> None:
        """People named under a heading belong to that heading's talk: the talk it already has, or the heading."""
        path = block.heading_path
        if not names or not path:
            return
        candidate = self.by_section.get(path)
        if candidate is not None:
            self.add_speakers(candidate, names)
            candidate.mentions.append(self.mention(block, how))
            return
        heading = path[-1]
        self.add(Candidate(title=heading, kind=kind_from_title(heading) or "talk", speakers=list(names),
                           mentions=[self.mention(block, how)], sections=[(self.doc, path)]))

    def link_target(self, url: str) -> str | None:
        """The note a relative link points to, when it is one of the corpus's notes."""
        if "://" in url or url.startswith(("#", "mailto:")):
            return None
        target = PurePosixPath(self.doc).parent / url.split("#")[0]
        parts: list[str] = []
        for part in target.parts:
            if part == "..":
                if not parts:
                    return None
                parts.pop()
            elif part != ".":
                parts.append(part)
        path = "/".join(parts)
        if path in self.notes:
            return path
        lowered = {n.lower(): n for n in self.notes}
        return lowered.get(path.lower())


Detector = Callable[[NoteScan, list[Block], int], None]


# -- tables ------------------------------------------------------------------------------------------------------
def cells(row: str) -> list[str]:
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", row)]


def _column(header: list[str], words: tuple[str, ...], prefer: str | None = None) -> int | None:
    def matches(cell: str) -> bool:
        lower = clean_inline(cell).lower()
        return any(re.search(rf"\b{re.escape(w)}", lower) for w in words)

    found = [i for i, h in enumerate(header) if matches(h)]
    if prefer:
        found = [i for i in found if prefer in header[i].lower()] or found
    return found[0] if found else None


def detect_table(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """A table row per talk: a title column, and a speaker or type column (or a section that names the kind)."""
    block = blocks[index]
    rows = [r for r in block.text.splitlines() if r.strip()]
    if len(rows) < 3:
        return
    header = cells(rows[0])
    title_col = _column(header, TITLE_HEADERS + tuple(KIND_WORDS), prefer="title")
    speaker_col = _column(header, SPEAKER_HEADERS)
    if speaker_col == title_col:
        speaker_col = None
    type_col = _column(header, TYPE_HEADERS)
    notes_col = _column(header, NOTES_HEADERS)
    section_kind = kind_from_heading(block.heading_path[-1] if block.heading_path else "")
    if title_col is None or (speaker_col is None and type_col is None and section_kind is None):
        return
    if _people_table(scan, rows, title_col):
        return
    found = []
    for offset, row in enumerate(rows[2:], start=2):
        row_cells = cells(row)
        if title_col >= len(row_cells):
            continue
        raw_title = row_cells[title_col]
        title = clean_inline(raw_title)
        if not title or title in ("-", "—"):
            continue
        speakers: list[str] = []
        if speaker_col is not None and speaker_col < len(row_cells):
            speakers = people(row_cells[speaker_col]) or _organisations(row_cells[speaker_col])
        kind = kind_of(row_cells[type_col]) if type_col is not None and type_col < len(row_cells) else None
        prefixed = _HEADING_TALK.match(title)
        if prefixed:  # 'Invited talk: Title', 'Oral 2: Title' in the title cell
            title, kind = unquote(prefixed.group("title")), kind or _kind_of(prefixed)
        links = _LINK.findall(raw_title)
        if speaker_col is not None and not speakers and not prefixed and not links:
            continue  # a schedule's 'Lunch', 'Welcome', 'Poster session': no one presents it
        aliases = [a for a in (alias_from_link(url) for _, url in links) if a]
        kind = kind or kind_from_title(title + " " + " ".join(aliases)) or section_kind or "talk"
        line = block.line_start + offset
        summary = clean_inline(row_cells[notes_col]) if notes_col is not None and notes_col < len(row_cells) else ""
        linked = [t for t in (scan.link_target(url) for _, url in links) if t and t != scan.doc]
        mentions = [scan.mention(line, "table")] + [TalkMention(doc=t, line=1, how="link") for t in linked]
        found.append(scan.add(Candidate(
            title=title, kind=kind, speakers=speakers, aliases=aliases, summaries=[summary] if summary else [],
            mentions=mentions, spans=[(scan.doc, line, line)], whole_docs=linked,
        )))
    if len(found) == 1 and _is_leading(blocks, index) and not any(c.whole_docs for c in scan.found[:-1]):
        found[0].whole_docs.append(scan.doc)  # a note about one talk: its first table names it


def _people_table(scan: NoteScan, rows: list[str], column: int) -> bool:
    """A table whose 'Name' column holds people ('Role | Name | Company') lists a panel's people, not talks: they
    join the panel the note is describing, if any."""
    names = [_only_people(scan, cells(r)[column]) if column < len(cells(r)) else [] for r in rows[2:]]
    if sum(1 for n in names if n) * 2 <= len(names):
        return False
    panel = scan.lead if scan.lead is not None and scan.lead.kind == "panel" else None
    if panel is not None:
        scan.add_speakers(panel, [name for found in names for name in found])
    return True


def _organisations(cell: str) -> list[str]:
    """A speaker cell that names no person but an organisation ('Capital One'): the host, matched by full name.
    'Organisers', 'TBA', 'see below' name nobody."""
    names = [clean_inline(p).strip() for p in re.split(r"\s*(?:,|;|&|\band\b)\s*", clean_inline(cell))]
    return [n for n in names if n and n[0].isupper() and 1 <= len(n.split()) <= 5 and not n.isupper()
            and not set(n.lower().split()) & NOBODY]


def alias_from_link(url: str) -> str:
    """invited-talk-ai-reasoning.md -> 'ai reasoning': the note's own short name for the talk."""
    if "://" in url:
        return ""
    stem = PurePosixPath(url.split("#")[0]).stem.lower()
    stem = re.sub(r"^(invited[-_]talk|keynote|talk|tutorial|workshop|panel|oral)[-_]?", "", stem)
    return " ".join(w for w in re.split(r"[-_]+", stem) if w)


def _is_leading(blocks: list[Block], index: int) -> bool:
    headings_before = sum(1 for b in blocks[:index] if b.kind == "heading")
    return headings_before <= 1 or index <= 4


# -- headings ----------------------------------------------------------------------------------------------------
def _heading_title(block: Block) -> str:
    """The heading's text, without a leading enumeration or time ('3. Jane Doe — Title', '09:00 Keynote: …')."""
    return _TIME.sub("", _ENUMERATION.sub("", block.heading_path[-1])) if block.heading_path else ""


def unquote(title: str) -> str:
    """'"Ten Years of Rust"' or '*Title*' -> the title without its marks."""
    match = _QUOTED.match(title.strip())
    return match.group("inner").strip() if match else title.strip()


def _paren_people(scan: NoteScan, title: str) -> tuple[str, list[str]]:
    """'Title (Jane Doe)' -> ('Title', ['Jane Doe']); a topic or a company in parentheses stays in the title."""
    paren = _PAREN_TAIL.search(title)
    if not paren or expands_acronym(title[: paren.start()], paren.group("inner")):
        return title, []
    names = people(paren.group("inner"), scan.vocabulary)
    if not names:
        return title, []
    return title[: paren.start()].strip(" -–—:"), names


def detect_kind_heading(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """'## Keynote: Title (Jane Doe)', '## Invited Talk 3 — Title', '## Keynote by Jane Doe: Title', '### Keynote
    (Day 1): "Title"', and '### keynote — Jane Doe (Org)' with the title on the next line."""
    block = blocks[index]
    match = _HEADING_TALK.match(_heading_title(block))
    if not match:
        return
    title, speakers = _titled_people(scan, match.group("title"), match.group("by"))
    if not title:
        title = _title_line(blocks, index) or _heading_title(block)
    scan.add(Candidate(title=title, kind=_kind_of(match), speakers=speakers,
                       mentions=[scan.mention(block, "heading")], sections=[(scan.doc, block.heading_path)]))


def _kind_of(match: re.Match[str]) -> str:
    """The kind a '<kind>[ session] [number]: title' match names: 'Oral session 2A: …' is a session of orals."""
    return "session" if match.group("session") else kind_of(match.group("kind"))


def _titled_people(scan: NoteScan, text: str, by: str | None = None) -> tuple[str, list[str]]:
    """What follows a kind of talk: 'Title (Jane Doe)', 'Jane Doe: Title', 'Title — Jane Doe', '"Title"', or only
    people ('Jane Doe (Org)': no title, returned as '')."""
    text = text.strip()
    only_people = _only_people(scan, text)
    if only_people:
        return "", only_people
    title, speakers = _paren_people(scan, text)
    if by:
        speakers = people(by) + speakers
    if not speakers:
        title, speakers = _title_by_person(scan, title)
    if not speakers:
        title, speakers = _person_then_title(scan, title)
    if not speakers:
        title, speakers = _title_dash_person(scan, title)
    return unquote(title), speakers


def _only_people(scan: NoteScan, text: str, lenient: bool = False) -> list[str]:
    """'Jane Doe (Org)', 'Jane Doe, Org' or 'A (Org) & B (Org)': a line that names people and nothing else. Lenient
    (under a heading already known to be a talk): the people it starts with ('Noor Hassan, 5 minutes, slides')."""
    stripped = clean_inline(text).strip(" *_.")
    parts = [p for p in _LIST_SPLIT.split(re.sub(r"\([^()]*\)", "", stripped)) if p.strip()]
    if not parts:
        return []
    found = [person_name(p, scan.vocabulary) for p in parts]
    if not found[0]:
        return []
    if lenient:
        leading = []
        for name in found:
            if not name:
                break
            leading.append(name)
        return leading
    rest_are_people_or_places = all(f or (len(p.split()) <= 4 and p.strip()[:1].isupper()) for f, p in zip(found, parts))
    return [f for f in found if f] if rest_are_people_or_places else []


def _title_line(blocks: list[Block], index: int) -> str:
    """The title on the line after a heading that named only the speaker: '"Title"', '*Title*', '**Title**'."""
    if index + 1 >= len(blocks) or blocks[index + 1].heading_path != blocks[index].heading_path:
        return ""
    first = blocks[index + 1].text.splitlines()[0].strip()
    title = unquote(first)
    return clean_inline(title) if title != first and len(content_words(title)) >= 2 else ""


def _title_by_person(scan: NoteScan, text: str) -> tuple[str, list[str]]:
    """'"Title" by Jane Doe (Org)' -> ('Title', ['Jane Doe']); 'Learning by Doing' stays a title."""
    match = re.match(r"^(?P<title>.+?)\s+by\s+(?P<who>[^\"“”]+)$", text.strip())
    if match:
        who = _only_people(scan, match.group("who"))
        if who and content_words(match.group("title")):
            return unquote(match.group("title").strip(" ,:—–-")), who
    return text, []


def detect_by_heading(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """'### 10. "Title" by Jane Doe (Org)': a heading that is a title and its speaker."""
    block = blocks[index]
    text = _heading_title(block)
    if scan.by_section.get(block.heading_path) or _HEADING_TALK.match(text):
        return
    title, who = _title_by_person(scan, text)
    if who:
        scan.add(Candidate(title=title, kind=kind_from_title(title) or kind_from_heading(_parent(block)) or "talk",
                           speakers=who, mentions=[scan.mention(block, "name-heading")],
                           sections=[(scan.doc, block.heading_path)]))


def _person_then_title(scan: NoteScan, text: str) -> tuple[str, list[str]]:
    """'Jane Doe: Title' or 'Jane Doe — Title' -> ('Title', ['Jane Doe'])."""
    match = _NAME_DASH_TITLE.match(text)
    if match:
        left = match.group("left").strip()
        who = people(left, scan.vocabulary)
        if who and len(who) == len(re.split(r"\s*(?:,|&|\band\b)\s*", clean_inline(left).split("(")[0])) \
                and content_words(match.group("right")):
            return match.group("right").strip(), who
    return text, []


def _title_dash_person(scan: NoteScan, title: str) -> tuple[str, list[str]]:
    """'Title — Jane Doe' -> ('Title', ['Jane Doe'])."""
    parts = re.split(_DASH, title)
    if len(parts) >= 2:
        names = _only_people(scan, parts[-1])
        if names:
            return title[: title.rfind(parts[-1])].strip(" -–—:"), names
    return title, []


def detect_name_heading(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """'### Jane Doe — Title' or '### Title — Jane Doe': one side a person, the other the title."""
    block = blocks[index]
    text = _heading_title(block)
    if _HEADING_TALK.match(text) or block.level < 2:
        return
    match = _NAME_DASH_TITLE.match(text)
    if not match:
        return
    title, who = _person_then_title(scan, text)
    if not who:
        title, who = _title_dash_person(scan, text)
        if not who:
            return
    if len(content_words(title)) < 1:
        return
    title, more = _paren_people(scan, title)
    scan.add(Candidate(title=title, kind=kind_from_title(title) or kind_from_heading(_parent(block)) or "talk",
                       speakers=who + more, mentions=[scan.mention(block, "name-heading")],
                       sections=[(scan.doc, block.heading_path)]))


def _parent(block: Block) -> str:
    return block.heading_path[-2] if len(block.heading_path) >= 2 else ""


def detect_paren_heading(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """'## Fairness at Scale (Ana de la Cruz)': a person, not a topic or company, in a heading's parentheses."""
    block = blocks[index]
    text = _heading_title(block)
    if _HEADING_TALK.match(text) or scan.by_section.get(block.heading_path):
        return
    title, speakers = _paren_people(scan, text)
    if not speakers or len(content_words(title)) < 1:
        return
    scan.add(Candidate(title=title, kind=kind_from_title(title) or kind_from_heading(_parent(block)) or "talk",
                       speakers=speakers, mentions=[scan.mention(block, "parenthesis")],
                       sections=[(scan.doc, block.heading_path)]))


def detect_title_heading(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """A heading with no talk of its own may be the title of a talk found elsewhere (the index note's table, a
    catalogue entry): it joins that talk at merge time if the titles match, and brings its section."""
    block = blocks[index]
    text = _heading_title(block)
    if scan.by_section.get(block.heading_path) or len(content_words(text)) < 2 or _holds_a_talk(scan, blocks, index):
        return
    whole = [scan.doc] if _is_title_heading(scan, block) else []
    scan.add(Candidate(title=text, kind="talk", weak=True, title_only=True, mentions=[scan.mention(block, "title")],
                       sections=[(scan.doc, block.heading_path)], whole_docs=whole))


def _holds_a_talk(scan: NoteScan, blocks: list[Block], index: int) -> bool:
    """A section in which a smaller part (a list item, a highlight, a panel) is already a talk is about more than
    that talk, even when its heading looks like the talk's title."""
    first = blocks[index].line_start
    last = next((b.line_start - 1 for b in blocks[index + 1:] if b.kind == "heading" and b.level <= blocks[index].level),
                len(scan.parsed.document.lines))
    return any(doc == scan.doc and first <= start <= last for c in scan.found for doc, start, _ in c.spans)


def _is_title_heading(scan: NoteScan, block: Block | None) -> bool:
    """The note's first heading, and its only top-level one: the note is about what it names."""
    if block is None:
        return False
    headings = [b for b in scan.parsed.blocks if b.kind == "heading"]
    top = [b for b in headings if b.level == block.level]
    return bool(headings) and headings[0] is block and len(top) == 1


# -- lines under a heading ---------------------------------------------------------------------------------------
def _first_line(block: Block) -> str:
    return clean_inline(_field_lines(block)[0])


def _field_lines(block: Block) -> list[str]:
    """The block's lines, with definition-list fields joined: 'Speaker' / ': Jane Doe' -> 'Speaker: Jane Doe'."""
    return re.sub(r"\n[ \t]*:[ \t]+", ": ", block.text).splitlines()


def detect_presenters(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """'Speaker: Jane Doe', '**Presenters:** A (Org), B and C': the people of the section's talk."""
    block = blocks[index]
    match = _PRESENTERS.match(_first_line(block))
    if not match or not block.heading_path or _gives_a_title(block):
        return
    lines = _field_lines(block)
    if len(lines) > 1 and all(_PRESENTERS.match(clean_inline(line)) or not _FIELD.match(clean_inline(line))
                              for line in lines):
        names = _labelled_people(scan, lines)  # 'Moderator: A' / 'Panellists: B, C (Org), D' (wrapped)
    else:
        names = people(_SENTENCE_END.split(match.group("names"), maxsplit=1)[0])
    unknown = not names and _UNKNOWN.fullmatch(match.group("names").strip()) is not None
    if unknown and scan.lead is None and scan.by_section.get(block.heading_path) is None \
            and not _DATE_HEADING.search(_heading_title(block)) and block.level >= 0:
        # 'speaker:: ?' under a heading: a talk whose speaker the note does not know
        scan.add(Candidate(title=_heading_title(block), kind=kind_from_title(_heading_title(block)) or "talk",
                           mentions=[scan.mention(block, "presenters")], sections=[(scan.doc, block.heading_path)]))
        return
    if scan.lead is not None and names:
        scan.add_speakers(scan.lead, names)
        scan.lead.mentions.append(scan.mention(block, "presenters"))
        return
    if scan.by_section.get(block.heading_path) is None and _DATE_HEADING.search(_heading_title(block)):
        return  # 'Wed 4 Dec — day 2' is when, not a talk
    scan.speakers_of_section(block, names, "presenters")
    _whole_note_if_title(scan, block)


def _gives_a_title(block: Block) -> bool:
    """A block of fields that names the title too ('Title: …' / 'Speaker: …') is the fields detector's."""
    for line in block.text.splitlines():
        match = _FIELD.match(clean_inline(line))
        if match and (match.group("label").strip().lower() in TITLE_HEADERS
                      or match.group("label").strip().lower() in KIND_WORDS):
            return True
    return False


def detect_byline(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """Right under a heading, a line that is only a byline: '*Jane Doe, Stanford*', 'by Jane Doe', 'Jane Doe
    (Stanford University)', '— Jane Doe', or a first bullet '- Jiaming Song', '- Shaojie Bai et al.'."""
    block = blocks[index]
    if block.kind not in ("paragraph", "list") or index == 0 or not block.heading_path \
            or block.line_start != block.line_end:
        return
    previous = blocks[index - 1]
    if previous.kind != "heading" or previous.heading_path != block.heading_path:
        if block.kind == "list" or not (
                index >= 2 and blocks[index - 2].kind == "heading" and blocks[index - 2].heading_path
                == block.heading_path and previous.kind == "paragraph" and len(previous.text) < 200):
            return
    line = clean_inline(_BULLET_MARK.sub("", block.text)).strip(" *_—–-")
    if _is_author_line(line, scan):
        return
    et_al = _ET_AL.search(line)
    line = line[: et_al.start()] if et_al else line
    by = _BY.match(line)
    if by:
        names = people(by.group("names"))
    else:
        names = _only_people(scan, line, lenient=scan.by_section.get(block.heading_path) is not None)
    if not names:
        return
    if et_al:
        names = [f"{names[0]} et al."]
        if scan.by_section.get(block.heading_path) is None:
            heading = block.heading_path[-1]
            scan.add(Candidate(title=heading, kind="paper", speakers=names, mentions=[scan.mention(block, "byline")],
                               sections=[(scan.doc, block.heading_path)]))
            return
    scan.speakers_of_section(block, names, "byline")
    _whole_note_if_title(scan, block)


def _is_author_line(line: str, scan: NoteScan) -> bool:
    """'By Kwame Mensah, Staff Engineer · 21 November 2024 · 7 min read': who wrote the note, not who spoke."""
    lower = line.lower()
    if any(word in lower for word in AUTHOR_LINE_WORDS) or re.search(r"\b(19|20)\d\d\b", line):
        return True
    return any(author and author.lower() in lower for author in scan.parsed.document.authors)


def _whole_note_if_title(scan: NoteScan, block: Block) -> None:
    """A byline or a speaker line under the note's title heading makes the whole note that talk's."""
    candidate = scan.by_section.get(block.heading_path)
    heading = next((b for b in scan.parsed.blocks if b.kind == "heading" and b.heading_path == block.heading_path),
                   None)
    if candidate is not None and heading is not None and _is_title_heading(scan, heading) \
            and scan.doc not in candidate.whole_docs:
        candidate.whole_docs.append(scan.doc)


def detect_list_item(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """'- **Title** by Jane Doe — summary', '1. **Title** (Jane Doe): summary', '- ⚡ Lightning talk: **Title** — Jane
    Doe (Org)', and without bold: '- Keynote: Title — Jane Doe (Org)', '- Title — A, B (Org)'."""
    block = blocks[index]
    if _in_non_talk_section(block, scan):
        return
    line = _first_line_of_item(block)
    match = _BOLD_START.match(line)
    if match:
        title, rest, label = unquote(_TIME.sub("", clean_inline(match.group("bold"))).strip(" :")), \
            match.group("rest"), match.group("label")
        who = _item_people(scan, rest)
        if not who and block.kind == "list" and not label:
            title, who = _paren_people(scan, title)  # '- **Title (Jane Doe)**'
    else:
        title, who, label = *_plain_item(scan, line), None
    if not who or person_name(title) or len(re.findall(r"[^\W\d_]{2,}", title)) < 2:
        return  # '**Jane Doe** (Org)' is a speaker list and '**15:52**' a time, not a talk title
    kind_match = _HEADING_TALK.match(title) or (_HEADING_TALK.match(f"{label.strip(' -–—:')}: {title}") if label else None)
    kind = _kind_of(kind_match) if kind_match else None
    title = unquote(kind_match.group("title")) if kind_match else title
    scan.add(Candidate(title=title, kind=kind or kind_from_title(title) or kind_from_heading(_heading_title(block))
                       or "talk", speakers=who, mentions=[scan.mention(block, "list-item")],
                       spans=[(scan.doc, block.line_start, _item_end(blocks, index))]))
    scan.claimed.add(block.line_start)


def _first_line_of_item(block: Block) -> str:
    """The line that introduces an item, with the next one when a parenthesis wraps onto it."""
    lines = block.text.splitlines()
    line = lines[0]
    if line.count("(") > line.count(")") and len(lines) > 1:
        line += " " + lines[1].strip()
    return line


def _item_people(scan: NoteScan, rest: str) -> list[str]:
    for pattern in (_ITEM_BY, _ITEM_PAREN_WHO, _ITEM_DASH_WHO):
        found = pattern.match(clean_inline(rest) if pattern is not _ITEM_PAREN_WHO else rest)
        if found:
            who = people(found.group("who"), scan.vocabulary)
            if who:
                return who
    return []


def _plain_item(scan: NoteScan, line: str) -> tuple[str, list[str]]:
    """'- Keynote: Title — Jane Doe (Org)' or '- Title — A, B (Org)': a title, a dash, and only people after it."""
    text = clean_inline(_BULLET_MARK.sub("", line)).strip()
    parts = re.split(r"\s+[—–]\s+|\s+-\s+", text)
    if len(parts) < 2:
        return "", []
    title, who_text = parts[0].strip(), parts[1].strip()
    kind_match = _HEADING_TALK.match(title)
    plain_title = unquote(kind_match.group("title")) if kind_match else unquote(title)
    if not (kind_match or _title_like(plain_title, strict=True)):
        return "", []
    return title, _only_people(scan, who_text)


def detect_fields(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """A block of 'Label: value' lines that gives a title and a speaker: 'Title: …' / 'Speaker: …'."""
    block = blocks[index]
    lines, last = _field_lines(block), index
    if len(lines) == 1 and _FIELD.match(clean_inline(lines[0])):
        if index > 0 and _single_field(blocks[index - 1]):
            return  # read with the run it belongs to
        while last + 1 < len(blocks) and _single_field(blocks[last + 1]) and len(lines) < MAX_FIELDS:
            last += 1
            lines += _field_lines(blocks[last])  # '**Talk:** …' / '**Who:** …' as paragraphs of their own
    if not 2 <= len(lines) <= MAX_FIELDS:
        return
    fields: dict[str, str] = {}
    for line in lines:
        match = _FIELD.match(clean_inline(line))
        if match:
            fields.setdefault(match.group("label").strip().lower(), match.group("value").strip())
    title = next((v for k, v in fields.items() if k in TITLE_HEADERS or k in KIND_WORDS), None)
    who = next((v for k, v in fields.items() if _PRESENTERS.match(f"{k}: x") or k in SPEAKER_HEADERS), None)
    speakers = list(dict.fromkeys([*people(who), *_named_people(scan, who)])) if who else []
    if not title or not speakers:
        return
    kind = next((kind_of(k) for k in fields if k in KIND_WORDS), None)
    kind = kind or next((kind_of(v) for k, v in fields.items() if k in TYPE_HEADERS), None)
    title, kind = _title_and_kind(title, kind)
    candidate = scan.add(Candidate(title=title, kind=kind or "talk", speakers=speakers,
                                   mentions=[scan.mention(block, "fields")],
                                   spans=[(scan.doc, block.line_start, _lead_end(blocks, last))]))
    scan.lead = candidate
    scan.claimed.update(b.line_start for b in blocks[index: last + 1])


# Most 'Label: value' lines that describe one talk.
MAX_FIELDS = 8


def _single_field(block: Block) -> bool:
    lines = _field_lines(block)
    return block.kind == "paragraph" and len(lines) == 1 and bool(_FIELD.match(clean_inline(lines[0])))


def _title_and_kind(title: str, kind: str | None) -> tuple[str, str]:
    """'Panel - Title' or 'Title (opening keynote)': the kind out of the title."""
    prefixed = _HEADING_TALK.match(clean_inline(title))
    if prefixed:
        return unquote(prefixed.group("title")), kind or _kind_of(prefixed)
    paren = _PAREN_TAIL.search(title)
    if paren and kind_from_title(paren.group("inner")) and len(paren.group("inner").split()) <= 3:
        return title[: paren.start()].strip(), kind or kind_from_title(paren.group("inner")) or "talk"
    return unquote(title), kind or kind_from_title(title) or "talk"


def _item_end(blocks: list[Block], index: int) -> int:
    """Last line of a list item with its nested items."""
    block = blocks[index]
    end = block.line_end
    for following in blocks[index + 1:]:
        if following.kind == "heading" or (following.kind == "list" and following.level <= block.level) \
                or (following.kind != "list" and not following.text.startswith(" ")):
            break
        end = following.line_end
    return end


def detect_speaker_list(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """'- **Princessa Cinquecchia (Boston University)** - …' under a talk's heading: one of its speakers."""
    block = blocks[index]
    match = _BOLD_START.match(block.text)
    if block.kind != "list" or not match:
        return
    who, _ = affiliation_split(match.group("bold").strip(" :"))
    name = person_name(who, scan.vocabulary)
    if not name or any(_title_like(clean_inline(_marked_text(m))) for m in _MARKED.finditer(match.group("rest"))):
        return  # '**Jane Doe** (Org) presented *Title*' is a talk of its own (prose)
    path = block.heading_path
    kind = kind_from_heading(path[-1]) if path else None
    if path and scan.by_section.get(path) is None and kind is None:
        # Under a heading that names no kind of talk, the people belong to the talk whose title the heading is (a
        # per-talk note that an index links to, a catalogue entry), or to nothing: resolved at merge.
        scan.add(Candidate(title=_heading_title(block), kind="talk", speakers=[name], weak=True, title_only=True,
                           mentions=[scan.mention(block, "speaker-list")], sections=[(scan.doc, path)],
                           whole_docs=[scan.doc] if _is_title_heading(scan, _heading_of(scan, path)) else []))
        return
    scan.speakers_of_section(block, [name], "speaker-list")


def _heading_of(scan: NoteScan, path: tuple[str, ...]) -> Block | None:
    return next((b for b in scan.parsed.blocks if b.kind == "heading" and b.heading_path == path), None)


def detect_panel(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """A panel's people named in its prose: under a panel heading, or after a highlight line that says panel."""
    block = blocks[index]
    if block.kind != "paragraph" or not _says_panel(block.text) or block.line_start in scan.claimed:
        return
    first = block.text.splitlines()[0].strip()
    lead = _is_lead(block) and first.rstrip(" .").endswith(("**", "__")) and not first.rstrip(" *_").endswith(":")
    path = block.heading_path
    owner = next((path[:n] for n in range(len(path), 0, -1) if path[:n] in scan.by_section), path)
    section = scan.by_section.get(owner)
    panel_section = section is not None and section.kind == "panel" and not lead
    if not lead and not panel_section:
        return
    scope = [block]
    for following in blocks[index + 1: index + 1 + PANEL_SCOPE_BLOCKS]:
        if following.kind == "heading" or _is_lead(following):
            break
        scope.append(following)
    names = _named_people(scan, " ".join(b.text for b in scope))
    if not names:
        return
    if panel_section and section is not None:
        scan.add_speakers(section, names)
        section.mentions.append(scan.mention(block, "panel"))
        return
    topic = clean_inline(block.text).strip(" *_:.")
    title = topic if len(content_words(topic) - {"panel", "conversation", "discussion"}) >= 2 else (
        f"Panel: {_heading_title(block)}" if block.heading_path else topic)
    scan.add(Candidate(title=title, kind="panel", speakers=names, mentions=[scan.mention(block, "panel")],
                       spans=[(scan.doc, block.line_start, scope[-1].line_end)]))


def _says_panel(text: str) -> bool:
    lower = text.lower()
    return "panel" in lower or any(p in lower for p in PANEL_PROSE[:3])


def _is_lead(block: Block) -> bool:
    return block.kind == "paragraph" and block.text.lstrip().startswith(("**", "__")) and len(block.text) < 200


def _named_people(scan: NoteScan, text: str) -> list[str]:
    found: list[str] = []
    for match in _PROSE_NAME.finditer(re.sub(r"\([^()]*\)", ",", clean_inline(text))):
        phrase = re.sub(r"[’']s$", "", match.group(0))
        words = phrase.split()
        while words and words[0] in NOT_A_SUBJECT:
            words = words[1:]
        words = without_leading_words(words, scan.vocabulary)
        name = person_name(" ".join(words), scan.vocabulary) if len(words) >= 2 else None
        if name and name not in found:
            found.append(name)
    return found


def detect_highlight(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """'**1. AI Evaluation is Fundamentally Broken (Melanie Mitchell)**' and the bullets that follow it."""
    block = blocks[index]
    first = block.text.splitlines()[0].strip()
    if block.kind != "paragraph" or not (first.startswith("**") and first.rstrip(".:").endswith("**")) \
            or block.line_start in scan.claimed:
        return
    scan.claimed.add(block.line_start)
    lead = _TIME.sub("", clean_inline(first))
    paren = _PAREN_TAIL.search(lead)
    inner = paren.group("inner").strip() if paren else ""
    end_line = block.line_end
    for following in blocks[index + 1:]:
        if following.kind == "heading" or _is_lead(following):
            break
        end_line = following.line_end
    title = re.sub(r"^\d+[.)]\s*", "", lead[: paren.start()] if paren else lead).strip(" -–—:")
    mention = scan.mention(block, "highlight")
    span = (scan.doc, block.line_start, end_line)
    if not paren:
        # '**4. Five Proofs Being Destroyed by Generative AI**': matched against talk titles and the summaries in
        # the notes' own tables at merge time.
        scan.add(Candidate(title=title, kind="talk", mentions=[mention], spans=[span], weak=True, lead=True))
        return
    named = people(inner)
    if named:
        scan.add(Candidate(title=title, kind="talk", speakers=named, mentions=[mention], spans=[span], weak=True))
        return
    # '(AI Reasoning Talk)': a reference to a talk by its topic; resolved against aliases at merge.
    topic = " ".join(w for w in inner.split() if w.lower() not in {k.split()[-1] for k in KIND_WORDS}).strip()
    if content_words(topic):
        scan.add(Candidate(title=topic, kind="talk", mentions=[mention], spans=[span], weak=True, aliases=[topic]))


def detect_inline(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """"Mitchell's invited talk _Title_", 'Choi gave a tutorial on "Title"', 'the keynote *Title*'."""
    block = blocks[index]
    text = block.text
    taken: list[tuple[int, int]] = []
    for pattern in (_POSSESSIVE, _HAD_A, _THE_KIND):
        for match in pattern.finditer(text):
            if any(s <= match.start() < e for s, e in taken):
                continue
            title = clean_inline(next(t for t in (match.group(f"t{i}") for i in range(1, 6)) if t))
            who = match.groupdict().get("who")
            kind_word = match.group("kind")
            if pattern is _THE_KIND and kind_word.lower() in TOO_COMMON_AFTER_THE:
                continue
            if who and who.split()[0] in NOT_A_SUBJECT:
                who = None
            if who and not kind_word and "et al" not in who and not _near_talk_word(text, match.start()):
                kind_word = None
            line = scan.parsed.line_of(block.start + match.start())
            kind = kind_of(kind_word) if kind_word else ("paper" if who and "et al" in who else "talk")
            speakers = [re.sub(r"\s+et al\.?$", " et al.", who).strip()] if who else []
            quoted_topic = bool(match.group("t3") or match.group("t4")) and bool(
                re.search(r"\s(on|about)\s+[“\"]", match.group(0)))
            person = kind in ("invited talk", "tutorial", "talk", "oral", "paper") and pattern is _POSSESSIVE
            scan.add(Candidate(
                title=title, kind=kind, speakers=speakers, organizers=[] if person else list(speakers),
                mentions=[scan.mention(line, "inline")], spans=[(scan.doc, line, line)],
                weak=quoted_topic or (not kind_word and not (who and "et al" in who)),
            ))
            taken.append((match.start(), match.end()))


def _near_talk_word(text: str, position: int) -> bool:
    window = text[max(0, position - 60): position + 60].lower()
    return any(w in window for w in TALK_WORDS)


# -- talks introduced in running text ----------------------------------------------------------------------------
# A title marked in prose: quoted, italic or bold.
_MARKED = re.compile(r"“(?P<q1>[^”]{6,200})”|\"(?P<q2>[^\"]{6,200})\"|(?<![*\w])\*(?![*\s])(?P<i1>[^*]{6,200}?)(?<!\s)\*(?![*\w])"
                     r"|(?<![_\w])_(?![_\s])(?P<i2>[^_]{6,200}?)(?<!\s)_(?![_\w])|\*\*(?P<b>[^*]{6,200}?)\*\*")
# An unmarked title in title case followed by its speaker in parentheses: 'Kafka Is Not a Database (Jane Doe, Org)'.
_TITLE_THEN_PAREN = re.compile(r"(?:^|[:;!?]\s+|[.—–]\s+|\s-\s)(?P<title>[A-Z][^():;.!?—–\n]{6,150}?)\s*\((?P<who>[^()]{3,120})\)")
# 'the Embedded Rust Workshop run by Jane Doe': a title ending in a kind of talk, then who ran it.
_KIND_RUN_BY = re.compile(rf"(?P<title>(?:[A-Z][\w’'-]*\s+){{1,8}}(?i:{_KINDS}))\s+(?:run|given|led|presented|hosted|"
                          r"taught|delivered|organi[sz]ed)\s+by\s+(?P<who>[^.;:()—–]+)")
_NOT_THE_SPEAKER = re.compile(r"(?:\bwith|\bw/|co-?authors?|supervisor|joint work with|thanks to|credited|audience|"
                              r"friend|colleague|labmate|manager)\W*\s*$", re.I)
_AFTER_TITLE_WHO = re.compile(r"^[\s,.:;]*(?:(?:was|is|and|were)\s+)*(?:[—–-]|\bby\b|\b(?:moderated|presented|given|hosted|chaired|run|led)\s+by\b)"
                              r"\s*(?P<who>[^.;:—–(]+(?:\([^()]*\)[^.;:—–(]*)*)")
# Words right before a title that say it is the title of a talk: 'titled', 'called', 'the keynote,', 'a panel,'.
_INTRODUCES_TITLE = re.compile(r"\b(?:titled|entitled|called|named|presented|presents|gave|delivered|(?:talk|keynote|panel|tutorial|session|presentation|"
                               r"slot|lecture|workshop|oral|poster)s?(?:\s+(?:on|about))?)[\s,:]*(?:the\s+)?$", re.I)
_PRESENTED_BY = re.compile(r"\b(?:presented|given|delivered|moderated|hosted|chaired|run|led)\s+by\s+(?P<who>[^.;:—–]+)",
                           re.I)


def _title_like(title: str, strict: bool = False) -> bool:
    """A talk title, not a quoted remark: two to twenty words, most of the content words capitalised (all of them
    when nothing else marks it as a title), no full stop."""
    words = re.findall(r"[\w’'-]+", title)
    if not 2 <= len(words) <= 20 or title.rstrip().endswith((".", ",")) or not title[:1].isupper():
        return False
    content = [w for w in words if w.lower() not in TITLE_SMALL_WORDS and not w[:1].isdigit()]
    capitalised = [w for w in content if w[:1].isupper()]
    if strict:
        return len(content) >= 2 and len(capitalised) == len(content)
    return len(content) >= 2 and 2 * len(capitalised) >= len(content) + 1


def _talk_context(text: str) -> str | None:
    """The kind of talk a sentence speaks of ('keynote', 'panel', …), 'talk' for talk words in general, or None."""
    lower = text.lower()
    for word, kind in KIND_IN_HEADING:
        if re.search(rf"\b{word}", lower):
            return kind
    return "talk" if re.search(PROSE_TALK_WORDS, lower) else None


def _people_before(scan: NoteScan, text: str) -> list[str]:
    """The people a sentence names last before a point: 'the poster by A and B (Org), <title>' -> [A, B]."""
    found: list[tuple[int, int, str]] = []
    plain = re.sub(r"\([^()]*\)", lambda m: " " * len(m.group(0)), text)
    for match in _PROSE_NAME.finditer(plain):
        phrase = re.sub(r"[’']s$", "", match.group(0))
        words = phrase.split()
        while words and words[0] in NOT_A_SUBJECT:
            words = words[1:]
        words = without_leading_words(words, scan.vocabulary)
        name = person_name(" ".join(words), scan.vocabulary) if len(words) >= 2 else None
        if name and not _NOT_THE_SPEAKER.search(plain[: match.start()]):
            found.append((match.start(), match.end(), name))
    if not found:
        return []
    group = [found[-1]]
    for previous in reversed(found[:-1]):  # names joined by ',', 'and', '&' belong together
        between = plain[previous[1]: group[0][0]]
        if re.fullmatch(r"\s*(?:,|and|&|\+)\s*(?:and\s+)?", between):
            group.insert(0, previous)
        else:
            break
    return [name for _, _, name in group]


def detect_lead_talk(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """A bold lead that names a kind of talk: '**Tutorial T3 — Title**' with '(A, B; 9:00)' below it, '**09:00
    Keynote.** Jane Doe (Org) — *Title*', '**14:00 Panel: Title**' with 'Moderator:' and 'Panellists:' lines."""
    block = blocks[index]
    lines = block.text.splitlines()
    match = _BOLD_START.match(lines[0])
    if block.kind != "paragraph" or not match:
        return
    bold = _TIME.sub("", _ENUMERATION.sub("", clean_inline(match.group("bold")))).strip(" .:")
    rest = " ".join([match.group("rest"), *lines[1:]])
    titled = _HEADING_TALK.match(bold)
    if titled:
        kind = _kind_of(titled)
        title, speakers = _titled_people(scan, titled.group("title"), titled.group("by"))
    elif _ONLY_KIND.fullmatch(bold):
        kind, title, speakers = kind_of(_ONLY_KIND.fullmatch(bold).group("kind")), "", []  # type: ignore[union-attr]
    else:
        return
    if not title:
        marked = next((m for m in _MARKED.finditer(rest) if _title_like(clean_inline(_marked_text(m)))), None)
        if marked is None:
            return
        title = clean_inline(_marked_text(marked))
        speakers = speakers or _people_before(scan, clean_inline(rest[: marked.start()]))
    speakers = speakers + [n for n in _labelled_people(scan, lines[1:] if titled else []) if n not in speakers]
    if kind == "session" and not speakers:
        return  # an oral session holds talks; it is not one
    end = _lead_end(blocks, index)
    candidate = scan.add(Candidate(title=title, kind=kind, speakers=speakers, mentions=[scan.mention(block, "lead")],
                                   spans=[(scan.doc, block.line_start, end)]))
    scan.lead = candidate
    scan.claimed.add(block.line_start)


def _marked_text(match: re.Match[str]) -> str:
    """The title a mark holds: '**"Title"**' -> 'Title'."""
    return unquote(next(g for g in match.groups() if g))


def _labelled_people(scan: NoteScan, lines: list[str]) -> list[str]:
    """People on the lines under a lead: 'Moderator: A (Org)', 'Panellists: B, C (Org)' (wrapped lines continue
    the label above them), '(A, B, C; 9:00–12:30)', 'Jane Doe (Org)'."""
    found: list[str] = []
    label_text = ""

    def flush() -> None:
        match = _PRESENTERS.match(label_text)
        if match:
            found.extend(people(match.group("names")))

    for line in lines:
        text = clean_inline(line).strip()
        if _PRESENTERS.match(text):
            flush()
            label_text = text
        elif label_text:
            label_text += " " + text
        elif text.startswith("(") and text.rstrip(".").endswith(")"):
            found.extend(people(text.strip("().").split(";")[0]))
        else:
            found.extend(_only_people(scan, text))
    flush()
    return list(dict.fromkeys(found))


def _lead_end(blocks: list[Block], index: int) -> int:
    end = blocks[index].line_end
    for following in blocks[index + 1:]:
        if following.kind == "heading" or _is_lead(following):
            break
        end = following.line_end
    return end


def detect_prose_talk(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """A talk named in running text: a marked title ('her talk, "Title"', 'presented *Title*', 'a panel, "Title",
    moderated by X') in a sentence about a talk, its speaker the person just before it ('Next up was Jane Doe from
    Org, who …') or after it ('— Jane Doe', 'by Jane Doe', 'Presented by Jane Doe.'); or 'Title (Jane Doe, Org)',
    'the Title Workshop run by Jane Doe'."""
    block = blocks[index]
    if _in_non_talk_section(block):
        return
    if _in_non_talk_section(block, scan):
        return
    lines = block.text.splitlines()[1:] if block.line_start in scan.claimed else block.text.splitlines()
    text = clean_inline(" ".join(line.strip() for line in lines))
    raw = " ".join(line.strip() for line in lines)
    sentences = [raw[a:b] for a, b in sentence_spans(raw, 0, len(raw))]
    for number, sentence in enumerate(sentences):
        for match in _MARKED.finditer(sentence):
            _prose_title(scan, block, sentences, number, sentence, match)
    for match in _TITLE_THEN_PAREN.finditer(text):
        title = match.group("title").strip()
        if re.match(r"\s*(?:w/|with\b|feat\.?|incl\.?|co-?authors?\b|see\b)", match.group("who"), re.I):
            continue  # '(w/ A and B)': co-authors, not the speaker
        who = people(match.group("who"), scan.vocabulary)
        if who and _title_like(title, strict=True) and len(title.split()) >= 3 \
                and not person_name(title, scan.vocabulary):
            _add_prose(scan, block, title, _talk_context(text) or "talk", who[:1])
    for match in _KIND_RUN_BY.finditer(text):
        who = people(match.group("who"), scan.vocabulary)
        if who:
            title = re.sub(r"^(?:the|a|an)\s+", "", match.group("title").strip(), flags=re.I)
            _add_prose(scan, block, title, kind_from_title(title) or "talk", who)


def _prose_title(scan: NoteScan, block: Block, sentences: list[str], number: int, sentence: str,
                 match: re.Match[str]) -> None:
    title = clean_inline(_marked_text(match)).strip()
    quoted_bold = bool(match.group("b")) and match.group("b").strip()[:1] in "\"“'‘"
    if not _title_like(title) or _only_people(scan, title) or (
            match.group("b") and not quoted_bold and not _HAS_VERB_NEAR(sentence)):
        return
    before = clean_inline(sentence[: match.start()])
    after = clean_inline(sentence[match.end():])
    if not re.search(r"[^\W\d_]{2}", before + " " + after):
        return  # a marked line on its own (a subtitle under a heading) is no sentence about a talk
    context = " ".join(sentences[max(0, number - 1): number + 1])
    if MEDIA_WORDS.search(before) and not re.search(r"\bpresent(?:s|ed|ing)?\b", before, re.I):
        return  # 'her book *Title*', 'the paper "Title"': not a talk ('presenting our paper' is one)
    who_after = _AFTER_TITLE_WHO.match(after)
    speakers = people(who_after.group("who"), scan.vocabulary) if who_after else []
    speakers = speakers or _people_before(scan, before)
    if not speakers and number > 0:
        speakers = _people_before(scan, clean_inline(sentences[number - 1]))[:1] if not before.strip() or \
            re.search(r"\b(?:her|his|their|the)\s+(?:talk|keynote|session|tutorial|presentation)\b", before, re.I) \
            else []
    if not speakers and number + 1 < len(sentences):
        presented = _PRESENTED_BY.search(clean_inline(sentences[number + 1]))
        speakers = people(presented.group("who"), scan.vocabulary) if presented else []
    if not speakers and block.heading_path:
        speakers = _only_people(scan, _heading_title_of(block))  # '### Jane Doe', then "Jane's keynote, '…'"
    kind = _talk_context(before + " " + after) or _talk_context(context) or (
        kind_from_heading(block.heading_path[-1]) if block.heading_path else None)
    if kind == "panel":  # 'Panel: "Title". Jane Doe is moderating, and the panellists are A (Org), B and C.'
        following = " ".join([after, *sentences[number + 1: number + 2]])
        speakers = speakers + [n for n in _named_people(scan, following) if n not in speakers]
    if kind is None and speakers and len(content_words(title)) >= 2:
        kind = "talk"  # 'Then came Jane Doe from Org with *Title*': a person presenting a title
    if kind is None or (not speakers and not _INTRODUCES_TITLE.search(before)):
        return  # with nobody presenting it, only 'titled "…"', 'her talk, "…"' make a quoted phrase a talk
    _add_prose(scan, block, title, kind, speakers)


def _heading_title_of(block: Block) -> str:
    return _TIME.sub("", _ENUMERATION.sub("", block.heading_path[-1])) if block.heading_path else ""


def _HAS_VERB_NEAR(sentence: str) -> bool:  # noqa: N802 - reads as a predicate on the sentence
    """A bold span is a title only inside a sentence that introduces a talk ('The closing panel, **Title**, was …')."""
    return bool(re.search(PROSE_TALK_WORDS, sentence.lower()))


def _add_prose(scan: NoteScan, block: Block, title: str, kind: str, speakers: list[str]) -> None:
    candidate = scan.add(Candidate(title=title, kind=kind, speakers=list(speakers), mentions=[scan.mention(block, "prose")],
                                   spans=[(scan.doc, block.line_start, block.line_end)]))
    scan.lead = candidate


def _in_non_talk_section(block: Block, scan: NoteScan | None = None) -> bool:
    """Reading lists, references and to-do lists name books and papers, not talks (under such a heading, or after
    a bold lead line such as '**Books people kept recommending:**')."""
    if scan is not None and scan.non_talk_lead:
        return True
    return any(NON_TALK_SECTIONS.search(heading) for heading in block.heading_path[1:] or block.heading_path)


def detect_non_talk_lead(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """A bold lead line starts a new part of the note: a reading list ('**Books:**') or anything else."""
    block = blocks[index]
    if _is_lead(block) and len(block.text.splitlines()) == 1:
        scan.non_talk_lead = bool(NON_TALK_SECTIONS.search(clean_inline(block.text)))


_TOPIC_VERB = re.compile(
    r"\b(?:talked|spoke|presented|lectured|ranted|talking|speaking|presenting)\s+(?:about|on)\s+"
    r"(?P<topic>[^.;:()!?\"“]{6,120}?)(?=[.;:(!?\"“]|,\s|\s+(?:which|that|and then|but)\b|$)")
_TOPIC_RANT = re.compile(
    r"\bdid\s+an?\s+(?:[\w-]+\s+){0,3}(?:talk|rant|session|demo|walkthrough|deep dive)\s+(?:about|on)\s+"
    r"(?P<topic>[^.;:()!?\"“]{6,120}?)(?=[.;:(!?\"“]|,\s|\s+(?:which|that|and then|but)\b|$)")
_TOPIC_POSSESSIVE = re.compile(
    r"[’']s\s+(?:[\w-]+\s+){0,2}(?:talk|session|keynote|tutorial|workshop|presentation|lecture)\s+(?:on|about)\s+"
    r"(?P<topic>[^.;:()!?\"“]{6,120}?)(?=[.;:(!?\"“]|,\s|\s+(?:which|that|and then|but)\b|$)")


def detect_person_heading(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """'### Priya Natarajan' (a heading that is only people), then 'Priya's keynote, "Title", …' or 'Lee Ji-hoon
    talked about <topic>': the section is that person's talk."""
    block = blocks[index]
    if block.level < 2 or scan.by_section.get(block.heading_path):
        return
    who = _only_people(scan, _heading_title(block))
    if not who:
        return
    body = [b for b in blocks[index + 1: index + 4] if b.heading_path == block.heading_path and b.kind != "heading"]
    title = ""
    for following in body:
        text = " ".join(line.strip() for line in following.text.splitlines())
        marked = next((clean_inline(_marked_text(m)) for m in _MARKED.finditer(text)
                       if _title_like(clean_inline(_marked_text(m)))), "")
        topic = next((m.group("topic").strip() for pattern in (_TOPIC_VERB, _TOPIC_RANT, _TOPIC_POSSESSIVE)
                      for m in [pattern.search(clean_inline(text))] if m), "")
        title = marked or topic
        if title:
            break
    if not title:
        return
    scan.add(Candidate(title=title, kind=_talk_context(" ".join(b.text for b in body[:1])) or "talk", speakers=who,
                       mentions=[scan.mention(block, "person-heading")], sections=[(scan.doc, block.heading_path)]))


def detect_topic_talk(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """'Jane Doe talked about <topic>', "Jane Doe's session on <topic>", 'Jane Doe did a five-minute rant about
    <topic>': a talk known by its topic. Kept only when the note has no titled talk by the same person."""
    block = blocks[index]
    earlier_lead = scan.lead is not None and scan.lead.kind == "panel" and scan.lead.mentions[0].line < block.line_start
    if _in_non_talk_section(block, scan) or earlier_lead or any(
            block.heading_path[:n] in scan.by_section for n in range(1, len(block.heading_path) + 1)):
        return  # inside a talk's section, 'X talked about Y' is what was said in it
    text = clean_inline(" ".join(line.strip() for line in block.text.splitlines()))
    for pattern in (_TOPIC_VERB, _TOPIC_RANT, _TOPIC_POSSESSIVE):
        for match in pattern.finditer(text):
            who = _people_before(scan, text[: match.start()] + ("" if pattern is not _TOPIC_POSSESSIVE else ""))
            head = text[max(0, match.start() - 80): match.start() + (2 if pattern is _TOPIC_POSSESSIVE else 0)]
            if pattern is _TOPIC_POSSESSIVE:
                who = _people_before(scan, head.rstrip("’'s"))
            if not who or not re.search(r"[^\W\d_]{3}", match.group("topic")):
                continue
            scan.add(Candidate(title=match.group("topic").strip(), kind=_talk_context(match.group(0)) or "talk",
                               speakers=who[-1:], mentions=[scan.mention(block, "topic")],
                               spans=[(scan.doc, block.line_start, block.line_end)], topic=True))


_WHO_DASH_TOPIC = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+(?P<who>[^—–:()]{2,60}?)\s+[—–]\s+(?P<topic>\S.{3,150})$")


def _who_dash_topic(scan: NoteScan, block: Block) -> tuple[list[str], str] | None:
    """'- Schulz — pgx connection pooling gotchas': a surname (or a full name) and a topic."""
    match = _WHO_DASH_TOPIC.match(clean_inline(block.text.splitlines()[0]))
    if block.kind != "list" or not match:
        return None
    who = match.group("who").strip()
    names = _only_people(scan, who)
    if not names and re.fullmatch(rf"[{UPPER}][\w’'\-\u0300-\u036f]+", who) and not scan.vocabulary.ordinary(who) \
            and not in_dictionary(who):
        names = [who]  # a surname alone, as terse notes write it
    topic = re.sub(r"\s*\((?:LT|lightning(?: talk)?|keynote|[^()]{1,12})\)\s*$", "", match.group("topic"), flags=re.I)
    return (names, topic.strip()) if names and re.search(r"[^\W\d_]{3}", topic) else None


def detect_who_dash_topic(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """A list of talks written as 'Surname — topic' items, each with its notes nested under it: at least two
    such items side by side (one alone could be anything)."""
    block = blocks[index]
    if _in_non_talk_section(block, scan) or block.line_start in scan.claimed:
        return
    found = _who_dash_topic(scan, block)
    if found is None:
        return
    nested = index + 1 < len(blocks) and blocks[index + 1].kind == "list" and blocks[index + 1].level > block.level
    siblings = [b for b in blocks if b is not block and b.kind == "list" and b.level == block.level
                and _who_dash_topic(scan, b)]
    if not nested or not siblings:
        return
    names, topic = found
    scan.add(Candidate(title=topic, kind="talk", speakers=names, mentions=[scan.mention(block, "list-item")],
                       spans=[(scan.doc, block.line_start, _item_end(blocks, index))]))
    scan.claimed.add(block.line_start)


def detect_panel_bullets(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """The people of a panel listed one per bullet: '- Daniel Okafor (Org)', '- Thabo Molefe, who maintains …',
    after a panel heading, a panel lead or 'The panellists were:'."""
    block = blocks[index]
    if block.kind != "list" or block.line_start in scan.claimed:
        return
    panel = scan.lead if scan.lead is not None and scan.lead.kind == "panel" else None
    section = scan.by_section.get(block.heading_path)
    if panel is None and section is not None and section.kind == "panel":
        panel = section
    if panel is None:
        return
    first = _BULLET_MARK.sub("", clean_inline(block.text.splitlines()[0]))
    leading = re.split(r"\s*(?:,|\(|—|–|\s-\s|:)\s*", first, maxsplit=1)[0]
    name = person_name(leading, scan.vocabulary)
    if name:
        scan.add_speakers(panel, [name])
        panel.mentions.append(scan.mention(block, "panel"))


# Which detectors read which kind of block, in order: the ones that create a section's talk come before those
# that add speakers to it.
DETECTORS: dict[str, tuple[Detector, ...]] = {
    "table": (detect_table,),
    "heading": (detect_kind_heading, detect_by_heading, detect_name_heading, detect_paren_heading,
                detect_person_heading),
    "paragraph": (detect_non_talk_lead, detect_fields, detect_lead_talk, detect_presenters, detect_byline, detect_list_item, detect_panel,
                  detect_highlight, detect_prose_talk, detect_topic_talk, detect_inline),
    "list": (detect_presenters, detect_byline, detect_list_item, detect_who_dash_topic, detect_speaker_list, detect_panel_bullets,
             detect_prose_talk, detect_topic_talk, detect_inline),
}
# Run after the note's other detectors, once every section's own talk is known.
LATE_DETECTORS: dict[str, tuple[Detector, ...]] = {"heading": (detect_title_heading,)}


def detect_front_matter(scan: NoteScan) -> None:
    """'speaker: Jane Doe' in a note's front matter: the note is about one talk, its title the note's title."""
    document = scan.parsed.document
    names = [n for raw in document.speakers for n in people(raw)]
    if not names:
        return
    title_heading = next((b for b in scan.parsed.blocks if b.kind == "heading"), None)
    title = document.title
    if title_heading is not None and title_heading.level == 1 and _is_title_heading(scan, title_heading):
        match = _HEADING_TALK.match(_heading_title(title_heading))
        title = match.group("title").strip() if match else _heading_title(title_heading)
        kind = kind_of(match.group("kind")) if match else kind_from_title(title) or "talk"
    else:
        kind = kind_from_title(title) or "talk"
    scan.add(Candidate(title=title, kind=kind, speakers=names, mentions=[scan.mention(1, "front-matter")],
                       whole_docs=[scan.doc]))


def scan_note(parsed: ParsedDocument, vocabulary: Vocabulary, notes: frozenset[str]) -> list[Candidate]:
    """Every talk candidate one note names."""
    scan = NoteScan(parsed, vocabulary, notes)
    detect_front_matter(scan)
    blocks = parsed.blocks
    for detectors in (DETECTORS, LATE_DETECTORS):
        scan.lead = None
        for index, block in enumerate(blocks):
            if block.kind == "heading":
                scan.lead, scan.non_talk_lead = None, False  # what a lead introduced ends at the next heading
            for detector in detectors.get(block.kind, ()):
                detector(scan, blocks, index)
    return _without_shadowed_topics(scan.found)


def _without_shadowed_topics(found: list[Candidate]) -> list[Candidate]:
    """A talk known only by its topic is dropped when the note names a titled talk by the same person (it is that
    talk: 'X talked about passkeys. The talk was called *Breaking Passkey Recovery*')."""
    titled = {surname(s).lower() for c in found if not c.topic for s in c.speakers}
    return [c for c in found if not c.topic or not {surname(s).lower() for s in c.speakers} & titled]
