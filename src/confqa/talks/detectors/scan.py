"""What every talk detector shares: the scan of one note (what was found, which section has which talk),
the patterns of kinds, titles and times, and the helpers that read people and titles out of a line."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from confqa.ingest.loading import clean_inline
from confqa.ingest.markdown import Block, ParsedDocument
from confqa.models import TalkMention
from confqa.talks.candidate import Candidate, content_words, kind_from_title, kind_of
from confqa.talks.names import (
    NAME_LIST_SPLIT,
    UPPER,
    Vocabulary,
    expands_acronym,
    known_given_name,
    people,
    person_name,
    without_leading_words,
)
from confqa.text.lexicon import (
    AUDIENCE_QUESTION,
    BY_WORDS,
    CLOCK,
    KIND_IN_HEADING,
    KIND_WORDS,
    NAME_PARTICLES,
    NON_TALK_SECTIONS,
    NOT_A_SUBJECT,
    PANEL_LABELS,
    PRESENTER_LABELS,
    PROSE_TALK_WORDS,
    TITLE_SMALL_WORDS,
    WITH_WORDS,
)
from confqa.text.sentences import sentence_spans

KINDS = "|".join(sorted((re.escape(k) for k in KIND_WORDS), key=len, reverse=True))


# What separates a title from its speaker: a dash, a middle dot, a slash ('「Title」 / Jane Doe').
DASH = r"\s+[—–-]{1,2}\s+|\s*[—–]\s*|\s+·\s+|\s+/\s+"


HEADING_TALK = re.compile(
    r"^(?:(?:opening|closing|morning|afternoon|evening|featured|special|guest|plenary|day\s+\d+)\s+)?"
    rf"(?P<kind>{KINDS})(?P<session>\s+sessions?)?(?:\s+(?:write-?up|notes|recap|summary|report))?\s*(?P<number>#?[A-Z]?\d+[A-Za-z]?\b)?\s*(?:\([^()]*\))?\s*(?:by\s+(?P<by>[^:]+?))?\s*"
    r"(?:[:\-–—]|\.\s|(?=[\"“]))\s*(?P<title>.+)$", re.I)


# A time of day or a span of them: '09:00', '14h30', '9:00–10:30', '9am–11am' (lexicon.CLOCK).
_CLOCK = rf"(?:{CLOCK})(?:\s*[-–]\s*(?:{CLOCK}))?"
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-zäéû]*\.?"
# A calendar date: '2024-08-08', '2024/11/28', '08/08/2024', '8.8.24', '8 Aug 2024', '7. Nov 2024', 'Aug 8, 2024'.
_DATE = (rf"\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{4}}/\d{{1,2}}/\d{{1,2}}|\d{{1,2}}[/.]\d{{1,2}}[/.](?:\d{{4}}|\d{{2}})(?!\d)"
         rf"|\d{{1,2}}\.?\s+{_MONTH}\s+\d{{4}}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}")
# A point in a recording: '[00:41:15]', '(1:22:50)', '[41:15]'.
_TIMESTAMP = r"[\[(](?:\d{1,2}:)?\d{1,2}:\d{2}[\])]"
# A date or a time of day (or both) that opens a heading or a bold lead, with the dash after it: when the talk was,
# never part of its title ('2024-08-08 — Title', '**09:00** Title', '## 19:15 「Title」', '## [00:41:15] Title' in
# notes from a recording).
TIME = re.compile(rf"^\s*(?:(?:{_DATE})(?:\s*[,T@]?\s*(?:{_CLOCK}))?|{_CLOCK}|{_TIMESTAMP})\s*[-–—:,.]?\s*", re.I)


# A title in quotes or emphasis: '"Title"', '„Title"', '«Title»', '「Title」', '*Title*'.
QUOTED = re.compile(r"^[\"“”„'‘’«‹「『*_]+\s*(?P<inner>.+?)\s*[\"“”'‘’»›」』*_]+[.,;]?$")


BULLET_MARK = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")


# Parts of a byline that say when, not who: '11:00', 'Saturday late morning', '9–12:30'.
WHEN = re.compile(r"^(?:\d[\d:.h–-]*\s*(?:am|pm)?|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b.*|(?:early |late )?(?:morning|"
                  r"afternoon|evening)\b.*|day \d+\b.*)$", re.I)
# Where a byline places the talk: 'room 2', 'main hall', 'Sala 3', 'stage B'.
WHERE = re.compile(r"^(?:(?:main|small|big|lecture|plenary|seminar)\s+)?(?:room|hall|sala|aula|saal|stage|track|"
                   r"auditorium|theatre|theater|level|floor)\b.{0,20}$", re.I)


# A heading's or a bold lead's number: '3. ', '2) ', a report's '3.2.1 '.
ENUMERATION = re.compile(r"^\d{1,3}(?:(?:\.\d{1,3})+\.?|[.)])\s+")


NAME_DASH_TITLE = re.compile(rf"^(?P<left>[^:—–]+?)(?:{DASH}|:\s+)(?P<right>.+)$")


PAREN_TAIL = re.compile(r"\((?P<inner>[^()]{3,120})\)\s*\W*$")


PRESENTERS = re.compile(
    r"^\W*(?:(?P<label>" + "|".join(sorted(map(re.escape, PRESENTER_LABELS), key=len, reverse=True))
    + r")\s*\W*\s*(?:[:—–-]|(?<=\bmod\.))|(?P<by_label>presented by|given by|delivered by|hosted by|moderated by|run by|led by|"
    + r"(?:co-)?taught by|facilitated by|"
    + r"animée? par|présentée? par|moderiert von|apresentad[oa] por|presentad[oa] por)\s)"
    + r"\W*\s*(?P<names>.+)$", re.I)


_HONORIFIC = re.compile(r"(^|[\s,—–(-])(?:(?:Dr|Prof|Mr|Mrs|Ms|Mx|Pr)\.\s*)+")


def without_honorifics(text: str) -> str:
    """'— Dr. Helena Voss (Org)' -> '— Helena Voss (Org)'; 'Prof. Dr. Katrin Oberländer' -> 'Katrin Oberländer':
    the full stop of a title is no sentence's end."""
    return _HONORIFIC.sub(r"\1", text)


