"""The talk catalogue: which talks, tutorials, panels, workshops, orals, expo sessions and papers the notes
discuss, who gave them, and which chunks are about each.

Detection reads the notes themselves: tables with a title column (and a speaker or type column), headings
such as "Tutorial 3: ...", "Presenters:" lines, speakers in parentheses in headings and bold lead lines,
and inline mentions such as "Mitchell's invited talk _Title_". Mentions of one talk in several notes are
merged into one talk. An optional talks.yaml beside the notes adds talks or aliases."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from confqa.ingest.chunking import Block, ParsedDocument
from confqa.lexical import surname
from confqa.ingest.loading import clean_inline
from confqa.models import Chunk, Sentence, Talk, TalkMention

CATALOGUE_FILE = "talks.yaml"

_KIND_WORDS = {
    "invited talk": "invited talk",
    "keynote": "invited talk",
    "keynote talk": "invited talk",
    "tutorial": "tutorial",
    "tutorial talk": "tutorial",
    "panel": "panel",
    "panel discussion": "panel",
    "workshop": "workshop",
    "expo workshop": "workshop",
    "expo session": "expo",
    "expo talk": "expo",
    "expo": "expo",
    "oral": "oral",
    "oral presentation": "oral",
    "spotlight": "oral",
    "poster": "paper",
    "paper": "paper",
    "talk": "talk",
    "presentation": "talk",
    "lecture": "talk",
    "session": "session",
}
_KIND_ALTERNATION = "|".join(sorted((re.escape(k) for k in _KIND_WORDS), key=len, reverse=True))
_HEADING_TALK = re.compile(
    rf"^(?P<kind>{_KIND_ALTERNATION})\s*(?:#?\d+[a-z]?)?\s*[:\-–—]\s*(?P<title>.+)$", re.I
)
_PRESENTERS = re.compile(
    r"^\W*(?:presenters?|speakers?|presented by|panelists?|organi[sz]ers?|hosts?|authors?)\s*:?\W*\s*:?\s*(?P<names>.+)$",
    re.I,
)
_NAME = r"[A-Z][\w’'\-]+(?:\s+(?:[A-Z]\.|[A-Z][\w’'\-]+|de|van|von|der|da|del|la|le)){0,3}"
_TITLE_SPAN = r"(?:_(?P<t1>[^_]{4,220})_|\*(?P<t2>[^*]{4,220})\*|“(?P<t3>[^”]{4,220})”|\"(?P<t4>[^\"]{4,220})\"|\[(?P<t5>[^\]]{4,220})\]\([^)]*\))"
_POSSESSIVE = re.compile(
    rf"(?P<who>{_NAME}(?:\s+et al\.?)?)[’']s?\s+(?:(?P<kind>{_KIND_ALTERNATION})\s+(?:on\s+|titled\s+|called\s+)?)?{_TITLE_SPAN}"
)
_HAD_A = re.compile(
    rf"(?P<who>{_NAME})\s+(?:had|gave|ran|hosted|presented|held)\s+(?:an?|the|their|his|her)\s+(?P<kind>{_KIND_ALTERNATION})\s+(?:on|titled|called|about)\s+{_TITLE_SPAN}"
)
_THE_KIND = re.compile(rf"\b(?:the|a|an)\s+(?P<kind>{_KIND_ALTERNATION})[,:]?\s+{_TITLE_SPAN}", re.I)
_BARE_POSSESSIVE = re.compile(rf"\b(?P<who>[A-Z][\w\-]+(?:\s+et al\.?)?)[’']s?\s+(?P<kind>{_KIND_ALTERNATION})\b")
_PAREN_TAIL = re.compile(r"\((?P<inner>[^()]{3,80})\)\s*\W*$")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)[^)]*\)")
_WORD = re.compile(r"[a-z0-9]+")
_STOP = {
    "a", "an", "the", "of", "on", "in", "and", "or", "for", "to", "with", "by", "at", "from", "is", "are", "we",
    "what", "how", "why", "its", "it", "as", "be", "md", "s",
}
_TITLE_HEADERS = re.compile(r"title|talk|session|paper|tutorial|presentation|keynote|name", re.I)
_SPEAKER_HEADERS = re.compile(r"speaker|presenter|author|panelist|host|organi[sz]er|^by$|who", re.I)
_NOTES_HEADERS = re.compile(r"^(notes?|summary|description|abstract|key points|takeaways?)$", re.I)
_TYPE_HEADERS = re.compile(r"^(type|kind|format|track|category)$", re.I)
_NOT_NAMES = {
    "AI", "ML", "LLM", "LLMs", "Talk", "Tutorial", "Learning", "Models", "Model", "Reasoning", "Paper", "Data",
    "The", "Explainable", "Benchmarking", "Evaluation", "Imitation", "Autoregressive", "Merging", "Methods",
}


@lru_cache(maxsize=1 << 16)
def normalize(text: str) -> str:
    """Lowercase words of the text a reader sees. Cached: titles are compared with many blocks and talks."""
    return " ".join(_WORD.findall(clean_inline(text).lower()))


@lru_cache(maxsize=1 << 16)
def content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1)


def slugify(text: str) -> str:
    return "-".join(_WORD.findall(text.lower())[:8]) or "talk"




def split_names(text: str) -> list[str]:
    """'Shichang (Ray) Zhang (Harvard), Himabindu Lakkaraju and Julius Adebayo' -> three names."""
    text = clean_inline(text)
    text = re.sub(r"\s*\((?:[^()]*)\)", lambda m: m.group(0) if _is_nickname(m.group(0)) else "", text)
    text = re.sub(r"\s*\(([A-Z][a-z]+)\)\s*", " ", text)  # nickname in parentheses: drop, keep name
    parts = re.split(r"\s*(?:,|;|&|\band\b|\|)\s*", text)
    names = []
    for part in parts:
        part = part.strip(" .:-")
        if part and 1 <= len(part.split()) <= 5 and part[0].isupper():
            names.append(part)
    return names


def _is_nickname(paren: str) -> bool:
    inner = paren.strip()[1:-1]
    return bool(re.fullmatch(r"[A-Z][a-z]+", inner))


def looks_like_person(text: str) -> bool:
    tokens = text.split()
    if not 2 <= len(tokens) <= 4:
        return False
    return all(t[0].isupper() and not t.isupper() and t not in _NOT_NAMES for t in tokens if t not in ("de", "van", "von"))


def kind_of(word: str | None) -> str:
    return _KIND_WORDS.get((word or "").strip().lower(), "talk")


@dataclass
class _Candidate:
    title: str
    kind: str
    speakers: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    mentions: list[TalkMention] = field(default_factory=list)
    weak: bool = False  # found without a title of its own: joins a talk by the same speaker
    organizers: list[str] = field(default_factory=list)  # companies and hosts: matched by full name only
    summaries: list[str] = field(default_factory=list)  # a table's Notes column: what the talk was about
    lead: bool = False  # a bold highlight line with no speaker: joins the talk whose title or summary it matches
    # Where its passages are: (doc, first line, last line) spans, or a heading path that owns a subtree.
    spans: list[tuple[str, int, int]] = field(default_factory=list)
    sections: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    whole_docs: list[str] = field(default_factory=list)


class TalkDetector:
    """Collects talk candidates document by document, then merges them into the catalogue."""

    def __init__(self) -> None:
        self.candidates: list[_Candidate] = []
        self._by_section: dict[tuple[str, tuple[str, ...]], _Candidate] = {}  # the latest candidate of a section

    def _add(self, candidate: _Candidate) -> None:
        self.candidates.append(candidate)
        for section in candidate.sections:
            self._by_section[section] = candidate

    # -- detection --------------------------------------------------------------------------------
    def add_document(self, parsed: ParsedDocument) -> None:
        doc = parsed.document.doc
        blocks = parsed.blocks
        first_table_seen = False
        for index, block in enumerate(blocks):
            if block.kind == "table":
                found = self._table(parsed, block)
                if found and not first_table_seen and len(found) == 1 and _is_leading(blocks, index):
                    found[0].whole_docs.append(doc)  # a note about one talk: its first table names it
                first_table_seen = first_table_seen or bool(found)
            elif block.kind == "heading":
                self._heading(parsed, blocks, index)
            elif block.kind in ("paragraph", "list"):
                self._presenters(parsed, blocks, index)
                self._bold_lead(parsed, blocks, index)
                self._inline(parsed, block)

    def _table(self, parsed: ParsedDocument, block: Block) -> list[_Candidate]:
        rows = [r for r in block.text.splitlines() if r.strip()]
        if len(rows) < 3:
            return []
        header = _cells(rows[0])
        title_col = _pick_column(header, _TITLE_HEADERS, prefer="title")
        speaker_col = _pick_column(header, _SPEAKER_HEADERS)
        type_col = _pick_column(header, _TYPE_HEADERS)
        notes_col = _pick_column(header, _NOTES_HEADERS)
        section_kind = _kind_from_heading(block.heading_path[-1] if block.heading_path else "")
        if title_col is None or (speaker_col is None and type_col is None and section_kind is None):
            return []
        found = []
        for offset, row in enumerate(rows[2:], start=2):
            cells = _cells(row)
            if title_col >= len(cells):
                continue
            raw_title = cells[title_col]
            title = clean_inline(raw_title)
            if not title or title in ("-", "—"):
                continue
            speakers = split_names(cells[speaker_col]) if speaker_col is not None and speaker_col < len(cells) else []
            kind = kind_of(cells[type_col]) if type_col is not None and type_col < len(cells) else None
            aliases = [_alias_from_link(target) for target in _LINK.findall(raw_title)]
            aliases = [a for a in aliases if a]
            kind = kind or _kind_from_title(title + " " + " ".join(aliases)) or section_kind or "talk"
            line = block.line_start + offset
            summary = clean_inline(cells[notes_col]) if notes_col is not None and notes_col < len(cells) else ""
            candidate = _Candidate(
                title=title,
                kind=kind,
                speakers=speakers,
                aliases=aliases,
                summaries=[summary] if summary else [],
                mentions=[TalkMention(doc=parsed.document.doc, line=line, how="table")],
                spans=[(parsed.document.doc, line, line)],
            )
            self._add(candidate)
            found.append(candidate)
        return found

    def _heading(self, parsed: ParsedDocument, blocks: list[Block], index: int) -> None:
        block = blocks[index]
        title_text = block.heading_path[-1] if block.heading_path else ""
        match = _HEADING_TALK.match(title_text)
        speakers: list[str] = []
        paren = _PAREN_TAIL.search(title_text)
        if paren and looks_like_person(paren.group("inner")):
            speakers = [paren.group("inner").strip()]
            title_text = title_text[: paren.start()].strip(" -–—:")
        if not match and not speakers:
            return
        if not match:
            # "Title (Melanie Mitchell)": a person in parentheses is only trusted when the name is already
            # known as a speaker ("(Brain Surgery)" looks like a name too); resolved at merge time.
            self._add(
                _Candidate(title=title_text, kind="talk", speakers=speakers, weak=True,
                           mentions=[TalkMention(doc=parsed.document.doc, line=block.line_start, how="heading")],
                           sections=[(parsed.document.doc, block.heading_path)])
            )
            return
        title = match.group("title")
        kind = kind_of(match.group("kind")) if match else "talk"
        if match and paren and speakers:
            title = _PAREN_TAIL.sub("", title).strip(" -–—:")
        self._add(
            _Candidate(
                title=title.strip(),
                kind=kind,
                speakers=speakers,
                mentions=[TalkMention(doc=parsed.document.doc, line=block.line_start, how="heading")],
                sections=[(parsed.document.doc, block.heading_path)],
            )
        )

    def _presenters(self, parsed: ParsedDocument, blocks: list[Block], index: int) -> None:
        block = blocks[index]
        first_line = clean_inline(block.text.splitlines()[0])
        match = _PRESENTERS.match(first_line)
        if not match or not block.heading_path:
            return
        names = split_names(match.group("names"))
        if not names:
            return
        doc = parsed.document.doc
        path = block.heading_path
        # Presenters belong to the heading they sit under: an existing heading talk, or that heading.
        candidate = self._by_section.get((doc, path))
        if candidate is not None:
            candidate.speakers.extend(n for n in names if n not in candidate.speakers)
            candidate.mentions.append(TalkMention(doc=doc, line=block.line_start, how="presenters"))
            return
        heading = path[-1]
        self._add(
            _Candidate(
                title=heading,
                kind=_kind_from_title(heading) or "talk",
                speakers=names,
                mentions=[TalkMention(doc=doc, line=block.line_start, how="presenters")],
                sections=[(doc, path)],
            )
        )

    def _bold_lead(self, parsed: ParsedDocument, blocks: list[Block], index: int) -> None:
        """'**1. AI Evaluation is Fundamentally Broken (Melanie Mitchell)**' followed by its bullets."""
        block = blocks[index]
        first = block.text.splitlines()[0].strip()
        if not (first.startswith("**") and first.rstrip(".:").endswith("**")) or block.kind != "paragraph":
            return
        lead = clean_inline(first)
        paren = _PAREN_TAIL.search(lead)
        inner = paren.group("inner").strip() if paren else ""
        end_line = block.line_end
        for following in blocks[index + 1:]:
            if following.kind == "heading" or (
                following.kind == "paragraph" and following.text.lstrip().startswith("**")
            ):
                break
            end_line = following.line_end
        doc = parsed.document.doc
        title = re.sub(r"^\d+[.)]\s*", "", lead[: paren.start()] if paren else lead).strip(" -–—:")
        mention = TalkMention(doc=doc, line=block.line_start, how="parenthesis" if paren else "highlight")
        span = (doc, block.line_start, end_line)
        if not paren:
            # "**4. Five Proofs Being Destroyed by Generative AI**": matched against talk titles and the
            # summaries in the notes' own tables at merge time.
            self._add(_Candidate(title=title, kind="talk", mentions=[mention], spans=[span], weak=True,
                                              lead=True))
        elif looks_like_person(inner):
            self._add(
                _Candidate(title=title, kind="talk", speakers=[inner], mentions=[mention], spans=[span], weak=True)
            )
        else:
            # "(AI Reasoning Talk)": a reference to a talk by its topic; resolved against aliases at merge.
            topic = re.sub(r"\b(talk|tutorial|session|keynote|panel|workshop)\b", "", inner, flags=re.I).strip()
            if len(content_words(topic)) >= 1:
                self._add(
                    _Candidate(title=topic, kind="talk", mentions=[mention], spans=[span], weak=True,
                               aliases=[topic])
                )

    def _inline(self, parsed: ParsedDocument, block: Block) -> None:
        doc = parsed.document.doc
        text = block.text
        taken: list[tuple[int, int]] = []
        for pattern in (_POSSESSIVE, _HAD_A, _THE_KIND):
            for match in pattern.finditer(text):
                if any(s <= match.start() < e for s, e in taken):
                    continue
                title = next(t for t in (match.group(f"t{i}") for i in range(1, 6)) if t)
                title = clean_inline(title)
                who = match.groupdict().get("who")
                kind_word = match.group("kind")
                if pattern is _THE_KIND and kind_word.lower() in ("paper", "talk", "session", "presentation"):
                    continue  # "the paper 'X'" is too common to mean a talk
                if who and who.split()[0] in ("The", "This", "That", "Our", "My", "Their", "His", "Her", "It"):
                    who = None
                if who and not kind_word and "et al" not in who and not _near_talk_word(text, match.start()):
                    kind_word = None
                line = parsed.line_of(block.start + match.start())
                kind = kind_of(kind_word) if kind_word else ("paper" if who and "et al" in who else "talk")
                speakers = [re.sub(r"\s+et al\.?$", " et al.", who).strip()] if who else []
                matched = match.group(0)
                quoted_topic = bool(match.group("t3") or match.group("t4")) and bool(
                    re.search(r"\s(on|about)\s+[“\"]", matched)
                )
                person = kind in ("invited talk", "tutorial", "talk", "oral", "paper") and pattern is _POSSESSIVE
                self._add(
                    _Candidate(
                        title=title,
                        kind=kind,
                        speakers=speakers,
                        organizers=[] if person else list(speakers),
                        mentions=[TalkMention(doc=doc, line=line, how="inline")],
                        spans=[(doc, line, line)],
                        weak=quoted_topic or (not kind_word and not (who and "et al" in who)),
                    )
                )
                taken.append((match.start(), match.end()))

    # -- merging --------------------------------------------------------------------------------
    def catalogue(self, extra: list[_Candidate] | None = None) -> list[_Candidate]:
        """Merge candidates that name the same talk; weak ones join an existing talk or are dropped."""
        strong = [c for c in [*(extra or []), *self.candidates] if not c.weak]
        weak = [c for c in self.candidates if c.weak]
        index = _MergeIndex(Counter(w for c in strong for name in (c.title, *c.aliases)
                                    for w in content_words(normalize(name))))
        for candidate in strong:
            # The first talk, in merge order, that names the same talk; only talks sharing a word can.
            target = next((i for i in index.could_be_same_talk(candidate)
                           if _same_talk(index.merged[i], candidate)), None)
            if target is None:
                index.add(_copy(candidate))
            else:
                _absorb(index.merged[target], candidate)
                index.register(target, candidate)
        for candidate in weak:
            found = _resolve_weak(index, candidate)
            if found is not None:
                _absorb(index.merged[found], candidate, keep_title=True)
                index.register(found, candidate)
        return index.merged


class _MergeIndex:
    """The merged talks, findable by what a candidate could match them on, so that each candidate is compared
    with the few talks it could join instead of all of them. Lookups return positions in merge order, a superset
    of the talks that can match; the matching rules themselves are unchanged."""

    def __init__(self, word_counts: Counter[str]) -> None:
        self.word_counts = word_counts  # how many names use each word: rare words first in the prefix filter
        self.merged: list[_Candidate] = []
        self._name_keys: dict[str, set[int]] = defaultdict(set)  # first word or content word of a normalised name
        self._raw_words: dict[str, set[int]] = defaultdict(set)  # content words of the names as written
        self._surnames: dict[str, set[int]] = defaultdict(set)
        self._docs: dict[str, set[int]] = defaultdict(set)

    def add(self, candidate: _Candidate) -> None:
        self.merged.append(candidate)
        self.register(len(self.merged) - 1, candidate)

    def register(self, position: int, brought: _Candidate) -> None:
        """Index what a candidate brought to the talk at position (its names, speakers and notes)."""
        target = self.merged[position]
        for name in {target.title, brought.title, *brought.aliases}:
            for key in self.name_keys(name):
                self._name_keys[key].add(position)
            for word in content_words(name):
                self._raw_words[word].add(position)
        for speaker in brought.speakers:
            self._surnames[surname(speaker).lower()].add(position)
        for mention in brought.mentions:
            self._docs[mention.doc].add(position)

    def could_be_same_talk(self, candidate: _Candidate) -> list[int]:
        """Talks that _same_talk could accept, in merge order: those sharing a speaker (which need only a loose
        title match), and those whose names are similar enough to merge without a shared speaker."""
        found = set(self.with_surnames(_surnames(candidate)))
        found.update(_union(self._name_keys, self.name_keys(candidate.title)))
        return sorted(found)

    def name_keys(self, name: str) -> set[str]:
        """Keys that any name similar enough to merge with this one without a shared speaker shares with it.
        That needs a title similarity of at least SAME_TALK_UNKNOWN_SPEAKER (t), and _title_similarity is that
        high only for: equal names (key: the name); a prefix of three words or more (both start with the same
        two words); or a word overlap (Jaccard) of at least t, in which case the two share one of their rarest
        len - ceil(t * len) + 1 words (the prefix filter of set-similarity joins, words ordered by rarity)."""
        normalized = normalize(name)
        if not normalized:
            return set()
        keys = {"exact:" + normalized}
        split = normalized.split()
        if len(split) >= 3:
            keys.add("start:" + " ".join(split[:2]))
        words = sorted(content_words(normalized), key=lambda w: (self.word_counts.get(w, 0), w))
        keep = len(words) - math.ceil(SAME_TALK_UNKNOWN_SPEAKER * len(words)) + 1
        keys.update("word:" + w for w in words[:keep])
        return keys

    def sharing_a_word(self, words: frozenset[str]) -> list[int]:
        return _union(self._raw_words, words)

    def with_surnames(self, names: set[str]) -> list[int]:
        return _union(self._surnames, names)

    def mentioned_in(self, doc: str) -> list[int]:
        return sorted(self._docs.get(doc, ()))


def _union(table: dict[str, set[int]], keys: Iterable[str]) -> list[int]:
    found: set[int] = set()
    for key in keys:
        found |= table.get(key, set())
    return sorted(found)


def _copy(candidate: _Candidate) -> _Candidate:
    return _Candidate(
        title=candidate.title,
        kind=candidate.kind,
        speakers=list(candidate.speakers),
        aliases=list(candidate.aliases),
        mentions=list(candidate.mentions),
        organizers=list(candidate.organizers),
        summaries=list(candidate.summaries),
        spans=list(candidate.spans),
        sections=list(candidate.sections),
        whole_docs=list(candidate.whole_docs),
    )


def _absorb(target: _Candidate, other: _Candidate, keep_title: bool = False) -> None:
    if not keep_title and len(other.title) > len(target.title) and normalize(target.title) in normalize(other.title):
        target.aliases.append(target.title)
        target.title = other.title
    elif normalize(other.title) != normalize(target.title) and not other.weak:
        target.aliases.append(other.title)
    for name in other.speakers:
        _add_speaker(target.speakers, name)
    if target.kind in ("talk", "session") and other.kind not in ("talk", "session"):
        target.kind = other.kind
    target.aliases.extend(a for a in other.aliases if a not in target.aliases)
    target.mentions.extend(other.mentions)
    target.organizers.extend(o for o in other.organizers if o not in target.organizers)
    target.summaries.extend(other.summaries)
    target.spans.extend(other.spans)
    target.sections.extend(other.sections)
    target.whole_docs.extend(other.whole_docs)


def _add_speaker(speakers: list[str], name: str) -> None:
    """'Mitchell' and 'Melanie Mitchell' are one speaker; the fuller name wins."""
    for i, existing in enumerate(speakers):
        if surname(existing).lower() == surname(name).lower():
            if len(name) > len(existing) and "et al" not in name:
                speakers[i] = name
            return
    speakers.append(name)


def _title_similarity(a: str, b: str) -> float:
    na, nb = normalize(a), normalize(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    wa, wb = content_words(na), content_words(nb)
    shorter = na if len(na) < len(nb) else nb
    longer = nb if shorter is na else na
    if len(shorter.split()) >= 3 and longer.startswith(shorter):
        return 0.95
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)


def _surnames(candidate: _Candidate) -> set[str]:
    return {surname(s).lower() for s in candidate.speakers}


# Title similarity (_title_similarity) that makes two candidates one talk: with a speaker in common, with no
# speaker on one side, and with different speakers (only the same title then makes it the same session).
SAME_TALK_SHARED_SPEAKER = 0.3
SAME_TALK_UNKNOWN_SPEAKER = 0.6
SAME_TALK_OTHER_SPEAKERS = 0.9


def _same_talk(a: _Candidate, b: _Candidate) -> bool:
    names = [a.title, *a.aliases]
    best = max(_title_similarity(n, b.title) for n in names)
    shared_speaker = bool(_surnames(a) & _surnames(b))
    if a.speakers and b.speakers and not shared_speaker:
        return best >= SAME_TALK_OTHER_SPEAKERS
    if shared_speaker:
        return best >= SAME_TALK_SHARED_SPEAKER
    return best >= SAME_TALK_UNKNOWN_SPEAKER


def _resolve_weak(index: _MergeIndex, weak: _Candidate) -> int | None:
    """A weak mention names a speaker or a topic; it joins the one talk that fits (its position), or nothing."""
    merged = index.merged
    if weak.speakers:
        names = _surnames(weak)
        positions = {id(merged[i]): i for i in index.with_surnames(names)}
        by_speaker = [merged[i] for i in index.with_surnames(names) if _surnames(merged[i]) & names]
        if len(by_speaker) > 1:
            by_speaker = [m for m in by_speaker if any(d == weak.mentions[0].doc for d, *_ in m.spans)
                          or any(d == weak.mentions[0].doc for d, _ in m.sections)] or by_speaker
            scored = sorted(by_speaker, key=lambda m: -max(_title_similarity(n, weak.title) for n in [m.title, *m.aliases]))
            by_speaker = scored[:1] if len(scored) > 1 and max(
                _title_similarity(n, weak.title) for n in [scored[0].title, *scored[0].aliases]) > 0.2 else by_speaker
        return positions[id(by_speaker[0])] if len(by_speaker) == 1 else None
    if weak.lead:
        return _resolve_lead(index, weak)
    topic = content_words(weak.title)
    if not topic:
        return None
    best, best_score = None, 0.0
    for i in index.sharing_a_word(topic):  # a talk sharing no word scores 0 and is never chosen
        m = merged[i]
        words = content_words(" ".join([m.title, *m.aliases]))
        score = len(topic & words) / len(topic)
        if score > best_score:
            best, best_score = i, score
    return best if best_score >= 0.99 else None


def _match_name(candidate: _Candidate, speaker: str) -> str:
    """People are found by surname ('Mitchell'); organisations only by their full name ('Capital One')."""
    return speaker if speaker in candidate.organizers else surname(speaker)


_LEAD_GENERIC = {"ai", "models", "model", "talk", "learning", "still", "new", "key", "insights", "data"}


def _resolve_lead(index: _MergeIndex, lead: _Candidate) -> int | None:
    """A highlight joins the one talk whose title, aliases or table summary share most of its words."""
    words = content_words(lead.title) - _LEAD_GENERIC
    if len(words) < 2:
        return None
    scored = []
    for position in index.mentioned_in(lead.mentions[0].doc):  # a highlight is about a talk its own note lists
        candidate = index.merged[position]
        bag = content_words(" ".join([candidate.title, *candidate.aliases, *candidate.summaries])) - _LEAD_GENERIC
        shared = words & bag
        scored.append((len(shared) / len(words), len(shared), position))
    scored.sort(key=lambda item: (-item[0], -item[1]))
    if not scored or scored[0][0] < 0.5 or scored[0][1] < 2:
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None  # two talks fit equally: attribute to neither
    return scored[0][2]


def _near_talk_word(text: str, position: int) -> bool:
    window = text[max(0, position - 60): position + 60].lower()
    return any(w in window for w in ("talk", "tutorial", "keynote", "panel", "workshop", "session", "oral"))


def _cells(row: str) -> list[str]:
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|"):
        row = row[:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", row)]


def _pick_column(header: list[str], pattern: re.Pattern[str], prefer: str | None = None) -> int | None:
    matches = [i for i, h in enumerate(header) if pattern.search(h)]
    if prefer:
        preferred = [i for i in matches if prefer in header[i].lower()]
        matches = preferred or matches
    return matches[0] if matches else None


def _kind_from_heading(heading: str) -> str | None:
    lower = heading.lower()
    has_panel, has_workshop = "panel" in lower, "workshop" in lower
    if has_panel and has_workshop:
        return "session"
    for word, kind in (("invited", "invited talk"), ("keynote", "invited talk"), ("tutorial", "tutorial"),
                       ("panel", "panel"), ("workshop", "workshop"), ("oral", "oral"), ("expo", "expo"),
                       ("spotlight", "oral"), ("poster", "paper"), ("paper", "paper"), ("talk", "talk"),
                       ("session", "session")):
        if word in lower:
            return kind
    return None


def _kind_from_title(text: str) -> str | None:
    lower = text.lower()
    for word, kind in (("workshop", "workshop"), ("panel", "panel"), ("pannel", "panel"), ("tutorial", "tutorial"),
                       ("keynote", "invited talk"), ("invited", "invited talk"), ("oral", "oral"), ("expo", "expo")):
        if word in lower:
            return kind
    return None


def _alias_from_link(target: tuple[str, str]) -> str:
    """invited-talk-ai-reasoning.md -> 'ai reasoning': the note's own short name for the talk."""
    _, url = target
    if "://" in url:
        return ""
    stem = Path(url.split("#")[0]).stem.lower()
    stem = re.sub(r"^(invited[-_]talk|talk|tutorial|workshop|panel|oral)[-_]?", "", stem)
    return " ".join(w for w in re.split(r"[-_]+", stem) if w)


