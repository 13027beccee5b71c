"""The talk catalogue's merging and attribution as they were before they were indexed (commit 5a189e8): every
candidate compared with every merged talk, every block with every talk, every chunk with every talk. Quadratic,
and kept only as the reference that the indexed code in confqa.talks must reproduce exactly
(tests/test_talks_reliability.py patches these in and compares the catalogues)."""

from __future__ import annotations

import re
from collections import defaultdict

from confqa.ingest.chunking import Block, ParsedDocument
from confqa.ingest.loading import clean_inline
from confqa.models import Chunk, Sentence, Talk, TalkMention
from confqa.talks import (
    _CARRY_BLOCKS,
    _LEAD_GENERIC,
    _PRESENTERS,
    _absorb,
    _Candidate,
    _copy,
    _kind_from_title,
    _match_name,
    _same_talk,
    _surnames,
    _title_similarity,
    content_words,
    normalize,
    split_names,
)


def presenters(self, parsed: ParsedDocument, blocks: list[Block], index: int) -> None:
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
    for candidate in reversed(self.candidates):
        if (doc, path) in candidate.sections:
            candidate.speakers.extend(n for n in names if n not in candidate.speakers)
            candidate.mentions.append(TalkMention(doc=doc, line=block.line_start, how="presenters"))
            return
    heading = path[-1]
    self.candidates.append(
        _Candidate(
            title=heading,
            kind=_kind_from_title(heading) or "talk",
            speakers=names,
            mentions=[TalkMention(doc=doc, line=block.line_start, how="presenters")],
            sections=[(doc, path)],
        )
    )


def catalogue(self, extra: list[_Candidate] | None = None) -> list[_Candidate]:
    """Merge candidates that name the same talk; weak ones join an existing talk or are dropped."""
    strong = [c for c in [*(extra or []), *self.candidates] if not c.weak]
    weak = [c for c in self.candidates if c.weak]
    merged: list[_Candidate] = []
    for candidate in strong:
        target = next((m for m in merged if _same_talk(m, candidate)), None)
        if target is None:
            merged.append(_copy(candidate))
        else:
            _absorb(target, candidate)
    for candidate in weak:
        target = resolve_weak(merged, candidate)
        if target is not None:
            _absorb(target, candidate, keep_title=True)
    return merged



def resolve_weak(merged: list[_Candidate], weak: _Candidate) -> _Candidate | None:
    """A weak mention names a speaker or a topic; it joins the one talk that fits, or nothing."""
    if weak.speakers:
        names = _surnames(weak)
        by_speaker = [m for m in merged if _surnames(m) & names]
        if len(by_speaker) > 1:
            by_speaker = [m for m in by_speaker if any(d == weak.mentions[0].doc for d, *_ in m.spans)
                          or any(d == weak.mentions[0].doc for d, _ in m.sections)] or by_speaker
            scored = sorted(by_speaker, key=lambda m: -max(_title_similarity(n, weak.title) for n in [m.title, *m.aliases]))
            by_speaker = scored[:1] if len(scored) > 1 and max(
                _title_similarity(n, weak.title) for n in [scored[0].title, *scored[0].aliases]) > 0.2 else by_speaker
        return by_speaker[0] if len(by_speaker) == 1 else None
    if weak.lead:
        return resolve_lead(merged, weak)
    topic = content_words(weak.title)
    if not topic:
        return None
    best, best_score = None, 0.0
    for m in merged:
        words = content_words(" ".join([m.title, *m.aliases]))
        score = len(topic & words) / len(topic)
        if score > best_score:
            best, best_score = m, score
    return best if best_score >= 0.99 else None


def resolve_lead(merged: list[_Candidate], lead: _Candidate) -> _Candidate | None:
    """A highlight joins the one talk whose title, aliases or table summary share most of its words."""
    words = content_words(lead.title) - _LEAD_GENERIC
    if len(words) < 2:
        return None
    scored = []
    for candidate in merged:
        if not any(m.doc == lead.mentions[0].doc for m in candidate.mentions):
            continue  # a highlight is about a talk its own note lists
        bag = content_words(" ".join([candidate.title, *candidate.aliases, *candidate.summaries])) - _LEAD_GENERIC
        shared = words & bag
        scored.append((len(shared) / len(words), len(shared), candidate))
    scored.sort(key=lambda item: (-item[0], -item[1]))
    if not scored or scored[0][0] < 0.5 or scored[0][1] < 2:
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None  # two talks fit equally: attribute to neither
    return scored[0][2]


def attribute(
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
    surname_owners: dict[str, set[str]] = defaultdict(set)
    for candidate, talk in zip(merged, talks):
        for speaker in candidate.speakers:
            if "et al" not in speaker:
                surname_owners[_match_name(candidate, speaker)].add(talk.id)
    line_talks: dict[str, dict[int, set[str]]] = {}
    for parsed in parsed_docs:
        doc = parsed.document.doc
        lines: dict[int, set[str]] = defaultdict(set)
        line_talks[doc] = lines
        n_lines = len(parsed.document.lines)
        for candidate, talk in zip(merged, talks):
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
        doc_talks = {t for found in lines.values() for t in found}
        explicit = {number: set(found) for number, found in lines.items()}
        whole = {t.id for c, t in zip(merged, talks) if doc in c.whole_docs}
        carried: set[str] = set()
        carried_path: tuple[str, ...] | None = None
        carried_age = 0
        for block in parsed.blocks:
            mentioned = mentions(block.text, merged, talks, surname_owners, doc_talks)
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
    for chunk in chunks:
        found: set[str] = set()
        for number in range(chunk.line_start, chunk.line_end + 1):
            found |= line_talks.get(chunk.doc, {}).get(number, set())
        chunk.talk_ids = [t.id for t in talks if t.id in found]
    for sentence in sentences or []:
        chunk = chunks[sentence.chunk]
        found = set()
        for number in range(sentence.line_start, sentence.line_end + 1):
            found |= line_talks.get(chunk.doc, {}).get(number, set())
        sentence.talk_ids = [t.id for t in talks if t.id in found]
    counts: dict[str, int] = defaultdict(int)
    for chunk in chunks:
        for talk_id in chunk.talk_ids:
            counts[talk_id] += 1
    for talk in talks:
        talk.chunks = counts[talk.id]
        talk.docs = sorted(set(talk.docs) | {c.doc for c in chunks if talk.id in c.talk_ids})


def mentions(
    text: str, merged: list[_Candidate], talks: list[Talk], surname_owners: dict[str, set[str]], doc_talks: set[str]
) -> set[str]:
    """Talks a block names: by a speaker's surname (when only one talk has it, or only one in this note), by
    an organiser's full name, or by the full title."""
    found: set[str] = set()
    normalized = None
    for candidate, talk in zip(merged, talks):
        for speaker in candidate.speakers:
            if "et al" in speaker:
                continue
            name = _match_name(candidate, speaker)
            if name not in text:
                continue
            owners = surname_owners[name]
            if len(owners) > 1:
                full_name_here = " " in speaker and speaker in text
                if owners & doc_talks != {talk.id} and not full_name_here:
                    continue
            if re.search(rf"\b{re.escape(name)}\b(?![\w-])", text):
                found.add(talk.id)
        title_norm = normalize(talk.title)
        if len(title_norm.split()) >= 3:
            normalized = normalized if normalized is not None else normalize(text)
            if title_norm in normalized:
                found.add(talk.id)
    return found
