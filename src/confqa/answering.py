"""The extractive answerer: the most relevant sentences of the retrieved passages, without repeats, each
followed by its citation, and a confidence that decides whether to abstain. No language model needed."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from confqa.ingest.loading import clean_inline
from confqa.lexical import terms
from confqa.models import Answer, Chunk, Citation, Passage, Sentence, Talk
from confqa.retrieval import Hit, TalkRoute
from confqa.settings import AnswerSettings
from confqa.store import IndexStore

NOT_COVERED = "The notes don't cover this."
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_REDUNDANT = 0.86  # cosine above which two sentences say the same thing
# Verbs that ask about a talk rather than name a topic: "what did Mitchell recommend" is about the talk.
_ASKING_WORDS = set(terms(
    "say said says recommend recommended recommendation suggest suggested talk talked cover covered discuss "
    "discussed present presented mention mentioned think thought argue argued claim claimed propose proposed "
    "show showed describe described explain explained highlight highlighted main point points key takeaway "
    "takeaways idea ideas tell told give gave focus focused about according note notes author write wrote "
    "tutorial talk keynote panel workshop session presentation invited oral speaker presenter"
))


@lru_cache(maxsize=65536)
def terms_of(text: str) -> frozenset[str]:
    """BM25 terms of a sentence or a talk's names; sentences recur across questions, so this is cached."""
    return frozenset(terms(text))


def topic_terms_of(question: str, route: TalkRoute | None) -> set[str]:
    """The question's topic: its terms minus the talk or speaker it names and the words that only ask."""
    route_words = set(terms(" ".join(route.matched_words))) if route else set()
    return set(terms(question)) - route_words - _ASKING_WORDS


_WHO = re.compile(r"\b(who|whom|whose|presenters?|speakers?|presented|organi[sz]ed|gave|panelists?)\b", re.I)


def _all_talks(store: IndexStore) -> list[str]:
    return [t.id for t in store.talks]


def _names_speaker(text: str, store: IndexStore, talk_ids: list[str]) -> bool:
    return any(
        speaker.split()[-1] in text
        for talk_id in talk_ids for speaker in store.talks_by_id[talk_id].speakers if "et al" not in speaker
    )


