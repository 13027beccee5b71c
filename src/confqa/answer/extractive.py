"""The extractive answerer. The question's intent decides what the answer must hold; answer units (sentences,
lead-ins with their payload, table rows as records) are ranked by a model fitted on the dev split
(confqa.answer.ranking); the unit that holds what the intent asks leads (confqa.answer.leads), opened by its
sentence that answers, the rest follow in the notes' order, and the answer stops when the intent is satisfied. Questions about talks and people are answered from the
talk catalogue (confqa.answer.catalogue). A confidence fitted on the dev split decides whether to abstain, and the
checks of confqa.answer.unanswered decline an answer whose lines do not give what is asked. No language model
needed."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache

import numpy as np

from confqa.answer import checks
from confqa.answer.catalogue import catalogue_units, talk_of
from confqa.answer.confidence import confidence_from, model
from confqa.answer.extremes import extreme_first
from confqa.answer.intents import Intent, classify
from confqa.answer.leads import (
    ADVICE,
    NUMBER_OR_DATE,
    REASON_GIVEN,
    TYPED_LEADS,
    amenity_first,
    asks_a_reason,
    doc_of,
    event_time,
    fields_asked,
    headed_by,
    heading_terms,
    leads_first,
    prose_before_bare_rows,
    reason_first,
    role_words_answered,
    typed_first,
    year_first,
)
from confqa.answer.question import (
    ASKS_MORE,
    FORM_TERMS,
    Question,
    Scored,
    answer_pool,
    sentences_about,
    sentences_of_talks,
    talk_ids_of,
    terms_of,
    understand,
)
from confqa.answer.ranking import WORDS_SCALE, unit_probability
from confqa.answer.readable import display_text
from confqa.answer.sides import (
    both_sides_first,
    both_sides_rank,
    side_passages,
    sides_of,
    telling_words,
    with_both_sides,
)
from confqa.answer.unanswered import (
    PLACE_NOT_GIVEN,
    TIME_NOT_GIVEN,
    UNANSWERED,
    editions_named,
    not_answered,
    outside_the_notes,
    unknown_presenter,
)
from confqa.answer.units import (
    Unit,
    heading_giving,
    heading_of,
    is_label,
    items_listed,
    narrowed,
    refers_back,
    section_parts,
    section_sentences,
    section_text,
    section_unit,
    table_header,
    unit_text,
    units_of,
)
from confqa.index.store import NO_YEAR, IndexStore
from confqa.lexical import surname, terms, years_named
from confqa.models import Answer, Chunk, Citation, Passage, Talk
from confqa.search.base import Hit, Query, TalkRoute
from confqa.settings import AnswerSettings
from confqa.text import lexicon
from confqa.text.sentences import sentence_spans

NOT_COVERED = "The notes don't cover this."


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


def candidates(asked: Question, query: Query, pool: list[Hit], store: IndexStore,
               settings: AnswerSettings) -> list[Scored]:
    """Every unit that could answer a question not answered from the talk catalogue, each scored by the fitted
    ranking: a named talk's own units when the question asks what it said, else the units of the pool."""
    route = asked.route
    if route and route.talk_ids and not asked.content - query.placing and query.intent is not None:
        return _about_talk(asked, query.intent, store, settings, query.filters.mask)
    assert asked.vector is not None
    return _score_hits(asked, asked.vector, pool, store, settings)


def _named_sections(asked: Question, hits: list[Hit], store: IndexStore, settings: AnswerSettings) -> list[Hit]:
    """Passages of the talk a question names whose heading it names too ("how did Lan's group extend the tokenizer
    vocabulary" and "## Vocabulary extension recipe"), when retrieval ranked them below the pool: up to
    `named_sections_added`, scored as the pool's last."""
    if not (asked.route and asked.route.talk_ids) or not hits:
        return []
    known = {h.chunk for h in hits}
    floor = min(h.score for h in hits)
    extra = [c for c in store.chunks_of_talks(list(asked.route.talk_ids)).tolist()
             if c not in known and names_heading(asked, c, store)]
    assert asked.vector is not None
    return [Hit(chunk=c, score=floor, dense=float(store.chunk_vectors[c] @ asked.vector), bm25=0.0, in_route=True)
            for c in extra[:settings.named_sections_added]]


def compose(query: Query, hits: list[Hit], store: IndexStore, settings: AnswerSettings) -> Answer:
    """The answer to a question from its retrieved hits (see the module's docstring)."""
    question, route, intent_vector, notices = query.text, query.route, query.intent, list(query.notices)
    asked = understand(query)
    passages = passages_from(hits, store, route)
    pool = answer_pool(asked, hits) + _named_sections(asked, hits, store, settings)
    pool += side_passages(asked, pool, store, settings.side_passages_added, query.filters.mask)
    catalogue = catalogue_units(asked, pool, store, settings)
    ranked = [] if catalogue else candidates(asked, query, pool, store, settings)
    chosen = catalogue or extreme_first(_select(leads_first(ranked, asked, store, settings), asked, store, settings),
                                        ranked, asked, store, settings)
    if not catalogue and _from_another_year(asked, chosen, store):
        in_year = _in_year_answer(asked, query, pool, store, settings)
        chosen = in_year or chosen
    if not catalogue:
        chosen = amenity_first(year_first(typed_first(chosen, asked, store), asked, store), ranked, asked, store)
    features = evidence(asked, chosen, pool, store, intent_vector)
    confidence = confidence_from(features)
    declined = outside_the_notes(question, store) or (unknown_presenter(asked, pool, store) if catalogue else
                                                      not_answered(asked, route, chosen, store, settings, pool))
    if declined in (TIME_NOT_GIVEN, PLACE_NOT_GIVEN) and (opening := event_time(asked, store)) is not None:
        # The notes give no time or place for the talk, but say when or where its event was: that, and saying so.
        chosen, declined = [opening], None
        notices.append("the notes give no time for the talk itself; [1] says when its event was"
                       if asked.intent.name == "when" else
                       "the notes give no place for the talk itself; [1] says where its event was")
        features = evidence(asked, chosen, pool, store, intent_vector)
        confidence = confidence_from(features)
    unanswered = declined is not None
    if unanswered:
        confidence = min(confidence, settings.declined_confidence)
    features = {**features, UNANSWERED: float(unanswered)}
    threshold = _threshold(settings)
    # A declined answer abstains at any threshold; at none (abstain_below 0, "never abstain") it is given, with the
    # confidence such answers have.
    if not chosen or confidence < threshold or (unanswered and threshold > 0):
        return Answer(question=question, answer=_not_covered(declined, bool(passages)), abstained=True,
                      confidence=confidence, citations=[], passages=passages, notices=notices,
                      intent=asked.intent.name, evidence=features, declined=declined)
    # The order the quotes are read in (the confidence is the chosen units', in the order chosen).
    shown = both_sides_first(reason_first(prose_before_bare_rows(chosen, asked, store, settings), asked, store, settings),
                             asked, store, settings)
    citations, parts = _cite(shown, asked, store, settings)
    return Answer(question=question, answer=" ".join(parts), abstained=False, confidence=confidence,
                  citations=citations, passages=passages, notices=notices + _year_notice(asked, citations, store),
                  intent=asked.intent.name, evidence=features, declined=declined)


