"""Answer units: what an answer quotes. A sentence; a lead-in together with the payload it introduces (a label
and its list, paragraph or formula); a table row as a record with its column names. A unit whose only content is
a label is never an answer on its own. Units are built from the index's sentences at question time."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from confqa.answer.readable import display_text
from confqa.index.store import IndexStore
from confqa.ingest.markdown import margin_width
from confqa.settings import AnswerSettings
from confqa.text import lexicon

_BACK_REFERENCE = re.compile(r"^(He|She|They|It|This|These|That|Those|His|Her|Their|Its)\b")
_THING_REFERENCE = re.compile(r"^(It|This|These|That|Those|Its)\b")
_BOLD_LINE = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])?\s*(\*\*|__)(?P<label>[^*_\n]{1,80}?)\1[ \t]*[:.]?[ \t]*(?:\n|$)")
# "**Vending Bench** (LLMs as entrepreneurs): $500 to …": a bold label that opens a paragraph and names what the
# rest of the paragraph is about.
_INLINE_LABEL = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])?\s*(\*\*|__)[^*_\n]{1,80}?\1\s*(?:\([^)\n]{0,80}\)\s*)?[:—–-]\s*\S")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}")


@dataclass(frozen=True)
class Unit:
    """Sentence ids in note order: `members[0]` is the unit's first sentence. `kind` is sentence, lead-in (a
    label and its payload), continued (a sentence and the one that refers back to it) or row."""

    members: tuple[int, ...]
    kind: str
    cosine: float


def refers_back(text: str) -> bool:
    """A sentence that opens by referring to a thing said before it ("This is called …", "It was the first time
    …"); not one about a person ("She argued …": the speaker is known from the citation)."""
    return bool(_THING_REFERENCE.match(text))


def is_label(sentence_id: int, store: IndexStore) -> bool:
    """A line that only names what follows: a label sentence, a line ending with a colon, a bold line."""
    sentence = store.sentences[sentence_id]
    if sentence.kind == "label":
        return True
    if display_text(sentence.text).endswith(":"):
        return True
    bold = _BOLD_LINE.match(sentence.text)
    return bool(bold) and bold.end() >= len(sentence.text.rstrip())


def _runs_on_to_a_colon(sentence_id: int, store: IndexStore) -> bool:
    """A line that says something, with the lines a plain-text note runs on after it ending in a colon: '- Kofi
    Mensah — "Dark Mode …" — offer both, default to the OS setting' then '1200 sponsor demos, skipped' and 'side
    notes day 2:' (unindented lines continue a list item's paragraph, as CommonMark reads them). Its colon is the
    last line's, not its own: it is no label."""
    first, _, rest = store.sentences[sentence_id].text.partition("\n")
    return bool(rest.strip()) and not display_text(first).rstrip().endswith(":")


def leads_with_label(sentence_id: int, store: IndexStore) -> bool:
    """A sentence whose first line is a bold label ("**Technique: Speculative Decoding**" then a sentence)."""
    return bool(_BOLD_LINE.match(store.sentences[sentence_id].text))


def opens_with_label(sentence_id: int, store: IndexStore) -> bool:
    """A sentence that opens its paragraph with a bold label ("**Vending Bench** (…): $500 to …")."""
    return bool(_INLINE_LABEL.match(store.sentences[sentence_id].text))


def paragraph_rest(sentence_id: int, store: IndexStore, settings: AnswerSettings) -> list[int]:
    """The sentences after this one in its paragraph (or list item), up to `payload_sentences`."""
    first = store.sentences[sentence_id]
    out: list[int] = []
    last_line = first.line_end
    for j in range(sentence_id + 1, min(len(store.sentences), sentence_id + 1 + settings.payload_sentences)):
        sentence = store.sentences[j]
        same_note = sentence.chunk == first.chunk or store.chunks[sentence.chunk].doc == store.chunks[first.chunk].doc
        if sentence.kind != "sentence" or not same_note or sentence.line_start > last_line + 1 \
                or sentence.depth != first.depth:
            break
        out.append(j)
        last_line = sentence.line_end
    return out


_FENCE = re.compile(r"^\s*(?:```|~~~)")


def _opening_line(sentence_id: int, store: IndexStore) -> int:
    """The line a sentence's block opens on: the fence above a fenced one-line formula ('RRF(d) = Σ 1/(k + r)'),
    else its own first line."""
    sentence = store.sentences[sentence_id]
    lines = store.texts.get(store.chunks[sentence.chunk].doc, [])
    above = sentence.line_start - 2
    return sentence.line_start - 1 if 0 <= above < len(lines) and _FENCE.match(lines[above]) else sentence.line_start


def payload_after(intro_id: int, store: IndexStore, settings: AnswerSettings) -> list[int]:
    """What a lead-in introduces, in order: the rest of its paragraph, a formula, the nested or following list
    (top-level items only; their further sentences stay in the quote), up to `payload_sentences`. The payload
    ends at a blank line followed by text no deeper than the lead-in, at the next heading, or at a new label
    after the payload has begun."""
    intro = store.sentences[intro_id]
    chunk = store.chunks[intro.chunk]
    members: list[int] = []
    last_line = intro.line_end
    item_depth: int | None = None
    for j in range(intro_id + 1, min(len(store.sentences), intro_id + 1 + 8 * settings.payload_sentences)):
        sentence = store.sentences[j]
        other = store.chunks[sentence.chunk]
        if other.doc != chunk.doc or other.section != chunk.section or _opening_line(j, store) > last_line + 2:
            break
        if len(members) >= settings.payload_sentences:
            break
        nested = indent(j, store) > indent(intro_id, store)
        if sentence.kind == "item":
            if intro.kind == "item" and not nested:
                break  # the next item of the intro's own list
            item_depth = sentence.depth if item_depth is None else item_depth
            if sentence.depth < item_depth:
                break
            if sentence.depth == item_depth:
                members.append(j)
        elif sentence.kind == "label" or _is_bold_label(j, store):
            if members:
                break  # a new label ("**12. Next year: Porto**" after the paragraph under "**11. …**")
        elif item_depth is not None:
            if sentence.depth < item_depth and not nested:
                break  # text after the list
        else:
            gap = sentence.line_start > last_line + 1
            if gap and not nested and intro.kind == "item":
                break
            members.append(j)
        last_line = sentence.line_end
    return members


def indent(sentence_id: int, store: IndexStore) -> int:
    """Columns of indentation of the line a sentence starts on (list items' paragraphs and formulas are
    indented under their item)."""
    sentence = store.sentences[sentence_id]
    lines = store.texts.get(store.chunks[sentence.chunk].doc, [])
    line = lines[sentence.line_start - 1] if 0 < sentence.line_start <= len(lines) else ""
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())


