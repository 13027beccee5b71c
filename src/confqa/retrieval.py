"""Hybrid retrieval: dense (FAISS) and BM25 rankings, plus a ranking of the passages about any talk or
speaker the question names, merged by reciprocal rank fusion (or min-max score fusion)."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import numpy as np

from confqa.errors import UnknownFilterError
from confqa.lexical import surname, terms, words
from confqa.models import Talk
from confqa.settings import RetrievalSettings
from confqa.store import IndexStore

# Words that appear in talk titles but say nothing about which talk is meant.
_GENERIC_TITLE_WORDS = {
    "ai", "talk", "tutorial", "session", "panel", "workshop", "oral", "invited", "keynote", "paper", "new", "art",
    "science", "perspective", "beyond", "towards", "toward", "via", "using", "part", "next",
}
_KIND_HINTS = {
    "tutorial": "tutorial", "keynote": "invited talk", "invited": "invited talk", "panel": "panel",
    "workshop": "workshop", "oral": "oral", "expo": "expo", "paper": "paper",
}


@dataclass
class Filters:
    doc: str | None = None
    talk: str | None = None
    speaker: str | None = None
    year: int | None = None

    def active(self) -> bool:
        return any(v is not None for v in (self.doc, self.talk, self.speaker, self.year))


@dataclass
class TalkRoute:
    """Talks the question names, with how sure the match is (1.0 for a speaker's name)."""

    talk_ids: list[str] = field(default_factory=list)
    strength: float = 0.0
    by_speaker: bool = False
    matched_words: set[str] = field(default_factory=set)


@dataclass
class Hit:
    chunk: int
    score: float
    dense: float
    bm25: float
    in_route: bool


def route_talks(question: str, store: IndexStore) -> TalkRoute:
    """Find talks that a question names by speaker ('Mitchell'), title words or alias
    ('the imitation learning tutorial')."""
    q_words = set(words(question))
    q_raw = question.lower()
    route = TalkRoute()
    matched_by_talk: dict[str, set[str]] = {}
    speaker_hits: dict[str, float] = {}
    for talk in store.talks:
        for speaker in talk.speakers:
            if not speaker.strip():
                continue  # a blank name matches every question
            if "et al" in speaker:
                key = surname(speaker).lower()
                if re.search(rf"\b{re.escape(key)}\b", q_raw):
                    speaker_hits[talk.id] = max(speaker_hits.get(talk.id, 0), 0.8)
                continue
            full = speaker.lower()
            last = surname(speaker).lower()
            if " " in full and full in q_raw:
                speaker_hits[talk.id] = max(speaker_hits.get(talk.id, 0), 1.2)  # full name beats surname
                matched_by_talk.setdefault(talk.id, set()).update(words(full))
            elif re.search(rf"\b{re.escape(last)}\b", q_raw) and (len(last) > 2 or last in q_words):
                speaker_hits[talk.id] = max(speaker_hits.get(talk.id, 0), 1.0)
                matched_by_talk.setdefault(talk.id, set()).add(last)
            names = full.split()
            first = names[0] if len(names) > 1 else ""
            if first and len(first) > 2 and re.search(rf"\b{re.escape(first)}\b", q_raw) and talk.id in speaker_hits:
                speaker_hits[talk.id] += 0.2
    # Title and alias words, weighted by how rare each word is among the catalogue's titles.
    title_words = {t.id: _title_words(t) for t in store.talks}
    frequency: dict[str, int] = {}
    for bag in title_words.values():
        for word in bag:
            frequency[word] = frequency.get(word, 0) + 1
    n_talks = max(len(store.talks), 1)
    title_hits: dict[str, float] = {}
    for talk in store.talks:
        bag = title_words[talk.id]
        if not bag:
            continue
        idf = {w: math.log(1 + n_talks / frequency[w]) for w in bag}
        matched = bag & q_words
        if not matched:
            continue
        score = sum(idf[w] for w in matched) / sum(idf.values())
        kind_hint = {k for w, k in _KIND_HINTS.items() if w in q_words}
        if talk.kind in kind_hint:
            score += 0.25
        q_norm = f" {' '.join(words(question))} "
        if any(len(n) >= 3 and f" {n} " in q_norm for n in _names_of(talk)):
            score = max(score, 0.9)  # the question uses the talk's own short name ("XAI", "DL4C")
        if score >= 0.5 and (len(matched) >= 2 or score >= 0.75):
            title_hits[talk.id] = score
            matched_by_talk.setdefault(talk.id, set()).update(matched)
    if speaker_hits:
        # A named speaker decides which talk is meant. A title that matches another talk does not widen the
        # question: "What did Tufekci present in the imitation learning tutorial?" is about Tufekci, whose
        # passages then do not cover the tutorial's topic, and the answer abstains (a near miss).
        title_hits = {t: v for t, v in title_hits.items() if t in speaker_hits}
    hits = {**title_hits}
    for talk_id, value in speaker_hits.items():
        hits[talk_id] = max(hits.get(talk_id, 0), value) + (0.3 if talk_id in title_hits else 0.0)
    if not hits:
        return route
    best = max(hits.values())
    route.talk_ids = sorted((t for t, v in hits.items() if v >= best - 0.15), key=lambda t: -hits[t])
    route.strength = min(best, 1.0)
    route.by_speaker = any(t in speaker_hits for t in route.talk_ids)
    route.matched_words = set().union(*(matched_by_talk.get(t, set()) for t in route.talk_ids))
    return route


def _names_of(talk: Talk) -> list[str]:
    """Whole titles and aliases, as word sequences, and acronyms in parentheses: ways a question may name it."""
    names = [" ".join(words(n)) for n in [talk.title, *talk.aliases]]
    names += [a.lower() for a in re.findall(r"\(([A-Za-z][A-Za-z0-9]{1,9})\)", talk.title)]
    return [n for n in names if n and n not in _GENERIC_TITLE_WORDS]


def _title_words(talk: Talk) -> set[str]:
    text = " ".join([talk.title, *talk.aliases])
    return {w for w in words(text) if w not in _GENERIC_TITLE_WORDS and len(w) > 1 and not w.isdigit()}


@dataclass
class ResolvedFilters:
    """What --doc, --talk, --speaker and --year resolved to: the values a backend pushes into its search
    (a chunk mask here, a filter expression in Milvus). None means the filter is not set."""

    docs: set[str] | None = None
    talk_ids: set[str] | None = None
    speakers: set[str] | None = None
    speaker_talk_ids: set[str] | None = None
    year: int | None = None


def resolve_filter_values(filters: Filters, store: IndexStore) -> ResolvedFilters:
    """Resolve the filters against the index. Unknown values raise with close matches."""
    resolved = ResolvedFilters()
    if filters.doc is not None:
        docs = sorted({c.doc for c in store.chunks})
        wanted = filters.doc.strip().replace("\\", "/")
        if not PurePosixPath(wanted).parts or PurePosixPath(wanted).parts == ("/",):
            # "" and "." name no note (and pathlib refuses an empty pattern).
            raise UnknownFilterError(f"--doc {filters.doc!r} names no note; give a path or glob such as "
                                     f"'*.md'; notes: {_few(docs)}")
        if PurePosixPath(wanted).is_absolute() or ".." in PurePosixPath(wanted).parts:
            raise UnknownFilterError(f"--doc {filters.doc!r} must be a path inside the corpus; notes: {_few(docs)}")
        chosen = {d for d in docs if d == wanted or PurePosixPath(d).match(wanted) or PurePosixPath(d).stem == wanted}
        if not chosen:
            raise UnknownFilterError(_unknown("document", filters.doc, docs))
        resolved.docs = chosen
    if filters.talk is not None:
        resolved.talk_ids = _match_talks(filters.talk, store)
    if filters.speaker is not None:
        wanted = filters.speaker.strip().lower()
        matched = [
            (t.id, s) for t in store.talks for s in t.speakers
            if wanted in (s.lower(), surname(s).lower()) or (len(wanted) > 3 and wanted in s.lower())
        ]
        if not matched:
            speakers = sorted({s for t in store.talks for s in t.speakers})
            raise UnknownFilterError(_unknown("speaker", filters.speaker, speakers))
        resolved.speaker_talk_ids = {t for t, _ in matched}
        resolved.speakers = {s for _, s in matched}
    if filters.year is not None:
        years = sorted({c.year for c in store.chunks if c.year is not None})
        if filters.year not in years:
            raise UnknownFilterError(f"--year {filters.year}: the notes cover {', '.join(map(str, years)) or 'no year'}")
        resolved.year = filters.year
    return resolved


def resolve_filters(filters: Filters, store: IndexStore) -> np.ndarray | None:
    """A boolean mask over chunks, or None when no filter is set. Unknown values raise with close matches."""
    if not filters.active():
        return None
    resolved = resolve_filter_values(filters, store)
    mask = np.ones(len(store.chunks), dtype=bool)
    if resolved.docs is not None:
        mask &= np.array([c.doc in resolved.docs for c in store.chunks])
    for talk_ids in (resolved.talk_ids, resolved.speaker_talk_ids):
        if talk_ids is not None:
            mask &= np.array([bool(set(c.talk_ids) & talk_ids) for c in store.chunks])
    if resolved.year is not None:
        mask &= np.array([c.year == resolved.year for c in store.chunks])
    return mask


def _match_talks(value: str, store: IndexStore) -> set[str]:
    wanted = value.strip().lower()
    exact = {t.id for t in store.talks if wanted in (t.id, t.title.lower(), *(a.lower() for a in t.aliases))}
    if exact:
        return exact
    partial = {t.id for t in store.talks if len(wanted) >= 3 and (wanted in t.title.lower()
               or any(wanted in a.lower() for a in t.aliases))}
    if partial:
        return partial
    raise UnknownFilterError(_unknown("talk", value, [t.title for t in store.talks]))


def _unknown(what: str, value: str, known: list[str]) -> str:
    close = difflib.get_close_matches(value, known, n=3, cutoff=0.4)
    if not close:
        lowered = value.lower()
        close = [k for k in known if lowered[:4] and lowered[:4] in k.lower()][:3]
    hint = f"; did you mean: {', '.join(repr(c) for c in close)}" if close else f"; known: {_few(known)}"
    return f"unknown {what} {value!r}{hint}"


def _few(items: list[str]) -> str:
    shown = ", ".join(repr(i) for i in items[:6])
    return shown + (f" and {len(items) - 6} more" if len(items) > 6 else "")


def top_indices(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest scores, best first (argpartition: linear time on large arrays)."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    return top[np.argsort(-scores[top], kind="stable")]


def fuse(
    rankings: list[tuple[list[int], dict[int, float], float]], settings: RetrievalSettings, boost: dict[int, float]
) -> tuple[dict[int, float], float]:
    """Merge rankings (ids best first, their scores, weight) into one score per id, plus the best possible score.
    `boost` adds score fusion's flat bonus for passages about a named talk."""
    fused: dict[int, float] = {}
    if settings.fusion == "rrf":
        for order, _, weight in rankings:
            for rank, index in enumerate(order):
                fused[index] = fused.get(index, 0.0) + weight / (settings.rrf_k + rank + 1)
        return fused, sum(w for _, _, w in rankings) / (settings.rrf_k + 1) or 1.0
    for order, values, weight in rankings[:2]:
        if not order:
            continue
        chosen = [values[i] for i in order]
        low, high = min(chosen), max(chosen)
        for index in order:
            fused[index] = fused.get(index, 0.0) + weight * ((values[index] - low) / (high - low) if high > low else 1.0)
    for index, bonus in boost.items():
        fused[index] = fused.get(index, 0.0) + bonus
    top_possible = sum(w for _, _, w in rankings[:2]) + max(boost.values(), default=0.0)
    return fused, top_possible or 1.0


def retrieve(
    question: str,
    query_vector: np.ndarray,
    store: IndexStore,
    settings: RetrievalSettings,
    k: int,
    mask: np.ndarray | None = None,
    route: TalkRoute | None = None,
) -> list[Hit]:
    n = len(store.chunks)
    if n == 0 or (mask is not None and not mask.any()):
        return []
    candidates = settings.candidates
    query = np.ascontiguousarray(query_vector.reshape(1, -1), dtype=np.float32)
    # Dense ranking: exact over every allowed chunk on small indexes, ANN candidates on large ones.
    if mask is None and n > store.manifest.index_parameters.exact_search_limit:
        scores, ids = store.dense.search(query, candidates)
        dense = {int(i): float(v) for i, v in zip(ids[0], scores[0]) if i >= 0}
        dense_order = list(dense)
    else:
        scores, ids = store.dense.search(query, n)
        full = np.full(n, -np.inf, dtype=np.float32)
        full[ids[0][ids[0] >= 0]] = scores[0][ids[0] >= 0]
        if mask is not None:
            full[~mask] = -np.inf
        dense_order = [int(i) for i in top_indices(full, candidates) if np.isfinite(full[i])]
        dense = {i: float(full[i]) for i in dense_order}
    # Lexical ranking.
    q_terms = [t for t in terms(question) if t in store.vocabulary]
    bm25_scores = np.asarray(store.bm25.get_scores(q_terms), dtype=np.float32) if q_terms else np.zeros(n, np.float32)
    if mask is not None:
        bm25_scores[~mask] = 0.0
    bm25_order = [int(i) for i in top_indices(bm25_scores, candidates) if bm25_scores[i] > 0]
    bm25 = {i: float(bm25_scores[i]) for i in bm25_order}
    routed = routed_chunks(store, route, mask)
    talk_order = talk_ranking(store, routed, query[0], bm25_scores[routed], float(bm25_scores.max()), candidates)
    return fused_hits(store, query[0], settings, k, (dense_order, dense), (bm25_order, bm25), talk_order,
                      set(int(i) for i in routed), route.strength if route else 0.0, lambda i: float(bm25_scores[i]))


def prefer_years(hits: list[Hit], store: IndexStore, years: tuple[int, ...], weight: float, k: int) -> list[Hit]:
    """The k best hits once passages from notes about a year the question does not name keep only `weight` of
    their score (notes without a year are not penalised)."""
    if not years:
        return hits[:k]

    def score(hit: Hit) -> float:
        year = store.chunks[hit.chunk].year
        return hit.score * (weight if year is not None and year not in years else 1.0)

    rescored = [Hit(chunk=h.chunk, score=score(h), dense=h.dense, bm25=h.bm25, in_route=h.in_route) for h in hits]
    return sorted(rescored, key=lambda h: (-h.score, h.chunk))[:k]


def routed_chunks(store: IndexStore, route: TalkRoute | None, mask: np.ndarray | None) -> np.ndarray:
    """Positions of the allowed passages about a talk the question names."""
    routed = store.chunks_of_talks(route.talk_ids) if route and route.talk_ids else np.zeros(0, dtype=np.int64)
    return routed[mask[routed]] if mask is not None and len(routed) else routed


def talk_ranking(store: IndexStore, routed: np.ndarray, query: np.ndarray, routed_bm25: np.ndarray, bm25_max: float,
                 candidates: int) -> list[int]:
    """The talk's passages, best match first: closeness to the question, nudged by their BM25 scores."""
    if not len(routed):
        return []
    affinity = np.asarray(store.chunk_vectors[routed] @ query, dtype=np.float32)
    affinity += routed_bm25 / (bm25_max + 1e-9) * 0.3
    return [int(routed[i]) for i in top_indices(affinity, candidates)]


def fused_hits(store: IndexStore, query: np.ndarray, settings: RetrievalSettings, k: int,
               dense: tuple[list[int], dict[int, float]], bm25: tuple[list[int], dict[int, float]],
               talk_order: list[int], in_route: set[int], strength: float,
               bm25_of: Callable[[int], float]) -> list[Hit]:
    """The k best chunks from the three candidate rankings, whichever backend produced them."""
    dense_order, dense_scores = dense
    boost = {i: settings.talk_weight * strength * 0.5 for i in talk_order} if settings.fusion == "score" else {}
    fused, top_possible = fuse(
        [(dense_order, dense_scores, settings.dense_weight), (bm25[0], bm25[1], settings.bm25_weight),
         (talk_order, {}, settings.talk_weight * strength)],
        settings, boost,
    )
    order = sorted((i for i, v in fused.items() if v > 0), key=lambda i: (-fused[i], i))[:k]
    missing = [i for i in order if i not in dense_scores]
    if missing:
        for i, value in zip(missing, store.chunk_vectors[missing] @ query):
            dense_scores[i] = float(value)
    return [
        Hit(chunk=i, score=float(min(1.0, fused[i] / top_possible)), dense=dense_scores[i], bm25=bm25_of(i),
            in_route=i in in_route)
        for i in order
    ]