def _is_leading(blocks: list[Block], index: int) -> bool:
    headings_before = sum(1 for b in blocks[:index] if b.kind == "heading")
    return headings_before <= 1 or index <= 4


# -- the catalogue file ------------------------------------------------------------------------------
MAX_CATALOGUE_CHARS = 300  # longest title, name or alias taken from talks.yaml


def _names(value: object) -> list[str]:
    """A name or a list of names: a string is one name, blanks are dropped, anything else is an error."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list):
        value = [v for v in value if v is not None]  # "- " with nothing after it is a blank too
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"expected a name or a list of names, got {value!r}"[:200])
    return [v.strip() for v in value if v.strip()]


class CatalogueEntry(BaseModel):
    """One talk of talks.yaml."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=MAX_CATALOGUE_CHARS, description="The talk's title.")
    kind: str | None = Field(None, max_length=40, description="invited talk, tutorial, panel, workshop, oral, …")
    speakers: list[str] = Field(default_factory=list, description="A name or a list of names.")
    aliases: list[str] = Field(default_factory=list, description="Other names the notes use for the talk.")

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, value: object) -> object:
        if not isinstance(value, str):
            raise ValueError(f"expected text, got {value!r}"[:200])
        return value.strip()

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: object) -> object:
        if value is not None and not isinstance(value, str):
            raise ValueError(f"expected one word such as tutorial, got {value!r}"[:200])
        return value.strip() if isinstance(value, str) and value.strip() else None

    @field_validator("speakers", "aliases", mode="before")
    @classmethod
    def _name_list(cls, value: object) -> list[str]:
        names = _names(value)
        if any(len(n) > MAX_CATALOGUE_CHARS for n in names):
            raise ValueError(f"a name longer than {MAX_CATALOGUE_CHARS} characters")
        return names


