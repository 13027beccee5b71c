"""The talk catalogue of a corpus: detect candidates note by note, merge them (with talks.yaml), name the talks,
and attribute every line to its talks. Returns values; the index applies them to its chunks."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from confqa.ingest.markdown import ParsedDocument
from confqa.models import Chunk, Sentence, Talk
from confqa.talks.attribution import Attribution, attribute
from confqa.talks.candidate import Candidate, normalize, slugify
from confqa.talks.catalogue_file import CATALOGUE_FILE, read_catalogue_file
from confqa.talks.detectors import scan_note
from confqa.talks.merge import merge
from confqa.talks.names import Vocabulary


@dataclass
class Catalogue:
    talks: list[Talk]
    attribution: Attribution


def detect(parsed_docs: list[ParsedDocument]) -> list[Candidate]:
    """Every talk candidate of every note, in note order."""
    vocabulary = Vocabulary.of_texts([p.text for p in parsed_docs])
    notes = frozenset(p.document.doc for p in parsed_docs)
    return [c for parsed in parsed_docs for c in scan_note(parsed, vocabulary, notes)]


def build_catalogue(parsed_docs: list[ParsedDocument], catalogue_file: Path | None = None) -> Catalogue:
    """The talks the notes discuss and the talks of every line."""
    extra = read_catalogue_file(catalogue_file) if catalogue_file and catalogue_file.is_file() else []
    merged = merge(detect(parsed_docs), extra)
    talks = _named(merged)
    attribution = attribute(merged, talks, parsed_docs)
    talks = [t.model_copy(update={"part_of": attribution.parents.get(t.id)}) for t in talks]
    return Catalogue(talks, attribution)


def _named(merged: list[Candidate]) -> list[Talk]:
    talks: list[Talk] = []
    used_ids: set[str] = set()
    for candidate in merged:
        talk_id = slugify(candidate.title)
        while talk_id in used_ids:
            talk_id += "-2"
        used_ids.add(talk_id)
        aliases = sorted({a for a in [*candidate.aliases, *candidate.labels]
                          if a and normalize(a) != normalize(candidate.title)})
        # No one is named by the talk's own title: '## Workshop — Designing Ultrasonic Mid-Air Haptics' read as
        # 'kind — person' before its 'Organisers:' line named the people.
        speakers = [s for s in candidate.speakers if normalize(s) not in (normalize(candidate.title), *map(normalize, aliases))]
        talks.append(Talk(
            id=talk_id, title=candidate.title, kind=candidate.kind, speakers=speakers, aliases=aliases,
            docs=sorted({m.doc for m in candidate.mentions if m.doc != CATALOGUE_FILE}),
            mentions=sorted(candidate.mentions, key=lambda m: (m.doc, m.line)),
        ))
    return talks


def attributed(catalogue: Catalogue, chunks: list[Chunk], sentences: list[Sentence]
               ) -> tuple[list[Talk], list[Chunk], list[Sentence]]:
    """New chunks and sentences that carry the talks of their lines, and talks that count their chunks and notes.
    `Sentence.chunk` indexes `chunks`."""
    where = catalogue.attribution
    new_chunks = [c.model_copy(update={"talk_ids": where.talks_of(c.doc, c.line_start, c.line_end)}) for c in chunks]
    # A table row shared by several talks keeps them all: the answerer narrows it by the names it holds
    # (confqa.answer.question.talk_ids_of), and the index marks it as shared.
    new_sentences = [s.model_copy(update={"talk_ids": where.talks_of(chunks[s.chunk].doc, s.line_start, s.line_end)
                                          if s.kind == "row" else
                                          where.talks_of_sentence(chunks[s.chunk].doc, s.line_start, s.line_end, s.text)})
                     for s in sentences]
    counts: dict[str, int] = defaultdict(int)
    docs_of: dict[str, set[str]] = defaultdict(set)
    for chunk in new_chunks:
        for talk_id in chunk.talk_ids:
            counts[talk_id] += 1
            docs_of[talk_id].add(chunk.doc)
    talks = [t.model_copy(update={"chunks": counts[t.id], "docs": sorted(set(t.docs) | docs_of[t.id])})
             for t in catalogue.talks]
    return talks, new_chunks, new_sentences