def continues(first: int, second: int, store: IndexStore) -> bool:
    """Whether sentence `second` directly continues `first` in the same paragraph and refers back to it
    ("First, he gave a free idea for a benchmark. He suggested ..."): quoting the first alone would cut the
    point in half."""
    if second != first + 1 or second >= len(store.sentences):
        return False
    a, b = store.sentences[first], store.sentences[second]
    if not (a.kind in ("sentence", "item") and b.kind == "sentence" and a.depth == b.depth
            and store.chunks[a.chunk].doc == store.chunks[b.chunk].doc):
        return False
    asked = display_text(a.text)
    if b.line_start <= a.line_end:
        return bool(_BACK_REFERENCE.match(display_text(b.text))) or bool(_ASKS.search(asked))
    # A question on its own, answered by the next paragraph: a chat's "why does madmom fail so badly?" and the
    # reply under the next message's header.
    return b.line_start <= a.line_end + REPLY_GAP_LINES and bool(_QUESTION_END.search(asked))


# A question's answer starts at most this many lines below it (a blank line and the replier's header line).
REPLY_GAP_LINES = 3
_QUESTION_END = re.compile(r"\?[\"'”’)]*$")


# A sentence that puts a question, whose answer is the next sentence of its paragraph: "Solberg opened by asking
# each panellist for a yes or no on whether open should mean releasing the data. Moreau said yes, …", "Why does
# it work?".
_ASKS = re.compile(r"\?[\"'”’)]*$|\b(?:asked|asking|asks|ask)\b(?:\s+[\w'’-]+){0,6}\s+(?:whether|if|for|what|which|who|"
                   r"how|why|when|where)\b", re.I)