# A line that names people of a panel only: 'Chair: Jane Doe', 'chaired by Jane Doe', 'Avec : A (Org), B'.
PANEL_PEOPLE = re.compile(r"^\W*(?:" + "|".join(sorted(map(re.escape, PANEL_LABELS), key=len, reverse=True))
                          + r")(?:\s*:|(?<=by)\s)\W*(?P<names>\w.*)$", re.I)


BOLD_START = re.compile(rf"^\s*(?:[-*+]|\d{{1,3}}[.)])?\s*(?P<label>[^\w*_\s]*\s*(?i:{KINDS})\s*[:—–-]\s*)?(?:\*\*|__)"
                         r"(?P<bold>.+?)(?:\*\*|__)(?P<rest>.*)$", re.S)


def bold_start(line: str) -> re.Match[str] | None:
    """A line that opens in bold (BOLD_START), or with its time of day and then in bold, as a day's log writes
    them: '10:30 **Title** — Jane Doe (Org)', '15:00 **Panel: Title**'."""
    found = BOLD_START.match(line)
    if found:
        return found
    after = _after_time(line)
    return BOLD_START.match(after) if after is not line and after.startswith(("**", "__")) else None


def _after_time(text: str) -> str:
    """The text after the time of day it opens with ('10:30 **Title**' -> '**Title**'); the text itself if none."""
    timed = TIME.match(text)
    return text[timed.end():] if timed and timed.end() else text


PARTICLES = "|".join(sorted(NAME_PARTICLES))


