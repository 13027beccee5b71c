"""One hybrid retriever for every backend: a question becomes a `Query` (filters compiled, talks routed, the
question embedded), and a query becomes hits by fusing the backend's dense and lexical candidates with a ranking
of the passages about the talks the question names."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from confqa.index.store import IndexStore
from confqa.lexical import named_terms, question_terms, terms, years_named
from confqa.search.base import Hit, Query, SearchBackend
from confqa.search.filters import CompiledFilters, Filters, compile_filters
from confqa.search.fusion import fuse, top_indices
from confqa.search.routing import RoutingTable, disambiguate, route_talks, topic_terms_of, without_route_words
from confqa.settings import RetrievalSettings


class HybridSearch:
    """Search over one opened index through one backend. Read-only once made: threads may share it."""

    def __init__(self, store: IndexStore, backend: SearchBackend, settings: RetrievalSettings,
                 embed: Callable[[str], np.ndarray]) -> None:
        self.store = store
        self.backend = backend
        self.settings = settings
        self.embed = embed
        self.routing = RoutingTable(store.routing, list(store.talks_by_id), store.talks_by_id.__getitem__)
        self.titles = NoteTitles(store)

    def query(self, question: str, filters: Filters, notices: tuple[str, ...] = ()) -> Query:
        """The question as one value: filters compiled once, the talks it names (one of two same-name speakers
        chosen by their passages), restricted to a named speaker's talks, embedded, with the years it names."""
        store = self.store
        compiled = compile_filters(filters, store)
        vector = self.embed(question)
        route = route_talks(question, self.routing, self.settings.routing)
        route = disambiguate(route, vector, lambda t: store.chunks_of_talks([t]), self.backend.vectors, compiled,
                             self.settings.routing)
        if route.by_speaker:
            compiled = compiled.narrowed(route.talk_ids, store)
        intent = None
        placing = placing_terms(route.talk_ids, store) if route.talk_ids else frozenset()
        if route.talk_ids and (route.by_speaker or not topic_terms_of(question, route) - placing):
            # What is asked about the talk or speaker, without their name: a name alone makes every passage about
            # that speaker look similar to the question.
            text = without_route_words(question, route, store.talks_by_id)
            intent = self.embed(text) if text.strip() else None
        return Query(
            text=question, vector=vector, filters=compiled, route=route, intent=intent,
            years=years_named(question) if filters.year is None else (),
            notes=self.titles.named_in(question) if filters.doc is None else (),
            terms=tuple(t for t in question_terms(question) if t in store.vocabulary), notices=notices,
            placing=placing,
        )

    def plain_query(self, question: str) -> Query:
        """The question alone: no filters, no talk routing (what the single-retriever baselines search with)."""
        return Query(text=question, vector=self.embed(question), filters=CompiledFilters(),
                     terms=tuple(t for t in question_terms(question) if t in self.store.vocabulary))

    def retrieve(self, query: Query, k: int, settings: RetrievalSettings | None = None) -> list[Hit]:
        """The k best passages. A question that names a conference year prefers notes of that year: passages
        from another year's notes keep `other_year_weight` of their score. One that names notes by their titles
        prefers those notes the same way (`other_note_weight`)."""
        settings = settings or self.settings
        wanted = 2 * k if query.years or query.notes else k  # candidates for the preferences to reorder
        hits = self._fused(query, wanted, settings)
        if query.years:
            hits = self._prefer_years(hits, query.years, settings.other_year_weight)
        if query.notes:
            hits = self._prefer_notes(hits, query.notes, settings.other_note_weight)
        hits = hits[:k]
        if query.intent is not None and hits:
            closeness = self.backend.vectors(np.array([h.chunk for h in hits])) @ query.intent
            hits = [replace(h, intent=float(c)) for h, c in zip(hits, closeness)]
        return hits

    def _fused(self, query: Query, k: int, settings: RetrievalSettings) -> list[Hit]:
        store, backend = self.store, self.backend
        if not store.size or query.filters.empty():
            return []
        candidates = settings.candidates
        dense = dict(backend.dense(query.vector, candidates, query.filters))
        lexical = dict(backend.lexical(query.terms, candidates, query.filters))
        route = query.route
        routed = query.filters.allowed(store.chunks_of_talks(route.talk_ids)) if route.talk_ids else \
            np.zeros(0, dtype=np.int64)
        talk_order = self._talk_ranking(query, routed, max(lexical.values(), default=0.0), candidates)
        strength = route.strength if route.talk_ids else 0.0
        share = settings.routing.score_boost_share
        boost = {i: settings.talk_weight * strength * share for i in talk_order} if settings.fusion == "score" else {}
        fused, top_possible = fuse(
            [(list(dense), dense, settings.dense_weight), (list(lexical), lexical, settings.bm25_weight),
             (talk_order, {}, settings.talk_weight * strength)],
            settings, boost,
        )
        order = sorted((i for i, v in fused.items() if v > 0), key=lambda i: (-fused[i], i))[:k]
        missing = np.array([i for i in order if i not in dense], dtype=np.int64)
        if len(missing):
            dense.update(zip(missing.tolist(), (float(v) for v in backend.vectors(missing) @ query.vector)))
        unscored = np.array([i for i in order if i not in lexical], dtype=np.int64)
        if len(unscored):
            lexical.update(zip(unscored.tolist(), (float(v) for v in backend.lexical_scores(query.terms, unscored))))
        in_route = set(routed.tolist())
        return [Hit(chunk=i, score=float(min(1.0, fused[i] / top_possible)), dense=dense[i], bm25=lexical[i],
                    in_route=i in in_route) for i in order]

    def _talk_ranking(self, query: Query, routed: np.ndarray, bm25_max: float, candidates: int) -> list[int]:
        """The named talk's passages, best match first: closeness to the question, nudged by their BM25 scores."""
        if not len(routed):
            return []
        affinity = np.asarray(self.backend.vectors(routed) @ query.vector, dtype=np.float32)
        if query.terms:
            nudge = self.settings.routing.talk_bm25_nudge
            affinity += self.backend.lexical_scores(query.terms, routed) / (bm25_max + 1e-9) * nudge
        return [int(routed[i]) for i in top_indices(affinity, candidates)]

    def _prefer_years(self, hits: list[Hit], years: tuple[int, ...], weight: float) -> list[Hit]:
        chunk_year = self.store.chunk_year

        def score(hit: Hit) -> float:
            year = int(chunk_year[hit.chunk])
            return hit.score * (weight if year >= 0 and year not in years else 1.0)

        return sorted((replace(h, score=score(h)) for h in hits), key=lambda h: (-h.score, h.chunk))

    def _prefer_notes(self, hits: list[Hit], notes: tuple[int, ...], weight: float) -> list[Hit]:
        chunk_doc = self.store.chunk_doc
        named = set(notes)
        return sorted((replace(h, score=h.score * (1.0 if int(chunk_doc[h.chunk]) in named else weight)) for h in hits),
                      key=lambda h: (-h.score, h.chunk))