def units_of(sentence_ids: list[int], cosines: dict[int, float], store: IndexStore, settings: AnswerSettings,
             allowed: set[int] | None = None) -> list[Unit]:
    """The units that the given sentences open, each with a cosine: a lead-in's is the better of its own and
    the mean of its best payload sentences' (payload outside the scored pool counts as unrelated)."""
    out: list[Unit] = []
    for sentence_id in sentence_ids:
        if allowed is not None and sentence_id not in allowed:
            continue
        sentence = store.sentences[sentence_id]
        own = cosines[sentence_id]
        if sentence.kind == "row":
            if not is_header_row(sentence_id, store):
                out.append(Unit((sentence_id,), "row", own))
            continue
        label = is_label(sentence_id, store) or (sentence.kind == "sentence" and _ends_paragraph_before_list(sentence_id, store))
        if label or leads_with_label(sentence_id, store):
            payload = [m for m in payload_after(sentence_id, store, settings) if allowed is None or m in allowed]
            if payload:
                best = sorted((cosines.get(m, 0.0) for m in payload), reverse=True)[:3]
                out.append(Unit((sentence_id, *payload), "lead-in", max(own, sum(best) / len(best))))
                continue
            if label and not _runs_on_to_a_colon(sentence_id, store):
                continue  # a label alone says nothing
        if opens_with_label(sentence_id, store):
            rest = [m for m in paragraph_rest(sentence_id, store, settings) if allowed is None or m in allowed]
            if rest:
                best = sorted((cosines.get(m, 0.0) for m in rest), reverse=True)[:3]
                out.append(Unit((sentence_id, *rest), "lead-in", max(own, sum(best) / len(best))))
                continue
        before = _referred_to(sentence_id, store, settings)
        if before and (allowed is None or all(b in allowed for b in before)):
            out.append(Unit((*before, sentence_id), "continued", max(own, *(cosines.get(b, own) for b in before))))
            continue
        if continues(sentence_id, sentence_id + 1, store) and (allowed is None or sentence_id + 1 in allowed):
            follow = cosines.get(sentence_id + 1, own)
            out.append(Unit((sentence_id, sentence_id + 1), "continued", max(own, follow)))
            continue
        if sentence.kind == "item":
            # A list item is quoted whole: "Client drift: users had very different vocabularies. FedProx with
            # mu = 0.01 helped." is one point, and its second sentence is the answer to "what helped"; so is an
            # item with the items after it that an arrow says follow from it ("avg of per-pod p99s ≠ fleet p99" /
            # "→ ship histograms").
            rest = [m for m in paragraph_rest(sentence_id, store, settings) if allowed is None or m in allowed]
            rest += [m for m in _consequences(sentence_id + len(rest), store) if allowed is None or m in allowed]
            if rest:
                out.append(Unit((sentence_id, *rest), "continued", max(own, *(cosines.get(m, own) for m in rest))))
                continue
        out.append(Unit((sentence_id,), "sentence", own))
    return out


# An item that follows from the one before it, as terse notes write it: '→ ship histograms', '=> cut to 12%'.
_CONSEQUENCE = re.compile(r"^\s*(?:[→⇒➜➔]|=>|->)")


def _consequences(sentence_id: int, store: IndexStore) -> list[int]:
    """The items right after a sentence of an item, at its depth, that open with an arrow."""
    out: list[int] = []
    item = store.sentences[sentence_id]
    j, last = sentence_id + 1, item.line_end
    while j < len(store.sentences):
        following = store.sentences[j]
        if following.kind != "item" or following.depth != item.depth or following.chunk != item.chunk \
                or following.line_start > last + 1 or not _CONSEQUENCE.match(display_text(following.text)):
            break
        out.append(j)
        last = following.line_end
        j += 1
    return out