def _from_another_year(asked: Question, chosen: list[Scored], store: IndexStore) -> bool:
    """The question names a conference year and asks for a number, a date or a place; the lead is drawn from a
    note about another year and does not name the year asked itself."""
    if not asked.intent.years or not chosen or asked.intent.name not in _TYPED:
        return False
    year = int(store.chunk_year[store.sentences[chosen[0].unit.members[0]].chunk])
    if year == NO_YEAR or year in asked.intent.years:
        return False
    # "Backend Days 2026 is set for 18–19 May 2026", in the note about the 2025 edition, is about the year asked.
    return not set(years_named(unit_text(chosen[0].unit, store))) & set(asked.intent.years)


_TYPED = ("quantity", "when", "where")  # intents whose answer type a check can recognise in any note


def _in_year_answer(asked: Question, query: Query, pool: list[Hit], store: IndexStore,
                    settings: AnswerSettings) -> list[Scored]:
    """The answer from the notes about the year the question names, when one of their sentences holds what the
    intent asks for: the sentences of those notes closest to the question are read for it (the passage holding
    "it drew 15,000 researchers" may rank below another year's "over 10k attendees"), and their passages join the
    pool. Empty when no such sentence is found."""
    assert asked.vector is not None
    in_year = np.isin(store.chunk_year, np.array(asked.intent.years))
    if query.filters.mask is not None:
        in_year &= query.filters.mask
    editions = editions_named(asked.text)
    if editions:
        # "In which city will PyAdriatic 2024 be held": the notes of 2024 that name PyAdriatic, not a Berlin
        # meetup's "Location:" of the same year.
        naming = np.zeros(len(in_year), dtype=bool)
        for name, _year in editions:
            naming[store.chunks_with(name)] = True
        in_year &= naming
    sentence_ids = np.flatnonzero(np.repeat(in_year, np.diff(store.sentences_by_chunk.starts)))
    if not len(sentence_ids):
        return []
    closeness = store.sentence_vectors[sentence_ids] @ asked.vector
    order = np.argsort(-closeness, kind="stable")[:settings.year_sentences_read]
    chunks: list[int] = []
    for i in order.tolist():
        sentence_id = int(sentence_ids[i])
        if checks.holds(asked.intent, display_text(store.sentences[sentence_id].text), store):
            chunk = int(store.chunks_of_sentences([sentence_id])[0])
            if chunk not in chunks:
                chunks.append(chunk)
    if not chunks:
        return []
    known = {h.chunk: h for h in pool}
    floor = min((h.score for h in pool), default=0.0)
    extra = [known.get(c) or Hit(chunk=c, score=floor, dense=float(store.chunk_vectors[c] @ asked.vector), bm25=0.0,
                                 in_route=False) for c in chunks[:settings.year_passages_added]]
    scored = [s for s in candidates(asked, query, extra, store, settings)
              if checks.holds(asked.intent, unit_text(s.unit, store), store)]
    return _select(scored, asked, store, settings) if scored else []


def _not_covered(declined: str | None, any_passages: bool) -> str:
    """The text of a declined answer: that the notes don't cover it, why when a check said so, and where to look."""
    why = f" Why: {declined}." if declined else ""
    return NOT_COVERED + why + (" The closest passages are listed below." if any_passages else "")


def _threshold(settings: AnswerSettings) -> float:
    return settings.abstain_below if settings.abstain_below is not None else model().threshold


# -- scoring -------------------------------------------------------------------------------------------------------
def _too_short(text: str, asked: Question, settings: AnswerSettings) -> bool:
    """Fewer words than an answer needs (`min_unit_words`), unless it is the field a where- or when-question asks
    for ("Location: Ljubljana, Slovenia")."""
    if len(text.split()) >= settings.min_unit_words:
        return False
    return not any(checks.FIELDS[kind].search(text) for kind in fields_asked(asked))


def _says_nothing(text: str, unit: Unit, asked: Question, store: IndexStore, settings: AnswerSettings) -> bool:
    """A byline or a speaker line ("by Ana de la Cruz.") answers only a who-question, or one asking for a speaker's
    organisation ("Speaker: Mei-Ling Zhou (NVIDIA)")."""
    if asked.asks_who or asked.intent.measure == "affiliation":
        return False
    first = store.sentences[unit.members[0]]
    names = terms_of(" ".join(s for t in talk_ids_of(unit.members[0], store) for s in store.talks_by_id[t].speakers))
    return len(terms_of(text) - names) < settings.min_new_words and first.kind != "row"


_KINDS = ("lead-in", "row", "section", "continued")