PROSE_NAME = re.compile(
    rf"(?<![\w.])(?:(?:[{UPPER}]\.\s*){{1,3}}[{UPPER}][\w’'\-\u0300-\u036f]+(?:\s+(?:(?:{PARTICLES})\s+)*"
    rf"(?:[{UPPER}]\.|[{UPPER}][\w’'\-\u0300-\u036f]+)){{0,3}}|[{UPPER}][\w’'\-\u0300-\u036f]+(?:\s+(?:(?:{PARTICLES})"
    rf"\s+)*(?:[{UPPER}]\.|[{UPPER}][\w’'\-\u0300-\u036f]+)){{1,3}})"
)


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
    read_whole: set[int] = field(default_factory=set)  # first lines of blocks read to the end (fields)
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
        heading = heading_title(block)
        part = NUMBERED_PART.match(clean_inline(heading))  # '## Part 2: Title', then 'Taught by Jane Doe (Org).'
        title, kind = title_and_kind(part.group("title") if part else heading, None)  # '2024-09-05 — Title (hands-on)'
        self.add(Candidate(title=title, kind=kind, speakers=list(names), mentions=[self.mention(block, how)],
                           sections=[(self.doc, path)], labels=[part.group("label")] if part else []))

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


# -- headings ----------------------------------------------------------------------------------------------------
def heading_title(block: Block) -> str:
    """The heading's text, without a leading enumeration or time ('3. Jane Doe — Title', '09:00 Keynote: …', a live
    blog's 'UPDATE 16:55 — Panel: …')."""
    if not block.heading_path:
        return ""
    text = TIME.sub("", _LIVE_UPDATE.sub("", ENUMERATION.sub("", block.heading_path[-1])))
    dated = _DAY_BEFORE_DASH.match(text)
    if dated and HEADING_TALK.match(text[dated.end():]):
        return text[dated.end():]  # 'Mon 15 Jan — Keynote: "Title"': the day is when, the kind and title follow
    return text


# A weekday, a day of the month without its year, or both: 'Mon', 'Thursday', 'Mon 15 Jan', 'Tue, Jan 16th', '15 Jan'.
_WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\b\.?"
_DAY_OF_MONTH = rf"\d{{1,2}}(?:st|nd|rd|th)?\.?\s+{_MONTH}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b"
# A day (or 'Day 2') that opens a heading, with the dash after it: 'Mon 15 Jan — Keynote: "Title"', 'Day 2 – Panel:
# Title'. Taken off only when a kind of talk follows it (HEADING_TALK): 'Wed 4 Dec — day 2' stays a date heading.
_DAY_BEFORE_DASH = re.compile(rf"^\s*(?:{_WEEKDAY},?\s*(?:{_DAY_OF_MONTH})?|{_DAY_OF_MONTH}|day\s+\d{{1,2}})"
                              rf"(?:,?\s+\d{{4}})?\s*(?:[—–]|\s-{{1,2}})\s*", re.I)


# The word a live blog puts before an entry's time: 'UPDATE 16:55 — …', 'Update, 11:48: …', 'LIVE 09:30 …'.
_LIVE_UPDATE = re.compile(r"^\s*(?:update[ds]?|live|edit(?:ed)?|new)\b[\s,:]*(?=\d)", re.I)


# A numbered part of a longer session, as a heading writes it: 'Part 2: Title', 'Module 3 — Title'. The label is a
# name a question may use ("who taught Part 2").
# A heading's parenthesis naming who chaired or moderated: '## Session 2 — Caching (chair: Samuel Adeyemi)'.
ROLE_PAREN = re.compile(r"\s*\((?:chair(?:ed by|s)?|session chair|moderat(?:or|ed by)|host(?:ed by)?)\s*:?\s*"
                        r"(?P<who>[^()]+)\)\s*$", re.I)