def _referred_to(sentence_id: int, store: IndexStore, settings: AnswerSettings) -> list[int]:
    """The sentences of the same paragraph that a sentence refers back to ("This is called Polysemanticity."
    needs the sentence before it): while a sentence opens with a back-reference, the one before it joins, up to
    `context_sentences`."""
    out: list[int] = []
    current = sentence_id
    while len(out) < settings.context_sentences and current > 0:
        sentence, previous = store.sentences[current], store.sentences[current - 1]
        if not (sentence.kind == "sentence" and _BACK_REFERENCE.match(display_text(sentence.text))
                and previous.chunk == sentence.chunk and previous.kind in ("sentence", "item")
                and previous.line_end >= sentence.line_start - 1 and previous.depth == sentence.depth):
            break
        out.insert(0, current - 1)
        current -= 1
    return out


def _ends_paragraph_before_list(sentence_id: int, store: IndexStore) -> bool:
    """A top-level sentence whose paragraph is directly followed by a list: it introduces the list (unless it only
    says who gave the talk: '(speaker: Priya Raman, accessibility lead)' over the notes on her talk; 'mod: Hannah
    Vogel' over the panellists does introduce them)."""
    sentence = store.sentences[sentence_id]
    if sentence.depth != 0:
        return False
    if is_byline(sentence.text, store) and not (sentence_id + 1 < len(store.sentences) and store.names_a_speaker(
            " ".join(display_text(store.sentences[sentence_id + 1].text).split()[:NAME_WORDS]))):
        return False
    k = sentence_id
    while k > 0 and store.sentences[k].kind == "sentence" and \
            store.sentences[k].line_start <= store.sentences[k - 1].line_end + 1 and \
            store.sentences[k - 1].chunk == store.sentences[k].chunk:
        k -= 1
        if store.sentences[k].kind == "item":
            return False  # the paragraph of a list item: it does not introduce the next item
    j = sentence_id + 1
    previous = sentence
    while j < len(store.sentences) and store.sentences[j].kind == "sentence" and \
            store.sentences[j].line_start <= previous.line_end + (0 if previous.line_end == previous.line_start else 1):
        previous = store.sentences[j]
        j += 1
    return j == sentence_id + 1 and j < len(store.sentences) and store.sentences[j].kind == "item" and \
        store.sentences[j].line_start <= previous.line_end + 2 and \
        store.chunks[store.sentences[j].chunk].doc == store.chunks[sentence.chunk].doc


NAME_WORDS = 4  # the words an item opens with that may name a person ('Mei-Ling Zhou (Quarry Analytics)')
# A line that says who gave a talk: 'Speaker: Jane Doe (Org)', '(speaker: Jane Doe, audio director)', 'Presented by
# Jane Doe'.
_BYLINE = re.compile(r"^\W*(?:(?:" + "|".join(sorted(map(re.escape, lexicon.PRESENTER_LABELS), key=len, reverse=True))
                     + r")\s*:|(?:presented|given|run|led|hosted|moderated|taught) by\b)", re.I)


def is_byline(text: str, store: IndexStore) -> bool:
    """Whether a line only says who gave the talk: a presenter's label and a speaker of the notes."""
    shown = display_text(text).strip()
    return bool(_BYLINE.match(shown)) and store.names_a_speaker(shown)


def section_unit(chunk_id: int, sentence_ids: list[int], store: IndexStore, settings: AnswerSettings,
                 cosine_of: Callable[[list[int]], dict[int, float]], outline: bool = False) -> Unit | None:
    """A heading with its first body lines: the top-level items of the first list under it, or its first
    sentences, up to `payload_sentences` (the heading itself is in the unit's text, not among its members). Its
    cosine is its best member's. As an `outline` (the question asks for items), a section divided by bold label
    lines ("**Level 1: Offline Eval**" over its list, "**Level 2: …**" over the next) is its labels."""
    if not sentence_ids:
        return None
    labels = [i for i in sentence_ids if _is_bold_label(i, store)]
    items = [i for i in sentence_ids if store.sentences[i].kind == "item"]
    if outline and len(labels) >= 2:
        members = labels[:settings.payload_sentences]
    elif items:
        depth = min(store.sentences[i].depth for i in items)
        members = [i for i in items if store.sentences[i].depth == depth][:settings.payload_sentences]
        members = _with_item_sentences(_with_labelled_items(members, sentence_ids, store, settings), sentence_ids,
                                       store)
    else:
        members = [i for i in sentence_ids if store.sentences[i].kind in ("sentence", "row")][:settings.context_sentences]
    return Unit(tuple(members), "section", max(cosine_of(members).values())) if members else None