def _features(text: str, unit: Unit, asked: Question, store: IndexStore, settings: AnswerSettings,
              wanted: set[str], passage: float = 0.0, rank: int | None = None) -> dict[str, float]:
    """A candidate unit's features (confqa.answer.ranking.FEATURES): how it matches the question, what it adds,
    whether it holds what the intent asks for."""
    first = store.sentences[unit.members[0]]
    talk_ids = _unit_talk_ids(unit, store)
    naming = _naming_terms(unit, store)
    words = terms_of(text)
    new = words - naming - asked.terms
    # The role is named where the unit opens: a heading's unit that lists the panellists before the moderator's
    # line does not answer "who moderated" first.
    opening = display_text(first.text)
    role = bool(asked.asks_who and asked.roles and any(lexicon.ROLES[r].search(opening) for r in asked.roles))
    names_speaker = bool(asked.asks_who and not asked.roles and checks.names_speaker_of(text, store, talk_ids))
    features = {
        "cosine": unit.cosine,
        "overlap": len(wanted & words) / len(wanted) if wanted else 0.0,
        "focus": len(focus & words) / len(focus) if (focus := wanted - naming) else 0.0,
        "opening_focus": len(focus & terms_of(_opening(text))) / len(focus) if focus else 0.0,
        "new_words": len(new) / len(words) if words else 0.0,
        "new_specifics": _new_specifics(text, asked),
        "passage": passage,
        "rank": 1.0 / (rank + 1) if rank is not None else 0.0,
        "says_nothing": float(len(new) < settings.min_new_words and not asked.asks_who),
        "type_match": float(checks.holds(_unit_type(asked), text, store)),
        "heading": float(names_heading(asked, first.chunk, store)),
        "role": float(role),
        "names_speaker": float(names_speaker),
        "words": min(1.0, len(text.split()) / WORDS_SCALE),
    }
    features.update({f"kind_{k.replace('-', '_')}": float(unit.kind == k) for k in _KINDS})
    return features


def _unit_talk_ids(unit: Unit, store: IndexStore) -> list[str]:
    """The talks a unit is about: its first line's, else its passage's."""
    first = store.sentences[unit.members[0]]
    return first.talk_ids or store.chunks[first.chunk].talk_ids


def _naming_terms(unit: Unit, store: IndexStore) -> frozenset[str]:
    """Terms of the titles and speakers of the talks a unit is about."""
    return terms_of(" ".join(store.talks_by_id[t].title + " " + " ".join(store.talks_by_id[t].speakers)
                             for t in _unit_talk_ids(unit, store)))


def _opening(text: str) -> str:
    """A unit's first sentence, where a reader looks for the answer."""
    spans = sentence_spans(text, 0, len(text))
    return text[spans[0][0]:spans[0][1]] if spans else text


_WORD = re.compile(r"[\w][\w.,%/'’-]*")


def _new_specifics(text: str, asked: Question) -> float:
    """Share of the text's words that are figures or capitalised mid-sentence, and not the question's."""
    words = _WORD.findall(text)
    if not words:
        return 0.0
    asked_words = _lower_words(asked.text)
    specific = 0
    for i, word in enumerate(words):
        opens = i == 0 or words[i - 1][-1:] in ".:;!?"
        if word.lower() not in asked_words and (any(c.isdigit() for c in word) or (word[0].isupper() and not opens)):
            specific += 1
    return specific / len(words)


@lru_cache(maxsize=256)
def _lower_words(question: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD.findall(question))


def _ranked(candidates: list[tuple[Unit, dict[str, float]]]) -> list[Scored]:
    """Candidates scored by the fitted probability that they state a key fact of the question."""
    return [Scored(unit, unit_probability(features), features) for unit, features in candidates]


def _section_units(asked: Question, chunk_ids: list[int], cosine_of: Callable[[list[int]], dict[int, float]],
                   store: IndexStore, settings: AnswerSettings, allowed: set[int] | None) -> list[Unit]:
    """Headings the question names ("takeaways", "recommendations", "why batch size matters") as units with
    their first body lines, for the given passages. A section cut into several passages is one unit while its
    first lines reach into the passage (a list that goes on in the next passage is quoted whole)."""
    out = []
    for chunk_id in chunk_ids:
        if not names_heading(asked, chunk_id, store) or heading_of(chunk_id, store) == store.chunks[chunk_id].title:
            continue
        whole = section_unit(chunk_id, [i for i in section_sentences(chunk_id, store) if allowed is None or i in allowed],
                             store, settings, cosine_of, outline=True)
        own = [i for i in store.sentences_by_chunk[chunk_id] if allowed is None or i in allowed]
        if whole is not None and asked.intent.wants_items and set(whole.members) & set(own):
            out.append(whole)  # the section's first lines reach into this passage
        elif (unit := section_unit(chunk_id, own, store, settings, cosine_of)) is not None:
            out.append(unit)  # a later passage of a long section: its own first lines under the heading
    return out



_WHEN_ASKED = frozenset(terms("day date time hour"))


def names_heading(asked: Question, chunk_id: int, store: IndexStore) -> bool:
    """Whether the question names the passage's innermost heading: a shared word beyond the talk or speaker it
    names, or advice on both sides ("what did she recommend" and "## Takeaways")."""
    heading = heading_terms(chunk_id, store)
    unnamed = asked.unnamed - _WHEN_ASKED if asked.intent.name == "when" else asked.unnamed
    return bool(unnamed & heading) or bool(unnamed & ADVICE and heading & ADVICE)


def _score_hits(asked: Question, query_vector: np.ndarray, pool: list[Hit], store: IndexStore,
                settings: AnswerSettings) -> list[Scored]:
    allowed = None
    if asked.speaker_talks:
        allowed = set(sentences_about(asked.speaker_talks, np.array([h.chunk for h in pool], dtype=np.int64), store))
    wanted = asked.wanted
    candidates: list[tuple[Unit, dict[str, float]]] = []
    for rank, hit in enumerate(pool):
        sentence_ids = store.sentences_by_chunk[hit.chunk]
        if not sentence_ids:
            continue
        cosines = _cosines(sentence_ids, query_vector, store)
        for unit in [*units_of(sentence_ids, cosines, store, settings, allowed),
                     *_section_units(asked, [hit.chunk], lambda ids: _cosines(ids, query_vector, store), store,
                                     settings, allowed)]:
            unit = _to_the_fact(unit, asked, store)
            text = unit_text(unit, store)
            if _too_short(text, asked, settings) or _says_nothing(text, unit, asked, store, settings):
                continue
            candidates.append((unit, _features(text, unit, asked, store, settings, wanted, hit.score, rank)))
    return _ranked(candidates)