def without_role(title: str, vocabulary: Vocabulary) -> tuple[str, list[str]]:
    """A title without the chair or moderator its parenthesis names, and those people."""
    role = ROLE_PAREN.search(title)
    return (title[:role.start()].strip(), people(role.group("who"), vocabulary)) if role else (title, [])


# A programme's code for a slot before the title: 'B-04 — "Title"' (a poster board), 'T12: Title', '#7 — Title'.
SLOT_CODE = re.compile(r"^(?P<label>[A-Z]{1,2}-?\d{2,3}[a-z]?|#\d{1,3})\s*(?:[:—–]|\s-)\s*(?P<title>\S.*)$")


def without_code(title: str) -> tuple[str, list[str]]:
    """A title without the slot code it opens with, and that code as a label a question may use ('B-04')."""
    code = SLOT_CODE.match(title)
    return (unquote(code.group("title").strip()), [code.group("label")]) if code else (title, [])


NUMBERED_PART = re.compile(r"^(?P<label>(?:part|module|lesson|unit|chapter|segment)\s+(?:\d{1,2}|[ivx]{1,4})[a-z]?)"
                           r"\s*[:—–.-]\s*(?P<title>\S.*)$", re.I)


def title_and_kind(title: str, kind: str | None) -> tuple[str, str]:
    """'Panel - Title' or 'Title (opening keynote)', 'Title (hands-on)': the kind out of the title."""
    prefixed = HEADING_TALK.match(clean_inline(title))
    if prefixed:
        return unquote(prefixed.group("title")), kind or kind_of_match(prefixed)
    paren = PAREN_TAIL.search(title)
    if paren and kind_from_title(paren.group("inner")) and len(paren.group("inner").split()) <= KIND_PAREN_WORDS:
        return title[: paren.start()].strip(), kind or kind_from_title(paren.group("inner")) or "talk"
    return unquote(title), kind or kind_from_title(title) or "talk"


# Most words of a parenthesis that names a kind of talk ('(opening keynote)'); a longer one is part of the title.
KIND_PAREN_WORDS = 3


def unquote(title: str) -> str:
    """'"Ten Years of Rust"' or '*Title*' -> the title without its marks."""
    match = QUOTED.match(title.strip())
    return match.group("inner").strip() if match else title.strip()


def paren_people(scan: NoteScan, title: str) -> tuple[str, list[str]]:
    """'Title (Jane Doe)' -> ('Title', ['Jane Doe']); a topic or a company in parentheses stays in the title."""
    paren = PAREN_TAIL.search(title)
    if not paren or expands_acronym(title[: paren.start()], paren.group("inner")):
        return title, []
    names = people(paren.group("inner"), scan.vocabulary)
    if not names:
        return title, []
    return title[: paren.start()].strip(" -–—:"), names


def numbered_label(match: re.Match[str]) -> list[str]:
    """The label a numbered '<kind> <number>: title' match gives its talk ("Tutorial 4", "Talk 2"): a name a
    question may use for it ("what was Tutorial 4 about"); none for a heading without a number."""
    if not match.group("number"):
        return []
    return [f"{match.group('kind').strip()}{match.group('session') or ''} {match.group('number')}"]


def kind_of_match(match: re.Match[str]) -> str:
    """The kind a '<kind>[ session] [number]: title' match names: 'Oral session 2A: …' is a session of orals."""
    return "session" if match.group("session") else kind_of(match.group("kind"))


def titled_people(scan: NoteScan, text: str, by: str | None = None) -> tuple[str, list[str]]:
    """What follows a kind of talk: 'Title (Jane Doe)', 'Jane Doe: Title', 'Title — Jane Doe', '"Title"', or only
    people ('Jane Doe (Org)': no title, returned as '')."""
    text = text.strip()
    named = only_people(scan, text)
    if named:
        return "", named
    title, speakers = paren_people(scan, text)
    if by:
        speakers = people(by) + speakers
    if not speakers:
        title, speakers = title_by_person(scan, title, after_kind=True)
    if not speakers:
        title, speakers = person_then_title(scan, title)
    if not speakers:
        title, speakers = title_dash_person(scan, title)
    return unquote(title), speakers


