"""The extractive answerer. The question's intent decides what the answer must hold; answer units (sentences,
lead-ins with their payload, table rows as records) are ranked by a model fitted on the dev split
(confqa.answer.ranking); the best unit leads, opened by its sentence that answers, the rest follow in the notes'
order, and the answer stops when the intent is satisfied. Questions about talks and people are answered from the
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
from confqa.answer.intents import Intent, classify
from confqa.answer.question import (
    ASKS_MORE,
    FORM_TERMS,
    Question,
    Scored,
    answer_pool,
    roles_asked,
    sentences_about,
    sentences_of_talks,
    talk_ids_of,
    terms_of,
    understand,
)
from confqa.answer.ranking import WORDS_SCALE, unit_probability
from confqa.answer.readable import display_text
from confqa.answer.sides import side_passages, with_both_sides
from confqa.answer.unanswered import (
    UNANSWERED,
    amenities_asked,
    asks_for_a_person,
    editions_named,
    not_answered,
    outside_the_notes,
    says_amenity,
)
from confqa.answer.units import (
    Unit,
    heading_of,
    is_label,
    items_listed,
    narrowed,
    paragraph_rest,
    refers_back,
    row_cells,
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
    chosen = catalogue or _select(_leads_first(ranked, asked, store, settings), asked, store, settings)
    if not catalogue and _from_another_year(asked, chosen, store):
        in_year = _in_year_answer(asked, query, pool, store, settings)
        chosen = in_year or chosen
    if not catalogue:
        chosen = _amenity_first(_year_first(_typed_first(chosen, asked, store), asked, store), ranked, asked, store)
    features = evidence(asked, chosen, pool, store, intent_vector)
    confidence = confidence_from(features)
    unanswered = outside_the_notes(question, store) or (not catalogue and not_answered(asked, route, chosen, store,
                                                                                       settings))
    if unanswered:
        confidence = min(confidence, settings.declined_confidence)
    features = {**features, UNANSWERED: float(unanswered)}
    threshold = _threshold(settings)
    # A declined answer abstains at any threshold; at none (abstain_below 0, "never abstain") it is given, with the
    # confidence such answers have.
    if not chosen or confidence < threshold or (unanswered and threshold > 0):
        return Answer(question=question, answer=NOT_COVERED + (" The closest passages are listed below." if passages else ""),
                      abstained=True, confidence=confidence, citations=[], passages=passages, notices=notices,
                      intent=asked.intent.name, evidence=features)
    # The order the quotes are read in (the confidence is the chosen units', in the order chosen).
    shown = _reason_first(_prose_before_bare_rows(chosen, asked, store, settings), asked, store, settings)
    citations, parts = _cite(shown, asked, store, settings)
    return Answer(question=question, answer=" ".join(parts), abstained=False, confidence=confidence,
                  citations=citations, passages=passages, notices=notices + _year_notice(asked, citations, store),
                  intent=asked.intent.name, evidence=features)


def _prose_before_bare_rows(chosen: list[Scored], asked: Question, store: IndexStore,
                            settings: AnswerSettings) -> list[Scored]:
    """An answer that asks more than a date, a name, a place, a number or a list does not open with a programme row
    that only records its talk ("Date: 2024-09-12; Speaker(s): Priya Raghunathan; Topic: Why Our Kafka Consumers
    Lagged; Recording: yes" for "why did the consumers fall behind") when a chosen unit of prose scores at least
    `lead_share` of it: the prose opens and the row follows. A row with notes of its own keeps its place. Only the
    order of the quotes changes (the confidence is the chosen units')."""
    if len(chosen) < 2 or asked.intent.name in _TYPED_LEADS or chosen[0].unit.kind != "row" or \
            not _bare_record(chosen[0].unit.members[0], store):
        return chosen
    prose = next((c for c in chosen[1:] if c.unit.kind != "row" and c.score >= chosen[0].score * settings.lead_share),
                 None)
    return chosen if prose is None else [prose, *(c for c in chosen if c is not prose)]


BARE_CELL_WORDS = 2  # a cell of this many words or fewer ("yes", "Room 2") records its talk, it says nothing of it


def _bare_record(row: int, store: IndexStore) -> bool:
    """A table row whose every cell records its talk: the title, a speaker, a date or a time, or a word or two
    ("yes", "Room 2")."""
    talks = [store.talks_by_id[t] for t in talk_ids_of(row, store)]
    if not talks:
        return False
    titles = set().union(*(terms_of(t.title) for t in talks))
    for cell in row_cells(row, store):
        text = display_text(cell)
        words = terms_of(text)
        if len(text.split()) <= BARE_CELL_WORDS or words <= titles or checks.names_speaker_of(text, store, [t.id for t in talks]) \
                or checks.only_dates(text):
            continue
        return False
    return True


def _typed_first(chosen: list[Scored], asked: Question, store: IndexStore) -> list[Scored]:
    """The answer to a when- or how-many question leads with a unit that holds a date or the number, a where-question
    whose lead names no place with a unit that gives one as a field ("Venue: …", a key-value row), a question
    about what an abbreviation stands for with a unit that spells it out, a list question with a list: "when does
    she think it will be stabilised" opens with the line that gives a year, not with the closer line that only
    restates the question; "list the proofs …" with the list of proofs, not the table row that names the talk. The
    others keep their order."""
    if _asks_next_edition(asked):
        return chosen  # led by the line about the next edition (`_next_edition_first`), with or without a place
    if asked.intent.name == "list":
        def holds(c: Scored) -> bool:
            return items_listed(c.unit, store) >= 2  # a list question leads with a list
    elif asked.intent.name == "where":
        if checks.holds(asked.intent, unit_text(chosen[0].unit, store), store):
            return chosen

        def holds(c: Scored) -> bool:  # a place names itself surely only in a field: "Venue: Älvrummet Congress Hall"
            return bool(checks.FIELDS["where"].search(unit_text(c.unit, store)))
    elif asked.intent.name in _NUMBER_OR_DATE or asked.intent.expands or asked.intent.measure == "affiliation" or \
            (asked.intent.name == "definition" and asked.intent.term):
        def holds(c: Scored) -> bool:  # a definition question leads with the unit that defines its term
            text = unit_text(c.unit, store)
            return checks.defines(asked.intent.term or "", text, strictly=True) if asked.intent.name == "definition" \
                else checks.holds(asked.intent, text, store)
    else:
        return chosen
    if asked.intent.name == "quantity" and asked.intent.counted is None and asked.intent.measure is None:
        # Any number answers "how much did p99 latency drop": one beside the question's words answers it best.
        def near(c: Scored) -> bool:
            return checks.number_near(unit_text(c.unit, store), asked.topic)
        chosen = _first_holding(chosen, near)
    return _first_holding(chosen, holds)


def _amenity_first(chosen: list[Scored], ranked: list[Scored], asked: Question, store: IndexStore) -> list[Scored]:
    """A question about an amenity of the event ("where can you park near the venue": `amenities_asked`) whose
    chosen units never speak of it opens with the best-ranked candidate that does ("Parking: the underground car
    park next door …"), from the lead's own note, ahead of the line that only names the venue; with none, the
    answer is declined (`amenity_unsaid`)."""
    wanted = amenities_asked(asked.text)
    if not chosen or not wanted or any(says_amenity(wanted, unit_text(c.unit, store)) for c in chosen):
        return chosen
    lead_note = _doc_of(chosen[0], store)  # the weather of another event's note is no answer
    saying = next((c for c in ranked if _doc_of(c, store) == lead_note and
                   says_amenity(wanted, unit_text(c.unit, store))), None)
    return chosen if saying is None else [saying, *(c for c in chosen if c.unit.members != saying.unit.members)]


_REASON = re.compile(lexicon.REASON, re.I)
_REASON_ASKED = re.compile(lexicon.REASON_ASKED, re.I)


def asks_a_reason(asked: Question) -> bool:
    """A why-question ("why did the coupled runs drift", "what caused the bloat"): lexicon.REASON_ASKED."""
    return asked.intent.name == "explanation" and bool(_REASON_ASKED.search(asked.text))


def _reason_first(chosen: list[Scored], asked: Question, store: IndexStore, settings: AnswerSettings) -> list[Scored]:
    """A why-question whose lead unit gives no reason (lexicon.REASON: "because", "the root cause was", "The
    causes:", in a sentence sharing a word with the question) opens with the first chosen unit that gives one, when
    it scores at least `lead_share` of the lead:
    "A new recommender beat the old one offline and lost 3% revenue" restates the question, "Offline metrics
    rewarded popular items …, because …" answers it. Only the order of the quotes changes (the confidence is the
    chosen units')."""
    if len(chosen) < 2 or not asks_a_reason(asked) or _gives_a_reason(unit_text(chosen[0].unit, store), asked):
        return chosen
    giving = next((c for c in chosen[1:] if _gives_a_reason(unit_text(c.unit, store), asked)), None)
    if giving is None or giving.score < chosen[0].score * settings.lead_share:
        return chosen
    return [giving, *(c for c in chosen if c is not giving)]


def _gives_a_reason(text: str, asked: Question) -> bool:
    """Some sentence of the text gives a reason (lexicon.REASON) and shares a word with the question: "booths selling
    'AI root cause'" gives none for "why not average the p99 of each pod"."""
    shown = display_text(text)
    return any(_REASON.search(shown[a:b]) and asked.wanted & terms_of(shown[a:b])
               for a, b in sentence_spans(shown, 0, len(shown)))


def _year_first(chosen: list[Scored], asked: Question, store: IndexStore) -> list[Scored]:
    """A question naming an event's edition ("where will PyAdriatic 2024 be held") does not open on a line that names
    only another year ("My notes from PyAdriatic 2023 (Split, …)") when a chosen line names the year asked."""
    years = {year for _name, year in editions_named(asked.text)}  # a year in a title ("Build vs Buy in 2025") is none
    if not years:
        return chosen

    def names_asked(c: Scored) -> bool:
        return bool(set(years_named(unit_text(c.unit, store))) & years)

    lead_years = years_named(unit_text(chosen[0].unit, store)) if chosen else ()
    if not lead_years or names_asked(chosen[0]):
        return chosen
    return _first_holding(chosen, names_asked)


def _first_holding(chosen: list[Scored], holds: Callable[[Scored], bool]) -> list[Scored]:
    """The chosen units with the first that holds what is asked for moved to the front (unless the lead does)."""
    if not chosen or holds(chosen[0]):
        return chosen
    holding = next((c for c in chosen[1:] if holds(c)), None)
    return chosen if holding is None else [holding, *(c for c in chosen if c is not holding)]


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
# Of those, the ones whose check is strict enough to choose or cut units by (a place check takes any "in Lisbon").
_NUMBER_OR_DATE = ("quantity", "when")


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


# The words that ask for advice outright ("what did she recommend", "his main takeaways"); "should" and "rules"
# ask about the topic as often.
# (Whole words: a "recommender system" asks for no advice.)
_ADVICE_ASKED = re.compile(r"\b(?:recommend(?:s|ed|ations?)?|advi[sc]e[sd]?|suggest(?:s|ed|ions?)?|takeaways?|"
                           r"lessons?|tips?|guidelines?)\b", re.I)


def _advice_first(scored: list[Scored], asked: Question, store: IndexStore) -> list[Scored]:
    """"What did Zhou recommend?": a section the notes head as advice ("## Takeaways", "Lessons learned",
    "Recommendations"), or a list they introduce as advice ("Her rules for sound captions:", "His advice:"),
    answers a question that asks for advice, ahead of a line that is merely close to the question's words. The best
    such unit leads; the rest keep their order."""
    if not _ADVICE_ASKED.search(asked.text):
        return scored
    advice = [s for s in scored if (s.unit.kind == "section" and heading_terms(
              store.sentences[s.unit.members[0]].chunk, store) & _ADVICE) or (
              s.unit.kind == "lead-in" and terms_of(store.sentences[s.unit.members[0]].text) & _ADVICE
              and items_listed(s.unit, store) >= 2)]
    if not advice:
        return scored
    best = max(advice, key=lambda s: s.score)
    top = max(s.score for s in scored)
    return [replace(best, score=top + 1.0), *(s for s in scored if s is not best)]


FIELD_PASSAGES = 3  # a field leads from one of this many best passages when the question names no note


# A when-question that also asks where ("when and where was it held"), or the other way round.
_ALSO_ASKED = {"when": re.compile(r"\bwhere\b", re.I), "where": re.compile(r"\bwhen\b", re.I)}


def _fields_asked(asked: Question) -> list[str]:
    """The fields a question asks for: "where", "when", or both ("when and where was it held"), the intent's
    first; none for a time of day or a room (a city is a note's place field's to give)."""
    name = asked.intent.name
    if name not in checks.FIELDS or asked.intent.measure not in (None, "city") or _asks_next_edition(asked):
        return []  # the fields of a note give its own edition's place and dates, not the next one's
    other = "where" if name == "when" else "when"
    return [name, other] if _ALSO_ASKED[name].search(asked.text) else [name]


def _fields_first(scored: list[Scored], asked: Question, store: IndexStore, settings: AnswerSettings) -> list[Scored]:
    """"Where was NeurIPS 2025 held?": a field the notes label as the place ("Location: San Diego, CA, USA")
    answers a where-question, and one labelled as the date a when-question, ahead of a line that is merely close to
    the question's words ("I had the pleasure to be sent to NeurIPS"), when it is in a note the question names
    or, if it names none, in one of its best passages. The best such field leads ("when and where": the best of
    each, the date first); the rest keep their order. Not for a question asking for a time of day or a room,
    which a date or a city does not answer."""
    kinds = _fields_asked(asked)
    if not kinds or not scored:
        return scored

    def of_the_question(s: Scored) -> bool:
        # From a note the question names by its title ("NeurIPS 2025"), else from one of the best passages or a
        # note whose title shares a word with the question: the venue of another event's note is no answer.
        chunk = store.sentences[s.unit.members[0]].chunk
        year = int(store.chunk_year[chunk])
        if asked.intent.years and year != NO_YEAR and year not in asked.intent.years:
            return False  # "Venue:" of the 2023 edition's notes is no answer to "where will PyAdriatic 2024 be"
        if asked.notes:
            return int(store.chunk_doc[chunk]) in asked.notes
        headed = _headed_by([chunk], store)
        if headed & asked.content:
            return True
        # One of the best passages, if it shares a word (not a year) with the question: "Dates: …; Location:
        # Wedding" of a Berlin meetup's note does not answer "in which city will PyAdriatic 2024 be held".
        named = {t for t in asked.content if not t.isdigit()}
        return s.features.get("rank", 0.0) >= 1.0 / FIELD_PASSAGES and (
            not named or bool(named & (terms_of(store.chunks[chunk].text) | headed)))

    openings = _note_openings(asked, store, settings)
    picked: list[Scored] = []
    for kind in kinds:
        fields = [s for s in scored if all(s is not p for p in picked)
                  and checks.FIELDS[kind].search(unit_text(s.unit, store)) and of_the_question(s)]
        fields += [s for s in openings if all(s is not p for p in picked)
                   and checks.holds(Intent(name=kind), unit_text(s.unit, store), store)]
        if fields:
            picked.append(max(fields, key=lambda s: s.score))
    if not picked:
        return scored
    top = max(s.score for s in scored)
    return [replace(s, score=top + len(picked) - i) for i, s in enumerate(picked)] + \
        [s for s in scored if all(s is not p for p in picked)]


def _note_openings(asked: Question, store: IndexStore, settings: AnswerSettings) -> list[Scored]:
    """When the question asks when or where the event of a note it names was, and nothing more ("when and where did
    Vistula Rust Meetup #41 happen"): the opening paragraph of that note, under its title and before any other
    heading, where notes say when and where their event was, labelled or not ("Wednesday, 15 May 2024,
    18:30–21:45 / Hosted at the Sowa Systems office, Kraków")."""
    openings: list[Scored] = []
    if asked.route and asked.route.talk_ids:
        return openings  # "when did Restrepo give her talk at RecoCon" asks about a talk, not the event
    for doc in asked.notes:
        chunk_ids = np.flatnonzero(store.chunk_doc == doc)
        if not len(chunk_ids) or asked.content - _headed_by([int(chunk_ids[0])], store):
            continue  # a question about more than the note's event
        chunk_id = int(chunk_ids[0])
        chunk = store.chunks[chunk_id]
        start, end = (int(x) for x in store.sentences_by_chunk.starts[chunk_id:chunk_id + 2])
        if chunk.section != chunk.title or start == end:
            continue  # the note opens with a heading below its title
        members = (start, *paragraph_rest(start, store, settings))
        openings.append(Scored(Unit(members, "continued", 0.0), 0.0))
    return openings


def _leads_first(scored: list[Scored], asked: Question, store: IndexStore, settings: AnswerSettings) -> list[Scored]:
    """The scored units with the one that holds what the question asks for moved to the front, whatever its score:
    a role's line, a person of the organisation given, the row giving the column asked for, an advice section,
    then a field or a note's opening lines giving the place or the date (each step leads over the ones before)."""
    for step in (_kind_lines_first, _role_lines_first, _people_of_the_organisation_first, _person_asked_first,
                 _column_asked_first, _advice_first):
        scored = step(scored, asked, store)
    scored = _amount_of_the_topic_first(scored, asked, store, settings)
    return _next_edition_first(_fields_first(scored, asked, store, settings), asked, store)


# A question about the next edition of an event ("where is the next NordClim", "which city will host OpenGeo Days
# 2026"), and a line that says where or when it will be ("Next edition announced for Tromsø", "next SoundCode =
# Feb 2027"): not the team's "Next meeting", the event's next talk or day.
_NEXT_EDITION_ASKED = re.compile(lexicon.NEXT_EDITION_ASKED, re.I)
_NEXT_EDITION = re.compile(lexicon.NEXT_EDITION, re.I)


def _asks_next_edition(asked: Question) -> bool:
    """A where- or when-question about an event's next edition."""
    return asked.intent.name in ("where", "when") and bool(_NEXT_EDITION_ASKED.search(asked.text))


def _next_edition_first(scored: list[Scored], asked: Question, store: IndexStore) -> list[Scored]:
    """"Where is the next NordClim Modelling Days?": the best line that speaks of the next edition leads, however
    far it ranks below the place or the date the note gives for its own edition."""
    if not scored or not _asks_next_edition(asked):
        return scored
    speaking = [s for s in scored if _NEXT_EDITION.search(unit_text(s.unit, store))]
    return _leading(max(speaking, key=lambda s: s.score), scored) if speaking else scored


def _amount_of_the_topic_first(scored: list[Scored], asked: Question, store: IndexStore,
                               settings: AnswerSettings) -> list[Scored]:
    """"What was the p99 write latency after the fixes?": a quantity is answered by a number next to what the
    question measures ("p99 write latency; Before: 184 ms; After: 62 ms"), not by the best unit that has some
    number ("the leader is moved every 8 hours"). When the best unit has none beside the question's words, the
    best that has one, and would join the answer, leads."""
    if asked.intent.name != "quantity" or not scored or not asked.content:
        return scored
    best = max(scored, key=lambda s: s.score)
    near = [s for s in scored if s.score >= best.score * settings.keep_ratio
            and checks.number_near(_as_one_clause(s.unit, store), asked.content)
            and checks.holds(asked.intent, unit_text(s.unit, store), store)]  # a share for "what share", …
    if not near or best in near:
        return scored
    return _leading(max(near, key=lambda s: s.score), scored)


def _as_one_clause(unit: Unit, store: IndexStore) -> str:
    """A unit's text, a table row's cells read as one clause ("p99 write latency 184 ms 62 ms": the figure is the
    row's measure's)."""
    if all(store.sentences[m].kind == "row" for m in unit.members):
        return " ".join(cell for m in unit.members for cell in row_cells(m, store))
    return unit_text(unit, store)


def _best_leading(holding: list[Scored], scored: list[Scored]) -> list[Scored]:
    """The best-scored of the units that hold what is asked leads (`_leading`); with none, the order stays."""
    return _leading(max(holding, key=lambda s: s.score), scored) if holding else scored


def _leading(best: Scored, scored: list[Scored]) -> list[Scored]:
    """`best` first, scored above every unit, and the others in their order."""
    return [replace(best, score=max(s.score for s in scored) + 1.0), *(s for s in scored if s is not best)]


def _column_asked_first(scored: list[Scored], asked: Question, store: IndexStore) -> list[Scored]:
    """"What topic is the Responsible AI panel filed under?": the question asks for a column of a table ("Topic")
    and a row of that table about the talk it names (or any, if it names none) gives it; the best such row leads."""
    if asked.head is None or not scored:
        return scored
    named = set(asked.route.talk_ids) if asked.route and asked.route.talk_ids else set()

    def gives(s: Scored) -> bool:
        first = s.unit.members[0]
        if store.sentences[first].kind != "row" or (named and not named & set(talk_ids_of(first, store))):
            return False
        return any(asked.head in terms_of(column) for column in table_header(first, store))

    rows = [s for s in scored if gives(s)]
    return _leading(max(rows, key=lambda s: s.score), scored) if rows else scored


def _people_of_the_organisation_first(scored: list[Scored], asked: Question, store: IndexStore) -> list[Scored]:
    """"Which speaker came from Preferred Networks?": a who-question that gives an organisation is answered by a
    unit that writes the organisation and names someone ("Takeshi Yamamoto (Preferred Networks)"); the best such
    unit leads, however close a line about "networks" is."""
    found = _FROM_ORGANISATION.search(asked.text) if asked.asks_who else None
    if not found or not scored:
        return scored
    organisation = re.compile(r"\b" + r"\s+".join(map(re.escape, found.group("org").split())) + r"\b", re.I)
    holding = [s for s in scored if organisation.search(text := unit_text(s.unit, store))
               and checks.names_someone(text, store, besides=asked.intent.names)]
    return _best_leading(holding, scored)


def _kind_lines_first(scored: list[Scored], asked: Question, store: IndexStore) -> list[Scored]:
    """"Who was the keynote speaker at PCLR 2024?": a question for the person who gave a kind of talk is led by the
    best unit that opens by naming that kind and names someone ("**09:00 Keynote.** Prof. Adaeze Nwosu …"), not
    by a closer line about an oral session."""
    if not asks_for_a_person(asked) or asked.roles:
        return scored  # a role asked ("who moderated the panel") is answered by the role's lines
    words = [word for word, kind in lexicon.KIND_IN_HEADING if kind not in ("talk", "session")
             and re.search(rf"\b{re.escape(word)}s?\b", asked.text, re.I)]
    if not words:
        return scored
    kind = re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")s?\b", re.I)
    holding = [s for s in scored if kind.search(display_text(store.sentences[s.unit.members[0]].text))
               and checks.names_someone(unit_text(s.unit, store), store, besides=asked.intent.names)]
    return _best_leading(holding, scored)


def _person_asked_first(scored: list[Scored], asked: Question, store: IndexStore) -> list[Scored]:
    """"Who is Marit Eliassen and what was her role?": a question about who a person is leads with the best unit
    that names them by their full name ("accompanied by Marit Eliassen (Asset Management), who attended Session
    B"), however close a line about the trip is."""
    found = _PERSON_ASKED.search(asked.text)
    if not found or not scored:
        return scored
    person = re.compile(r"\b" + r"\s+".join(map(re.escape, found.group("name").split())) + r"\b")
    holding = [s for s in scored if person.search(unit_text(s.unit, store))]
    return _best_leading(holding, scored)


# A question about who a person is, by a full name: "Who is Marit Eliassen", "who was Dr. Ana Ruiz and …".
_PERSON_ASKED = re.compile(r"^(?i:and )?(?i:who)(?:'s| is| was)\s+(?:(?:Dr|Prof|Mr|Mrs|Ms)\.?\s+)?"
                           r"(?P<name>[A-Z][\w'’-]+(?:\s+(?:(?:van|von|de|da|del|der|la|le)\s+)?[A-Z][\w'’-]+){1,3})\b")


# The organisation a who-question places someone in: "came from Preferred Networks", "the speaker representing
# Fjordline", "who works at Kōsei Research" (not "at LowRes 2024": an event).
_FROM_ORGANISATION = re.compile(r"\b(?:from|representing|work(?:s|ed)? (?:at|for))\s+(?:the\s+)?"
                                r"(?P<org>[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,4})")


def _role_lines_first(scored: list[Scored], asked: Question, store: IndexStore) -> list[Scored]:
    """"Who chaired RustNorth?": when a unit says the role and names someone ("Opening remarks were by the
    conference chair, Astrid Nilsen"), only such units answer; a line without the role is not the answer, however
    close to the question it is. Each role the question asks about ("who chaired the panel, and who were the
    panellists?") leads with its own best unit, in the order asked; for a role asked in the plural ("panellists")
    a unit that names several people comes before one that names one, and a unit that opens with the role before
    one that names it further on."""
    if not (asked.asks_who and asked.roles):
        return scored
    text = {id(s): unit_text(s.unit, store) for s in scored}
    naming_the_role = [s for s in scored if any(lexicon.ROLES[r].search(text[id(s)]) for r in asked.roles)
                       and checks.names_someone(text[id(s)], store)]
    if not naming_the_role:
        return scored
    plural = set(roles_asked_in_plural(asked.text))
    picked: list[Scored] = []
    for role in asked.roles:
        taken = {m for s in picked for m in s.unit.members}  # a unit quoting an earlier pick's lines is no pick
        fitting = [s for s in naming_the_role if lexicon.ROLES[role].search(text[id(s)]) and s not in picked
                   and not taken & set(s.unit.members)]
        if not fitting:
            continue
        several = [s for s in fitting if checks.people_named(text[id(s)], store) > 1] if role in plural else []
        # A unit that opens by naming the role comes before one that names it further on (a heading's unit
        # listing the panellists before the moderator's line).
        opening = [s for s in several or fitting
                   if lexicon.ROLES[role].search(display_text(store.sentences[s.unit.members[0]].text))]
        picked.append(max(opening or several or fitting, key=lambda s: s.score))
    # The picks lead, in the order their roles were asked; the other units naming a role follow.
    top = max(s.score for s in naming_the_role)
    lead = [Scored(s.unit, top + len(picked) - i) for i, s in enumerate(picked)]
    return lead + [s for s in naming_the_role if s not in picked]


def roles_asked_in_plural(question: str) -> tuple[str, ...]:
    """The roles a who-question asks about in the plural ("who were the panellists", "the co-authors")."""
    return tuple(role for role in roles_asked(question)
                 if any(m.group(0).lower().endswith("s") and not m.group(0).lower().endswith("ss")
                        for m in lexicon.ROLES[role].finditer(question)))


def _role_words_answered(asked: Question, quoted_terms: set[str], quoted: list[str]) -> set[str]:
    """The question's words for the roles it asks about that the quoted units do not use, when a quoted unit
    names the same role in another word ("chaired" asked, "moderated by" quoted)."""
    out: set[str] = set()
    for role in asked.roles:
        if any(lexicon.ROLES[role].search(text) for text in quoted):
            out |= {t for m in lexicon.ROLES[role].finditer(asked.text) for t in terms(m.group(0))} - quoted_terms
    return out


def _threshold(settings: AnswerSettings) -> float:
    return settings.abstain_below if settings.abstain_below is not None else model().threshold


# -- scoring -------------------------------------------------------------------------------------------------------
def _too_short(text: str, asked: Question, settings: AnswerSettings) -> bool:
    """Fewer words than an answer needs (`min_unit_words`), unless it is the field a where- or when-question asks
    for ("Location: Ljubljana, Slovenia")."""
    if len(text.split()) >= settings.min_unit_words:
        return False
    return not any(checks.FIELDS[kind].search(text) for kind in _fields_asked(asked))


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


_ADVICE = frozenset(terms(lexicon.ADVICE_WORDS))


# What a when-question asks for, not what it is about: "on which day" names no "## Day 2" section.
_WHEN_ASKED = frozenset(terms("day date time hour"))


def names_heading(asked: Question, chunk_id: int, store: IndexStore) -> bool:
    """Whether the question names the passage's innermost heading: a shared word beyond the talk or speaker it
    names, or advice on both sides ("what did she recommend" and "## Takeaways")."""
    heading = heading_terms(chunk_id, store)
    unnamed = asked.unnamed - _WHEN_ASKED if asked.intent.name == "when" else asked.unnamed
    return bool(unnamed & heading) or bool(unnamed & _ADVICE and heading & _ADVICE)


def heading_terms(chunk_id: int, store: IndexStore) -> frozenset[str]:
    """Terms of the innermost heading of a passage's section."""
    return terms_of(heading_of(chunk_id, store))


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
    if asked.intent.name not in _NUMBER_OR_DATE or not more:
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
    if asked.intent.name not in _NUMBER_OR_DATE:
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
    typed = Intent(name=asked.intent.name) if asked.intent.name in _NUMBER_OR_DATE and not asked.asks_more else None
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
        if chosen and asked.intent.name in checks.FIELDS and checks.FIELDS[asked.intent.name].search(text) and \
                _doc_of(candidate, store) != _doc_of(chosen[0], store) and \
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


def _doc_of(candidate: Scored, store: IndexStore) -> int:
    return int(store.chunk_doc[store.sentences[candidate.unit.members[0]].chunk])


def _about_another_talk(candidate: Scored, lead: Scored, named: set[str], store: IndexStore) -> bool:
    """The candidate's lines are about a talk, and about none of the question's named talks or the lead's."""
    about = set(talk_ids_of(candidate.unit.members[0], store))
    known = named | set(talk_ids_of(lead.unit.members[0], store))
    return bool(about and known) and not about & known


# Intents whose lead is the unit that holds what they ask for, not the one that repeats the question's words.
_TYPED_LEADS = ("when", "quantity", "list", "who", "where")


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

    if asked.intent.name in _TYPED_LEADS:
        return chosen  # a date, a number, a list, a name or a place leads those (_typed_first, the who-checks)
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
    evidence_terms = set(terms(evidence_text)) | _headed_by([h.chunk for h in pool[:3]], store)
    quoted = [unit_text(c.unit, store) for c in chosen]
    quoted_terms: set[str] = set().union(*(terms_of(text) for text in quoted),
                                         _headed_by([store.sentences[c.unit.members[0]].chunk for c in chosen], store))
    route = asked.route
    routed = bool(route and route.talk_ids and any(h.in_route for h in pool))
    # "Who chaired the panel?" answered by "moderated by Ole Sorensen": the role word is answered in the notes'
    # own word for the role (lexicon.ROLES), so it is no longer a topic word the quoted units lack.
    content = asked.content - _role_words_answered(asked, quoted_terms, quoted) - FORM_TERMS
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


def _headed_by(chunk_ids: list[int], store: IndexStore) -> frozenset[str]:
    """Terms of the titles of the notes the passages stand in."""
    return frozenset().union(*(terms_of(store.chunks[c].title) for c in chunk_ids))


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
        parent = store.talks_by_id.get(talk.part_of) if talk and talk.part_of else None
        citations.append(Citation(
            n=n, doc=chunk.doc, title=chunk.title, section=chunk.section, talk=talk.title if talk else None,
            speakers=list(talk.speakers) if talk else [], part_of=parent.title if parent else None, quote=quote,
            line_start=first.line_start, line_end=last.line_end, score=round(item.score, 4),
            columns=table_header(members[0], store) if first.kind == "row" else [],
        ))
        text = _lead_text(unit, asked, store, settings) if n == 1 else unit_text(unit, store)
        if n == 1 and unit.kind != "talk" and _WHICH_TALK.search(asked.text) and \
                (line := _line_of_the_talk_asked(unit, asked, store)) is not None:
            text, talk = line  # "which talk was about cheap optical tracking": the item about it, of a list of talks
        if n == 1 and asked.intent.name == "when":
            text = _with_the_day(text, first.chunk, store)
        if unit.kind == "talk" and talk is not None:
            text = _naming_the_talk(text, talk, speakers_once=False)
        elif n == 1 and talk is not None and _WHICH_TALK.search(asked.text) and talk.title.lower() not in text.lower():
            text = _naming_the_talk(text, talk, speakers_once=True)  # "which talk had the ghost overlay"
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
    heading = display_text(heading_of(chunk_id, store)).strip()
    if not heading or checks.holds(_DAY_ASKED, text, store) or not checks.holds(_DAY_ASKED, heading, store):
        return text
    return f"{heading.rstrip(':. ')}: {text}"


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
    if asks_a_reason(asked) and not _REASON.search(pieces[best][1]):
        # "Why did it lose revenue?": "It lost 3% revenue in the A/B test" restates the question; the sentence
        # that gives the reason opens the answer.
        return next((i for i in opening if _REASON.search(pieces[i][1])), best)
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
    """An answer to a question about one year whose lead is drawn from a note about another, and does not name
    the year asked itself, says so."""
    if not asked.intent.years or not citations:
        return []
    year = store.doc_years.get(citations[0].doc)
    if year is None or year in asked.intent.years or set(years_named(citations[0].quote)) & set(asked.intent.years):
        return []  # "Backend Days 2026 is set for 18–19 May 2026", quoted from the 2025 note, is about 2026
    named = " or ".join(str(y) for y in asked.intent.years)
    return [f"the question names {named}, but [1] comes from notes about {year}"]