def _unit_type(asked: Question) -> Intent:
    """What a unit of the answer should hold: what the question asks for, or, when it goes on to ask something
    that no number or date answers ("what share …, and what did she recommend"), any number or date for its first
    part (the second's units hold no share). "When is it, and what time does it start" keeps the time."""
    more = ASKS_MORE.search(asked.text)
    if asked.intent.name not in NUMBER_OR_DATE or not more:
        return asked.intent
    second = asked.text[more.start():].split(None, 1)[1]  # "what did she recommend?", past its "and"
    return asked.intent if classify(second).name in _TYPED else Intent(name=asked.intent.name)


def _to_the_fact(unit: Unit, asked: Question, store: IndexStore) -> Unit:
    """For a question asking for a number or a date, a list keeps only its items that hold one, and for a term to
    define, its items that use the term; for a who-question, a sentence naming someone is quoted without the list
    after its paragraph. (A place is not narrowed to: "where did they say to look" is answered by
    no place name.) A question that asks something more ("how much pruning, and what should be exempt") keeps the
    whole list."""
    if asked.asks_more:
        return unit
    head = unit.members[0]
    if asked.asks_who and unit.kind == "lead-in" and not is_label(head, store) and \
            checks.names_someone(display_text(store.sentences[head].text), store):
        # "Who chaired RustNorth?": the sentence naming the chair, not the list that happens to follow its paragraph.
        return Unit((head,), "sentence", unit.cosine)
    term = asked.intent.term if asked.intent.name == "definition" else None
    if term and (wanted := set(terms(term))):
        # "What's a 'scream test'?": of a talk's list, the item that uses the term ("deleted them with a scream
        # test (disable, wait 30 days, delete)").
        return narrowed(unit, store, lambda text: wanted <= set(terms(text)))
    if asked.intent.name not in NUMBER_OR_DATE:
        return unit
    return narrowed(unit, store, lambda text: checks.holds(asked.intent, text, store))


def _cosines(sentence_ids: list[int], vector: np.ndarray, store: IndexStore) -> dict[int, float]:
    return dict(zip(sentence_ids, (float(c) for c in store.sentence_vectors[sentence_ids] @ vector)))


def _about_talk(asked: Question, intent_vector: np.ndarray, store: IndexStore, settings: AnswerSettings,
                mask: np.ndarray | None) -> list[Scored]:
    """"What did Mitchell recommend?": the question names a talk and asks what it said. The query vector is
    mostly the name, so rank the talk's own units by the asking words ("recommend") and by how central they are
    to everything the notes say about the talk."""
    members = sentences_of_talks(list(asked.route.talk_ids) if asked.route else [], store, mask)
    if not members:
        return []
    vectors = store.sentence_vectors[members]
    centroid = vectors.mean(axis=0)
    centroid /= float(np.linalg.norm(centroid)) or 1.0
    weight = settings.weight_talk_intent
    relevance = weight * (vectors @ intent_vector) + (1 - weight) * (vectors @ centroid)
    cosines = dict(zip(members, (float(r) for r in relevance)))
    allowed = set(members)
    if len(members) > settings.talk_sentences_considered:
        top = np.argsort(-relevance, kind="stable")[:settings.talk_sentences_considered]
        members = [members[i] for i in sorted(top.tolist())]  # the most relevant, in note order
    candidates: list[tuple[Unit, dict[str, float]]] = []
    chunks = np.unique(store.chunks_of_sentences(members)).tolist()
    for unit in [*units_of(members, cosines, store, settings, allowed),
                 *_section_units(asked, chunks, lambda ids: {i: cosines[i] for i in ids}, store, settings,
                                 allowed)]:
        unit = _to_the_fact(unit, asked, store)
        text = unit_text(unit, store)
        if _too_short(text, asked, settings) or _says_nothing(text, unit, asked, store, settings):
            continue
        candidates.append((unit, _features(text, unit, asked, store, settings, set())))
    return _ranked(candidates)


