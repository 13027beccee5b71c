"""Detectors of talks that notes introduce in running text: bold leads with a kind of talk, sentences that name a
title and its speaker, talks known only by their topic, panels and their people, highlights and inline mentions."""

from __future__ import annotations

import re

from confqa.ingest.loading import clean_inline
from confqa.ingest.markdown import Block
from confqa.talks.candidate import Candidate, content_words, kind_from_heading, kind_from_title, kind_of
from confqa.talks.detectors.scan import (
    BOLD_START,
    BULLET_MARK,
    ENUMERATION,
    HEADING_TALK,
    KINDS,
    MARKED,
    PAREN_TAIL,
    PROSE_NAME,
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
    name_in_prose,
    named_people,
    only_people,
    talk_context,
    title_like,
    titled_people,
    unquote,
    without_honorifics,
    without_questioners,
)
from confqa.talks.names import (
    people,
    person_name,
)
from confqa.text.lexicon import (
    KIND_WORDS,
    MEDIA_WORDS,
    NAME_PARTICLES,
    NO_NAME,
    NON_TALK_SECTIONS,
    NOT_A_SUBJECT,
    NOTES_HEADERS,
    PANEL_SAID,
    PROSE_TALK_WORDS,
    READING_WORDS,
    TALK_WORDS,
    TOO_COMMON_AFTER_THE,
)
from confqa.text.sentences import sentence_spans

_ONLY_KIND = re.compile(rf"\b(?P<kind>{KINDS})\b(?:\s+(?:session\s+)?[A-Z]?\d+[A-Za-z]?)?", re.I)


_NAME = r"[A-Z][\w’'\-]+(?:\s+(?:[A-Z]\.|[A-Z][\w’'\-]+|" + "|".join(sorted(NAME_PARTICLES)) + r")){0,3}"


_TITLE_SPAN = (r"(?:_(?P<t1>[^_]{4,220})_|\*(?P<t2>[^*]{4,220})\*|“(?P<t3>[^”]{4,220})”|\"(?P<t4>[^\"]{4,220})\""
               r"|\[(?P<t5>[^\]]{4,220})\]\([^)]*\))")


_POSSESSIVE = re.compile(
    rf"(?P<who>{_NAME}(?:\s+et al\.?)?)[’']s?\s+(?:(?P<kind>{KINDS}),?\s+(?:on\s+|titled\s+|called\s+)?)?{_TITLE_SPAN}"
)


# People, one or several: 'Jane Doe', 'Aino Laaksonen and Peder Dahl'.
_NAMES = rf"{_NAME}(?:\s*,\s*{_NAME})*(?:\s+(?:and|&)\s+{_NAME})?"
# 'Choi gave a tutorial on "Title"', 'Judith Akerman (a litigator) gave "Title"', 'A and B ran a half-day
# tutorial, "Title"'.
# Where people are from, between their names and what they did: 'of the University of Groningen', 'from Karolinska'.
_FROM_ORGANISATION = r"(?:\s+(?:from|of|at)\s+(?:the\s+)?[A-Z][\w’'&.-]*(?:\s+(?:of\s+|for\s+)?[A-Z][\w’'&.-]*){0,4})"
_HAD_A = re.compile(
    rf"(?P<who>{_NAMES}){_FROM_ORGANISATION}?(?:\s+\([^()]{{1,80}}\))?\s+(?:had|gave|ran|hosted|presented|held|delivered)\s+"
    rf"(?:(?:an?|the|their|his|her)\s+(?:[\w-]+\s+){{0,2}}?(?P<kind>{KINDS}),?\s+(?:(?:on|titled|called|about)\s+)?)?"
    rf"{_TITLE_SPAN}"
)
# A sentence that opens on people (after 'First,', 'Next,' …) and their talk's quoted title after a comma: 'First, Ben
# Thornton from ReefScan Robotics, "Counting Starfish with Drones".', 'Second, Dr. Hemi Walker, "Seagrass Carbon".'
# (A quote that ends its own sentence inside the marks is something said, not a title.)
_WHO_COMMA_TITLE = re.compile(
    rf"(?:^|(?<=[.!?]\s)|(?<=\n\n))(?:(?:First|Second|Third|Then|Next|Finally|Last|Lastly|Later|After that),?\s+)?"
    rf"(?P<honorific>(?:Dr|Prof|Mr|Mrs|Ms)\.\s+)?(?P<who>{_NAMES})(?:\s+(?:from|of|at)\s+[A-Z][\w’'&.-]*(?:\s+[A-Z][\w’'&.-]*){{0,3}})?"
    rf"(?:\s*\([^()]{{1,80}}\))?,\s*(?:“(?P<t3>[^”]{{4,220}}?[^.!”])”|\"(?P<t4>[^\"]{{4,220}}?[^.!\"])\")")
# People, then the quoted title of their talk after 'with' or 'on', as running text introduces one talk after
# another: 'Tomasz Wróbel followed with "Title"', 'The opening keynote was Hanna Berg from Karolinska on "Title"',
# 'The last talk I caught was Sigrid Nygaard with "Title"'.
_WHO_WITH = re.compile(
    rf"(?P<who>{_NAMES})(?:\s+(?:from|of|at)\s+[A-Z][\w’'&.-]*(?:\s+[A-Z][\w’'&.-]*){{0,3}})?(?:\s*\([^()]{{1,80}}\))?"
    rf"\s+(?:(?:followed|closed|opened|finished|started|continued)\s+)?(?:with|on)\s+{_TITLE_SPAN}"
)


