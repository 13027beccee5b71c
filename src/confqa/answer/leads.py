"""Which chosen unit leads the answer. Selection (confqa.answer.extractive) picks the units; these steps only
move the one that answers what the intent asks to the front: a when- or how-many question's date or number, a
list question's list, a where-question's field, a definition's defining line, a why-question's reason, the line
naming the person asked, the edition asked, an amenity asked; and a programme row never opens a question that
asks more than it records. Each step returns a new list and scores nothing; the steps for a place or a date may
bring in the field or the opening lines of a note that hold it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from confqa.answer import checks
from confqa.answer.intents import Intent
from confqa.answer.question import (
    Question,
    Scored,
    roles_asked,
    talk_ids_of,
    terms_of,
)
from confqa.answer.readable import display_text
from confqa.answer.unanswered import (
    amenities_asked,
    asks_for_a_person,
    editions_named,
    says_amenity,
)
from confqa.answer.units import (
    Unit,
    heading_of,
    items_listed,
    paragraph_rest,
    row_cells,
    table_header,
    unit_text,
)
from confqa.index.store import NO_YEAR, IndexStore
from confqa.lexical import terms, years_named
from confqa.settings import AnswerSettings
from confqa.text import lexicon
from confqa.text.sentences import sentence_spans

ADVICE = frozenset(terms(lexicon.ADVICE_WORDS))


# What a when-question asks for, not what it is about: "on which day" names no "## Day 2" section.
TYPED_LEADS = ("when", "quantity", "list", "who", "where")


def heading_terms(chunk_id: int, store: IndexStore) -> frozenset[str]:
    """Terms of the innermost heading of a passage's section."""
    return terms_of(heading_of(chunk_id, store))


def headed_by(chunk_ids: list[int], store: IndexStore) -> frozenset[str]:
    """Terms of the titles of the notes the passages stand in."""
    return frozenset().union(*(terms_of(store.chunks[c].title) for c in chunk_ids))


def doc_of(candidate: Scored, store: IndexStore) -> int:
    return int(store.chunk_doc[store.sentences[candidate.unit.members[0]].chunk])


def prose_before_bare_rows(chosen: list[Scored], asked: Question, store: IndexStore,
                            settings: AnswerSettings) -> list[Scored]:
    """An answer that asks more than a date, a name, a place, a number or a list does not open with a programme row
    that only records its talk ("Date: 2024-09-12; Speaker(s): Priya Raghunathan; Topic: Why Our Kafka Consumers
    Lagged; Recording: yes" for "why did the consumers fall behind") when a chosen unit of prose scores at least
    `lead_share` of it: the prose opens and the row follows. A row with notes of its own keeps its place. Only the
    order of the quotes changes (the confidence is the chosen units')."""
    if len(chosen) < 2 or asked.intent.name in TYPED_LEADS or chosen[0].unit.kind != "row" or \
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


def typed_first(chosen: list[Scored], asked: Question, store: IndexStore) -> list[Scored]:
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
    elif asked.intent.name in NUMBER_OR_DATE or asked.intent.expands or asked.intent.measure == "affiliation" or \
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


def amenity_first(chosen: list[Scored], ranked: list[Scored], asked: Question, store: IndexStore) -> list[Scored]:
    """A question about an amenity of the event ("where can you park near the venue": `amenities_asked`) whose
    chosen units never speak of it opens with the best-ranked candidate that does ("Parking: the underground car
    park next door …"), from the lead's own note, ahead of the line that only names the venue; with none, the
    answer is declined (`amenity_unsaid`)."""
    wanted = amenities_asked(asked.text)
    if not chosen or not wanted or any(says_amenity(wanted, unit_text(c.unit, store)) for c in chosen):
        return chosen
    lead_note = doc_of(chosen[0], store)  # the weather of another event's note is no answer
    saying = next((c for c in ranked if doc_of(c, store) == lead_note and
                   says_amenity(wanted, unit_text(c.unit, store))), None)
    return chosen if saying is None else [saying, *(c for c in chosen if c.unit.members != saying.unit.members)]


REASON_GIVEN = re.compile(lexicon.REASON, re.I)
_REASON_ASKED = re.compile(lexicon.REASON_ASKED, re.I)


def asks_a_reason(asked: Question) -> bool:
    """A why-question ("why did the coupled runs drift", "what caused the bloat"): lexicon.REASON_ASKED."""
    return asked.intent.name == "explanation" and bool(_REASON_ASKED.search(asked.text))