def _select(scored: list[Scored], asked: Question, store: IndexStore, settings: AnswerSettings) -> list[Scored]:
    """The best units, without overlaps or repeats, until the intent is satisfied."""
    scored = sorted(scored, key=lambda s: -s.score)
    limit = min(settings.max_sentences, settings.units_by_intent.get(asked.intent.name, settings.max_sentences))
    if asked.asks_who:
        limit = min(settings.max_sentences, max(limit, len(asked.roles)))  # one unit for each role asked about
    chosen: list[Scored] = []
    used: set[int] = set()
    words = 0
    named = set(asked.route.talk_ids) if asked.route and asked.route.talk_ids else set()
    # A question asking for a number or a date, of whatever kind (what it measures is the lead's to match).
    typed = Intent(name=asked.intent.name) if asked.intent.name in NUMBER_OR_DATE and not asked.asks_more else None
    lead_gives, lead_talks = False, set[str]()  # whether the lead holds what is asked, and the talks it is about
    for candidate in scored:
        if len(chosen) >= limit:
            break
        if chosen and candidate.score < chosen[0].score * settings.keep_ratio:
            break
        if used & set(candidate.unit.members):
            continue
        text = unit_text(candidate.unit, store)
        if chosen and typed and not checks.holds(typed, text, store):
            continue  # a date or a number is asked: a further unit without any adds nothing
        if chosen and typed and lead_gives and doc_of(candidate, store) != doc_of(chosen[0], store) and \
                not set(talk_ids_of(candidate.unit.members[0], store)) & lead_talks:
            # The lead gives the number or date asked: another note's, about another talk or none, gives another
            # event's, not support (the same talk written up in a second note may add the rest).
            continue
        if chosen and asked.intent.years and asked.intent.name in _TYPED and \
                (named_years := set(years_named(text))) and not named_years & set(asked.intent.years):
            continue  # "where was Threat Horizon 2025 held": "Threat Horizon 2023 — Rotterdam: …" is another edition's
        if chosen and asked.intent.name in checks.FIELDS and checks.FIELDS[asked.intent.name].search(text) and \
                doc_of(candidate, store) != doc_of(chosen[0], store) and \
                checks.holds(asked.intent, unit_text(chosen[0].unit, store), store):
            continue  # the lead gives the place: another note's "Location:" field gives another event's
        if chosen and _about_another_talk(candidate, chosen[0], named, store) and \
                (named or (candidate.score < chosen[0].score * settings.other_talk_share and not asked.asks_more)):
            # The question names a talk: a further unit about another (not the lead's either) is not about it.
            # It names none: one about another talk than the lead's joins only if nearly as likely to answer,
            # unless the question asks two things ("what gave the best results, and what was recommended for
            # benchmarks"), which two talks may answer.
            continue
        if chosen and named and not talk_ids_of(candidate.unit.members[0], store) and \
                candidate.score < chosen[0].score * settings.other_talk_share:
            continue  # a line about no talk joins an answer about a named talk only if nearly as likely to answer
        vector = store.sentence_vectors[candidate.unit.members[0]]
        if any(float(store.sentence_vectors[c.unit.members[0]] @ vector) > settings.redundant_cosine for c in chosen):
            continue
        length = len(text.split())
        if chosen and words + length > settings.max_words:
            continue
        chosen.append(candidate)
        used.update(candidate.unit.members)
        words += length
        if len(chosen) == 1:
            lead_gives = checks.holds(asked.intent, text, store)
            lead_talks = set(talk_ids_of(candidate.unit.members[0], store))
        if len(chosen) == 1 and asked.intent.items and items_listed(candidate.unit, store) == asked.intent.items:
            break  # "what are the five commandments", answered by a list of five
    if asked.intent.name == "comparison":
        chosen = with_both_sides(chosen, scored, asked, store, settings)
    if len(chosen) > 1:
        # The lead carries the answer; what supports it follows in the notes' own order.
        chosen = _opening_on_the_question(chosen, asked, store, settings)
        lead = chosen[0]
        lead_doc = store.chunks[store.sentences[lead.unit.members[0]].chunk].doc
        rest = sorted(chosen[1:], key=lambda s: (store.chunks[store.sentences[s.unit.members[0]].chunk].doc != lead_doc,
                                                  store.chunks[store.sentences[s.unit.members[0]].chunk].doc,
                                                  s.unit.members[0]))
        chosen = [lead, *rest]
    return chosen


def _about_another_talk(candidate: Scored, lead: Scored, named: set[str], store: IndexStore) -> bool:
    """The candidate's lines are about a talk, and about none of the question's named talks or the lead's."""
    about = set(talk_ids_of(candidate.unit.members[0], store))
    known = named | set(talk_ids_of(lead.unit.members[0], store))
    return bool(about and known) and not about & known


# Intents whose lead is the unit that holds what they ask for, not the one that repeats the question's words.
def _opening_on_the_question(chosen: list[Scored], asked: Question, store: IndexStore,
                             settings: AnswerSettings) -> list[Scored]:
    """The answer opens with the chosen unit whose first sentence says the most of what the question asks about (its
    topic words, those naming the unit's own talk last), when that unit scores at least `lead_share` of the best: a reader judges an answer by its first
    sentence, and a unit that opens on a side remark ("I had the pleasure to be sent to NeurIPS by my employer")
    makes a poor one even when it ranks first. Not for intents that ask for a date, a number, a list, a name or a
    place: the unit that holds one leads those."""
    def opening_words(c: Scored) -> tuple[int, int]:
        # The words that name the unit's own talk count only between openings saying as much of the rest: a line
        # introducing the talk ("Feature Stores Are Just Databases (Mikkel Jensen, Brightline): 10:00") repeats
        # them, not what is asked of it ("what did Brightline replace its feature store with").
        said = asked.wanted & terms_of(_opening(unit_text(c.unit, store)))
        return len(said - _naming_terms(c.unit, store)), len(said)

    if asked.intent.name in TYPED_LEADS:
        return chosen  # a date, a number, a list, a name or a place leads those (typed_first, the who-checks)
    best = max(chosen, key=lambda c: (opening_words(c), c.score))
    if best is chosen[0] or best.score < chosen[0].score * settings.lead_share:
        return chosen
    return [best, *(c for c in chosen if c is not best)]


# -- evidence -------------------------------------------------------------------------------------------------
def evidence(asked: Question, chosen: list[Scored], pool: list[Hit], store: IndexStore,
             intent_vector: np.ndarray | None) -> dict[str, float]:
    """The features that confidence is computed from (confqa.answer.confidence.FEATURES)."""
    evidence_text = " ".join(store.chunks[h.chunk].text for h in pool[:3])
    # A passage is read under its note's title ("# InfraCon Porto 2024" holds "InfraCon Porto" for "what did
    # Asante present at InfraCon Porto", for every passage of that note).
    evidence_terms = set(terms(evidence_text)) | headed_by([h.chunk for h in pool[:3]], store)
    quoted = [unit_text(c.unit, store) for c in chosen]
    quoted_terms: set[str] = set().union(*(terms_of(text) for text in quoted),
                                         headed_by([store.sentences[c.unit.members[0]].chunk for c in chosen], store))
    route = asked.route
    routed = bool(route and route.talk_ids and any(h.in_route for h in pool))
    # "Who chaired the panel?" answered by "moderated by Ole Sorensen": the role word is answered in the notes'
    # own word for the role (lexicon.ROLES), so it is no longer a topic word the quoted units lack.
    content = asked.content - role_words_answered(asked, quoted_terms, quoted) - FORM_TERMS
    weights = {t: store.term_weight(t) for t in content}
    total = sum(weights.values())
    if content and total > 0:
        coverage = sum(weights[t] for t in content & evidence_terms) / total
        focus = sum(weights[t] for t in content & quoted_terms) / total
        focus_term = max(content, key=lambda t: (weights[t], t))
        rarest = float(focus_term in quoted_terms)
        focus_unknown = float(focus_term not in store.vocabulary)
    else:
        coverage = focus = rarest = 1.0 if routed else 0.0
        focus_unknown = 0.0
    top_dense = max((h.dense for h in pool[:3]), default=0.0)
    top_sentence = max((c.unit.cosine for c in chosen[:1]), default=0.0)
    if asked.speaker_talks and content and intent_vector is not None:
        # Judge the evidence by what is asked about the speaker, not by the speaker's name.
        top_dense = max((h.intent for h in pool[:3] if h.intent is not None), default=0.0)
        top_sentence = max((float(store.sentence_vectors[m] @ intent_vector) for c in chosen for m in c.unit.members),
                           default=0.0)
    q_terms = asked.terms - FORM_TERMS
    unknown = (sum(1 for t in q_terms if t not in store.vocabulary) / len(q_terms)) if q_terms else 1.0
    lead_text = quoted[0] if quoted else ""
    lead_chunk = store.chunks[store.sentences[chosen[0].unit.members[0]].chunk] if chosen else None
    return {
        "top_dense": round(top_dense, 4), "top_sentence": round(top_sentence, 4), "coverage": round(coverage, 4),
        "focus": round(focus, 4), "rarest": rarest, "phrase": round(checks.phrase_support(asked.text, evidence_text), 4),
        "unknown": round(unknown, 4), "focus_unknown": focus_unknown,
        "head_unknown": float(asked.head is not None and asked.head not in store.vocabulary),
        "routed": round(route.strength * coverage, 4) if routed and route else 0.0,
        "type_match": float(checks.holds(asked.intent, lead_text, store)) if chosen else 0.0,
        "other_year": float(bool(lead_chunk and asked.intent.years and lead_chunk.year is not None
                                 and lead_chunk.year not in asked.intent.years)),
        "other_note": float(bool(chosen and asked.notes and int(store.chunk_doc[store.sentences[chosen[0].unit.members[0]].chunk])
                                 not in asked.notes)),
    }