@lru_cache(maxsize=65536)
def display_text(quote: str) -> str:
    """A quote as a reader wants it in the answer: no markdown, table cells joined, one line."""
    lines = []
    for line in quote.splitlines():
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|"):
            cells = [clean_inline(c) for c in stripped.strip("|").split("|")]
            lines.append(" — ".join(c for c in cells if c))
        else:
            lines.append(clean_inline(_LIST_MARKER.sub("", line)))
    text = " ".join(line for line in lines if line)
    text = re.sub(r"^#+\s*", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def evidence_score(top_dense: float, top_sentence: float, coverage: float, unknown: float, routed: float) -> float:
    """How strongly the notes support an answer: how well the best passage and sentence match, the share of
    the question's topic words (weighted by rarity) that the passages contain, the share of question words the
    notes never use, and whether passages about a talk the question names were found. Zero is the line
    between answering and abstaining."""
    evidence = max(top_dense, top_sentence)
    return 9.0 * (evidence - 0.40) + 4.0 * (coverage - 0.6) - 5.0 * unknown + 2.0 * routed


# Platt scaling of the evidence score into a probability that the answer is right, fitted on the dev split of
# evals/ by evals/fit_confidence.py (the test split is never used for this).
PLATT_SLOPE = 0.54
PLATT_INTERCEPT = -0.56
ABSTAIN_BELOW = round(_sigmoid(PLATT_INTERCEPT), 2)  # the confidence at evidence score 0


def confidence_from(top_dense: float, top_sentence: float, coverage: float, unknown: float, routed: float) -> float:
    """The probability that the answer is right, in [0, 1]."""
    score = evidence_score(top_dense, top_sentence, coverage, unknown, routed)
    return round(_sigmoid(PLATT_SLOPE * score + PLATT_INTERCEPT), 4)


def _sentence_talk(sentence: Sentence, chunk: Chunk, store: IndexStore, route: TalkRoute | None) -> Talk | None:
    """The talk a quoted sentence is about: the one the question named if the sentence is about it, else the
    sentence's own talk; the passage's talk only when the sentence's lines name none."""
    preferred = route.talk_ids if route else []
    for talk_id in preferred:
        if talk_id in sentence.talk_ids:
            return store.talks_by_id[talk_id]
    if sentence.talk_ids:
        return store.talks_by_id[sentence.talk_ids[0]]
    return store.primary_talk(chunk, preferred) if not chunk.talk_ids or len(chunk.talk_ids) == 1 else None


def _adjust(text: str, sentence: Sentence, store: IndexStore, q_terms: set[str], asks_who: bool,
            is_list: bool = False) -> float:
    """Score changes that do not depend on the retriever: naming sentences, list openers, who-questions."""
    talk_ids = sentence.talk_ids or store.chunks[sentence.chunk].talk_ids
    adjust = 0.0
    naming = terms_of(" ".join(store.talks_by_id[t].title + " " + " ".join(store.talks_by_id[t].speakers)
                                for t in talk_ids))
    if len(terms_of(text) - naming - q_terms) < 3 and not asks_who:
        adjust -= 0.12  # only names the talk or repeats the question: says nothing new
    if asks_who and _names_speaker(text, store, talk_ids):
        adjust += 0.3  # "who presented X" is answered by the sentence that names them
    if text.endswith(":") and not is_list:
        adjust -= 0.08  # introduces a list that is not there
    return adjust


def passages_from(hits: list[Hit], store: IndexStore, route: TalkRoute | None) -> list[Passage]:
    out = []
    for hit in hits:
        chunk = store.chunks[hit.chunk]
        talk = store.primary_talk(chunk, route.talk_ids if route else None)
        out.append(
            Passage(
                doc=chunk.doc, title=chunk.title, section=chunk.section, talk=talk.title if talk else None,
                speakers=list(talk.speakers) if talk else [], text=chunk.text, line_start=chunk.line_start,
                line_end=chunk.line_end, score=round(hit.score, 4), chunk_id=chunk.id,
                talks=[store.talks_by_id[t].title for t in chunk.talk_ids],
            )
        )
    return out


def _list_after(intro_id: int, store: IndexStore, limit: int = 10) -> list[int]:
    """The first sentence of each top-level item of the list that follows an intro sentence (or a bold label),
    in order. Nested items and the items' further sentences are left to the quote."""
    intro = store.sentences[intro_id]
    doc = store.chunks[intro.chunk].doc
    members: list[int] = []
    last_line = intro.line_end
    base_depth: int | None = None
    for j in range(intro_id + 1, min(len(store.sentences), intro_id + 8 * limit)):
        sentence = store.sentences[j]
        if store.chunks[sentence.chunk].doc != doc or sentence.line_start > last_line + 2:
            break
        if sentence.kind == "item":
            base_depth = sentence.depth if base_depth is None else base_depth
            if sentence.depth < base_depth or len(members) >= limit:
                break
            if sentence.depth == base_depth:
                members.append(j)
        elif sentence.kind == "sentence" and not members and sentence.line_start <= last_line + 1:
            pass  # the rest of the intro's paragraph
        elif not (members and (sentence.kind == "sentence" and sentence.depth >= (base_depth or 0)
                               and sentence.line_start <= last_line + 1)):
            break  # the list has ended
        last_line = sentence.line_end
    return members


_MAX_QUOTE_CHARS = 2400


def _verbatim_span(members: list[int], store: IndexStore) -> tuple[str, list[int]]:
    """The exact note text from the first member to the last (members that would make the quote longer
    than _MAX_QUOTE_CHARS are dropped)."""
    first = store.sentences[members[0]]
    doc = store.chunks[first.chunk].doc
    lines = store.texts.get(doc, [])
    last_line = max(store.sentences[m].line_end for m in members)
    region = "\n".join(lines[first.line_start - 1: last_line])
    start = region.find(first.text)
    if start < 0:
        return first.text, members[:1]
    end = start + len(first.text)
    kept = [members[0]]
    for member in members[1:]:
        position = region.find(store.sentences[member].text, end)
        if position < 0:
            break
        new_end = position + len(store.sentences[member].text)
        if new_end - start > _MAX_QUOTE_CHARS:
            break
        end = new_end
        kept.append(member)
    return region[start:end], kept


def _next_is_list(sentence_id: int, store: IndexStore) -> bool:
    """Whether the paragraph this sentence belongs to is directly followed by a list."""
    j = sentence_id + 1
    previous = store.sentences[sentence_id]
    while j < len(store.sentences) and store.sentences[j].kind == "sentence" and \
            store.sentences[j].line_start <= previous.line_end + (0 if previous.line_end == previous.line_start else 1):
        previous = store.sentences[j]
        j += 1
    return j < len(store.sentences) and store.sentences[j].kind == "item" and \
        store.sentences[j].line_start <= previous.line_end + 2 and \
        store.chunks[store.sentences[j].chunk].doc == store.chunks[store.sentences[sentence_id].chunk].doc


@dataclass
class _Group:
    members: list[int]
    score: float
    cosine: float


def _group_text(members: list[int], store: IndexStore) -> str:
    head = display_text(store.sentences[members[0]].text)
    if len(members) == 1:
        return head
    if _continues(members[0], members[1], store):
        return " ".join(display_text(store.sentences[m].text) for m in members)
    items: list[str] = []
    for member in members[1:]:
        sentence = store.sentences[member]
        text = display_text(sentence.text)
        items.append(text.rstrip(".: "))
    head = head.rstrip(". ")
    joiner = "" if head.endswith(":") else ":"
    return f"{head}{joiner} " + "; ".join(items)


_BACK_REFERENCE = re.compile(r"^(He|She|They|It|This|These|That|Those|His|Her|Their|Its)\b")


def _continues(first: int, second: int, store: IndexStore) -> bool:
    """Whether sentence `second` directly continues `first` in the same paragraph and refers back to it
    ("First, he gave a free idea for a benchmark. He suggested ..."): quoting the first alone would cut the
    point in half."""
    if second != first + 1 or second >= len(store.sentences):
        return False
    a, b = store.sentences[first], store.sentences[second]
    return (a.kind in ("sentence", "item") and b.kind == "sentence" and a.depth == b.depth
            and store.chunks[a.chunk].doc == store.chunks[b.chunk].doc and b.line_start <= a.line_end
            and bool(_BACK_REFERENCE.match(display_text(b.text))))


def _candidate_groups(
    sentence_ids: list[int], cosines: np.ndarray, store: IndexStore, allowed: Callable[[int], bool]
) -> list[tuple[list[int], float]]:
    """Single sentences, and intros together with the list they introduce, each with a cosine."""
    cosine_of = dict(zip(sentence_ids, (float(c) for c in cosines)))
    out: list[tuple[list[int], float]] = []
    for sentence_id in sentence_ids:
        sentence = store.sentences[sentence_id]
        if not allowed(sentence_id):
            continue
        followed_by_list = sentence.kind == "sentence" and sentence.depth == 0 and _next_is_list(sentence_id, store)
        intro = sentence.kind == "label" or display_text(sentence.text).endswith(":") or followed_by_list
        if intro:
            items = [m for m in _list_after(sentence_id, store) if allowed(m)]
            if items:
                # Items outside the scored pool (a list that runs into the next chunk) count as unrelated.
                item_cos = sorted((cosine_of.get(m, 0.0) for m in items), reverse=True)[:3]
                cosine = max(cosine_of[sentence_id], float(np.mean(item_cos)) if item_cos else 0.0)
                out.append(([sentence_id, *items], cosine))
                continue
            if sentence.kind == "label":
                continue  # a label alone says nothing
        if _continues(sentence_id, sentence_id + 1, store) and allowed(sentence_id + 1):
            follow = sentence_id + 1
            cosine = max(cosine_of[sentence_id], cosine_of.get(follow, cosine_of[sentence_id]))
            out.append(([sentence_id, follow], cosine))
            continue
        out.append(([sentence_id], cosine_of[sentence_id]))
    return out


def compose(
    question: str,
    query_vector: np.ndarray,
    hits: list[Hit],
    store: IndexStore,
    settings: AnswerSettings,
    route: TalkRoute | None,
    notices: list[str],
    intent_vector: np.ndarray | None = None,
    mask: np.ndarray | None = None,
) -> Answer:
    passages = passages_from(hits, store, route)
    q_terms = set(terms(question))
    content_terms = topic_terms_of(question, route)
    topic_terms = q_terms - _ASKING_WORDS
    unknown = (sum(1 for t in q_terms if t not in store.vocabulary) / len(q_terms)) if q_terms else 1.0

    # When the question names a speaker, only passages and sentences about their talks may answer it.
    pool_hits = hits
    if route and route.talk_ids and route.by_speaker:
        pool_hits = [h for h in hits if h.in_route]
    asks_who = bool(_WHO.search(question))
    speaker_route = set(route.talk_ids) if route and route.by_speaker else set()

    def allowed(sentence_id: int) -> bool:
        return not speaker_route or bool(speaker_route & set(store.sentences[sentence_id].talk_ids))

    groups: list[_Group] = []
    about_talk_only = bool(route and route.talk_ids and not content_terms and intent_vector is not None)
    if about_talk_only:
        # "What did Mitchell recommend?": the question names a talk and asks what it said. The query vector
        # is mostly the name, so rank the talk's own sentences by the asking words ("recommend") and by how
        # central they are to everything the notes say about the talk.
        route_ids = set(route.talk_ids) if route else set()
        members = [i for i, sentence in enumerate(store.sentences) if route_ids & set(sentence.talk_ids)]
        if mask is not None:
            members = [i for i in members if mask[store.sentences[i].chunk]]
        if members:
            vectors = store.sentence_vectors[members]
            centroid = vectors.mean(axis=0)
            centroid /= float(np.linalg.norm(centroid)) or 1.0
            relevance = 0.5 * (vectors @ intent_vector) + 0.5 * (vectors @ centroid)
            in_talk = set(members)
            for group, cosine in _candidate_groups(members, relevance, store, lambda i: i in in_talk):
                text = _group_text(group, store)
                if len(text.split()) < 4:
                    continue
                score = 0.9 * cosine + _adjust(text, store.sentences[group[0]], store, q_terms, asks_who, len(group) > 1)
                groups.append(_Group(group, score, cosine))
    for rank, hit in enumerate([] if groups else pool_hits):
        sentence_ids = store.sentences_by_chunk[hit.chunk]
        if not sentence_ids:
            continue
        cosines = store.sentence_vectors[sentence_ids] @ query_vector
        for group, cosine in _candidate_groups(sentence_ids, cosines, store, allowed):
            text = _group_text(group, store)
            if len(text.split()) < 4:
                continue
            s_terms = terms_of(text)
            overlap = len(topic_terms & s_terms) / len(topic_terms) if topic_terms else 0.0
            score = 0.6 * cosine + 0.3 * overlap + 0.1 * hit.score + 0.05 / (rank + 1)
            score += _adjust(text, store.sentences[group[0]], store, q_terms, asks_who, len(group) > 1)
            groups.append(_Group(group, score, cosine))
    groups.sort(key=lambda g: -g.score)

    chosen: list[_Group] = []
    used: set[int] = set()
    words_used = 0
    for candidate in groups:
        if len(chosen) >= settings.max_sentences:
            break
        if chosen and candidate.score < chosen[0].score * 0.6:
            break
        if used & set(candidate.members):
            continue
        vector = store.sentence_vectors[candidate.members[0]]
        if any(float(store.sentence_vectors[c.members[0]] @ vector) > _REDUNDANT for c in chosen):
            continue
        text = _group_text(candidate.members, store)
        length = len(text.split())
        if chosen and words_used + length > settings.max_words:
            continue
        chosen.append(candidate)
        used.update(candidate.members)
        words_used += length

    evidence_text = " ".join(store.chunks[h.chunk].text for h in pool_hits[:3])
    evidence_terms = set(terms(evidence_text))
    routed = bool(route and route.talk_ids and any(h.in_route for h in pool_hits))
    if content_terms:
        weights = {t: store.term_weight(t) for t in content_terms}
        coverage = sum(weights[t] for t in content_terms & evidence_terms) / sum(weights.values())
    else:
        coverage = 1.0 if routed else 0.0
    top_dense = max((h.dense for h in pool_hits[:3]), default=0.0)
    top_sentence = chosen[0].cosine if chosen else 0.0
    if speaker_route and content_terms and intent_vector is not None:
        # Judge the evidence by what is asked about the speaker, not by the speaker's name.
        top_dense = max((float(store.chunk_vectors[h.chunk] @ intent_vector) for h in pool_hits[:3]), default=0.0)
        top_sentence = max((float(store.sentence_vectors[m] @ intent_vector) for c in chosen for m in c.members),
                           default=0.0)
    features = {"top_dense": top_dense, "top_sentence": top_sentence, "coverage": coverage, "unknown": unknown,
                "routed": route.strength * coverage if routed and route else 0.0}
    confidence = confidence_from(**features)
    if asks_who and route and route.talk_ids and not any(store.talks_by_id[t].speakers for t in route.talk_ids) \
            and not any(_names_speaker(_group_text(c.members, store), store, _all_talks(store)) for c in chosen):
        # "Who presented the model merging tutorial?": the catalogue knows no presenter for it and no chosen
        # sentence names anyone the notes list as a speaker, so the notes do not answer the question.
        confidence = min(confidence, round(settings.abstain_below / 2, 4))
    abstain = not chosen or confidence < settings.abstain_below
    if abstain:
        answer = Answer(
            question=question,
            answer=NOT_COVERED + (" The closest passages are listed below." if passages else ""),
            abstained=True,
            confidence=confidence,
            citations=[],
            passages=passages,
            notices=notices,
        )
        answer._features = features
        return answer
    citations: list[Citation] = []
    parts: list[str] = []
    for n, item in enumerate(chosen, start=1):
        quote, members = _verbatim_span(item.members, store)
        first, last = store.sentences[members[0]], store.sentences[members[-1]]
        chunk = store.chunks[first.chunk]
        talk = _sentence_talk(first, chunk, store, route)
        citations.append(
            Citation(
                n=n, doc=chunk.doc, title=chunk.title, section=chunk.section, talk=talk.title if talk else None,
                speakers=list(talk.speakers) if talk else [], quote=quote,
                line_start=first.line_start, line_end=last.line_end, score=round(item.score, 4),
            )
        )
        text = _group_text(members, store)
        if text and text.rstrip("\"'”’)]*_")[-1:] not in (".", "!", "?", ";", "…"):
            text = text.rstrip(":") + "."
        parts.append(f"{text} [{n}]")
    answer = Answer(
        question=question,
        answer=" ".join(parts),
        abstained=False,
        confidence=confidence,
        citations=citations,
        passages=passages,
        notices=notices,
    )
    answer._features = features
    return answer