def read_catalogue_file(path: Path) -> list[_Candidate]:
    """talks.yaml: a list of {title, kind, speakers, aliases} (or {talks: [...]}), which adds or corrects talks.
    Every problem is one ConfqaError naming the file, the entry and the key."""
    import yaml

    from confqa.errors import ConfqaError
    from confqa.ingest.loading import AliasError, no_alias_loader, read_utf8

    text = read_utf8(path, "the talk catalogue")
    try:
        parsed = yaml.load(text, Loader=no_alias_loader())  # noqa: S506 - a SafeLoader without aliases
    except AliasError:
        raise ConfqaError(f"{path}: YAML aliases (*name) are not allowed in the talk catalogue") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f":{where.line + 1}" if where is not None else ""
        raise ConfqaError(f"{path}{line}: not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    if isinstance(parsed, dict) and set(parsed) - {"talks"}:
        unknown = ", ".join(sorted(map(str, set(parsed) - {"talks"})))
        raise ConfqaError(f"{path}: unknown key(s) {unknown}; expected a list of talks, or talks: [...]")
    entries = parsed.get("talks") if isinstance(parsed, dict) else parsed
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise ConfqaError(f"{path}: expected a list of talks (title, kind, speakers, aliases)")
    out = []
    for i, raw in enumerate(entries):
        if not isinstance(raw, dict):
            raise ConfqaError(f"{path}: talks[{i}]: expected title, kind, speakers, aliases; got {raw!r}"[:300])
        try:
            entry = CatalogueEntry.model_validate(raw)
        except ValidationError as exc:
            error = exc.errors()[0]
            key = ".".join(str(p) for p in error["loc"][:1])
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                message = "unknown key (use title, kind, speakers, aliases)"
            raise ConfqaError(f"{path}: talks[{i}].{key}: {message}") from None
        out.append(
            _Candidate(
                title=entry.title,
                kind=kind_of(entry.kind) if entry.kind else "talk",
                speakers=entry.speakers,
                aliases=entry.aliases,
                mentions=[TalkMention(doc=CATALOGUE_FILE, line=0, how="catalogue")],
            )
        )
    return out


# -- attribution ---------------------------------------------------------------------------------------
def build_catalogue(
    parsed_docs: list[ParsedDocument], chunks: list[Chunk], catalogue_file: Path | None = None,
    sentences: list[Sentence] | None = None,
) -> list[Talk]:
    """Detect talks in the parsed notes, merge them, and set `talk_ids` on every chunk and sentence."""
    detector = TalkDetector()
    for parsed in parsed_docs:
        detector.add_document(parsed)
    extra = read_catalogue_file(catalogue_file) if catalogue_file and catalogue_file.is_file() else []
    merged = detector.catalogue(extra)
    talks: list[Talk] = []
    used_ids: set[str] = set()
    for candidate in merged:
        talk_id = slugify(candidate.title)
        while talk_id in used_ids:
            talk_id += "-2"
        used_ids.add(talk_id)
        aliases = sorted({a for a in candidate.aliases if a and normalize(a) != normalize(candidate.title)})
        talks.append(
            Talk(
                id=talk_id,
                title=candidate.title,
                kind=candidate.kind,
                speakers=candidate.speakers,
                aliases=aliases,
                docs=sorted({m.doc for m in candidate.mentions if m.doc != CATALOGUE_FILE}),
                mentions=sorted(candidate.mentions, key=lambda m: (m.doc, m.line)),
            )
        )
    _attribute(merged, talks, chunks, parsed_docs, sentences)
    return talks


def _attribute(
    merged: list[_Candidate], talks: list[Talk], chunks: list[Chunk], parsed_docs: list[ParsedDocument],
    sentences: list[Sentence] | None = None,
) -> None:
    """Decide which talks every line of every note is about, then give chunks and sentences the talks of
    their lines.

    A line is about a talk when it sits under the talk's heading, in a note about that one talk, in the
    table row or highlight that names it, or in a paragraph that mentions the speaker or the title. Notes
    keep talking about a talk after naming it ("Mitchell's talk implored ... She went on to ..."), so a
    mention carries over to the following paragraphs and lists of the same section until another talk is
    named."""
    finder = _MentionFinder(merged, talks)
    in_doc: dict[str, list[tuple[_Candidate, Talk]]] = defaultdict(list)  # talks placed in a note explicitly
    for candidate, talk in zip(merged, talks):
        docs = {*candidate.whole_docs, *(d for d, _, _ in candidate.spans), *(d for d, _ in candidate.sections)}
        for doc in docs:
            in_doc[doc].append((candidate, talk))
    line_talks: dict[str, dict[int, set[str]]] = {}
    for parsed in parsed_docs:
        doc = parsed.document.doc
        lines: dict[int, set[str]] = defaultdict(set)
        line_talks[doc] = lines
        _place_explicitly(parsed, in_doc.get(doc, []), lines)
        doc_talks = {t for found in lines.values() for t in found}
        explicit = {number: set(found) for number, found in lines.items()}
        whole = {t.id for c, t in in_doc.get(doc, []) if doc in c.whole_docs}
        carried: set[str] = set()
        carried_path: tuple[str, ...] | None = None
        carried_age = 0
        for block in parsed.blocks:
            mentioned = finder.mentions(block.text, doc_talks)
            # A highlight or table row that names a talk also starts (or ends) what is said about it.
            mentioned |= explicit.get(block.line_start, set()) - whole
            lead = block.text.lstrip().startswith("**") and block.kind == "paragraph"
            if block.kind == "heading" or block.heading_path != carried_path or (lead and not mentioned):
                carried, carried_age = set(), 0
            if mentioned:
                carried, carried_path, carried_age = set(mentioned), block.heading_path, 0
                found = mentioned
            elif carried and block.kind in ("paragraph", "list") and carried_age < _CARRY_BLOCKS:
                carried_age += 1
                found = carried
            else:
                found = set()
            for number in range(block.line_start, block.line_end + 1):
                lines[number].update(found)
    order = {talk.id: position for position, talk in enumerate(talks)}  # talk_ids in catalogue order
    counts: dict[str, int] = defaultdict(int)
    docs_of: dict[str, set[str]] = defaultdict(set)
    for chunk in chunks:
        chunk.talk_ids = _talks_of_lines(line_talks.get(chunk.doc, {}), chunk.line_start, chunk.line_end, order)
        for talk_id in chunk.talk_ids:
            counts[talk_id] += 1
            docs_of[talk_id].add(chunk.doc)
    for sentence in sentences or []:
        doc = chunks[sentence.chunk].doc
        sentence.talk_ids = _talks_of_lines(line_talks.get(doc, {}), sentence.line_start, sentence.line_end, order)
    for talk in talks:
        talk.chunks = counts[talk.id]
        talk.docs = sorted(set(talk.docs) | docs_of[talk.id])


def _place_explicitly(parsed: ParsedDocument, placed: list[tuple[_Candidate, Talk]],
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


def _talks_of_lines(lines: dict[int, set[str]], first: int, last: int, order: dict[str, int]) -> list[str]:
    found: set[str] = set()
    for number in range(first, last + 1):
        found |= lines.get(number, set())
    return sorted(found, key=order.__getitem__)


_CARRY_BLOCKS = 8  # paragraphs or list items a mention carries over to


class _MentionFinder:
    """Which talks a block names: by a speaker's surname (when only one talk has it, or only one in this note), by
    an organiser's full name, or by the full title (three words or more).

    Names and titles are indexed by one word each, so a block is checked only against the talks whose word it
    contains: a name matches at word boundaries, so its first word is a whole word of the block; a title matches
    inside the block's normalised words, so each of its inner words (all but the first and last, which may be
    parts of longer words) is one of them, and the rarest of them is its key."""

    def __init__(self, merged: list[_Candidate], talks: list[Talk]) -> None:
        self.owners: dict[str, set[str]] = defaultdict(set)
        for candidate, talk in zip(merged, talks):
            for speaker in candidate.speakers:
                if "et al" not in speaker:
                    self.owners[_match_name(candidate, speaker)].add(talk.id)
        self.by_word: dict[str, list[tuple[str, str, str]]] = defaultdict(list)  # word -> (talk, speaker, name)
        self.unindexed: list[tuple[str, str, str]] = []
        self.titles: dict[str, list[tuple[str, str]]] = defaultdict(list)  # rarest inner word -> (talk, title)
        inner_words = Counter(w for talk in talks for w in normalize(talk.title).split()[1:-1])
        for candidate, talk in zip(merged, talks):
            for speaker in candidate.speakers:
                if "et al" in speaker:
                    continue
                name = _match_name(candidate, speaker)
                first = _NAME_WORD.search(name)
                (self.by_word[first.group(0)] if first else self.unindexed).append((talk.id, speaker, name))
            title = normalize(talk.title).split()
            if len(title) >= 3:
                rarest = min(title[1:-1], key=lambda w: (inner_words[w], w))
                self.titles[rarest].append((talk.id, " ".join(title)))

    def mentions(self, text: str, doc_talks: set[str]) -> set[str]:
        found: set[str] = set()
        # Membership tests, not `set & dict.keys()`, which would cost the size of the index per block.
        for word in {w for w in _NAME_WORD.findall(text) if w in self.by_word}:
            for entry in self.by_word[word]:
                self._by_name(text, entry, doc_talks, found)
        for entry in self.unindexed:
            self._by_name(text, entry, doc_talks, found)
        if self.titles:
            normalized = normalize(text)
            for word in {w for w in normalized.split() if w in self.titles}:
                for talk_id, title in self.titles[word]:
                    if title in normalized:
                        found.add(talk_id)
        return found

    def _by_name(self, text: str, entry: tuple[str, str, str], doc_talks: set[str], found: set[str]) -> None:
        talk_id, speaker, name = entry
        if name not in text:
            return
        owners = self.owners[name]
        if len(owners) > 1:
            full_name_here = " " in speaker and speaker in text
            if owners & doc_talks != {talk_id} and not full_name_here:
                return
        if re.search(rf"\b{re.escape(name)}\b(?![\w-])", text):
            found.add(talk_id)


_NAME_WORD = re.compile(r"\w+")