# -- citing ---------------------------------------------------------------------------------------------------
def _sentence_talk(sentence_id: int, chunk: Chunk, store: IndexStore, route: TalkRoute | None) -> Talk | None:
    """The talk a quoted sentence is about: the one the question named if the sentence is about it (or the talk of
    it, when the question named a workshop), else the sentence's own talk; else the talk the sentence names by its
    title; the passage's talk only when the sentence's lines name none."""
    preferred = route.talk_ids if route else []
    own = talk_ids_of(sentence_id, store)
    for talk_id in preferred:
        if talk_id in own:
            # A talk of the named workshop that the sentence is about is what it says, in that workshop.
            part = next((t for t in own if store.talks_by_id[t].part_of == talk_id), talk_id)
            return store.talks_by_id[part]
    if own:
        return _nearest_above(own, sentence_id, chunk, store)
    named = store.talk_named_in(display_text(store.sentences[sentence_id].text))
    if named is not None:
        return store.talks_by_id[named]  # a line of no talk's part that names one by its title is about it
    return store.primary_talk(chunk, preferred) if not chunk.talk_ids or len(chunk.talk_ids) == 1 else None


# The ways a talk is found that only name it in passing (a sentence, a table row, a parenthesis), as opposed to
# the ones that open its part of the note (a heading, a bold lead, a list item, a byline).
_IN_PASSING = frozenset({"inline", "prose", "parenthesis", "highlight", "table"})


def _nearest_above(talk_ids: list[str], sentence_id: int, chunk: Chunk, store: IndexStore) -> Talk:
    """Of the talks a sentence is about, the one whose heading (or lead line, list item, byline) stands last above
    it in its note: a talk's heading nested under another talk's heading ("### Okafor — Checkpointing" under "##
    Keynote by Kobayashi") is the talk its sentences are about. The first of them when none of theirs is above it
    (a talk named in passing is not what the lines under it are about)."""
    line = store.sentences[sentence_id].line_start

    def last_mention(talk_id: str) -> int:
        return max((m.line for m in store.talks_by_id[talk_id].mentions
                    if m.doc == chunk.doc and m.line <= line and m.how not in _IN_PASSING), default=-1)

    return store.talks_by_id[max(talk_ids, key=lambda t: (last_mention(t), -talk_ids.index(t)))]


def verbatim_span(members: tuple[int, ...], store: IndexStore, max_chars: int) -> tuple[str, tuple[int, ...]]:
    """The exact note text from the first member to the last (members that would make the quote longer
    than max_chars are dropped)."""
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
        if new_end - start > max_chars:
            break
        end = new_end
        kept.append(member)
    return region[start:end], tuple(kept)


def _cite(chosen: list[Scored], asked: Question, store: IndexStore,
          settings: AnswerSettings) -> tuple[list[Citation], list[str]]:
    citations: list[Citation] = []
    parts: list[str] = []
    for n, item in enumerate(chosen, start=1):
        quote, members = verbatim_span(item.unit.members, store, settings.max_quote_chars)
        unit = Unit(members, item.unit.kind, item.unit.cosine)
        first, last = store.sentences[members[0]], store.sentences[members[-1]]
        chunk = store.chunks[first.chunk]
        talk = talk_of(item, store) if item.talk_id else _sentence_talk(members[0], chunk, store, asked.route)
        text = _lead_text(unit, asked, store, settings) if n == 1 else unit_text(unit, store)
        if n == 1 and unit.kind != "talk" and _WHICH_TALK.search(asked.text) and \
                (line := _line_of_the_talk_asked(unit, asked, store)) is not None:
            # "which talk was about cheap optical tracking": the item about it, of a list of talks, and its talk is
            # the one the citation names
            text, talk = line
        parent = store.talks_by_id.get(talk.part_of) if talk and talk.part_of else None
        citations.append(Citation(
            n=n, doc=chunk.doc, title=chunk.title, section=chunk.section, talk=talk.title if talk else None,
            speakers=list(talk.speakers) if talk else [], part_of=parent.title if parent else None, quote=quote,
            line_start=first.line_start, line_end=last.line_end, score=round(item.score, 4),
            columns=table_header(members[0], store) if first.kind == "row" else [],
        ))
        if n == 1 and asked.intent.name == "when":
            text = _with_the_day(text, first.chunk, store)
        if unit.kind == "talk" and talk is not None:
            text = _naming_the_talk(text, talk, speakers_once=False)
        elif n == 1 and talk is not None and _WHICH_TALK.search(asked.text) and talk.title.lower() not in text.lower():
            text = _naming_the_talk(text, talk, speakers_once=True)  # "which talk had the ghost overlay"
        elif n == 1 and talk is not None and _by_surname_only(text, talk, asked):
            # "which speaker at the coldchain summit covered gps spoofing": "Tan (maritime security analyst)
            # covered …" is answered with the speaker's full name, as the catalogue knows it
            text = _naming_the_talk(text, talk, speakers_once=False)
        if text and text.rstrip("\"'”’)]*_")[-1:] not in (".", "!", "?", ";", "…"):
            text = text.rstrip(":") + "."
        parts.append(f"{text} [{n}]")
    return citations, parts