def _is_bold_label(sentence_id: int, store: IndexStore) -> bool:
    """A top-level line that is all bold, a label over what follows it."""
    sentence = store.sentences[sentence_id]
    return sentence.kind != "item" and sentence.depth == 0 and leads_with_label(sentence_id, store) and \
        is_label(sentence_id, store)


def _with_labelled_items(items: list[int], sentence_ids: list[int], store: IndexStore,
                         settings: AnswerSettings) -> list[int]:
    """Top-level items with the items nested under those that are labels ("- Rules she uses:" over "- never hold a
    MutexGuard across .await", …), up to `payload_sentences` of them: a label without what it labels says
    nothing."""
    members: list[int] = []
    for item in items:
        members.append(item)
        if not is_label(item, store):
            continue
        depth = store.sentences[item].depth
        nested: list[int] = []
        for j in sentence_ids[sentence_ids.index(item) + 1:]:
            if store.sentences[j].kind != "item" or store.sentences[j].depth <= depth:
                break
            if not nested or store.sentences[j].depth == store.sentences[nested[0]].depth:
                nested.append(j)  # the level right under the label, however far it is indented
        members += nested[:settings.payload_sentences]
    return members


def _with_item_sentences(items: list[int], sentence_ids: list[int], store: IndexStore) -> list[int]:
    """Each list item with the sentences that follow it on its own line: "- About 600 jobs were dead. They were
    removed with a 'silence test' (disable, wait, delete)." is one item of two sentences."""
    chosen = set(items)
    members: list[int] = []
    for position, i in enumerate(sentence_ids):
        if i in chosen:
            members.append(i)
            last_line = store.sentences[i].line_end
            for j in sentence_ids[position + 1:]:
                following = store.sentences[j]
                if following.kind != "sentence" or following.line_start > last_line:
                    break
                members.append(j)
                last_line = following.line_end
    return members


def section_parts(unit: Unit, store: IndexStore) -> list[tuple[int, ...]]:
    """A section unit's members in the pieces it reads as: each list item with the sentences that continue it on
    its line, or each sentence or row."""
    parts: list[list[int]] = []
    for m in unit.members:
        line = store.sentences[m]
        if parts and line.kind == "sentence" and store.sentences[parts[-1][0]].kind == "item":
            parts[-1].append(m)
        elif parts and line.kind == "item" and _labels_nested(parts[-1][0], m, store):
            parts[-1].append(m)  # an item under a label item ("- Rules she uses:") is part of it
        else:
            parts.append([m])
    return [tuple(part) for part in parts]


def _labels_nested(label: int, item: int, store: IndexStore) -> bool:
    """`item` is nested under `label`, a list item that is a label."""
    above = store.sentences[label]
    return above.kind == "item" and store.sentences[item].depth > above.depth and is_label(label, store)


def items_listed(unit: Unit, store: IndexStore) -> int:
    """How many items a unit quotes as a list: a section's items or labels, a lead-in's list items (0 for a unit
    that is not a list)."""
    if unit.kind == "section":
        parts = section_parts(unit, store)
        listed = all(store.sentences[p[0]].kind == "item" or _is_bold_label(p[0], store) for p in parts)
        return len(parts) if listed else 0
    if unit.kind == "lead-in":
        return sum(store.sentences[m].kind == "item" for m in unit.members[1:])
    return 0


def section_text(unit: Unit, store: IndexStore, parts: list[tuple[int, ...]]) -> str:
    """A section unit as prose, its pieces in the given order: "Heading: item; item" for a list, "Heading:
    sentence sentence" otherwise."""
    heading = display_text(heading_of(store.sentences[unit.members[0]].chunk, store)).rstrip(":. ")
    texts = [_labelled_text(part, store) if len(part) > 1 and _labels_nested(part[0], part[1], store) else
             " ".join(row_record(m, store) if store.sentences[m].kind == "row" else display_text(store.sentences[m].text)
                      for m in part) for part in parts]
    if all(store.sentences[part[0]].kind == "item" or _is_bold_label(part[0], store) for part in parts):
        return f"{heading}: " + "; ".join(t.rstrip(".:; ") for t in texts)
    return f"{heading}: " + " ".join(texts)


