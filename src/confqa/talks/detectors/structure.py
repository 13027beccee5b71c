"""Detectors of talks that notes introduce by their structure: tables, headings, bylines, speaker lines, fields,
bold or dashed list items, speaker lists, front matter, and headings titled like a known talk."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePosixPath

from confqa.ingest.loading import clean_inline
from confqa.ingest.markdown import Block, margin_width
from confqa.models import TalkMention
from confqa.talks.candidate import (
    Candidate,
    content_words,
    kind_from_heading,
    kind_from_title,
    kind_of,
    kind_under,
)
from confqa.talks.detectors.scan import (
    ASKED,
    BOLD_START,
    BULLET_MARK,
    HEADING_TALK,
    MARKED,
    NAME_DASH_TITLE,
    PANEL_PEOPLE,
    PAREN_TAIL,
    PRESENTERS,
    TIME,
    TOPIC_POSSESSIVE,
    TOPIC_RANT,
    TOPIC_VERB,
    NoteScan,
    bold_start,
    heading_title,
    in_non_talk_section,
    is_lead,
    kind_of_match,
    labelled_people,
    lead_end,
    marked_text,
    named_people,
    numbered_label,
    only_people,
    paren_people,
    person_then_title,
    talk_context,
    title_and_kind,
    title_by_person,
    title_dash_person,
    title_like,
    titled_people,
    unquote,
    without_code,
    without_honorifics,
    without_role,
)
from confqa.talks.names import (
    UPPER,
    Vocabulary,
    affiliation_split,
    could_be_surname,
    expands_acronym,
    known_given_name,
    people,
    person_name,
)
from confqa.text.lexicon import (
    AUTHOR_LINE_WORDS,
    GROUP_WORDS,
    KIND_WORDS,
    NAME_PARTICLES,
    NOBODY,
    NON_TALK_SECTIONS,
    NOTES_HEADERS,
    SPEAKER_HEADERS,
    TITLE_HEADERS,
    TYPE_HEADERS,
    UNKNOWN_SPEAKER,
)
from confqa.text.sentences import sentence_spans

_ET_AL = re.compile(r",?\s+et\.?\s+al\.?\s*$")


# A speaker cell that hides the name: the row is still a talk ('(anonymous, see note)').
UNNAMED = re.compile(r"\b(?:anonymous|unnamed|not named|withheld|speaker tba|tbc)\b", re.I)
# Labels of people who ran an event or a session rather than spoke: they only join a talk already found.
ORGANISER_LABEL = re.compile(r"^\W*(?:organi[sz](?:er|ers|ed by)|hosts?|hosted by|run by|chairs?)\b", re.I)
_DATE_HEADING = re.compile(
    r"\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day)?\b|\b(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|"
    r"dec)[a-z]*\.?\s+\d|\d\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)|\bday\s+\d", re.I)


_UNKNOWN = re.compile(r"\?+|unknown|tba|tbd|n/?a|not (?:named|announced|listed)|didn'?t catch[^.]*", re.I)


_FIELD = re.compile(r"^\W*(?P<label>[A-Za-z][A-Za-z ()/]{1,30}?)\W*\s*:\s*\**\s*(?P<value>\S.*)$")




_BY = re.compile(r"^\W*(?:by|with|from)\s+(?P<names>.+?)\W*$", re.I)


_ITEM_BY = re.compile(r"^\s*[,:]?\s*(?:by|from|de|von|par|por|di)\s+(?P<who>.+?)(?:\s*(?:[—–:]|\s-\s|\.\s|$)(?P<tail>.*))?$", re.S)


_ITEM_DASH_WHO = re.compile(r"^\s*(?:[—–]|-|,)\s*(?P<who>(?:[^—–.:;]|(?<=\b[A-Z])\.)+?)\s*(?:[—–:]|\s-\s|(?<!\b[A-Z])\.(?:\s|$)|$)", re.S)


_ITEM_PAREN_WHO = re.compile(r"^\s*\((?P<who>[^()]+)\)")


_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)[^)]*\)")


# -- tables ------------------------------------------------------------------------------------------------------
def cells(row: str) -> list[str]:
    row = row[margin_width(row):].strip()  # '> | a | b |' in a callout is the row '| a | b |'
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


# A talk a schedule strikes out or marks as called off: '~~Title~~ — **cancelled** (visa issue)', 'Title (postponed)'.
_CALLED_OFF = re.compile(r"^\W*~~|[—–(*-]\s*\**\s*(?:cancel+ed|postponed|abgesagt|annulée?|cancelad[oa]|cancellato)\b",
                         re.I)


def detect_table(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """A table row per talk: a title column, and a speaker or type column (or a section that names the kind)."""
    block = blocks[index]
    rows = [r for r in block.text.splitlines() if r.strip()]
    if len(rows) < 3:
        return
    header = cells(rows[0])
    if _property_table(scan, block, rows):
        return
    title_col = _column(header, TITLE_HEADERS + tuple(KIND_WORDS), prefer="title")
    speaker_col = _column(header, SPEAKER_HEADERS)
    if speaker_col == title_col:
        speaker_col = None
    type_col = _column(header, TYPE_HEADERS)
    notes_col = _column(header, NOTES_HEADERS)
    section_kind = kind_from_heading(block.heading_path[-1] if block.heading_path else "")
    if title_col is None or (speaker_col is None and type_col is None and section_kind is None):
        _talks_in_cells(scan, block, rows, section_kind)  # no column says who: a cell may say it with the title
        return
    if _people_table(scan, block, rows, title_col):
        return
    by_section_kind_only = speaker_col is None and type_col is None
    if by_section_kind_only and scan.by_section.get(block.heading_path) is not None:
        return  # 'Topic | Summary' under a panel's heading: what the panel discussed
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
        prefixed = HEADING_TALK.match(title)
        if prefixed:  # 'Invited talk: Title', 'Oral 2: Title' in the title cell
            title, kind = unquote(prefixed.group("title")), kind or kind_of_match(prefixed)
        links = _LINK.findall(raw_title)
        unnamed = speaker_col is not None and speaker_col < len(row_cells) and UNNAMED.search(row_cells[speaker_col])
        first_word = re.findall(r"[a-z]+", row_cells[speaker_col].lower())[:1] \
            if speaker_col is not None and speaker_col < len(row_cells) else []
        cell_kind = KIND_WORDS.get(first_word[0]) if first_word else None  # 'Panel (see note)' in the speaker cell
        if speaker_col is not None and not speakers and not prefixed and not links and not unnamed and not cell_kind:
            continue  # a schedule's 'Lunch', 'Welcome', 'Poster session': no one presents it
        if not speakers:
            kind = kind or cell_kind  # 'Panel (see note)'
        if title.startswith("*") or re.match(r"(?i)\W*(?:cancel+ed|postponed|tbd|tba)\b", title) \
                or _CALLED_OFF.search(title):
            continue
        if by_section_kind_only and section_kind == "talk" and not links and not (
                title_like(title, strict=True) and len(title.split()) >= 3):
            continue  # under 'Notes on each talk', 'Okonkwo keynote' is a reference, not a title
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


def _talks_in_cells(scan: NoteScan, block: Block, rows: list[str], section_kind: str | None) -> None:
    """A table without a title or a speaker column whose cells introduce talks the way list items do: a schedule's
    '| 19:00 | **Lock-Free Queues in Practice** — Jane Doe (Org) |'. A cell with a title and the
    people who give it is a talk of its row; 'Doors open, pizza & drinks' names no one and is not."""
    for offset, row in enumerate(rows[2:], start=2):
        for cell in cells(row):
            match = BOLD_START.match(cell)
            title, who, label = (*_bold_item(scan, match), match.group("label")) if match else \
                (*_plain_item(scan, cell, section_kind), None)
            if not _names_a_talk(title, who, scan.vocabulary):
                continue
            line = block.line_start + offset
            title, kind = _item_kind(title, label)
            scan.add(Candidate(title=title, kind=kind or kind_from_title(title) or section_kind or "talk",
                               speakers=who, mentions=[scan.mention(line, "table")], spans=[(scan.doc, line, line)]))
            break  # one talk to a row


def _property_table(scan: NoteScan, block: Block, rows: list[str]) -> bool:
    """'Property | Value' rows ('Speaker | Jane Doe', 'Moderator | …'): the speakers of the section's talk."""
    pairs = [cells(r)[:2] for r in rows[2:] if len(cells(r)) >= 2]
    labelled = [f"{clean_inline(k)}: {v}" for k, v in pairs if PRESENTERS.match(f"{clean_inline(k)}: x")]
    if len(cells(rows[0])) != 2 or not labelled:
        return False
    names = labelled_people(scan, labelled)
    if names and block.heading_path:
        scan.speakers_of_section(block, names, "presenters")
    return True