def _line_of_the_talk_asked(unit: Unit, asked: Question, store: IndexStore) -> tuple[str, Talk] | None:
    """For a question asking which talk something was said in, a lead unit whose lines are about several talks
    ("Track A: Football:" over one item per talk) is answered by its line that says most of what is asked, about
    its own talk; None when every line of the unit is about that one talk, or none is about a talk."""
    talks = {m: talk_ids_of(m, store) for m in unit.members}
    said = [(len(asked.wanted & terms_of(store.sentences[m].text)), -i, m)
            for i, m in enumerate(unit.members) if len(talks[m]) == 1]
    if not said:
        return None
    best = max(said)[2]
    if all(ids == talks[best] for ids in talks.values()):
        return None  # every line is about the one talk
    return display_text(store.sentences[best].text), store.talks_by_id[talks[best][0]]


def _by_surname_only(text: str, talk: Talk, asked: Question) -> bool:
    """A who-question about a talk's speakers (not a role) whose lead names one of them by surname and none in full."""
    if not asked.asks_who or asked.roles or not talk.speakers:
        return False
    lower = text.lower()
    return not any(s.lower() in lower for s in talk.speakers) and \
        any(re.search(rf"\b{re.escape(surname(s))}\b", text, re.I) for s in talk.speakers)


def _naming_the_talk(text: str, talk: Talk, speakers_once: bool) -> str:
    """A line as the answer about its talk: "Title (kind — speakers): line", or the title alone when the line is
    about nothing more. With `speakers_once`, the people are left out when the line names them."""
    shown = talk.speakers and not (speakers_once and all(surname(s).lower() in text.lower() for s in talk.speakers))
    head = f"{talk.title} ({talk.kind}{' — ' + ', '.join(talk.speakers) if shown else ''})"
    return head if talk.title.lower() in text.lower() else f"{head}: {text}"


# A question asking which one talk something was said in: "which talk had the ghost overlay", "what session covered …",
# or for a talk's title: "what was the title of Obi's keynote", "what was her talk called".
_TALK_WORD = r"(?:talk|session|presentation|poster|keynote|tutorial|panel|workshop|lecture)"
_WHICH_TALK = re.compile(rf"\b(?:which|what)\s+(?:(?!(?:of|the|was|is|did)\b)[\w-]+\s+){{0,3}}{_TALK_WORD}\b"
                         rf"(?!\s*(?:of|on|by|at)\b)|"
                         # "which talk at the coral symposium was about playing reef sounds"
                         rf"\b(?:which|what)\s+{_TALK_WORD}\b[^?]{{0,80}}?\b(?:was|were|is)\s+(?:about|on)\b|"
                         rf"\b(?:title|name) of\b|\b{_TALK_WORD}s?\s+(?:was\s+|is\s+)?(?:called|named|titled)\b", re.I)

_DAY_ASKED = Intent(name="when", measure="day")


def _with_the_day(text: str, chunk_id: int, store: IndexStore) -> str:
    """A when-answer that gives no day ("10:30 Continuous Batching Without Tears — …") is read under its heading
    when the heading gives one ("Day 1 (Thu 13 Mar)"): the time is that day's."""
    if checks.holds(_DAY_ASKED, text, store):
        return text
    # The nearest heading above that gives a day: "Day 2 (Workshops)" over "Ngozi Eze — Profiling Is the New
    # Debugging", or before it in the note (the note's title is no day's heading).
    heading = heading_giving(chunk_id, store, lambda level: checks.holds(_DAY_ASKED, level, store))
    return f"{heading.rstrip(':. ')}: {text}" if heading else text


def _lead_text(unit: Unit, asked: Question, store: IndexStore, settings: AnswerSettings) -> str:
    """The lead unit's prose, opened by its sentence most likely to state what the question asks when that is
    not its first ("Vending Bench (LLMs as entrepreneurs): $500 to run a vending machine. … Winner: Gemini 3
    Pro." opens with the winner for "which model won"): the fitted ranking applied to each sentence, which
    share the unit's cosine. The others follow in the notes' order. Lists and records keep their shape; the
    citation's quote stays verbatim."""
    members = unit.members
    if not asked.intent.wants_items and (listed := _listed(unit, store)):
        return _answering_item_first(unit, listed, asked, store, settings)
    if unit.kind == "section" and len(members) > 1 and all(store.sentences[m].kind == "sentence" for m in members):
        return _section_lead(unit, asked, store, settings)
    if unit.kind in ("row", "section", "talk") or any(store.sentences[m].kind != "sentence" for m in members[1:]):
        return unit_text(unit, store)
    pieces = [(m, text[a:b]) for m in members
              for text in [display_text(store.sentences[m].text)] for a, b in sentence_spans(text, 0, len(text))]
    if len(pieces) < 2:
        return unit_text(unit, store)
    # The question's words that the opening sentence already says name the subject ("Vending Bench"); the answer
    # is the sentence that says what else is asked.
    best = _answering_sentence([((m,), piece) for m, piece in pieces], unit, asked, store, settings,
                               asked.wanted - terms_of(pieces[0][1]))
    if best == 0:
        return unit_text(unit, store)
    ordered = [pieces[best][1], *(piece for i, (_, piece) in enumerate(pieces) if i != best)]
    return " ".join(p if p.rstrip("\"'”’)]*_")[-1:] in ".!?:;…" else p + "." for p in ordered)