def only_people(scan: NoteScan, text: str, lenient: bool = False) -> list[str]:
    """'Jane Doe (Org)', 'Jane Doe, Org' or 'A (Org) & B (Org)': a line that names people and nothing else. Lenient
    (under a heading already known to be a talk): the people it starts with ('Noor Hassan, 5 minutes, slides')."""
    stripped = clean_inline(text).strip(" *_.")
    parts = [p for p in NAME_LIST_SPLIT.split(re.sub(r"\([^()]*\)", "", stripped)) if p.strip()]
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
    rest_are_people_or_places = all(f or WHEN.match(p.strip()) or WHERE.match(p.strip())
                                    or (len(p.split()) <= 4 and p.strip()[:1].isupper())
                                    for f, p in zip(found, parts))
    return [f for f in found if f] if rest_are_people_or_places else []


_BY_WORD = re.compile(rf"\s+(?P<word>{'|'.join(BY_WORDS + WITH_WORDS)})\s+(?=[^\"“”„«»「」『』]+$)")


def title_by_person(scan: NoteScan, text: str, after_kind: bool = False) -> tuple[str, list[str]]:
    """'"Title" by Jane Doe (Org)' -> ('Title', ['Jane Doe']), in the languages of lexicon.BY_WORDS ('Title von Jane
    Doe'); 'with' and its kin (lexicon.WITH_WORDS: '„Title" mit Jane Doe') only after a quoted title or a kind of talk
    ('Workshop: Title with Jane Doe'). 'Learning by Doing' and 'Feature Flags with Unleash' stay titles."""
    text = text.strip()
    for match in _BY_WORD.finditer(text):
        title = text[: match.start()].strip(" ,:—–-")
        if match.group("word") in WITH_WORDS and not after_kind and unquote(title) == title:
            continue
        who = only_people(scan, text[match.end():])
        if who and content_words(title) | content_words(unquote(title)):
            return unquote(title), who
    return text, []


def person_then_title(scan: NoteScan, text: str) -> tuple[str, list[str]]:
    """'Jane Doe: Title' or 'Jane Doe — Title' -> ('Title', ['Jane Doe'])."""
    match = NAME_DASH_TITLE.match(text)
    if match:
        left = match.group("left").strip()
        who = people(left, scan.vocabulary)
        if who and len(who) == len(re.split(r"\s*(?:,|&|\band\b)\s*", clean_inline(left).split("(")[0])) \
                and content_words(match.group("right")):
            return match.group("right").strip(), who
    return text, []


def title_dash_person(scan: NoteScan, title: str) -> tuple[str, list[str]]:
    """'Title — Jane Doe' -> ('Title', ['Jane Doe'])."""
    parts = re.split(DASH, title)
    if len(parts) >= 2:
        names = only_people(scan, parts[-1])
        if names:
            return title[: title.rfind(parts[-1])].strip(" -–—:·/"), names
    return title, []


def is_lead(block: Block) -> bool:
    """A short paragraph that opens in bold, or with its time of day and then in bold ('10:30 **Title** — …')."""
    return block.kind == "paragraph" and _after_time(block.text.lstrip()).startswith(("**", "__")) and \
        len(block.text) < 200


def name_in_prose(scan: NoteScan, phrase: str) -> str | None:
    """The person a capitalised run of prose names: "Ofir Press's" -> 'Ofir Press', 'Then Mateo Ruiz' -> 'Mateo
    Ruiz', 'The Art' -> None."""
    words = re.sub(r"[’']s$", "", phrase).split()
    while words and words[0] in NOT_A_SUBJECT:
        words = words[1:]
    words = without_leading_words(words, scan.vocabulary)
    return person_name(" ".join(words), scan.vocabulary) if len(words) >= 2 else None