class NoteTitles:
    """Which notes a question names by their titles: "at ISRL 2024" names "ISRL 2024 notes", "the Thoughts on
    NeurIPS 2025 author" names "Thoughts on NeurIPS 2025". A name is a word the question capitalises past its first
    word, found in the titles (or file names) of some notes but not all; the notes named are those with every such
    name, or failing that with any."""

    def __init__(self, store: IndexStore) -> None:
        self.count = len(store.doc_names)
        by_term: dict[str, set[int]] = {}
        for position, document in enumerate(store.documents):
            name = str(document.get("doc", "")).rsplit("/", 1)[-1].rsplit(".", 1)[0]
            for term in set(terms(f"{document.get('title') or ''} {re.sub(r'[-_]+', ' ', name)}")):
                by_term.setdefault(term, set()).add(position)
        self.by_term = {t: frozenset(d) for t, d in by_term.items() if len(d) < self.count}

    def named_in(self, question: str) -> tuple[int, ...]:
        named = [self.by_term[t] for t in named_terms(question) if t in self.by_term]
        if not named:
            return ()
        every = frozenset.intersection(*named)
        return tuple(sorted(every or frozenset.union(*named)))


def placing_terms(talk_ids: tuple[str, ...], store: IndexStore) -> frozenset[str]:
    """Terms that place these talks rather than ask about them ("the talk on phishing kits at SecureCoast", "what
    did Asante talk about at InfraCon Porto"): the titles of the notes they are in. (Not the lines that introduce
    them: "which of the XAI presenters is from Guide Labs" asks what the presenters' line says.)"""
    notes = np.unique(store.chunk_doc[store.chunks_of_talks(talk_ids)])  # read from the chunk → note table
    return frozenset().union(*(terms(str(store.documents[int(n)].get("title") or "")) for n in notes.tolist()))