# The word before an organisation's name: 'from', 'at', 'of' ('Jane Doe from Tessellate Design presented …').
_AFTER_AN_ORGANISATION_WORD = re.compile(r"\b(?:from|at|of|for|with)\s+$", re.I)
# A quoted title, then who gave it: '"Writing an accessibility statement", run by Sofie Lindahl (Org) and Marek
# Dvořák (Org).'
_TITLE_RUN_BY = re.compile(rf"{_TITLE_SPAN},?\s+(?:(?:run|given|led|presented|hosted|taught|delivered|facilitated)\s+by|"
                           r"(?:presenters?|speakers?|hosts?|instructors?)(?:\s+were|\s+was|:)?)\s+"
                           r"(?P<people>(?:(?:Dr|Prof|Mr|Mrs|Ms|Mx)\.\s*|[^.;:—–])+?(?:\([^()]*\)[^.;:—–(]*?)*)(?=[.;:—–]|$)")


_THE_KIND = re.compile(rf"\b(?:the|a|an)\s+(?P<kind>{KINDS})[,:]?\s+{_TITLE_SPAN}", re.I)


# Paragraphs or list items after a highlight that a panel's prose may name its people in.
PANEL_SCOPE_BLOCKS = 6


def detect_panel(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """A panel's people named in its prose: under a panel heading, or after a highlight line that says panel."""
    block = blocks[index]
    if block.kind != "paragraph" or not _says_panel(block.text) or block.line_start in scan.claimed:
        return
    first = block.text.splitlines()[0].strip()
    lead = is_lead(block) and first.rstrip(" .").endswith(("**", "__")) and not first.rstrip(" *_").endswith(":")
    path = block.heading_path
    owner = next((path[:n] for n in range(len(path), 0, -1) if path[:n] in scan.by_section), path)
    section = scan.by_section.get(owner)
    panel_section = section is not None and section.kind == "panel" and not lead
    if not lead and not panel_section:
        return
    scope = [block]
    for following in blocks[index + 1: index + 1 + PANEL_SCOPE_BLOCKS]:
        if following.kind == "heading" or is_lead(following):
            break
        scope.append(following)
    names = named_people(scan, " ".join(_people_part(scan, b) for b in scope))
    if not names:
        return
    if panel_section and section is not None:
        scan.add_speakers(section, names)
        section.mentions.append(scan.mention(block, "panel"))
        return
    topic = clean_inline(block.text).strip(" *_:.")
    title = topic if len(content_words(topic) - {"panel", "conversation", "discussion"}) >= 2 else (
        f"Panel: {heading_title(block)}" if block.heading_path else topic)
    scan.add(Candidate(title=title, kind="panel", speakers=names, mentions=[scan.mention(block, "panel")],
                       spans=[(scan.doc, block.line_start, scope[-1].line_end)]))


def _people_part(scan: NoteScan, block: Block) -> str:
    """What of a block may name a panel's people: of an item that opens on a person in bold, only that person ('-
    **Jorge Lemos** — Transparência Hackday Portugal': what follows the dash is where he works)."""
    match = BOLD_START.match(block.text) if block.kind == "list" else None
    if match and person_name(clean_inline(match.group("bold")), scan.vocabulary):
        return clean_inline(match.group("bold")) + "."
    return without_questioners(block.text)  # 'Audience question from Jane Doe …': she asked, she is no panellist


def _says_panel(text: str) -> bool:
    lower = text.lower()
    return any(p in lower for p in PANEL_SAID)


def detect_highlight(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """'**1. AI Evaluation is Fundamentally Broken (Melanie Mitchell)**' and the bullets that follow it."""
    block = blocks[index]
    first = block.text.splitlines()[0].strip()
    if block.kind != "paragraph" or not (first.startswith("**") and first.rstrip(".:").endswith("**")) \
            or block.line_start in scan.claimed:
        return
    scan.claimed.add(block.line_start)
    lead = TIME.sub("", clean_inline(first))
    paren = PAREN_TAIL.search(lead)
    inner = paren.group("inner").strip() if paren else ""
    end_line = block.line_end
    for following in blocks[index + 1:]:
        if following.kind == "heading" or is_lead(following):
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
    for pattern in (_POSSESSIVE, _HAD_A, _WHO_WITH, _WHO_COMMA_TITLE, _TITLE_RUN_BY, _THE_KIND):
        for match in pattern.finditer(text):
            if any(s <= match.start() < e for s, e in taken):
                continue
            title = clean_inline(next(t for t in (match.groupdict().get(f"t{i}") for i in range(1, 6)) if t))
            if pattern in (_TITLE_RUN_BY, _WHO_WITH, _WHO_COMMA_TITLE) or (pattern is _HAD_A and not match.group("kind")):
                if _AFTER_AN_ORGANISATION_WORD.search(text[: match.start()]):
                    continue  # 'Ben Castellano from Tessellate Design presented "Title"': the name is his employer's
                if _add_given(scan, block, match, title, text):
                    taken.append((match.start(), match.end()))
                continue
            who = match.groupdict().get("who")
            kind_word = match.groupdict().get("kind")
            if pattern is _THE_KIND and kind_word.lower() in TOO_COMMON_AFTER_THE:
                continue
            if who and who.split()[0] in NOT_A_SUBJECT:
                who = None
            if who and not kind_word and "et al" not in who and not _near_talk_word(text, match.start()):
                kind_word = None
            line = scan.parsed.line_of(block.start + match.start())
            kind = kind_of(kind_word) if kind_word else ("paper" if who and "et al" in who else "talk")
            speakers = [re.sub(r"\s+et al\.?$", " et al.", who).strip()] if who and "et al" in who else \
                (only_people(scan, who) or [who.strip()]) if who else []  # 'A and B ran a tutorial on …': two
            quoted_topic = bool(match.group("t3") or match.group("t4")) and bool(
                re.search(r"\s(on|about)\s+[“\"]", match.group(0)))
            person = kind in ("invited talk", "tutorial", "talk", "oral", "paper") and pattern is _POSSESSIVE
            scan.add(Candidate(
                title=title, kind=kind, speakers=speakers, organizers=[] if person else list(speakers),
                mentions=[scan.mention(line, "inline")], spans=[(scan.doc, line, line)],
                weak=quoted_topic or (not kind_word and not (who and "et al" in who)),
            ))
            taken.append((match.start(), match.end()))


def _add_given(scan: NoteScan, block: Block, match: re.Match[str], title: str, text: str) -> bool:
    """A quoted title that people gave ('"Title", run by A (Org) and B', 'A followed with "Title"', 'A gave
    "Title"'): a talk, its people those the clause names, its kind the one the sentence names before them ('The
    opening keynote was …') or after ('a half-day tutorial, …')."""
    names = match.group("people") if "people" in match.groupdict() else match.group("who")
    who = only_people(scan, without_honorifics(re.sub(r"\([^()]*\)", " ", names)))
    if not who and match.groupdict().get("honorific") and (name := person_name(names)):
        who = [name]  # 'Dr. Hemi Walker': the title says a person, whatever the words of the name
    if not who or len(re.findall(r"[^\W\d_]{2,}", title)) < 2:
        return False  # quoted and given by people, a title of two words or more is one whatever its case
    sentence_start = max(text.rfind(". ", 0, match.start()), text.rfind("\n", 0, match.start()), 0)
    before = _ONLY_KIND.search(text[sentence_start: match.start()])
    kind = kind_of(before.group("kind")) if before else kind_from_title(title) or kind_from_heading(heading_title(block))
    line = scan.parsed.line_of(block.start + match.start())
    scan.add(Candidate(title=title, kind=kind or "talk", speakers=who, mentions=[scan.mention(line, "inline")],
                       spans=[(scan.doc, line, line)]))
    return True


def _near_talk_word(text: str, position: int) -> bool:
    window = text[max(0, position - 60): position + 60].lower()
    return any(w in window for w in TALK_WORDS)


# An unmarked title in title case followed by its speaker in parentheses: 'Kafka Is Not a Database (Jane Doe, Org)'.
_TITLE_THEN_PAREN = re.compile(r"(?:^|[:;!?]\s+|[.—–]\s+|\s-\s)(?P<title>[A-Z][^():;.!?—–\n]{6,150}?)\s*\((?P<who>[^()]{3,120})\)")


# 'the Embedded Rust Workshop run by Jane Doe': a title ending in a kind of talk, then who ran it.
_KIND_RUN_BY = re.compile(rf"(?P<title>(?:[A-Z][\w’'-]*\s+){{1,8}}(?i:{KINDS}))\s+(?:run|given|led|presented|hosted|"
                          r"taught|delivered|organi[sz]ed)\s+by\s+(?P<who>[^.;:()—–]+)")


_NOT_THE_SPEAKER = re.compile(r"(?:\bwith|\bw/|co-?authors?|supervisor|joint work with|thanks to|credited|audience|"
                              r"friend|colleague|labmate|manager)\W*\s*$", re.I)


# A name followed by whose talk it was: 'I chose the room with Jane Doe, whose talk was called "…"' (after 'with',
# which otherwise names company rather than a speaker).
_WHOSE_TALK = re.compile(r"\s*,?\s*whose\s+(?:[\w-]+\s+)?(?:talk|keynote|session|workshop|tutorial|presentation|"
                         r"lecture|panel)\b", re.I)


# A title's appositive that names the kind of talk and who gave it: ', a two-hour hands-on session run by Jane Doe'.
_APPOSITIVE_BY = re.compile(r"^\s*,\s*(?:an?|the)\s+[^.;:,]{0,60}?\b(?:talk|session|workshop|tutorial|keynote|"
                            r"presentation|lecture|panel)\b[^.;:,]{0,30}?\b(?:run|given|led|presented|taught|hosted|"
                            r"delivered|moderated|chaired)\s+by\s+(?P<who>[^.;:—–(]+(?:\([^()]*\)[^.;:—–(]*)*)", re.I)
_AFTER_TITLE_WHO = re.compile(r"^[\s,.:;]*(?:(?:was|is|and|were)\s+)*(?:[—–-]|\b(?:by|de|von|par|por|di)\b|\b(?:moderated|presented|given|hosted|chaired|run|led)\s+by\b)"
                              r"\s*(?P<who>[^.;:—–(]+(?:\([^()]*\)[^.;:—–(]*)*)")


# A kind of talk right before its title, and the people it was "with" right after it: 'Afternoon workshop "Designing
# for Cognitive Load" with Dr. Renata Alves (Org)', 'hands-on workshop "Title" with Tom Kowalczyk (@tomkow)'.
_KIND_BEFORE_TITLE = re.compile(r"\b(?:workshops?|panels?|sessions?|tutorials?|talks?|keynotes?|masterclass(?:es)?|"
                                r"fireside chats?|conversations?|hands-on|lectures?|seminars?)\W*$", re.I)
_WITH_AFTER_TITLE = re.compile(r"^[\s,]*(?:with|avec|mit|con|com|met)\s+(?P<who>[^.;:—–(]+(?:\([^()]*\)[^.;:—–(]*)*)",
                               re.I)
# Words right before a title that say it is the title of a talk: 'titled', 'called', 'the keynote,', 'a panel,'.
_INTRODUCES_TITLE = re.compile(r"\b(?:titled|entitled|called|named|presented|presents|gave|delivered|(?:talk|keynote|panel|tutorial|session|presentation|"
                               r"slot|lecture|workshop|oral|poster)s?(?:\s+(?:on|about))?)[\s,:]*(?:the\s+)?$", re.I)


_PRESENTED_BY = re.compile(r"\b(?:presented|given|delivered|moderated|hosted|chaired|run|led)\s+by\s+(?P<who>[^.;:—–]+)",
                           re.I)


# What a sentence says of one person before naming the next of a group: 'A, a barrister from London, and B'.
_APPOSITIVE_BETWEEN = re.compile(r"\s*,\s*(?:an?|the)\s+[^,.;:()]{1,60},\s*(?:and\s+)?", re.I)


def _people_before(scan: NoteScan, text: str) -> list[str]:
    """The people a sentence names last before a point: 'the poster by A and B (Org), <title>' -> [A, B]."""
    found: list[tuple[int, int, str]] = []
    plain = re.sub(r"\([^()]*\)", lambda m: " " * len(m.group(0)), text)
    for match in PROSE_NAME.finditer(plain):
        name = name_in_prose(scan, match.group(0))
        if name and (not _NOT_THE_SPEAKER.search(plain[: match.start()]) or _WHOSE_TALK.match(plain, match.end())):
            found.append((match.start(), match.end(), name))
    if not found:
        return []
    group = [found[-1]]
    for previous in reversed(found[:-1]):  # names joined by ',', 'and', '&' belong together
        between = plain[previous[1]: group[0][0]]
        if re.fullmatch(r"\s*(?:,|and|&|\+)\s*(?:and\s+)?", between) or _APPOSITIVE_BETWEEN.fullmatch(between):
            group.insert(0, previous)
        else:
            break
    return [name for _, _, name in group]


# A line that says who gives a talk is not known yet: 'Speaker to be confirmed (Water Board)', 'Speaker: TBA'.
_NO_NAME_LINE = re.compile(rf"\W*(?:speakers?|presenters?|presented by)\b[\s:]*(?:.{{0,12}})(?:{NO_NAME.pattern})", re.I)


def detect_lead_talk(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """A bold lead that names a kind of talk: '**Tutorial T3 — Title**' with '(A, B; 9:00)' below it, '**09:00
    Keynote.** Jane Doe (Org) — *Title*', '**14:00 Panel: Title**' with 'Moderator:' and 'Panellists:' lines."""
    block = blocks[index]
    lines = block.text.splitlines()
    match = _after_bold_time(bold_start(lines[0]))
    if block.kind != "paragraph" or not match:
        return
    bold = TIME.sub("", ENUMERATION.sub("", clean_inline(match.group("bold")))).strip(" .:")
    rest = " ".join([match.group("rest"), *lines[1:]])
    titled = HEADING_TALK.match(bold)
    if titled:
        kind = kind_of_match(titled)
        title, speakers = titled_people(scan, titled.group("title"), titled.group("by"))
    elif _ONLY_KIND.fullmatch(bold):
        kind, title, speakers = kind_of(_ONLY_KIND.fullmatch(bold).group("kind")), "", []  # type: ignore[union-attr]
        title = _title_below(blocks, index)  # '**Keynote** — Jane Doe (Org)' then '> *"Title"*' on its own line
        if title:
            speakers = _people_before(scan, clean_inline(match.group("rest")))
            titled = _ONLY_KIND.fullmatch(bold)  # the people labelled below are this talk's too
    else:
        if bold.lower().strip(" .:") in NOTES_HEADERS:
            return  # '**Summary.** Presented by Yuki Morimoto; …': a label over what was said, not a title
        presented = _PRESENTED_BY.search(clean_inline(rest))
        label = match.group("bold").rstrip().endswith(":") or match.group("rest").lstrip().startswith(":")
        below = only_people(scan, lines[1]) if len(lines) > 1 and not match.group("rest").strip() else []
        unnamed = len(lines) > 1 and not match.group("rest").strip() and bool(_NO_NAME_LINE.match(clean_inline(lines[1])))
        if (below or unnamed) and title_like(unquote(bold)) and not label:
            # '**Title**' then 'Jane Doe (Org)' on the next line, or 'Speaker to be confirmed (Org)'
            kind, title, speakers = talk_context(" ".join(block.heading_path[-1:])) or "talk", unquote(bold), below
        elif label or not presented or not people(presented.group("who"), scan.vocabulary) or len(bold.split()) > 12 \
                or not re.search(r"[^\W\d_]{2}", bold):
            return
        else:  # '**Team Kilowatt Kids — PeakShaver.** Presented by Felix Braun and Mei Lin.': a demo or a talk
            title = re.split(r"\s+[—–-]\s+", bold)[-1] if re.match(r"(?i)team\b", bold) else bold
            kind = talk_context(" ".join(block.heading_path[-1:])) or "talk"
            speakers = people(presented.group("who"), scan.vocabulary)
    if not title:
        marked = next((m for m in MARKED.finditer(rest) if title_like(clean_inline(marked_text(m)))), None)
        if marked is None:
            return
        title = clean_inline(marked_text(marked))
        speakers = speakers or _people_before(scan, clean_inline(rest[: marked.start()]))
    speakers = speakers + [n for n in labelled_people(scan, lines[1:] if titled else [], panel=kind == "panel")
                           if n not in speakers]
    if titled and not speakers and match.group("rest").strip():  # '**Invited talk: Title** — Jane Doe'
        after = _AFTER_TITLE_WHO.match(without_honorifics(clean_inline(match.group("rest"))))
        speakers = _who(scan, after.group("who")) if after else []
    title = title.strip(" .")
    if kind == "session" and not speakers:
        return  # an oral session holds talks; it is not one
    end = lead_end(blocks, index)
    candidate = scan.add(Candidate(title=title, kind=kind, speakers=speakers, mentions=[scan.mention(block, "lead")],
                                   spans=[(scan.doc, block.line_start, end)]))
    scan.lead = candidate
    scan.claimed.add(block.line_start)


# A bold time of its own before a lead: '**09:30** 🎤 **Keynote** — Jane Doe', '**14:00** **Panel: "Title"**'.
_BOLD_TIME = re.compile(r"^\s*(?:\*\*|__)[^*_]+(?:\*\*|__)[^\w*_\"“„«「]*(?=\*\*|__)")


def _after_bold_time(match: re.Match[str] | None) -> re.Match[str] | None:
    """A lead whose first bold is only a time reads from the bold after it (and the symbols between)."""
    if match is None or TIME.sub("", clean_inline(match.group("bold"))).strip(" .:"):
        return match
    opening = _BOLD_TIME.match(match.string)
    return BOLD_START.match(match.string[opening.end():]) if opening else match


def _title_below(blocks: list[Block], index: int) -> str:
    """A title on a line of its own under a lead that names only a kind of talk: '> *"Title"*', '« Title »' (the
    lead's next line, or a one-line paragraph or quote after it). Marked twice, by its marks and its line, it may
    be in sentence case ('« Industry and academia: a difficult marriage? »')."""
    block = blocks[index]
    lines = block.text.splitlines()[1:2]
    if not lines and index + 1 < len(blocks) and blocks[index + 1].heading_path == block.heading_path \
            and blocks[index + 1].kind == "paragraph" and blocks[index + 1].line_start == blocks[index + 1].line_end:
        lines = [blocks[index + 1].text]
    for line in lines:
        text = clean_inline(line).lstrip("> ").strip()
        title = unquote(text)
        if title != text and title[:1].isupper() and len(re.findall(r"[^\W\d_]{2,}", title)) >= MIN_TITLE_WORDS:
            return title
    return ""


# Fewest words of a title that only its marks and its line say is one.
MIN_TITLE_WORDS = 2


def detect_prose_talk(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """A talk named in running text: a marked title ('her talk, "Title"', 'presented *Title*', 'a panel, "Title",
    moderated by X') in a sentence about a talk, its speaker the person just before it ('Next up was Jane Doe from
    Org, who …') or after it ('— Jane Doe', 'by Jane Doe', 'Presented by Jane Doe.'); or 'Title (Jane Doe, Org)',
    'the Title Workshop run by Jane Doe'."""
    block = blocks[index]
    if in_non_talk_section(block, scan) or block.line_start in scan.read_whole:
        return
    lines = block.text.splitlines()[1:] if block.line_start in scan.claimed else block.text.splitlines()
    text = clean_inline(" ".join(line.strip() for line in lines))
    raw = " ".join(line.strip() for line in lines)
    sentences = [raw[a:b] for a, b in sentence_spans(raw, 0, len(raw))]
    intro = _list_intro_kind(blocks, index)
    for number, sentence in enumerate(sentences):
        for match in MARKED.finditer(sentence):
            _prose_title(scan, block, sentences, number, sentence, match, intro)
    for match in _TITLE_THEN_PAREN.finditer(text):
        title = match.group("title").strip()
        if re.match(r"\s*(?:w/|with\b|feat\.?|incl\.?|co-?authors?\b|see\b)", match.group("who"), re.I):
            continue  # '(w/ A and B)': co-authors, not the speaker
        if re.search(r"[\"“”„«»]|\bby\s+[A-Z]", title):
            continue  # 'From "Title" by Jane Doe (Org)': the quotes mark the title, the parentheses her organisation
        who = people(match.group("who"), scan.vocabulary)
        if who and title_like(title, strict=True) and len(title.split()) >= 3 \
                and not person_name(title, scan.vocabulary) and not only_people(scan, title):
            _add_prose(scan, block, title, talk_context(text) or "talk", who[:1])
    for match in _KIND_RUN_BY.finditer(text):
        who = people(match.group("who"), scan.vocabulary)
        if who:
            title = re.sub(r"^(?:the|a|an)\s+", "", match.group("title").strip(), flags=re.I)
            _add_prose(scan, block, title, kind_from_title(title) or "talk", who)


def _list_intro_kind(blocks: list[Block], index: int) -> str | None:
    """The kind that the line introducing a list item's list names ('Lightning talk line-up (5 min each):' above
    '1. *Title* by Jane Doe'), or None: the paragraph ending in a colon just before the list's first item."""
    if blocks[index].kind != "list":
        return None
    first = index
    while first > 0 and blocks[first - 1].kind == "list":
        first -= 1
    if first == 0:
        return None
    intro, start = blocks[first - 1], blocks[first]
    if intro.kind != "paragraph" or not clean_inline(intro.text).rstrip().endswith(":") \
            or start.line_start > intro.line_end + 2:
        return None
    return kind_from_heading(clean_inline(intro.text))


def _prose_title(scan: NoteScan, block: Block, sentences: list[str], number: int, sentence: str,
                 match: re.Match[str], intro_kind: str | None = None) -> None:
    title = clean_inline(marked_text(match)).strip()
    emphasis = match.group("b") or match.group("i1") or match.group("i2")
    quoted_bold = bool(emphasis) and emphasis.strip()[:1] in "\"“„'‘«"
    # A title in quotes and bold (or italics) is marked twice: sentence case will do ('"Detección temprana de
    # incendios"', '*"CSS Container Queries na vida real"*').
    titled = title_like(title) or (quoted_bold and title[:1].isupper() and len(title.split()) >= 2)
    # A title both quoted and bold, with its speaker after it ('**"Shift-Left Accessibility"** by Jane Doe'), is a
    # title however much it reads like a name.
    by_after = quoted_bold and bool(_AFTER_TITLE_WHO.match(clean_inline(sentence[match.end():])))
    if not titled or (only_people(scan, title) and not by_after) or (
            match.group("b") and not quoted_bold and not _introduces_a_talk(sentence)):
        return
    before = clean_inline(sentence[: match.start()])
    after = clean_inline(sentence[match.end():])
    if not re.search(r"[^\W\d_]{2}", before + " " + after):
        return  # a marked line on its own (a subtitle under a heading) is no sentence about a talk
    context = " ".join(sentences[max(0, number - 1): number + 1])
    presenting = re.search(r"\bpresent(?:s|ed|ing)?\b", before, re.I)
    after_book = re.search(r"\b(?:book\w*|novels?|author of)\b", after, re.I)  # '*Title* by X — "the best book"'
    if (MEDIA_WORDS.search(before) or READING_WORDS.search(before) or after_book) and not presenting:
        return  # 'her book *Title*', 'reading *Title*', 'Book rec: *Title*': not a talk ('presenting our paper' is)
    who_after = _AFTER_TITLE_WHO.match(after)
    speakers = _who(scan, who_after.group("who")) if who_after else []
    if not speakers and _KIND_BEFORE_TITLE.search(before):  # 'workshop "Title" with Dr. Jane Doe (Org)'
        with_after = _WITH_AFTER_TITLE.match(without_honorifics(after))
        speakers = _who(scan, with_after.group("who")) if with_after else []
    speakers = speakers or _people_before(scan, before)
    if not speakers and not before.strip():  # '**Title** was the opening keynote by Jane Doe (Org).'
        by = re.search(r"\b(?:keynote|talk|tutorial|session|presentation|lightning talks?|workshop)\b[^.;]*?\bby\s+"
                       r"(?P<who>[^.;:—–()]+)", after, re.I)
        speakers = _who(scan, by.group("who")) if by else []
    if not speakers and quoted_bold:  # '**"Title"**, Prof. Dr. Katrin Oberländer (TH Elbflorenz)'
        comma_who = re.match(r"^,\s*(?P<who>[^,.;:—–()]+(?:\.\s*[^,.;:—–()]+)*?)\s*(?:\(|$)", after)
        speakers = people(comma_who.group("who"), scan.vocabulary) if comma_who else []
    if not speakers:  # '"Title", a two-hour hands-on session run by Jane Doe and John Roe'
        appositive = _APPOSITIVE_BY.match(after)
        speakers = _who(scan, appositive.group("who")) if appositive else []
    if not speakers and number > 0:
        speakers = _people_before(scan, clean_inline(sentences[number - 1]))[:1] if not before.strip() or \
            re.search(r"\b(?:her|his|their|the)\s+(?:talk|keynote|session|tutorial|presentation)\b", before, re.I) \
            else []
    if not speakers and number + 1 < len(sentences):
        presented = _PRESENTED_BY.search(clean_inline(sentences[number + 1]))
        speakers = people(presented.group("who"), scan.vocabulary) if presented else []
    if not speakers and block.heading_path:
        speakers = only_people(scan, heading_title(block))  # '### Jane Doe', then "Jane's keynote, '…'"
    kind = talk_context(before + " " + after) or talk_context(context) or intro_kind or (
        kind_from_heading(block.heading_path[-1]) if block.heading_path else None)
    if kind == "panel":  # 'Panel: "Title". Jane Doe is moderating, and the panellists are A (Org), B and C.'
        following = " ".join([after, *sentences[number + 1: number + 2]])
        speakers = speakers + [n for n in named_people(scan, following) if n not in speakers]
    if kind is None and speakers and len(content_words(title)) >= 2:
        kind = "talk"  # 'Then came Jane Doe from Org with *Title*': a person presenting a title
    if kind is None or (not speakers and not _INTRODUCES_TITLE.search(before)):
        return  # with nobody presenting it, only 'titled "…"', 'her talk, "…"' make a quoted phrase a talk
    _add_prose(scan, block, title, kind, speakers)


def _who(scan: NoteScan, text: str) -> list[str]:
    """The people a 'by …' or '— …' clause names: 'A and B (Org) did a double act' -> [A, B]."""
    return list(dict.fromkeys([*people(text, scan.vocabulary), *named_people(scan, text)]))


def _introduces_a_talk(sentence: str) -> bool:  # noqa: N802 - reads as a predicate on the sentence
    """A bold span is a title only inside a sentence that introduces a talk ('The closing panel, **Title**, was …')."""
    return bool(re.search(PROSE_TALK_WORDS, sentence.lower()))


def _untitled_section_talk(scan: NoteScan, block: Block) -> Candidate | None:
    """The talk of the block's section when its heading named a kind of talk with a label but no title nor speaker
    ('## Talk 2 — mobile money fraud'): the prose under it names its title or its speaker."""
    talk = scan.by_section.get(block.heading_path)
    if talk is None or talk.speakers or title_like(talk.title) or not any(m.how == "heading" for m in talk.mentions):
        return None
    return talk


def _add_prose(scan: NoteScan, block: Block, title: str, kind: str, speakers: list[str]) -> None:
    talk = _untitled_section_talk(scan, block)
    if talk is not None:  # '## Talk 1 — cassava prices', then 'Jane Doe … with a talk called "Title"'
        talk.aliases.append(talk.title)
        talk.title, talk.kind = title, talk.kind if talk.kind != "talk" else kind
        scan.add_speakers(talk, speakers)
        talk.mentions.append(scan.mention(block, "prose"))
        scan.lead = talk
        return
    candidate = scan.add(Candidate(title=title, kind=kind, speakers=list(speakers), mentions=[scan.mention(block, "prose")],
                                   spans=[(scan.doc, block.line_start, block.line_end)]))
    scan.lead = candidate


def detect_non_talk_lead(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """A bold lead line starts a new part of the note: a reading list ('**Books:**') or anything else."""
    block = blocks[index]
    if is_lead(block) and len(block.text.splitlines()) == 1:
        bold = BOLD_START.match(block.text.strip())  # what the bold says: '**Books:**', not a title after it
        scan.non_talk_lead = bool(NON_TALK_SECTIONS.search(clean_inline(bold.group("bold") if bold else block.text)))


# 'She saw a workshop on Ray Serve autoscaling and a talk on carbon-aware training': talks seen, known by topic.
_SEEN = re.compile(r"\b(?:saw|attended|caught|went to|sat in on|there (?:was|were)|missed|skipped|heard)\b", re.I)
_A_TALK_ON = re.compile(
    r"\b(?:an?|the)\s+(?:[\w-]+\s+){0,2}?(?P<kind>talk|workshop|session|tutorial|lecture|keynote|panel(?: discussion)?|"
    r"fireside chat)\s+(?:on|about)\s+"
    r"(?P<topic>[^.;:()!?\"“,]{6,100}?)(?=[.;:(!?\"“,]|\s+and\s+an?\b|\s+(?:which|that|by|from|with|in the)\b|$)", re.I)
# Who gave the talk just named, in the clauses after its topic: 'a talk on X by Jane Doe', 'a panel on X, moderated
# by Jane Doe, with A and B' (a clause ends at a comma that does not join names, or at a sentence's end).
_GIVEN_BY = re.compile(r"\A,?\s+(?:(?:moderated|chaired|hosted|led|run|given|presented|facilitated)\s+)?by\s+"
                       r"(?P<who>[^.;:()]+?)(?=\s*\(|,\s+(?!and\b)|[.;:]|$)", re.I)
_PANEL_WITH = re.compile(r"\A(?:\s*\([^()]*\))?,?\s+(?:with|featuring)\s+(?P<who>[^.;:()]+?)(?=\s*\(|,\s+(?!and\b)|[.;:]|$)",
                         re.I)
# 'The last talk of day one was by Oskar Lind, on testing dbt models': the person first, the topic after.
_TALK_WAS_BY = re.compile(
    r"\b(?P<kind>talk|keynote|session|tutorial|lecture)\b[^.;:\"“]{0,40}?\b(?:was|came)\s+(?:given\s+|delivered\s+|"
    r"from\s+)?by\s+(?P<who>[^,.;:()]+?)(?:\s*\([^()]*\))?,\s+(?:on|about)\s+"
    r"(?P<topic>[^.;:()!?\"“,]{6,100}?)(?=[.;:(!?\"“,]|\s+(?:which|that)\b|$)", re.I)


def detect_topic_talk(scan: NoteScan, blocks: list[Block], index: int) -> None:
    """'Jane Doe talked about <topic>', "Jane Doe's session on <topic>", 'Jane Doe did a five-minute rant about
    <topic>', 'I caught a workshop on <topic>': a talk known by its topic. Kept only when the note has no titled talk
    by the same person."""
    block = blocks[index]
    earlier_lead = scan.lead is not None and scan.lead.kind == "panel" and scan.lead.mentions[0].line < block.line_start
    untitled = _untitled_section_talk(scan, block)
    if in_non_talk_section(block, scan) or earlier_lead or (untitled is None and any(
            block.heading_path[:n] in scan.by_section for n in range(1, len(block.heading_path) + 1))):
        return  # inside a talk's section, 'X talked about Y' is what was said in it (unless it names no one yet)
    text = clean_inline(" ".join(line.strip() for line in block.text.splitlines()))
    for pattern in (TOPIC_VERB, TOPIC_RANT, TOPIC_POSSESSIVE):
        for match in pattern.finditer(text):
            before = text[: match.start()] if pattern is not TOPIC_POSSESSIVE else text[: match.start()].rstrip("’'s")
            who = _people_before(scan, before[-120:])
            if who and re.search(r"[^\W\d_]{3}", match.group("topic")):
                _add_topic(scan, block, match.group("topic"), talk_context(match.group(0)) or "talk", who[-1:])
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        seen = _SEEN.search(sentence)
        for match in _A_TALK_ON.finditer(sentence):
            # 'I caught a talk on X' was one; 'a panel on X, moderated by Jane Doe' names who gave it: without
            # either, 'the talk on X' may be any talk's topic.
            kind = kind_of(match.group("kind"))
            who = _given_by(scan, sentence[match.end():], kind)
            if who or (seen and match.start() >= seen.end() and kind != "panel"):  # a panel is its people
                _add_topic(scan, block, match.group("topic"), kind, who)
        for match in _TALK_WAS_BY.finditer(sentence):
            who = people(match.group("who"), scan.vocabulary)
            if who:
                _add_topic(scan, block, match.group("topic"), kind_of(match.group("kind")), who)


def _given_by(scan: NoteScan, after: str, kind: str) -> list[str]:
    """The people the clauses after a talk's topic name as giving it: 'by Jane Doe'; for a panel, its moderator
    and the people it was 'with'."""
    found: list[str] = []
    by = _GIVEN_BY.match(after)
    if by:
        found += people(by.group("who"), scan.vocabulary)
        after = after[by.end():]
    with_ = _PANEL_WITH.match(after) if kind == "panel" else None
    if with_:
        found += [p for p in people(with_.group("who"), scan.vocabulary) if p not in found]
    return found


def _add_topic(scan: NoteScan, block: Block, topic: str, kind: str, speakers: list[str]) -> None:
    talk = _untitled_section_talk(scan, block)
    if talk is not None:  # '## Talk 2 — mobile money fraud', then 'Jane Doe talked about fraud detection'
        talk.aliases.append(topic.strip())
        scan.add_speakers(talk, speakers)
        talk.mentions.append(scan.mention(block, "topic"))
        return
    titled = _footnoted_title(scan, block)
    scan.add(Candidate(title=titled or topic.strip(), kind=kind, speakers=speakers,
                       mentions=[scan.mention(block, "topic")], spans=[(scan.doc, block.line_start, block.line_end)],
                       topic=not titled, aliases=[topic.strip()] if titled else []))


def _footnoted_title(scan: NoteScan, block: Block) -> str | None:
    """The title a footnote gives the talk a paragraph speaks of by its topic: "Dr. Amal Haddad's session about
    playing recordings …[^1]" and "[^1]: The official title … was "Acoustic Enrichment: …"" (one footnote in the
    paragraph, one quoted title in it)."""
    marks = set(_FOOTNOTE_MARK.findall(block.text))
    if len(marks) != 1:
        return None
    label = marks.pop()
    for other in scan.parsed.blocks:
        if other.kind == "footnote" or other.text.lstrip().startswith(f"[^{label}]:"):
            text = other.text.strip()
            if not text.startswith(f"[^{label}]:") or not _TITLE_WORD.search(text):
                continue
            quoted = _QUOTED_TITLE.findall(text)
            return quoted[0].strip() if len(quoted) == 1 else None
    return None


_FOOTNOTE_MARK = re.compile(r"\[\^([^\]\s]+)\](?!:)")
_TITLE_WORD = re.compile(r"\b(?:title[ds]?|called|named)\b", re.I)
_QUOTED_TITLE = re.compile(r"[\"“„«]([^\"”»\n]{3,150})[\"”»]")


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
    first = BULLET_MARK.sub("", clean_inline(block.text.splitlines()[0]))
    leading = re.split(r"\s*(?:,|\(|—|–|\s-\s|:)\s*", first, maxsplit=1)[0]
    name = person_name(leading, scan.vocabulary)
    if name:
        scan.add_speakers(panel, [name])
        panel.mentions.append(scan.mention(block, "panel"))