# A word for a room right after a name: the name is the room's, not a person's ('Willem Burger zaal', 'the Kosovel
# room').
_ROOM_AFTER = re.compile(r"\s+(?:room|hall|zaal|saal|sala|aula|auditorium|theatre|theater|building|lounge|foyer|wing)\b",
                         re.I)


def named_people(scan: NoteScan, text: str) -> list[str]:
    """Every person a text names, in order."""
    found: list[str] = []
    plain = re.sub(r"\([^()]*\)", ",", clean_inline(text))
    for match in PROSE_NAME.finditer(plain):
        if _ROOM_AFTER.match(plain, match.end()):
            continue  # 'Wed 14:00, Willem Burger zaal': a room named after someone
        for part in _joined_names(match.group(0)):
            name = name_in_prose(scan, part)
            if name and name not in found:
                found.append(name)
    return found


def _joined_names(run: str) -> list[str]:
    """'Jorge Ibáñez y Rosa Quispe' is two people: a particle that also means 'and' joins two names when a given
    name follows it ('José Ortega y Gasset' stays one)."""
    parts = re.split(r"\s+(?:y|e|i|och|og|en)\s+(?=[^\W\d_]+\s)", run)
    if len(parts) > 1 and all(known_given_name(p.split()[0]) for p in parts[1:]):
        return parts
    return [run]


# A sentence or a label that reports a question from the audience (lexicon.AUDIENCE_QUESTION).
ASKED = re.compile(AUDIENCE_QUESTION, re.I)


def without_questioners(text: str) -> str:
    """The text without its sentences that report a question from the audience ('Audience question from Jane Doe
    about liability.', '**Frage aus dem Publikum** (Jane Doe, Org): …'): the people they name asked, and spoke no talk."""
    if not ASKED.search(text):
        return text
    return " ".join(text[a:b] for a, b in sentence_spans(text, 0, len(text)) if not ASKED.search(text[a:b]))


# -- talks introduced in running text ----------------------------------------------------------------------------
# A title marked in prose: quoted, italic or bold.
MARKED = re.compile(r"[“„](?P<q1>[^”“\"]{6,200})[”“\"]|[「『](?P<q4>[^」』]{2,200})[」』]|«\s*(?P<q3>[^»]{6,200}?)\s*»|\"(?P<q2>[^\"]{6,200})\"|(?<![*\w])\*(?![*\s])(?P<i1>[^*]{6,200}?)(?<!\s)\*(?![*\w])"
                     r"|(?<![_\w])_(?![_\s])(?P<i2>[^_]{6,200}?)(?<!\s)_(?![_\w])|\*\*(?!\s)(?P<b>[^*]{6,200}?)(?<!\s)\*\*")


# Letters of scripts without upper and lower case (Japanese kana, Chinese and Japanese kanji, Korean hangul).
_UNCASED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
# How many characters a title written in such a script has, at least and at most ('LTの話' is too short to tell).
UNCASED_TITLE_CHARS = (4, 60)


def title_like(title: str, strict: bool = False) -> bool:
    """A talk title, not a quoted remark: two to twenty words, most of the content words capitalised (all of them
    when nothing else marks it as a title), no full stop. In a script without capitals ('SBOMは銀の弾丸ではない')
    a title is a phrase of a title's length with no full stop."""
    if _UNCASED.search(title):
        shortest, longest = UNCASED_TITLE_CHARS
        return shortest <= len(title.strip()) <= longest and not re.search(r"[。．！!]|\.\s*$", title)
    words = re.findall(r"[\w’'-]+", title)
    if not 2 <= len(words) <= 20 or title.rstrip().endswith((".", ",")) or not title[:1].isupper():
        return False
    content = [w for w in words if w.lower() not in TITLE_SMALL_WORDS and not w[:1].isdigit()]
    capitalised = [w for w in content if w[:1].isupper()]
    if strict:
        return len(content) >= 2 and len(capitalised) == len(content)
    return len(content) >= 2 and 2 * len(capitalised) >= len(content) + 1