def _labelled_text(part: tuple[int, ...], store: IndexStore) -> str:
    """A label item with the items nested under it: "Rules she uses: never hold a MutexGuard across .await, prefer
    channels over shared state"."""
    label = display_text(store.sentences[part[0]].text).rstrip(":. ")
    return f"{label}: " + ", ".join(display_text(store.sentences[m].text).rstrip(".;, ") for m in part[1:])


def section_sentences(chunk_id: int, store: IndexStore) -> list[int]:
    """The sentences of a passage's whole section, in note order: a long section is cut into several passages,
    and a heading's list goes on in the next one."""
    chunk = store.chunks[chunk_id]

    def same_section(other: int) -> bool:
        return 0 <= other < store.size and store.chunks[other].doc == chunk.doc and \
            store.chunks[other].section == chunk.section

    first = chunk_id
    while same_section(first - 1):
        first -= 1
    last = chunk_id
    while same_section(last + 1):
        last += 1
    return [i for c in range(first, last + 1) for i in store.sentences_by_chunk[c]]


def heading_giving(chunk_id: int, store: IndexStore, gives: Callable[[str], bool]) -> str:
    """The nearest heading above a chunk's lines that `gives` holds for: one of its own section's levels, deepest
    first (the note's title aside), else the heading of an earlier section of the same note ("## Day 3 (Closing
    Session)" before the sibling "## Foundation Models for Ranking (Lin Jia-Hui)"); "" when none does."""
    levels = [display_text(level).strip() for level in store.chunks[chunk_id].section.split(" › ")[1:]]
    found = next((level for level in reversed(levels) if gives(level)), "")
    doc = store.chunk_doc[chunk_id]
    earlier = chunk_id - 1
    while not found and earlier >= 0 and store.chunk_doc[earlier] == doc:
        heading = display_text(heading_of(earlier, store)).strip()
        if heading != store.chunks[earlier].title and gives(heading):
            found = heading
        earlier -= 1
    return found


def heading_of(chunk_id: int, store: IndexStore) -> str:
    section = store.chunks[chunk_id].section
    return section.rsplit(" › ", 1)[-1] if section else ""


# -- table rows ---------------------------------------------------------------------------------------------------
def _cells(line: str) -> list[str]:
    return [display_text(c) for c in _content(line).strip().strip("|").split("|")]


def _content(line: str) -> str:
    """A table line without its block-quote markers ("> | Attendance | 2,100 |" in a callout)."""
    return line[margin_width(line):]


def table_header(sentence_id: int, store: IndexStore) -> list[str]:
    """The column names of the table a row belongs to: the line above the table's separator row."""
    sentence = store.sentences[sentence_id]
    lines = store.texts.get(store.chunks[sentence.chunk].doc, [])
    for number in range(sentence.line_start - 1, max(0, sentence.line_start - 400), -1):
        text = _content(lines[number - 1]) if number - 1 < len(lines) else ""
        if not text.strip() or "|" not in text:
            return []
        if _TABLE_SEPARATOR.match(text) and set(text.strip()) <= set("|:- "):
            return _cells(lines[number - 2]) if number >= 2 else []
    return []


def row_has_notes(sentence_id: int, store: IndexStore) -> bool:
    """A table row that says something of its talk: a cell under a notes column ("Notes", "Summary", "Key points")
    that is not empty or a dash, or any cell of NOTE_CELL_WORDS words or more."""
    cells = _cells(store.sentences[sentence_id].text)
    if any(len(cell.split()) >= NOTE_CELL_WORDS for cell in cells):
        return True  # a cell that reads as a note, whatever its column is called
    header = table_header(sentence_id, store)
    return len(header) == len(cells) and any(
        name.lower().strip() in lexicon.NOTES_HEADERS and cell.strip(" —–-") for name, cell in zip(header, cells))


# A table cell of this many words says something of its talk: longer than a title, a name or a room.
NOTE_CELL_WORDS = 12