def reason_first(chosen: list[Scored], asked: Question, store: IndexStore, settings: AnswerSettings) -> list[Scored]:
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
    return any(REASON_GIVEN.search(shown[a:b]) and asked.wanted & terms_of(shown[a:b])
               for a, b in sentence_spans(shown, 0, len(shown)))


def year_first(chosen: list[Scored], asked: Question, store: IndexStore) -> list[Scored]:
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


# Intents whose check is strict enough to choose or cut units by (a place check takes any "in Lisbon").
NUMBER_OR_DATE = ("quantity", "when")


def _first_holding(chosen: list[Scored], holds: Callable[[Scored], bool]) -> list[Scored]:
    """The chosen units with the first that holds what is asked for moved to the front (unless the lead does)."""
    if not chosen or holds(chosen[0]):
        return chosen
    holding = next((c for c in chosen[1:] if holds(c)), None)
    return chosen if holding is None else [holding, *(c for c in chosen if c is not holding)]


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
              store.sentences[s.unit.members[0]].chunk, store) & ADVICE) or (
              s.unit.kind == "lead-in" and terms_of(store.sentences[s.unit.members[0]].text) & ADVICE
              and items_listed(s.unit, store) >= 2)]
    if not advice:
        return scored
    best = max(advice, key=lambda s: s.score)
    top = max(s.score for s in scored)
    return [replace(best, score=top + 1.0), *(s for s in scored if s is not best)]


FIELD_PASSAGES = 3  # a field leads from one of this many best passages when the question names no note


# A when-question that also asks where ("when and where was it held"), or the other way round.
_ALSO_ASKED = {"when": re.compile(r"\bwhere\b", re.I), "where": re.compile(r"\bwhen\b", re.I)}


def fields_asked(asked: Question) -> list[str]:
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
    kinds = fields_asked(asked)
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
        headed = headed_by([chunk], store)
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
        labels = _labels_named(kind, asked.text)
        if len(labels) > 1:
            # "nsas 2024 venue and city": the best field of each label the question names ("Venue: Älvrummet
            # Congress Hall", "City: Gothenburg, Sweden").
            for label in labels:
                own = [s for s in fields if all(s is not p for p in picked) and label.search(unit_text(s.unit, store))]
                if own:
                    picked.append(max(own, key=lambda s: s.score))
            continue
        fields += [s for s in openings if all(s is not p for p in picked)
                   and checks.holds(Intent(name=kind), unit_text(s.unit, store), store)]
        if fields:
            picked.append(max(fields, key=lambda s: s.score))
    if not picked:
        return scored
    top = max(s.score for s in scored)
    return [replace(s, score=top + len(picked) - i) for i, s in enumerate(picked)] + \
        [s for s in scored if all(s is not p for p in picked)]


# The labels of a field of each kind, as a question names them ("venue", "city"; not the asking "where" or "when"),
# each with the pattern of a field so labelled.
_FIELD_LABELS = {kind: [(re.compile(rf"\b{label}\b", re.I), re.compile(rf"(?:^|;\s){label}\s*:\s*\S", re.I))
                        for label in fields.split("|") if label not in ("where", "when")]
                 for kind, fields in (("where", lexicon.PLACE_FIELDS), ("when", lexicon.TIME_FIELDS))}


def _labels_named(kind: str, question: str) -> list[re.Pattern[str]]:
    """The patterns of the fields of this kind whose labels the question names."""
    return [field for named, field in _FIELD_LABELS[kind] if named.search(question)]


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
        if not len(chunk_ids) or asked.content - headed_by([int(chunk_ids[0])], store):
            continue  # a question about more than the note's event
        chunk_id = int(chunk_ids[0])
        chunk = store.chunks[chunk_id]
        start, end = (int(x) for x in store.sentences_by_chunk.starts[chunk_id:chunk_id + 2])
        if chunk.section != chunk.title or start == end:
            continue  # the note opens with a heading below its title
        members = (start, *paragraph_rest(start, store, settings))
        openings.append(Scored(Unit(members, "continued", 0.0), 0.0))
    return openings


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
EVENT_TIME_SENTENCES = 3  # the opening sentences of a note where it says when its event was ("Meetup on Tuesday 14 March")