def _section_lead(unit: Unit, asked: Question, store: IndexStore, settings: AnswerSettings) -> str:
    """A heading with its first paragraph's sentences, opened (after the heading) by the sentence most likely to
    state what the question asks: "UPDATE 11:48 — Talk: …: Volkov presented their pipeline in Hall 1. A definition
    for those following at home: the sim-to-real gap is …" opens with the definition for "what does Volkov mean by
    the sim-to-real gap". The heading's words and the first sentence's name the subject, not the answer."""
    members = unit.members
    heading = display_text(heading_of(store.sentences[members[0]].chunk, store))
    sentences = [((m,), display_text(store.sentences[m].text)) for m in members]
    best = _answering_sentence(sentences, unit, asked, store, settings,
                               asked.wanted - terms_of(heading) - terms_of(sentences[0][1]))
    if best == 0:
        return unit_text(unit, store)
    order = [members[best], *(m for m in members if m != members[best])]
    return section_text(unit, store, [(m,) for m in order])


def _answering_sentence(pieces: list[tuple[tuple[int, ...], str]], unit: Unit, asked: Question, store: IndexStore,
                        settings: AnswerSettings, wanted: set[str]) -> int:
    """Which of a unit's sentences (each with its sentence id) opens the answer: the one the fitted ranking rates
    best for the `wanted` words (the first unless another leads by `lead_sentence_margin`), or for a definition the
    one that defines the term, for a why-question the first that gives a reason when that one gives none. A
    sentence that refers back ("It was the first time …") cannot open the answer: it needs the one before it."""
    scores = _piece_scores(pieces, unit.cosine, asked, store, settings, wanted)
    opening = [i for i, (_, text) in enumerate(pieces) if i == 0 or not refers_back(text)]
    defining = [i for i in opening if asked.intent.name == "definition" and
                checks.defines(asked.intent.term or "", pieces[i][1], strictly=True)]
    if defining:
        return defining[0]  # "Her definition has not changed: a data contract is a … promise" opens the answer
    best = max(opening, key=lambda i: (scores[i], -i))
    # Sentences sharing the unit's cosine score alike: a small lead is noise.
    best = best if scores[best] >= scores[0] * settings.lead_sentence_margin else 0
    if asked.intent.name == "comparison" and (sides := sides_of(asked.text)):
        # "How did Arrow Flight compare with JDBC?": "Arrow Flight took 41 seconds; JDBC took 6 minutes 10 seconds"
        # opens, not the sentence that says what was compared (sides.both_sides_rank).
        named_by = telling_words(sides, store, asked.text)
        ranks = [both_sides_rank(pieces[i][1], asked, named_by) if i in opening else -1 for i in range(len(pieces))]
        telling = max(opening, key=lambda i: (ranks[i], -i))
        return telling if ranks[telling] > ranks[best] else best
    if asks_a_reason(asked) and not REASON_GIVEN.search(pieces[best][1]):
        # "Why did it lose revenue?": "It lost 3% revenue in the A/B test" restates the question; the sentence
        # that gives the reason opens the answer. (Within the unit any reason counts: "The root cause was that
        # offline metrics rewarded popular items" shares no word with the question; across units, reason_first
        # asks for one that does.)
        return next((i for i in opening if REASON_GIVEN.search(pieces[i][1])), best)
    return best


def _piece_scores(pieces: list[tuple[tuple[int, ...], str]], cosine: float, asked: Question, store: IndexStore,
                  settings: AnswerSettings, wanted: set[str]) -> list[float]:
    """The fitted ranking's score of each piece of a unit (a sentence, a list item with its lines), the pieces
    sharing the unit's cosine and judged by the question's `wanted` words."""
    return [s.score for s in _ranked([(Unit(members, "sentence", cosine),
                                       _features(text, Unit(members, "sentence", cosine), asked, store, settings,
                                                 wanted)) for members, text in pieces])]


def _listed(unit: Unit, store: IndexStore) -> list[tuple[int, ...]]:
    """The items of a unit that quotes a list under a label or a heading, each with the lines that continue it
    (empty for a unit that is not a list of two or more)."""
    if unit.kind == "section":
        parts = section_parts(unit, store)
        return parts if len(parts) > 1 and all(store.sentences[p[0]].kind == "item" for p in parts) else []
    items = unit.members[1:]
    # A label's list ("Fixes that worked:"), not a paragraph that happens to stand before one.
    if unit.kind == "lead-in" and len(items) > 1 and is_label(unit.members[0], store) and \
            all(store.sentences[m].kind == "item" for m in items):
        return [(m,) for m in items]
    return []


def _answering_item_first(unit: Unit, listed: list[tuple[int, ...]], asked: Question, store: IndexStore,
                          settings: AnswerSettings) -> str:
    """A list's prose with the item most likely to state what the question asks first, the others after it in the
    notes' order: "which fix got rid of the loss spikes" opens "Fixes that worked: Router z-loss to keep router
    logits small, which stopped the loss spikes …". The fitted ranking is applied to each item, the label's or
    heading's words counted as said (they name the subject); a question asking for the items keeps their order."""
    heading = heading_of(store.sentences[unit.members[0]].chunk, store) if unit.kind == "section" else \
        display_text(store.sentences[unit.members[0]].text)
    wanted = asked.wanted - terms_of(heading)
    scores = _piece_scores([(part, " ".join(display_text(store.sentences[m].text) for m in part)) for part in listed],
                           unit.cosine, asked, store, settings, wanted)
    best = max(range(len(listed)), key=lambda i: (scores[i], -i))
    ordered = [listed[best], *(part for i, part in enumerate(listed) if i != best)]
    if unit.kind == "section":
        return section_text(unit, store, ordered)
    return unit_text(replace(unit, members=(unit.members[0], *(m for part in ordered for m in part))), store)


def _year_notice(asked: Question, citations: list[Citation], store: IndexStore) -> list[str]:
    """An answer to a question about one year whose lead is drawn from a note about another says so (even when the
    line names the year asked: "2025 predictions: …" in the 2024 review is the 2024 writer's)."""
    if not asked.intent.years or not citations:
        return []
    year = store.doc_years.get(citations[0].doc)
    if year is None or year in asked.intent.years:
        return []
    named = " or ".join(str(y) for y in asked.intent.years)
    return [f"the question names {named}, but [1] comes from notes about {year}"]