def is_header_row(sentence_id: int, store: IndexStore) -> bool:
    sentence = store.sentences[sentence_id]
    lines = store.texts.get(store.chunks[sentence.chunk].doc, [])
    below = _content(lines[sentence.line_end]) if sentence.line_end < len(lines) else ""
    return bool(_TABLE_SEPARATOR.match(below)) and set(below.strip()) <= set("|:- ")


def row_record(sentence_id: int, store: IndexStore) -> str:
    """A table row as a record: "Speaker: Melanie Mitchell; Notes: …" (cells without a header are joined)."""
    cells = _cells(store.sentences[sentence_id].text)
    header = table_header(sentence_id, store)
    if len(header) != len(cells):
        return " — ".join(c for c in cells if c)
    if len(cells) == 2 and all(name.lower().strip() in lexicon.KEY_VALUE_HEADERS for name in header) and \
            _is_key(cells[0]):
        # a key-value table ("| **Dates** | 20–22 September |"), headed by nothing or by "| Field | Value |"
        return f"{cells[0].rstrip(': ')}: {cells[1]}"
    return "; ".join(f"{name}: {cell}" if name else cell for name, cell in zip(header, cells)
                     if cell and not _row_number(name, cell))


def _is_key(cell: str) -> bool:
    """The first cell of a key-value table's row (two columns, headed by nothing or "Field | Value") that names the
    field its row gives ("Dates", "Venue", "Prepared by"): a few words, no figure."""
    return 0 < len(cell.split()) <= KEY_CELL_WORDS and not any(ch.isdigit() for ch in cell)


# A headerless table's first cell of at most this many words is the key of a key-value row ("Prepared by").
KEY_CELL_WORDS = 4


def row_cells(sentence_id: int, store: IndexStore) -> list[str]:
    """The cells of a table row, as written (markup kept)."""
    return _cells(store.sentences[sentence_id].text)


def _row_number(name: str, cell: str) -> bool:
    """A cell that only numbers its row ('| 7 |' under '#', which reads as no header, or under 'No.'): it says
    nothing in an answer."""
    return cell.lstrip("#№").isdigit() and (not name or bool(lexicon.ROW_NUMBER_HEADER.fullmatch(name.lower())))


def narrowed(unit: Unit, store: IndexStore, keep: Callable[[str], bool]) -> Unit:
    """A list quoted for one fact: its label with only the items that hold it ("First, some caveats: … over 10k
    attendees" for "how many attended", not the seven other caveats). The unit itself when every item or none
    holds it, or when it is no list."""
    if unit.kind == "lead-in" and all(store.sentences[m].kind == "item" for m in unit.members[1:]):
        kept = [m for m in unit.members[1:] if keep(display_text(store.sentences[m].text))]
        if 0 < len(kept) < len(unit.members) - 1:
            return Unit((unit.members[0], *kept), unit.kind, unit.cosine)
    elif unit.kind == "section":
        parts = section_parts(unit, store)
        if all(store.sentences[p[0]].kind == "item" for p in parts):
            held = [p for p in parts if keep(" ".join(display_text(store.sentences[m].text) for m in p))]
            if 0 < len(held) < len(parts):
                return Unit(tuple(m for p in held for m in p), unit.kind, unit.cosine)
    return unit


def unit_text(unit: Unit, store: IndexStore) -> str:
    """A unit as answer prose: one sentence; a lead-in and its payload ("Label: item; item"); a row record."""
    members = unit.members
    if unit.kind == "row":
        return row_record(members[0], store)
    if unit.kind == "section":
        return section_text(unit, store, section_parts(unit, store))
    head = display_text(store.sentences[members[0]].text)
    if len(members) == 1:
        return head
    if unit.kind == "continued":
        return " ".join(display_text(store.sentences[m].text) for m in members)
    items = [store.sentences[m] for m in members[1:]]
    if all(s.kind != "item" for s in items):
        joiner = " " if head.rstrip()[-1:] in ".:!?" else ": "
        return head + joiner + " ".join(display_text(s.text) for s in items)
    parts = [display_text(s.text).rstrip(".:; ") for s in items]
    head = head.rstrip(". ")
    return f"{head}{'' if head.endswith(':') else ':'} " + "; ".join(parts)