def event_time(asked: Question, store: IndexStore) -> Scored | None:
    """'When was "Register Allocation Is Still Hard"?' over notes that give no time for the talk itself: the
    sentence among the first `EVENT_TIME_SENTENCES` of the talk's note that says when its event was ("Meetup on
    Tuesday 14 March 2023, 18:30–22:00"), or None. The same for where a talk was given, over notes that give no
    place for it ("Monday 22 June 2026, Room K-204, Alpenforum Centre, Zurich.")."""
    if not (asked.route and asked.route.talk_ids):
        return None
    names = store.doc_names
    for talk_id in asked.route.talk_ids:
        for doc_name in store.talks_by_id[talk_id].docs if talk_id in store.talks_by_id else ():
            if doc_name not in names:
                continue
            chunk_ids = np.flatnonzero(store.chunk_doc == names.index(doc_name))
            opening = [sid for chunk in chunk_ids[:2].tolist() for sid in store.sentences_by_chunk[int(chunk)]]
            for sid in opening[:EVENT_TIME_SENTENCES]:
                # a year alone ("Notes from CELS 2023") says no more than the question's own notes do
                if checks.holds(asked.intent, _YEAR.sub(" ", display_text(store.sentences[sid].text)), store):
                    return Scored(Unit((sid,), "sentence", 0.0), 0.0)
    return None


def leads_first(scored: list[Scored], asked: Question, store: IndexStore, settings: AnswerSettings) -> list[Scored]:
    """The scored units with the one that holds what the question asks for moved to the front, whatever its score:
    a role's line, a person of the organisation given, the row giving the column asked for, an advice section,
    then a field or a note's opening lines giving the place or the date (each step leads over the ones before)."""
    for step in (_kind_lines_first, _role_lines_first, _people_of_the_organisation_first, _person_asked_first,
                 _column_asked_first, _advice_first):
        scored = step(scored, asked, store)
    scored = _amount_of_the_topic_first(_head_named_first(scored, asked, store, settings), asked, store, settings)
    return _next_edition_first(_fields_first(scored, asked, store, settings), asked, store)


# Most words of a label that names what its sentence gives: "Our rule since then:", "Tool of choice:".
LABEL_WORDS = 5
_LABEL = re.compile(rf"^\W*((?:[\w'’-]+\s+){{0,{LABEL_WORDS - 1}}}[\w'’-]+)\s*:\s+\S")


def _head_named_first(scored: list[Scored], asked: Question, store: IndexStore,
                      settings: AnswerSettings) -> list[Scored]:
    """"What rule did Eriksen-Vale's team adopt after the cleanup?": a unit whose first sentence opens on a label
    naming the thing asked for ("Our rule since then: no page without a runbook.") gives it, ahead of a line that
    is merely closer to the question's words ("In one big cleanup we deleted 412 alerts"). The best such unit
    that would join the answer (scoring at least `keep_ratio` of the best) leads."""
    if asked.head is None or asked.intent.name != "fact" or not scored:
        return scored
    best = max(s.score for s in scored)

    def names_the_head(s: Scored) -> bool:
        label = _LABEL.match(display_text(store.sentences[s.unit.members[0]].text))
        return bool(label) and asked.head in terms_of(label.group(1))

    naming = [s for s in scored if s.score >= best * settings.keep_ratio and names_the_head(s)]
    return _best_leading(naming, scored)


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
    speaking = [s for s in scored if _NEXT_EDITION.search(unit_text(s.unit, store))
                and _of_a_year_asked(unit_text(s.unit, store), asked)]
    return _leading(max(speaking, key=lambda s: s.score), scored) if speaking else scored


def _of_a_year_asked(text: str, asked: Question) -> bool:
    """The text names no year, or one the question names: "next edition in Montréal in 2024" does not say where
    the 2023 edition will be. A question asking for the edition after the one it names ("the next BioData Nordic
    after the 2021 one") takes any later year."""
    named = set(years_named(text))
    if not asked.intent.years or not named:
        return True
    if _AFTER_THE_ONE_NAMED.search(asked.text):
        return max(named) > min(asked.intent.years)
    return bool(named & set(asked.intent.years))


_AFTER_THE_ONE_NAMED = re.compile(r"\b(?:next|after|following)\b", re.I)


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


def role_words_answered(asked: Question, quoted_terms: set[str], quoted: list[str]) -> set[str]:
    """The question's words for the roles it asks about that the quoted units do not use, when a quoted unit
    names the same role in another word ("chaired" asked, "moderated by" quoted)."""
    out: set[str] = set()
    for role in asked.roles:
        if any(lexicon.ROLES[role].search(text) for text in quoted):
            out |= {t for m in lexicon.ROLES[role].finditer(asked.text) for t in terms(m.group(0))} - quoted_terms
    return out