def talk_context(text: str) -> str | None:
    """The kind of talk a sentence speaks of ('keynote', 'panel', …), 'talk' for talk words in general, or None."""
    lower = text.lower()
    for word, kind in KIND_IN_HEADING:
        if re.search(rf"\b{word}", lower):
            return kind
    return "talk" if re.search(PROSE_TALK_WORDS, lower) else None


def marked_text(match: re.Match[str]) -> str:
    """The title a mark holds: '**"Title"**' -> 'Title'."""
    return unquote(next(g for g in match.groups() if g))


def labelled_people(scan: NoteScan, lines: list[str], panel: bool = False) -> list[str]:
    """People on the lines under a lead: 'Moderator: A (Org)', 'Panellists: B, C (Org)' (wrapped lines continue
    the label above them), '(A, B, C; 9:00–12:30)', 'Jane Doe (Org)'; under a panel, 'Chair: A' too."""
    found: list[str] = []
    label_text = ""

    def flush() -> None:
        match = PRESENTERS.match(label_text) or (PANEL_PEOPLE.match(label_text) if panel else None)
        if match:
            found.extend(people(match.group("names")))

    for line in lines:
        text = clean_inline(line).strip()
        if PRESENTERS.match(text) or (panel and PANEL_PEOPLE.match(text)) or \
                (text.endswith(":") and PRESENTERS.match(f"{text} x")):  # 'Panellists:' with its people below
            flush()
            label_text = text
        elif label_text:  # a wrapped line continues the label; one that opens with a symbol is a new item
            label_text += (", " + re.sub(r"^[^\w(]+", "", text)) if re.match(r"[^\w(]", text) else " " + text
        elif text.startswith("(") and text.rstrip(".").endswith(")"):
            found.extend(people(text.strip("().").split(";")[0]))
        else:
            found.extend(only_people(scan, text))
    flush()
    return list(dict.fromkeys(found))


def lead_end(blocks: list[Block], index: int) -> int:
    end = blocks[index].line_end
    for following in blocks[index + 1:]:
        if following.kind == "heading" or is_lead(following):
            break
        end = following.line_end
    return end


def in_non_talk_section(block: Block, scan: NoteScan | None = None) -> bool:
    """Reading lists, references and to-do lists name books and papers, not talks (under such a heading, or after
    a bold lead line such as '**Books people kept recommending:**')."""
    if scan is not None and scan.non_talk_lead:
        return True
    return any(NON_TALK_SECTIONS.search(heading) for heading in block.heading_path[1:] or block.heading_path)


TOPIC_VERB = re.compile(
    r"\b(?:talked|spoke|presented|lectured|ranted|talking|speaking|presenting)\s+(?:about|on)\s+"
    r"(?P<topic>[^.;:()!?\"“]{6,120}?)(?=[.;:(!?\"“]|,\s|\s+(?:which|that|and then|but)\b|$)")


TOPIC_RANT = re.compile(
    r"\bdid\s+an?\s+(?:[\w-]+\s+){0,3}(?:talk|rant|session|demo|walkthrough|deep dive)\s+(?:about|on)\s+"
    r"(?P<topic>[^.;:()!?\"“]{6,120}?)(?=[.;:(!?\"“]|,\s|\s+(?:which|that|and then|but)\b|$)")


TOPIC_POSSESSIVE = re.compile(
    r"[’']s\s+(?:[\w-]+\s+){0,2}(?:talk|session|keynote|tutorial|workshop|presentation|lecture)\s+(?:on|about)\s+"
    r"(?P<topic>[^.;:()!?\"“]{6,120}?)(?=[.;:(!?\"“]|,\s|\s+(?:which|that|and then|but)\b|$)")