def _people_table(scan: NoteScan, block: Block, rows: list[str], column: int) -> bool:
    """A table whose 'Name' column holds people ('Role | Name | Company') lists a panel's people, not talks: they
    join the panel the note is describing, if any."""
    names = [only_people(scan, cells(r)[column]) if column < len(cells(r)) else [] for r in rows[2:]]
    if sum(1 for n in names if n) * 2 <= len(names):
        return False
    panel = scan.lead if scan.lead is not None and scan.lead.kind == "panel" else None
    section = scan.by_section.get(block.heading_path)
    panel = panel or (section if section is not None and section.kind == "panel" else None)
    if panel is not None:
        scan.add_speakers(panel, [name for found in names for name in found])
    return True


def _organisations(cell: str) -> list[str]:
    """A speaker cell that names no person but an organisation ('Capital One'): the host, matched by full name.
    'Organisers', 'TBA', 'see below' name nobody."""
    names = [clean_inline(p).strip() for p in re.split(r"\s*(?:,|;|&|\band\b)\s*",
                                                       re.sub(r"\([^()]*\)", "", clean_inline(cell)))]
    return [n for n in names if n and n[0].isupper() and 1 <= len(n.split()) <= 5 and not n.isupper()
            and not set(n.lower().split()) & NOBODY and n.lower() not in KIND_WORDS and not UNNAMED.search(n)]


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


def detect_kind_heading(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """'## Keynote: Title (Jane Doe)', '## Invited Talk 3 — Title', '## Keynote by Jane Doe: Title', '### Keynote
    (Day 1): "Title"', and '### keynote — Jane Doe (Org)' with the title on the next line."""
    block = blocks[index]
    match = HEADING_TALK.match(heading_title(block))
    if not match:
        return
    title, chairs = without_role(match.group("title"), scan.vocabulary)
    title, speakers = titled_people(scan, title, match.group("by"))
    speakers += [p for p in chairs if p not in speakers]
    next_title = _title_line(blocks, index)
    if next_title and not speakers:  # '## 10:30 oral — Mendes (didn't catch the first name)' then '"Title"'
        surname = re.sub(r"\s*\(.*$", "", title)
        if could_be_surname(surname, scan.vocabulary):
            title, speakers = "", [surname]
    if not title and not next_title and len(speakers) == 1 and "(" not in match.group("title") and \
            len(speakers[0].split()) >= LONGEST_BARE_NAME:
        # '## Workshop — Designing Ultrasonic Mid-Air Haptics': capitalised words with no organisation and no
        # title line after them are the title, not a person.
        title, speakers = unquote(match.group("title")), []
    if not title:
        title = next_title or heading_title(block)
    scan.add(Candidate(title=title, kind=kind_of_match(match), speakers=speakers, labels=numbered_label(match),
                       mentions=[scan.mention(block, "heading")], sections=[(scan.doc, block.heading_path)]))


# Words from which a heading's 'kind — Capitalised Words' with nothing else is read as a title rather than a person.
LONGEST_BARE_NAME = 4


def _title_line(blocks: list[Block], index: int) -> str:
    """The title on the line after a heading that named only the speaker: '"Title"', '*Title*', '**Title**'."""
    if index + 1 >= len(blocks) or blocks[index + 1].heading_path != blocks[index].heading_path:
        return ""
    first = blocks[index + 1].text.splitlines()[0].strip()
    title = unquote(first)
    return clean_inline(title) if title != first and len(content_words(title)) >= 2 else ""


def detect_by_heading(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """'### 10. "Title" by Jane Doe (Org)': a heading that is a title and its speaker."""
    block = blocks[index]
    text = heading_title(block)
    if scan.by_section.get(block.heading_path) or HEADING_TALK.match(text):
        return
    title, who = title_by_person(scan, text)
    if who:
        scan.add(Candidate(title=title, kind=kind_from_title(title) or kind_under(_parent(block)) or "talk",
                           speakers=who, mentions=[scan.mention(block, "name-heading")],
                           sections=[(scan.doc, block.heading_path)]))


def detect_quoted_heading(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """'### "Open Data for Heat Pumps"' (a heading that is a quoted title), then 'Samuel Otieno (Collective), …' or
    'Dr. Katrin Vogel (Org) opened the event.' opening the next paragraph."""
    block = blocks[index]
    text = heading_title(block)
    kind_match = HEADING_TALK.match(text)
    title = unquote(kind_match.group("title") if kind_match else text)
    if scan.by_section.get(block.heading_path):
        return
    if title == (kind_match.group("title") if kind_match else text).strip():
        _heading_with_marked_title(scan, blocks, index, text)  # 'Series B — Jane Doe (Org): "Title"'
        return  # not a heading that is a quoted title
    following = blocks[index + 1] if index + 1 < len(blocks) else None
    if following is None or following.heading_path != block.heading_path or following.kind == "heading":
        return
    text = re.sub(r"^(?:Dr|Prof|Mr|Mrs|Ms|Mx)\.?\s+", "", clean_inline(re.sub(r"\([^()]*\)", "", following.text)))
    opening = re.split(r"[,;:]|\s[—–-]\s|\.\s|\s(?=[a-z])", text, maxsplit=1)[0]
    who = only_people(scan, opening)
    if who and title_like(title):
        scan.add(Candidate(title=title, kind=kind_of_match(kind_match) if kind_match else "talk", speakers=who,
                           mentions=[scan.mention(block, "heading")], sections=[(scan.doc, block.heading_path)]))


def _heading_with_marked_title(scan: NoteScan, blocks: list[Block], index: int, text: str) -> None:
    """A heading that quotes a title among other words: 'Series B — Jane Doe (Org): "Title"' names its people;
    'Slide 2 — "Title" (keynote)' names a kind, and its people are in the section's credit line ('— slide notes
    from Okoro's keynote (Chiamaka Okoro, Fastlane Systems)')."""
    block = blocks[index]
    marked = next((m for m in MARKED.finditer(text) if title_like(clean_inline(marked_text(m)))), None)
    if marked is None:
        return
    who = named_people(scan, text[: marked.start()] + " " + text[marked.end():])
    if not who and kind_from_heading(text):
        who = _credited(scan, blocks, index)
    if who:
        kind_match = HEADING_TALK.match(text)
        scan.add(Candidate(title=clean_inline(marked_text(marked)), kind=kind_of_match(kind_match) if kind_match
                           else kind_from_heading(text) or "talk", speakers=who,
                           mentions=[scan.mention(block, "heading")], sections=[(scan.doc, block.heading_path)]))


# A section's line crediting its notes to a talk: "— slide notes from Okoro's keynote (Chiamaka Okoro, Fastlane
# Systems)", "notes from Joaquim Sá Pereira's talk (Universidade do Porto)".
_CREDIT = re.compile(r"\bfrom\s+(?P<who>[^\W\d_][^()]{0,60}?)['’]s\s+(?:[\w-]+\s+)?(?P<kind>[^\W\d_]+)\b"
                     r"(?:\s*\((?P<inner>[^()]{3,120})\))?")


def _credited(scan: NoteScan, blocks: list[Block], index: int) -> list[str]:
    """The people a section's credit line names (in its parentheses, else before "'s"), when it names a kind of
    talk."""
    path = blocks[index].heading_path
    for block in blocks[index + 1:]:
        if block.heading_path[: len(path)] != path or block.kind == "heading":
            break
        for found in _CREDIT.finditer(clean_inline(block.text)):
            if found.group("kind").lower() not in KIND_WORDS:
                continue
            inner = people(found.group("inner"), scan.vocabulary) if found.group("inner") else []
            named = person_name(found.group("who"), scan.vocabulary)
            return inner or ([named] if named else [])
    return []


def detect_name_heading(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """'### Jane Doe — Title' or '### Title — Jane Doe': one side a person, the other the title."""
    block = blocks[index]
    text = heading_title(block)
    if HEADING_TALK.match(text) or block.level < 2:
        return
    match = NAME_DASH_TITLE.match(text)
    if not match:
        return
    title, who = person_then_title(scan, text)
    if not who:
        title, who = title_dash_person(scan, text)
        if not who:
            return
    label = title
    if len(re.findall(r"[^\W\d_]{3,}", title)) <= 1:  # '## 9:00 KN — Prof. Jane Doe (Org)' then '"Title"'
        title = _title_line(blocks, index)
    if len(content_words(title)) < 1:
        return
    title, more = paren_people(scan, title)
    kind = kind_of(label) if label.lower() in KIND_WORDS else None
    scan.add(Candidate(title=title, kind=kind or kind_from_title(title) or kind_under(_parent(block)) or "talk",
                       speakers=who + more, mentions=[scan.mention(block, "name-heading")],
                       sections=[(scan.doc, block.heading_path)]))


def _parent(block: Block) -> str:
    return block.heading_path[-2] if len(block.heading_path) >= 2 else ""


def detect_paren_heading(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """'## Fairness at Scale (Ana de la Cruz)': a person, not a topic or company, in a heading's parentheses."""
    block = blocks[index]
    text = heading_title(block)
    if HEADING_TALK.match(text) or scan.by_section.get(block.heading_path):
        return
    title, speakers = paren_people(scan, text)
    if not speakers or len(content_words(title)) < 1:
        return
    scan.add(Candidate(title=title, kind=kind_from_title(title) or kind_under(_parent(block)) or "talk",
                       speakers=speakers, mentions=[scan.mention(block, "parenthesis")],
                       sections=[(scan.doc, block.heading_path)]))


def detect_title_heading(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """A heading with no talk of its own may be the title of a talk found elsewhere (the index note's table, a
    catalogue entry): it joins that talk at merge time if the titles match, and brings its section."""
    block = blocks[index]
    text = heading_title(block)
    if scan.by_section.get(block.heading_path) or len(content_words(text)) < 2 or _holds_a_talk(scan, blocks, index):
        return
    whole = [scan.doc] if _is_title_heading(scan, block) else []
    scan.add(Candidate(title=text, kind="talk", weak=True, title_only=True, mentions=[scan.mention(block, "title")],
                       sections=[(scan.doc, block.heading_path)], whole_docs=whole))


def detect_title_line(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """A paragraph that opens with a talk's line and goes on in '•' bullets (a note with no markdown structure):
    '→ Title (Jane Doe, Org)', '[Jane Doe] Title', '[Jane Doe] Title — lightning, 5 min', '[Panel] Title — mod: A;
    w/ B, C'. The paragraph is about that talk."""
    block = blocks[index]
    lines = block.text.splitlines()
    if block.kind != "paragraph" or len(lines) < 2 or not all(_SYMBOL_BULLET.match(line) for line in lines[1:]) \
            or block.line_start in scan.claimed:
        return
    first = clean_inline(lines[0]).strip()
    bracket = _BRACKETED_WHO.match(first)
    arrow = _ARROWED.match(first)
    if bracket:
        who, title = bracket.group("who").strip(), bracket.group("title").strip()
        title, tail = (re.split(r"\s+[—–-]{1,2}\s+|\s+·\s+", title, maxsplit=1) + [""])[:2]
        kind = kind_of(who) if who.lower() in KIND_WORDS else kind_of_tail(tail)
        speakers = [name for part in tail.split(";") for name in people(_ROLE_LABEL.sub("", part).strip())] \
            if who.lower() in KIND_WORDS else only_people(scan, who)
    elif arrow:
        title, speakers = _title_and_speaker(scan, arrow.group("line"))
        kind = "talk"
    else:
        return
    if not speakers or not title_like(title):
        return
    scan.add(Candidate(title=title, kind=kind, speakers=speakers, mentions=[scan.mention(block, "title-line")],
                       spans=[(scan.doc, block.line_start, block.line_end)]))
    scan.claimed.add(block.line_start)


# A line of bullets written as symbols rather than markdown lists: '• YIN on a Cortex-M7', '· fewer layers'.
_SYMBOL_BULLET = re.compile(r"^\s*[•·◦▪▸‣∙]\s*\S")
_BRACKETED_WHO = re.compile(r"^\W{0,3}\[(?P<who>[^\]]{2,60})\]\s+(?P<title>\S.{3,200})$")
# The role written before people in a terse line: 'mod: A', 'mod. A', 'w/ B, C', 'with B', 'panel: B',
# 'convener: Kwame Mensah', 'led by …'.
_ROLE_LABEL = re.compile(r"^\s*(?:(?:mod(?:erator)?|chair|with|panel(?:lists?)?|panell?ists?|conven[eo]rs?|hosts?|"
                         r"hosted by|led by|run by|facilitators?|speakers?|presenters?)\b\.?|w/)\s*:?\s*", re.I)
_ARROWED = re.compile(r"^\s*[→⇒►▶➜➔»]\s*(?P<line>\S.{3,250})$")


def kind_of_tail(tail: str) -> str:
    """The kind a title's tail names ('lightning, 5 min' -> lightning talk), or a talk."""
    return next((kind_of(word) for word in re.findall(r"[^\W\d_]+", tail.lower()) if word in KIND_WORDS), "talk")


def _title_and_speaker(scan: NoteScan, line: str) -> tuple[str, list[str]]:
    """'Title (Jane Doe, Org)' -> ('Title', ['Jane Doe']): a person and, after the comma, where they work (unless it
    starts with a known given name: '(Jane Doe, Tobi Wenzel)' is two people)."""
    paren = PAREN_TAIL.search(line)
    if not paren:
        return line, []
    parts = [part.strip() for part in paren.group("inner").split(",")]
    head = person_name(parts[0], scan.vocabulary)
    if head and len(parts) == 2 and not known_given_name(parts[1].split()[0] if parts[1].split() else ""):
        return line[: paren.start()].strip(" -–—:"), [head]
    return paren_people(scan, line)


def detect_reference(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """A talk cited as a reference, on a line of its own: 'Okonkwo, A. & Liu, B. (2023). "Title". NDSW 2023,
    Tampere.' Its speaker is the author the notes below say presented it ('Presented by Yuki Morimoto', 'Per
    Lindgren (Aalto University) gave the opening keynote'), else the authors they name in full, else the authors as
    cited. The section it opens (or the paragraphs after it) is about that talk."""
    block = blocks[index]
    cited = _REFERENCE.match(clean_inline(block.text).strip()) if block.kind == "paragraph" else None
    if cited is None or block.line_start in scan.claimed:
        return
    authors = [(m.group("surname"), m.group("initials")) for m in _AUTHOR.finditer(cited.group("authors"))]
    if not authors:
        return
    below = [b for b in blocks[index + 1: index + 1 + REFERENCE_SUMMARY_BLOCKS]
             if b.heading_path == block.heading_path and b.kind != "heading"]
    summary = without_honorifics(" ".join(clean_inline(b.text) for b in below))
    cited_surnames = {surname for surname, _ in authors}
    presenting = [name for name in _who_gave_it(scan, summary) if name.split()[-1] in cited_surnames]
    full = [found.group(0) for surname, _ in authors  # in the order cited
            if (found := re.search(rf"\b[{UPPER}][\w'’-]+(?:\s+[{UPPER}][\w'’-]+)?\s+{re.escape(surname)}\b",
                                   summary))]
    speakers = presenting or full or [f"{initials.strip()} {surname}" for surname, initials in authors]
    first_under = not any(b.heading_path == block.heading_path and b.kind != "heading" for b in blocks[:index])
    own_section = first_under and block.heading_path and scan.by_section.get(block.heading_path) is None
    scan.add(Candidate(title=cited.group("title").strip(), kind=kind_of_tail(cited.group("venue")), speakers=speakers,
                       mentions=[scan.mention(block, "reference")],
                       sections=[(scan.doc, block.heading_path)] if own_section else [],
                       spans=[] if own_section else [(scan.doc, block.line_start, lead_end(blocks, index))]))
    scan.claimed.add(block.line_start)


# A reference: authors as 'Surname, I.' joined by commas and '&', the year in parentheses, the quoted title, where.
_AUTHOR_TEXT = rf"[{UPPER}][\w'’-]+,\s+(?:[{UPPER}]\.\s?)+"
_REFERENCE = re.compile(rf"^(?P<authors>{_AUTHOR_TEXT}(?:,?\s+(?:&|and)?\s*{_AUTHOR_TEXT})*)\s*"
                        rf"\((?P<year>\d{{4}})[a-z]?\)\.\s+"
                        r'["“](?P<title>[^"”]{4,200})["”]\.?\s*(?P<venue>[^\n]*)$')
_AUTHOR = re.compile(rf"(?P<surname>[{UPPER}][\w'’-]+),\s+(?P<initials>(?:[{UPPER}]\.\s?)+)")
# Paragraphs after a reference read for who presented it (a summary, then the writer's own take).
REFERENCE_SUMMARY_BLOCKS = 2


def detect_given_by(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """'# Workshop write-up: Title' then 'The hands-on session … was run by Dr. Jane Doe (Org) and John Roe (Org).',
    or '## Keynote: Title' then 'Dr. Jane Doe (Org) opened at 09:15 …': a talk whose heading names no one gets its
    people from the first paragraph under it that says who gave it."""
    block = blocks[index]
    talk = scan.by_section.get(block.heading_path)
    if block.kind != "paragraph" or talk is None or talk.speakers or \
            any(b.kind == "paragraph" and b.heading_path == block.heading_path for b in blocks[:index]):
        return
    names = _who_gave_it(scan, without_honorifics(clean_inline(block.text)))
    if names:
        scan.add_speakers(talk, names)
        talk.mentions.append(scan.mention(block, "given-by"))


def _who_gave_it(scan: NoteScan, text: str) -> list[str]:
    """The people the first sentence that says who gave a talk names: 'was run by A (Org) and B', 'Presented by
    A; …', 'A (Org) opened at 09:15 …', 'A (Org) presented; her co-author B did not travel'."""
    for start, end in sentence_spans(text, 0, len(text)):
        given = _GIVEN_BY.search(text[start:end])
        names = people(given.group("who")) if given else []
        opening = _SPEAKER_OPENED.match(text[start:end]) if not names else None
        names = only_people(scan, opening.group("who")) if opening else names
        if names:
            return names
    return []


# A sentence that opens with the speaker and what they did: 'Harriet Cole (independent consultant) opened at 09:15'.
_SPEAKER_OPENED = re.compile(r"^(?P<who>[^.;:()]{3,80}?(?:\s*\([^()]*\))?)\s+(?:opened|gave|presented|spoke|talked|"
                             r"kicked off|delivered|closed)\b")
_GIVEN_BY = re.compile(r"\b(?:run|presented|given|taught|led|hosted|delivered|facilitated|moderated)\s+by\s+"
                       r"(?P<who>[^.;:]+)", re.I)


def detect_kind_line(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """A line (not a heading) that is a kind of talk and its quoted title, 'Keynote: "Title"', with its people right
    under it: the next line a byline ('Prof. Jane Doe (Org)', 'A (Org) and B (Org)') or labelled ('Moderator: A' /
    'Panellists: B, C'), or, in an outline, the child items of '- Keynote: "Title"' ('- Speaker: Dr. Jane Doe (Org)',
    '- Presenters: A (Org) and' wrapped onto 'B (Org)'). The block, and the notes after it, are about that talk."""
    block = blocks[index]
    if block.line_start in scan.claimed or in_non_talk_section(block, scan) \
            or any(m.doc == scan.doc and m.line == block.line_start for c in scan.found for m in c.mentions):
        return
    found = _kind_line(block.text.splitlines()[0])
    if found is None:
        return
    title, kind = found
    children = _people_items(scan, blocks, index) if block.kind == "list" else []
    below = [without_honorifics(clean_inline(line)) for b in [block, *children]
             for line in b.text.splitlines()[1 if b is block else 0:]]
    first = BULLET_MARK.sub("", below[0]).strip() if below else ""
    if not first or not (PRESENTERS.match(first) or PANEL_PEOPLE.match(first) or only_people(scan, first)):
        return  # 'Keynote: "Title"' over prose, or over an item that is not its people
    other_field = next((n for n, line in enumerate(below) if _FIELD.match(line) and not PRESENTERS.match(line)
                        and not PANEL_PEOPLE.match(line)), len(below))
    below = below[:other_field]  # 'Time: 15:00, room 2' after the people is no more of them
    names = labelled_people(scan, below, panel=kind == "panel")
    if not names:
        return
    end = _item_end(blocks, index) if block.kind == "list" else _kind_line_end(blocks, index)
    scan.lead = scan.add(Candidate(title=title, kind=kind, speakers=names, mentions=[scan.mention(block, "kind-line")],
                                   spans=[(scan.doc, block.line_start, end)]))
    scan.claimed.update(b.line_start for b in [block, *children])
    scan.read_whole.update(b.line_start for b in [block, *children])


def _kind_line(line: str) -> tuple[str, str] | None:
    """(title, kind) of 'Keynote: "Title"' or '- Lightning talk: "Title" (5 min)': a kind of talk, then a quoted title
    and nothing else (a parenthesis may say when)."""
    match = HEADING_TALK.match(clean_inline(BULLET_MARK.sub("", line)).strip())
    quoted = _QUOTED_THEN_WHEN.match(match.group("title")) if match and not match.group("by") else None
    return (quoted.group("title").strip(), kind_of_match(match)) if quoted and match else None


def _people_items(scan: NoteScan, blocks: list[Block], index: int) -> list[Block]:
    """The child items of an outline's item that name its people, from its first child on: '- Speaker: Jane Doe
    (Org)', '- Moderator: A' then '- Panellists: B, C', or a first child that is only people ('- Jane Doe (Org)')."""
    block = blocks[index]
    nested = []
    for following in blocks[index + 1:]:
        if following.kind != "list" or following.level <= block.level:
            break
        nested.append(following)
    children = [b for b in nested if b.level == nested[0].level] if nested else []
    found = []
    for child in children:
        line = without_honorifics(clean_inline(BULLET_MARK.sub("", child.text.splitlines()[0]))).strip()
        if not (PRESENTERS.match(line) or PANEL_PEOPLE.match(line) or (not found and only_people(scan, line))):
            break
        found.append(child)
    return found


def _kind_line_end(blocks: list[Block], index: int) -> int:
    """The last line of the notes after a kind line: up to the next heading, bold lead or kind line."""
    end = blocks[index].line_end
    for following in blocks[index + 1:]:
        if following.kind == "heading" or is_lead(following) or _kind_line(following.text.splitlines()[0]):
            break
        end = following.line_end
    return end


def detect_labelled_lines(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """'2. Keynote: "Title"' with '2.1. Presenter: Dr. Jane Doe (Org)' on a line of the same item (minutes in a
    numbered outline), or '- Panel: "Title"' with '  Moderator: A' under it: the people its labelled lines name
    are those of the talk the block's first line was found to be."""
    block = blocks[index]
    found = [c for c in scan.found if any(m.doc == scan.doc and m.line == block.line_start for m in c.mentions)]
    lines = _continued([_OUTLINE_NUMBER.sub("", without_honorifics(clean_inline(line)))
                        for line in block.text.splitlines()[1:]])
    labelled = [line for line in lines if PRESENTERS.match(line) or PANEL_PEOPLE.match(line)]
    if len(found) != 1 or not labelled:
        return
    talk = found[0]
    names = labelled_people(scan, labelled, panel=talk.kind == "panel")
    if names:
        scan.add_speakers(talk, names)
        talk.mentions.append(scan.mention(block, "presenters"))


# A line that stops in the middle of a list of names: 'Panellists: A (Org), B (Org),' then 'C (Org)'.
_LIST_GOES_ON = re.compile(r"(?:,|\band|&|\bund|\bet|\by|\be)\s*$", re.I)


def _continued(lines: list[str]) -> list[str]:
    """The lines with each one that a line ending mid-list ('…, Elif Yıldız (ITU),') runs on to joined to it."""
    return _joined(lines, lambda before, _line: bool(_LIST_GOES_ON.search(before)))


def _joined(lines: list[str], runs_on: Callable[[str, str], bool]) -> list[str]:
    """The lines, stripped, with each line that the one before runs on to (`runs_on(before, line)`) joined to it."""
    joined: list[str] = []
    for line in lines:
        if joined and runs_on(joined[-1], line):
            joined[-1] = f"{joined[-1]} {line.strip()}"
        else:
            joined.append(line.strip())
    return joined


# The number of an outline's item before its text: '2.1. ', '3.2.1 ', '- '.
_OUTLINE_NUMBER = re.compile(r"^\s*(?:[-*+]\s+)?(?:\d{1,3}\.)+\d{0,3}\s+")


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


def _unwrapped(names: str, line: str) -> str:
    """The names of a line in parentheses, without the one closing it: '(speaker: Olamide Adeyemi)'."""
    names = names.rstrip()
    return names[:-1] if line.lstrip()[:1] == "(" and names.endswith(")") and names.count("(") < names.count(")") \
        else names


def detect_presenters(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """'Speaker: Jane Doe', '**Presenters:** A (Org), B and C': the people of the section's talk."""
    block = blocks[index]
    if _panel_people(scan, block):
        return
    match = PRESENTERS.match(_first_line(block))
    if not match or not block.heading_path or _gives_a_title(block):
        return
    lines = _field_lines(block)
    labelled = [line for line in lines if PRESENTERS.match(clean_inline(line))]
    if len(labelled) == 1:
        # 'Moderator: A. Panellists: B (Org), C (Org), D.' on one line: a labelled sentence each.
        line = clean_inline(labelled[0])
        sentences = [line[a:b] for a, b in sentence_spans(line, 0, len(line))]
        labelled = [text for text in sentences if PRESENTERS.match(text)] if len(sentences) > 1 else labelled
    if len(lines) > 1 and all(PRESENTERS.match(clean_inline(line)) or not _FIELD.match(clean_inline(line))
                              for line in lines):
        # 'Moderator: A' / 'Panellists: B, C (Org), D' (wrapped); 'Moderation: A (Org). On the podium: B (role,' /
        # 'Org), C and D' (a paragraph wrapped mid-parenthesis, two labelled sentences): each label's sentence.
        sentences = _labelled_sentences(lines)
        label_lines = sum(1 for line in lines if PRESENTERS.match(clean_inline(line)))
        names = labelled_people(scan, sentences if len(sentences) > label_lines else lines)
    elif len(labelled) > 1:
        names = labelled_people(scan, labelled)  # '- mod. A' / '- panel: B (Org), C' / '- B: what B said'
    else:
        names = people(_first_sentence(_unwrapped(match.group("names"), match.group(0))))
    unknown = not names and (_UNKNOWN.fullmatch(match.group("names").strip()) is not None
                             or _names_a_group(match.group("names")))
    if unknown and scan.lead is None and scan.by_section.get(block.heading_path) is None \
            and not _is_date_heading(heading_title(block)) and not ORGANISER_LABEL.match(match.group(0)):
        # 'speaker:: ?' or 'Presenter: SRE team' under a heading: a talk whose speakers the note does not name
        scan.add(Candidate(title=heading_title(block), kind=kind_from_title(heading_title(block)) or "talk",
                           mentions=[scan.mention(block, "presenters")], sections=[(scan.doc, block.heading_path)]))
        return
    if scan.lead is not None and names:
        scan.add_speakers(scan.lead, names)
        scan.lead.mentions.append(scan.mention(block, "presenters"))
        return
    if scan.by_section.get(block.heading_path) is None and (
            _DATE_HEADING.search(heading_title(block)) or ORGANISER_LABEL.match(match.group(0))):
        return  # 'Wed 4 Dec — day 2' is when, not a talk; 'Organiser: …' under 'What / where' ran the event
    scan.speakers_of_section(block, names, "presenters")
    _whole_note_if_title(scan, block)


def _labelled_sentences(lines: list[str]) -> list[str]:
    """The sentences of a paragraph's lines that open with a presenter label, each with the lines it runs on to
    (a line that opens with no label continues the one before it)."""
    logical = _joined([clean_inline(line) for line in lines], lambda _before, line: not PRESENTERS.match(line))
    return [text[a:b] for text in logical for a, b in sentence_spans(text, 0, len(text))
            if PRESENTERS.match(text[a:b])]


def _names_a_group(text: str) -> bool:
    """'SRE team', 'the Platform squad (Copenhagen)': a presenter line that names a group of people, not a person."""
    words = re.findall(r"[^\W\d_]+", re.sub(r"\([^()]*\)", " ", clean_inline(text)))
    return 1 <= len(words) <= MAX_GROUP_WORDS and words[-1].lower() in GROUP_WORDS


# Most words of a group's name ('the data platform team').
MAX_GROUP_WORDS = 4


def _is_date_heading(text: str) -> bool:
    """'Wed 4 Dec — day 2', 'Notes from Thursday': a heading that says when and little else (not 'What We Learned
    from the June 3rd Outage', a title with a date in it)."""
    return bool(_DATE_HEADING.search(text)) and len(content_words(_DATE_HEADING.sub(" ", text))) <= MAX_WORDS_BESIDE_DATE


# Most content words a heading that is a date has besides it ('day', 'notes').
MAX_WORDS_BESIDE_DATE = 2


def _panel_people(scan: NoteScan, block: Block) -> bool:
    """'Chair: Jane Doe' or 'Avec : A (Org), B' under a panel (its heading or its lead): more of its people. Under
    anything else such a line names no speaker; True when the line was one."""
    match = PANEL_PEOPLE.match(_first_line(block))
    if not match:
        return False
    panel = scan.lead if scan.lead is not None else scan.by_section.get(block.heading_path)
    if panel is not None and panel.kind == "panel":
        scan.add_speakers(panel, people(without_honorifics(match.group("names"))))
        panel.mentions.append(scan.mention(block, "presenters"))
    return True


def _first_sentence(text: str) -> str:
    """'A (Org) and B. I only caught the second half.' -> 'A (Org) and B.' (the package's one sentence splitter)."""
    spans = sentence_spans(text, 0, len(text))
    return text[spans[0][0]: spans[0][1]] if spans else text


def _gives_a_title(block: Block) -> bool:
    """A block of fields that names the title too ('Title: …' / 'Speaker: …') is the fields detector's."""
    for line in block.text.splitlines():
        match = _FIELD.match(clean_inline(line))
        label = match.group("label").strip().lower() if match else ""
        if match and (label in TITLE_HEADERS or (label in KIND_WORDS and not people(match.group("value")))):
            return True  # 'Panel: Who Pays for Open Data' gives a title; 'panel: A (Org), B (Org)' its people
    return False


def detect_byline(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """Right under a heading, a line that is only a byline: '*Jane Doe, Stanford*', 'by Jane Doe', 'Jane Doe
    (Stanford University)', '— Jane Doe', or a first bullet '- Jiaming Song', '- Shaojie Bai et al.'. Under the
    heading of a known talk, the first sentence of a paragraph may be one: 'Marcela Soto (Fundación Leer Sin
    Barreras). Taller de 3 horas; …'."""
    block = blocks[index]
    if block.kind not in ("paragraph", "list") or index == 0 or not block.heading_path:
        return
    if block.line_start != block.line_end:
        talk = scan.by_section.get(block.heading_path)
        heading = blocks[index - 1]
        if block.kind != "paragraph" or talk is None or talk.weak or heading.kind != "heading" \
                or not any(m.line == heading.line_start and m.doc == scan.doc for m in talk.mentions):
            return  # the talk must be the heading's own ('### Taller: Title'), not one a section of notes is under
        opening = _first_sentence(clean_inline(" ".join(block.text.split())))
        names = only_people(scan, opening.rstrip(". "))
        if names:
            scan.speakers_of_section(block, names, "byline")
        return
    previous = blocks[index - 1]
    if previous.kind != "heading" or previous.heading_path != block.heading_path:
        if block.kind == "list" or not (
                index >= 2 and blocks[index - 2].kind == "heading" and blocks[index - 2].heading_path
                == block.heading_path and previous.kind == "paragraph" and len(previous.text) < 200):
            return
    line = _TRAILING_TIME.sub("", clean_inline(BULLET_MARK.sub("", block.text)).strip(" *_—–-"))
    if _is_author_line(line, scan):
        return
    et_al = _ET_AL.search(line)
    line = line[: et_al.start()] if et_al else line
    by = _BY.match(line)
    if by:
        names = people(by.group("names"))
    elif scan.by_section.get(block.heading_path) is not None:
        # Under a talk's heading, the people the line opens with, up to a remark after a dash ('Marta Villanueva
        # (CSIC) — 30 minutes in the plenary hall'), a comma ('Noor Hassan, 5 minutes, slides') or its first
        # sentence ('Greta Lindqvist (Fundación X). Taller de 3 horas').
        opening = re.split(r"\s+[—–]\s+", line, maxsplit=1)[0]
        names = only_people(scan, opening, lenient=True) or only_people(scan, _first_sentence(opening).rstrip(". "))
    else:
        names = only_people(scan, line)
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


# The time a byline ends with: '*Tobias Engqvist and Mireille Fontaine. 15:00–16:30.*'.
_TRAILING_TIME = re.compile(r"[.,;·|]?\s*\d{1,2}[:.h]\d{2}(?:\s*[-–—]\s*\d{1,2}[:.h]\d{2})?\.?\s*$")


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
    if in_non_talk_section(block, scan) or block.line_start in scan.claimed:
        return  # claimed: a bold lead already read as a talk ('**14:00 Invited talk** — Jane Doe, "Title"')
    line = _first_line_of_item(block)
    match = bold_start(line)
    if match and (NON_TALK_SECTIONS.search(match.group("bold")) or ASKED.search(match.group("bold"))):
        return  # '- **Books**: …', '**Frage aus dem Publikum** (Jane Doe, Org): …' (she asked, gave no talk)
    summary = "<summary" in block.text.lower()
    alone = _PEOPLE_DASH_QUOTED.match(clean_inline(line)) if _heads_a_list(blocks, index) else None
    if alone and (who := only_people(scan, alone.group("who"))):
        _add_item(scan, blocks, index, alone.group("title").strip(), who, alone.group("kind"))
        return  # '🎤 KEYNOTE · Oren Shapira – "Observability budgets"' over the list of its notes
    if match and _talk_in_parentheses(scan, blocks, index, match):
        return  # '**1. One variable file can replace a family** (The Variable Font Decade — Marta Kowalczyk, keynote)'
    if match and _under_a_people_label(blocks, index) and person_name(clean_inline(match.group("bold")), scan.vocabulary):
        return  # '- Painelistas:' then '  - **Ana Rita Ferreira** — Câmara Municipal do Porto': a panellist
    if match:
        (title, who), rest, label = _bold_item(scan, match), match.group("rest"), match.group("label")
        if not who and block.kind == "list" and not label:
            title, who = paren_people(scan, title)  # '- **Title (Jane Doe)**'
    elif block.kind == "list" and (found := _title_people_summary(scan, line)):
        _add_item(scan, blocks, index, *found)  # '- Title (Jane Doe, Org): what it showed'
        return
    else:
        section_kind = kind_from_heading(heading_title(block)) if block.heading_path else None
        title, who, label = *_plain_item(scan, line, section_kind, block.kind == "list" or summary), None
        if summary and not who and section_kind and len(clean_inline(line).split()) >= 2:
            title = clean_inline(line).strip(" ⚡")  # '<summary>⚡ Embedded async on the RP2040</summary>' under
            _add_item(scan, blocks, index, title, [], None)  # 'Lightning talks': a talk, speaker not written
            return
    if not who and match and UNKNOWN_SPEAKER.search(clean_inline(rest)) and title_like(title):
        _add_item(scan, blocks, index, title, [], label)  # '- **Title** — didn't get his name'
        return
    # '**Quantize Last** — Jonas Pietilä (Org)': people after a dash or a 'by' give the bold words as their talk's
    # title, however much they look like a name.
    given = bool(match) and bool(_ITEM_DASH_WHO.match(clean_inline(rest)) or _ITEM_BY.match(clean_inline(rest)))
    if not _names_a_talk(title, who, scan.vocabulary, given):
        return
    _add_item(scan, blocks, index, title, who, label)


# A line of people, a dash and their talk's quoted title, alone over the list of its notes (a bullet journal):
# '🎤 Piotr Zieliński – "Continuous profiling with eBPF in prod"', '⚡ Lightning · Sven Aalto – "Title"'.
_PEOPLE_DASH_QUOTED = re.compile(r'^[^\w"“„«]*(?:(?P<kind>[^\W\d_]+(?: talk)?)\s*[·|]\s*)?'
                                 r'(?P<who>[^",:“”·|]{3,80}?(?:\([^()]*\))?)\s+[–—-]\s+'
                                 r'["“„«](?P<title>[^"”“»]{4,150})["”“»]\W*$')


def _heads_a_list(blocks: list[Block], index: int) -> bool:
    """A paragraph of one line with a list right under it: a talk's line over its notes."""
    block = blocks[index]
    return block.kind == "paragraph" and len(block.text.strip().splitlines()) == 1 and index + 1 < len(blocks) \
        and blocks[index + 1].kind == "list"


# A bold takeaway's source in parentheses after it, all that follows it on the line: '(Title — Jane Doe, keynote)',
# '(Title)'.
_SOURCE_IN_PARENTHESES = re.compile(r"^\s*\((?P<inner>[^()]{4,200})\)\s*$")
_KIND_AFTER_COMMA = re.compile(r",\s*(?P<kind>[^\W\d_]+(?: talk)?)\s*$")


def _talk_in_parentheses(scan: NoteScan, blocks: list[Block], index: int, match: re.Match[str]) -> bool:
    """A bold takeaway, then in parentheses the talk it came from ('**2. Don't expose every axis** (The Variable Font
    Decade)'), with its speaker and kind the first time ('(The Variable Font Decade — Marta Kowalczyk, keynote)'):
    the item is about that talk, not a talk titled by the takeaway. A title alone joins the talk of that title."""
    source = _SOURCE_IN_PARENTHESES.match(clean_inline(match.group("rest")))
    if not source:
        return False
    inner = without_honorifics(source.group("inner").strip())
    kind_match = _KIND_AFTER_COMMA.search(inner)
    kind = kind_of(kind_match.group("kind")) if kind_match and kind_match.group("kind").lower() in KIND_WORDS else None
    title, who = title_dash_person(scan, inner[: kind_match.start()] if kind else inner)
    if who and not only_people(scan, title) and len(re.findall(r"[^\W\d_]{2,}", title)) >= 2:
        candidate = Candidate(title=unquote(title), kind=kind or "talk", speakers=who)
    elif not who and blocks[index].kind == "paragraph" and title_like(title) and not only_people(scan, title):
        # (a list of bold lines with a topic in parentheses is a table of contents: '1. **How to look inside your
        # model's brain** (Explainable AI)'; a takeaway's paragraph names the talk it came from)
        candidate = Candidate(title=unquote(title), kind="talk", weak=True, title_only=True)
    else:
        return False
    candidate.mentions.append(scan.mention(blocks[index], "list-item"))
    candidate.spans.append((scan.doc, blocks[index].line_start, _item_end(blocks, index)))
    scan.add(candidate)
    scan.claimed.add(blocks[index].line_start)
    return True


def _under_a_people_label(blocks: list[Block], index: int) -> bool:
    """A nested list item whose parent item is a label of people and nothing else: '- Panellists:', '- Speakers:'."""
    block = blocks[index]
    if block.kind != "list":
        return False
    parent = next((b for b in reversed(blocks[:index]) if b.kind != "list" or b.level < block.level), None)
    if parent is None or parent.kind != "list":
        return False
    label = clean_inline(BULLET_MARK.sub("", parent.text.strip())).strip()
    return label.endswith(":") and bool(PRESENTERS.match(label + " x") or PANEL_PEOPLE.match(label + " x"))


def _bold_item(scan: NoteScan, match: re.Match[str]) -> tuple[str, list[str]]:
    """The title and people of an item that opens in bold: '**Title** — Jane Doe (Org)', '**09:00 Title** by …'."""
    return unquote(TIME.sub("", clean_inline(match.group("bold"))).strip(" :")), _item_people(scan, match.group("rest"))


def _names_a_talk(title: str, who: list[str], vocabulary: Vocabulary, given: bool = False) -> bool:
    """An item names a talk when people give it and its title is no name or time: '**Jane Doe** (Org)' is a
    speaker list and '**15:52**' a time, not a talk title. A title of capitalised words is a name only if its
    first word is no ordinary word of the notes ('Eval Sets Rot' is a title), and never when the people are
    `given` after it by a dash or a 'by'."""
    return bool(who) and (given or not person_name(title, vocabulary)) and len(re.findall(r"[^\W\d_]{2,}", title)) >= 2


def _item_kind(title: str, label: str | None) -> tuple[str, str | None]:
    """An item's title without a kind it opens with, and that kind, read from the title or the label before it
    ('Keynote: Title', '⚡ Lightning talk: **Title**')."""
    kind_match = HEADING_TALK.match(title) or (HEADING_TALK.match(f"{label.strip(' -–—:')}: {title}") if label else None)
    if not kind_match:
        return title, None
    return unquote(kind_match.group("title")), kind_of_match(kind_match)


def _add_item(scan: NoteScan, blocks: list[Block], index: int, title: str, who: list[str], label: str | None
              ) -> None:
    block = blocks[index]
    title, kind = _item_kind(title, label)
    title, labels = without_code(title)
    scan.add(Candidate(title=title, kind=kind or kind_from_title(title) or kind_from_heading(heading_title(block))
                       or "talk", speakers=who, mentions=[scan.mention(block, "list-item")],
                       spans=[(scan.doc, block.line_start, _item_end(blocks, index))], labels=labels))
    scan.claimed.add(block.line_start)


def _first_line_of_item(block: Block) -> str:
    """The line that introduces an item (the first with text: an HTML block opens with '<details>'), with the next
    one when a parenthesis wraps onto it, or when the line ends on a bold title and a comma or dash that the next
    line's people complete ('**B-09 — "Title"**,' then 'Kwame Asante (Org). A classifier …')."""
    lines = [line for line in block.text.splitlines() if clean_inline(line)] or [""]
    line = lines[0]
    if len(lines) > 1 and (line.count("(") > line.count(")") or _BOLD_THEN_JOIN.search(line)):
        line += " " + lines[1].strip()
    return line


# A bold line that ends where its people would begin: '**Title**,', '**Title** —', '**Title** by'.
_BOLD_THEN_JOIN = re.compile(r"(?:\*\*|__)\s*(?:[,—–:-]|by)?\s*$")


def _item_people(scan: NoteScan, rest: str) -> list[str]:
    rest = without_honorifics(rest)  # ', Dr. Klaus Obermeier (Org)'
    rest = re.sub(r"\([^()]*\)", lambda m: m.group(0).replace(".", ""), rest)  # '(Univ. of Oulu)' ends no clause
    for pattern in (_ITEM_BY, _ITEM_PAREN_WHO, _ITEM_DASH_WHO):
        found = pattern.match(clean_inline(rest) if pattern is not _ITEM_PAREN_WHO else rest)
        if found:
            names = _names_part(found.group("who"))
            who = people(names, scan.vocabulary) or named_people(scan, names) or people(found.group("who"), scan.vocabulary)
            if who:
                return who
    return []




def _names_part(text: str) -> str:
    """The names a clause opens with, up to its verb: 'A and B (Org) did a double act' -> 'A and B (Org)'."""
    words = re.sub(r"\([^()]*\)", " ", text).split()
    kept = []
    for word in words:
        if word[:1].islower() and word not in ("and", "&", "y", "und", "et") and word.lower() not in NAME_PARTICLES:
            break
        kept.append(word)
    return " ".join(kept)


# A list item that gives a talk's title, its people in parentheses and, after a colon, what it was:
# '- Tracking Data on a Budget (Oskar Lindgren, Västra IF): A second-tier club …', '- Title (moderator: A, Org;
# panellists: B, Org; C, Org): Closing panel on day 2. …', '- Title (A, B; Org): …'.
_TITLE_PEOPLE_COLON = re.compile(r"^(?P<title>[^()]{4,150}?)\s*\((?P<inner>[^()]{3,400})\)\s*:\s+(?P<rest>\S.*)$")
_PANEL_ROLE = re.compile(r"^\s*(?:mod(?:erator)?|chair|panell?ists?|panel)\b", re.I)


def _title_people_summary(scan: NoteScan, line: str) -> tuple[str, list[str], str | None] | None:
    """(title, people, kind) of '- Title (Jane Doe, Org): summary': each ';'-separated part of the parentheses may
    open with a role ('moderator:', 'panellists:') and names people, their organisations after a comma left out; a
    moderator or panellists make it a panel, else the summary's first words may name its kind ('Opening keynote on
    day 1', 'Tutorial, 3 hours')."""
    text = clean_inline(BULLET_MARK.sub("", line)).strip()
    found = _TITLE_PEOPLE_COLON.match(text)
    if not found:
        return None
    title = found.group("title").strip(" -–—")
    if not title_like(title) or only_people(scan, title) or expands_acronym(title, found.group("inner")):
        return None
    who: list[str] = []
    panel = False
    for part in found.group("inner").split(";"):
        panel = panel or bool(_PANEL_ROLE.match(part))
        who += [name for name in people(_ROLE_LABEL.sub("", part).strip(), scan.vocabulary) if name not in who]
    if not who:
        return None
    opening = " ".join(found.group("rest").split()[:3]).lower()
    kind = "panel" if panel else next((word for word in re.findall(r"[^\W\d_]+", opening) if word in KIND_WORDS), None)
    return title, who, kind


def _plain_item(scan: NoteScan, line: str, section_kind: str | None = None, in_list: bool = True
                ) -> tuple[str, list[str]]:
    """'- Keynote: Title — Jane Doe (Org)', '- Title — A, B (Org)', 'Talk 1 — Title · Jane Doe (Org)': a title, a
    dash, and only people after it. Under a heading that names a kind of talk ('Lightning talks') the title may be
    in lower case ('cargo-deny saved my weekend — Jane Doe')."""
    text = _BRACKET_LABEL.sub("", clean_inline(BULLET_MARK.sub("", line)).strip(" ⚡*"))
    quoted = _PERSON_THEN_QUOTED.match(text) if in_list else None
    if quoted and (who := only_people(scan, quoted.group("who"))):
        return quoted.group("title").strip(), who  # '- Priya Raman, "Teaching cobots with a VR headset". …'
    kind_match = HEADING_TALK.match(text)
    if kind_match:  # 'Talk 1 — Title · Jane Doe'
        title, who = title_dash_person(scan, kind_match.group("title"))
        if who:
            return text[: kind_match.start("title")] + title, who
    parts = re.split(r"\s+[—–·]\s+|\s+-\s+", text)
    labelled = len(parts) >= 3 and bool(_ITEM_LABEL.match(parts[0]))
    if labelled:
        parts = parts[1:]  # '- Card #3 — INP debugging war stories — convener: Kwame Mensah — 22 votes'
    if len(parts) < 2 or not in_list or _DATE_HEADING.search(parts[0]):
        return "", []  # outside a list only 'Talk 1 — …' says it is a talk; a date is not a title
    title, who_text = parts[0].strip(), _ROLE_LABEL.sub("", parts[1]).strip()
    marked = next((marked_text(m) for m in MARKED.finditer(title) if title_like(clean_inline(marked_text(m)))), None)
    title = clean_inline(marked) if marked else title  # 'best one: "Title" — Jane Doe'
    kind_match = HEADING_TALK.match(title)
    plain_title = unquote(kind_match.group("title")) if kind_match else unquote(title)
    titled = title_like(plain_title, strict=True) or ((section_kind is not None or labelled)
                                                      and len(plain_title.split()) >= 2)
    if not (kind_match or titled or marked):
        return "", []
    who = only_people(scan, who_text)
    if not who and ": " in who_text:
        who = only_people(scan, who_text.split(": ", 1)[0])  # '"Title" — Nadia El-Amrani: what it showed'
    surname = re.sub(r"[\s(].*$", "", who_text)
    if not who and marked and could_be_surname(surname, scan.vocabulary):
        who = [surname]  # '- "Why I Stopped Calling unwrap()" — Mutua': a quoted title and a surname
    return title, who


# A numbered label before an item's title: 'Card #3', 'Slot 4', '#12', 'Session 2B'.
# An item's reference label in brackets: '- [T5] Lightning: "Title" — Jane Doe', '- [3] Title — Jane Doe'.
_BRACKET_LABEL = re.compile(r"^\[[A-Za-z]{0,2}\d{1,3}[A-Za-z]?\]\s*")
_ITEM_LABEL = re.compile(r"^\W*(?:[A-Za-z]+\s*)?#?\d{1,3}[A-Za-z]?\W*$")
# An item that opens with people, then the quoted title of their talk: 'Priya Raman, "Teaching cobots with a VR
# headset". Teaching took 14 minutes …', 'Tomás Herrera (Org): “Battery swapping for AMR fleets” — …'.
_PERSON_THEN_QUOTED = re.compile(r'^(?P<who>[^",:“”]{3,80}?(?:\([^()]*\))?)\s*[,:]\s*'
                                 r'["“„«](?P<title>[^"”“»]{4,150})["”“»]')


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
    if _titled_field(scan, blocks, index, last, lines):
        return
    if not 2 <= len(lines) <= MAX_FIELDS:
        return
    fields: dict[str, str] = {}
    for line in lines:
        match = _FIELD.match(clean_inline(line))
        if match:
            fields.setdefault(match.group("label").strip().lower(), match.group("value").strip())
    speaker_fields = [v for k, v in fields.items() if PRESENTERS.match(f"{k}: x") or k in SPEAKER_HEADERS]
    titles = [v for k, v in fields.items() if (k in TITLE_HEADERS or k in KIND_WORDS) and v not in speaker_fields]
    title = next((t for t in titles if not only_people(scan, t)), None)
    if title is None and titles:  # 'Panel at 11:30: "Title"' above 'Moderator: …' / 'Panel: A (Org), B (Org)'
        marked = next((m for m in MARKED.finditer(" ".join(lines)) if title_like(clean_inline(marked_text(m)))), None)
        title = clean_inline(marked_text(marked)) if marked else None
        speaker_fields += [t for t in titles if only_people(scan, t)]
    kind = next((kind_of(k) for k in fields if k in KIND_WORDS), None)
    kind = kind or next((kind_of(v) for k, v in fields.items() if k in TYPE_HEADERS), None)
    if kind == "panel":  # 'Participantes: A (Org), B (Org)' under 'Mesa redonda: "Title"'
        speaker_fields += [v for k, v in fields.items() if PANEL_PEOPLE.match(f"{k}: x") and v not in speaker_fields]
    speakers = list(dict.fromkeys(n for who in speaker_fields for n in [*named_people(scan, who), *people(who)]))
    if not title or not speakers:
        return
    quoted = _QUOTED_THEN_WHEN.match(title)
    if quoted:  # 'Charla: "Title" (11:00, sala Turia)': the title is what the quotes hold
        title = quoted.group("title")
    title, kind = title_and_kind(title, kind)
    candidate = scan.add(Candidate(title=title, kind=kind or "talk", speakers=speakers,
                                   mentions=[scan.mention(block, "fields")],
                                   spans=[(scan.doc, block.line_start, lead_end(blocks, last))]))
    scan.lead = candidate
    scan.claimed.update(b.line_start for b in blocks[index: last + 1])
    scan.read_whole.update(b.line_start for b in blocks[index: last + 1])


def _titled_field(scan: NoteScan, blocks: list[Block], index: int, last: int, lines: list[str]) -> bool:
    """One 'Talk:' field that gives the title and, after a dash, its people (wrapped or not): '**Talk:** *Title* —
    Jane Doe and John Roe (University of Adelaide)'. Under a heading that quotes the talk rather than naming it."""
    if not lines or any(_FIELD.match(clean_inline(line)) for line in lines[1:]):
        return False
    match = _FIELD.match(clean_inline(" ".join(line.strip() for line in lines)))
    label = match.group("label").strip().lower() if match else ""
    if not match or not (label in TITLE_HEADERS or label in KIND_WORDS):
        return False
    title, speakers = title_dash_person(scan, match.group("value").strip())
    quoted = _QUOTED_THEN_WHEN.match(title)
    tail = quoted.group(0)[quoted.end("title") + 1:] if quoted else ""
    title = quoted.group("title") if quoted else unquote(title)  # '"Title" (opening keynote)'
    speakers = speakers or _interviewee(scan, blocks[index])
    # Emphasised or quoted, a title in sentence case is one ('*Timing of formative feedback in large courses*').
    marked = re.search(r":\W*\s*[*_\"“„«]", " ".join(lines)) is not None and len(title.split()) >= 2
    if not speakers or not (marked or title_like(title)):
        return False
    tail_kind = kind_of_tail(tail) if tail.strip() else "talk"  # '"Title" (opening keynote)' under 'Talk:'
    title, kind = title_and_kind(title, tail_kind if tail_kind != "talk" else kind_of(label) if label in KIND_WORDS
                                 else None)
    scan.lead = scan.add(Candidate(title=title, kind=kind or "talk", speakers=speakers,
                                   mentions=[scan.mention(blocks[index], "fields")],
                                   spans=[(scan.doc, blocks[index].line_start, lead_end(blocks, last))]))
    scan.claimed.update(b.line_start for b in blocks[index: last + 1])
    return True


# A heading over an interview with the person who gave the talk: '## Q&A with Dr. Efua Boateng after her talk',
# '## Interview with Jane Doe', '## In conversation with Jane Doe'.
_INTERVIEW_HEADING = re.compile(r"\b(?:Q\s*&\s*A|interview|conversation|chat|AMA)\s+with\s+(?P<who>.+?)"
                                r"(?:\s+(?:after|before|about|on)\b.*)?$", re.I)


def _interviewee(scan: NoteScan, block: Block) -> list[str]:
    """The person the heading over the block says was interviewed."""
    found = _INTERVIEW_HEADING.search(heading_title(block)) if block.heading_path else None
    return only_people(scan, without_honorifics(found.group("who"))) if found else []


# Most 'Label: value' lines that describe one talk.
MAX_FIELDS = 8
# A field's quoted title and a parenthesis after it: '"La banca como plataforma" (keynote, 9:30, sala Turia)'.
_QUOTED_THEN_WHEN = re.compile(r'^\s*["“«„](?P<title>[^"”»“]{3,200})["”»“]\s*(?:\([^()]*\))?\s*$')


def _single_field(block: Block) -> bool:
    lines = _field_lines(block)
    return block.kind == "paragraph" and len(lines) == 1 and bool(_FIELD.match(clean_inline(lines[0])))


def _item_end(blocks: list[Block], index: int) -> int:
    """Last line of a list item with its nested items; of a line that is no list item ('10:30 **Title** — Jane
    Doe'), with the list right under it (the notes on that talk)."""
    block = blocks[index]
    end = block.line_end
    if block.kind == "paragraph":
        for following in blocks[index + 1:]:
            if following.kind != "list":
                break
            end = following.line_end
        return end
    for following in blocks[index + 1:]:
        if following.kind == "heading" or (following.kind == "list" and following.level <= block.level) \
                or (following.kind != "list" and not following.text.startswith(" ")):
            break
        end = following.line_end
    return end


def detect_speaker_list(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """'- **Princessa Cinquecchia (Boston University)** - …' under a talk's heading: one of its speakers."""
    block = blocks[index]
    match = BOLD_START.match(block.text)
    if block.kind != "list" or not match:
        return
    who, _ = affiliation_split(match.group("bold").strip(" :"))
    name = person_name(who, scan.vocabulary)
    if not name or any(title_like(clean_inline(marked_text(m))) for m in MARKED.finditer(match.group("rest"))):
        return  # '**Jane Doe** (Org) presented *Title*' is a talk of its own (prose)
    path = block.heading_path
    kind = kind_from_heading(path[-1]) if path else None
    if path and scan.by_section.get(path) is None and kind is None:
        # Under a heading that names no kind of talk, the people belong to the talk whose title the heading is (a
        # per-talk note that an index links to, a catalogue entry), or to nothing: resolved at merge.
        scan.add(Candidate(title=heading_title(block), kind="talk", speakers=[name], weak=True, title_only=True,
                           mentions=[scan.mention(block, "speaker-list")], sections=[(scan.doc, path)],
                           whole_docs=[scan.doc] if _is_title_heading(scan, _heading_of(scan, path)) else []))
        return
    scan.speakers_of_section(block, [name], "speaker-list")


def _heading_of(scan: NoteScan, path: tuple[str, ...]) -> Block | None:
    return next((b for b in scan.parsed.blocks if b.kind == "heading" and b.heading_path == path), None)


def detect_person_heading(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """'### Priya Natarajan' (a heading that is only people), then 'Priya's keynote, "Title", …' or 'Lee Ji-hoon
    talked about <topic>': the section is that person's talk."""
    block = blocks[index]
    if block.level < 2 or scan.by_section.get(block.heading_path):
        return
    text = heading_title(block)
    who = only_people(scan, text)
    if not who:
        if could_be_surname(text, scan.vocabulary):
            # '### Okafor' under the talk notes of a schedule: the section is about that person's talk, which the
            # merge finds by surname (or drops the heading if no talk of the notes has it).
            scan.add(Candidate(title=text, kind="talk", speakers=[text], weak=True,
                               mentions=[scan.mention(block, "person-heading")],
                               sections=[(scan.doc, block.heading_path)]))
        return
    body = [b for b in blocks[index + 1: index + 4] if b.heading_path == block.heading_path and b.kind != "heading"]
    title = ""
    for following in body:
        text = " ".join(line.strip() for line in following.text.splitlines())
        marked = next((clean_inline(marked_text(m)) for m in MARKED.finditer(text)
                       if title_like(clean_inline(marked_text(m)))), "")
        topic = next((m.group("topic").strip() for pattern in (TOPIC_VERB, TOPIC_RANT, TOPIC_POSSESSIVE)
                      for m in [pattern.search(clean_inline(text))] if m), "")
        title = marked or topic
        if title:
            break
    if not title:
        return
    scan.add(Candidate(title=title, kind=talk_context(" ".join(b.text for b in body[:1])) or "talk", speakers=who,
                       mentions=[scan.mention(block, "person-heading")], sections=[(scan.doc, block.heading_path)]))


_WHO_DASH_TOPIC = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+(?P<who>[^—–:()]{2,60}?)\s+[—–]\s+(?P<topic>\S.{3,150})$")


def _who_dash_topic(scan: NoteScan, block: Block) -> tuple[list[str], str] | None:
    """'- Schulz — pgx connection pooling gotchas': a surname (or a full name) and a topic."""
    match = _WHO_DASH_TOPIC.match(clean_inline(block.text.splitlines()[0]))
    if block.kind != "list" or not match:
        return None
    who = match.group("who").strip()
    names = only_people(scan, who)
    if not names and could_be_surname(who, scan.vocabulary):
        names = [who]  # a surname alone, as terse notes write it
    topic = re.sub(r"\s*\((?:LT|lightning(?: talk)?|keynote|[^()]{1,12})\)\s*$", "", match.group("topic"), flags=re.I)
    return (names, topic.strip()) if names and re.search(r"[^\W\d_]{3}", topic) else None


def detect_who_dash_topic(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """A list of talks written as 'Surname — topic' items, each with its notes nested under it: at least two
    such items side by side (one alone could be anything)."""
    block = blocks[index]
    if in_non_talk_section(block, scan) or block.line_start in scan.claimed:
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


def detect_front_matter(scan: NoteScan) -> None:
    """'speaker: Jane Doe' in a note's front matter: the note is about one talk, its title the note's title."""
    document = scan.parsed.document
    names = [n for raw in document.speakers for n in people(raw)]
    if not names:
        return
    title_heading = next((b for b in scan.parsed.blocks if b.kind == "heading"), None)
    title = document.title
    if title_heading is not None and title_heading.level == 1 and _is_title_heading(scan, title_heading):
        match = HEADING_TALK.match(heading_title(title_heading))
        title = match.group("title").strip() if match else heading_title(title_heading)
        kind = kind_of(match.group("kind")) if match else kind_from_title(title) or "talk"
    else:
        kind = kind_from_title(title) or "talk"
    scan.add(Candidate(title=title, kind=kind, speakers=names, mentions=[scan.mention(1, "front-matter")],
                       whole_docs=[scan.doc]))
