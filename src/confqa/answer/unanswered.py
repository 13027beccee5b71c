"""Checks that the notes do not answer the question, however close its quoted lines are to it: a name no note
writes or an edition of an event they do not cover (`outside_the_notes`, for any answer), and for an answer from
the lines (`not_answered`) a topic the named speaker never spoke of, a talk the notes only list, a speaker placed in
someone else's talk, a paper or book not named, a who-question answered by no name, a price, count, time of day or
room asked for and not given, fewer items than a list question counts, what a thing the notes never name was like.
Each check returns the reason it declines, in words a reader is shown. An answer a check declines abstains
whatever its confidence, says why, and its evidence says so (`UNANSWERED`); the confidence fit leaves such questions
out."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

import numpy as np

from confqa.answer import checks
from confqa.answer.question import FORM_TERMS, Question, Scored, asks_what_it_was_like, sentences_of_talks, terms_of
from confqa.answer.readable import display_text
from confqa.answer.units import heading_giving, heading_of, items_listed, row_has_notes, unit_text
from confqa.index.store import NO_YEAR, IndexStore
from confqa.lexical import STOPWORDS, surname, terms
from confqa.search.base import Hit, TalkRoute
from confqa.search.routing import ASKING_TERMS
from confqa.settings import AnswerSettings
from confqa.text import lexicon
from confqa.text.sentences import sentence_spans

UNANSWERED = "unanswered"  # the evidence key that says a check found the quoted lines do not answer the question


def not_answered(asked: Question, route: TalkRoute | None, chosen: list[Scored], store: IndexStore,
                 settings: AnswerSettings, pool: Sequence[Hit] = ()) -> str | None:
    """Why the quoted lines fail what the question asks for, however close they are to it, or None when they do
    not: a topic the named speaker's talks do not speak of ("what did Zhou say about 2-bit quantization"), a talk
    the notes only list, a speaker placed in a talk they did not give, a paper or book asked for and none named, a
    who-question that none of them answers with a name ("who presented the model merging tutorial": the catalogue
    knows no presenter and no line names one; the notes say they do not know, "speaker to be confirmed"; only the
    names the question gives), a quantity none of them gives in its unit ("how much did a ticket cost" and no
    price, "how many GPUs" and no count of them), a time of day or a room asked for and not given, what a thing the
    notes never name was like ("what was the weather like"), fewer things than a list question counts ("the five
    checks"). (What no answer can be about, whatever its lines, is `outside_the_notes`.) Such an answer abstains,
    with the confidence such answers have (`answer.declined_confidence`), and says why (`Answer.declined`)."""
    if silent_on_topic(asked, route, store, settings):
        return "the talks of the person named never speak of it"
    if listed_only(asked, route, store):
        return "the notes only list that talk"
    if missed_only(asked, route, store):
        return "the notes say the writer missed that talk"
    if route is not None and route.by_speaker and route.elsewhere and _TALK_NAMED.search(asked.text):
        return "the person named did not give that talk"  # "what did Tufekci present in the imitation learning tutorial"
    if _WORK_ASKED.search(asked.text) and not any(names_a_work(unit_text(c.unit, store), asked, store) for c in chosen):
        return "no line found names a paper or a book"  # "which paper won the best paper award": "the award went to …"
    if chosen and not_given(asked, unit_text(chosen[0].unit, store), store):
        return "the notes say it was not given"  # "which LLM made the most money": "(Results unpublished.)"
    if len(chosen) > 1 and _not_set(asked, " ".join(unit_text(c.unit, store) for c in chosen), store):
        return "the notes say it is not fixed yet"  # "where will Backend Days 2026 be hosted": "The venue isn't chosen yet"
    if asked.asks_who and (names_nobody(asked, route, chosen, store) or says_no_name(chosen, store)
                           or not names_anyone_new(asked, chosen, store) or no_name_for(asked, pool, store)):
        return NO_PERSON
    if _PEOPLE_ASKED.search(asked.text) and not _names_anyone(asked, chosen, store):
        return "no line found names the people asked for"  # "which SRE engineers presented the review"
    if asked.head is not None and asked.head not in store.vocabulary and asks_what_it_was_like(asked.text):
        return f"the notes never speak of the {asked.head}"  # "what was the weather like"
    if amenity_unsaid(asked.text, [unit_text(c.unit, store) for c in chosen]):
        return "the notes never say it"  # "weather in Lisbon during Qubit Coast 2026", answered by its dates and venue
    if asked.intent.items and sum(max(items_listed(c.unit, store), 1) for c in chosen) < asked.intent.items:
        return f"the notes list fewer than {asked.intent.items} things"  # "the five checks she wishes she had written"
    if (wanted := checks.statistic_of(asked.text)) and \
            not any(wanted & checks.statistic_of(unit_text(c.unit, store)) for c in chosen):
        return "the notes give another statistic"  # "the p99 latency of the fraud model", answered by its mean
    if asked.intent.counted and counted_elsewhere(asked.intent.counted, chosen, store):
        return f"the notes about it never speak of {asked.intent.counted}"  # "how many GPUs did Yamamoto use"
    if _TALK_TIME_ASKED.search(asked.text) and route is not None and route.talk_ids and chosen and not any(
            _gives_a_time(asked, f"{_heading_with_a_time(asked, c, store)} {unit_text(c.unit, store)}", store)
            for c in chosen):
        return TIME_NOT_GIVEN  # 'when was "A Fuzzer in 200 Lines"'
    if _TALK_PLACE_ASKED.search(asked.text) and route is not None and route.talk_ids and chosen and not any(
            _names_a_place(f"{heading_of(store.sentences[c.unit.members[0]].chunk, store)} {unit_text(c.unit, store)}")
            for c in chosen):
        return PLACE_NOT_GIVEN  # "where did Holmqvist give his keynote on syntax trees"

    quoted = [unit_text(c.unit, store) for c in chosen]
    if (kind := instance_unnamed(asked, quoted)) is not None:
        return f"no line found names the {kind}"  # "which GPU model did her group use": "on an unchanged GPU"
    if (measure := measure_unnamed(asked, quoted)) is not None:
        return f"no line found gives the {measure}"  # "which learning rate did they use", answered by loss weights
    if (asked.intent.name == "quantity" or asked.intent.measure is not None) and \
            not any(checks.holds(asked.intent, unit_text(c.unit, store), store) for c in chosen):
        return f"no line found gives the {_WHAT_IS_MISSING.get(asked.intent.measure or '', 'number')} asked for"
    return None


_INSTANCE = re.compile(lexicon.INSTANCE_ASKED, re.I)
# A name in a line: a capitalised word after a sentence's first ("an A100", "moved to Postgres", "Synthea") or a
# word of letters and digits ("H100", "GPT-4o", "o3"); "3B-parameter" and "1.9x" are amounts.
_NAME_LIKE = re.compile(r"(?<![\w.-])(?:[A-Z][\w.+#-]*|[A-Za-z]+[\w.-]*\d[\w.-]*)(?![\w])")


_NOT_A_NAME = frozenset({*STOPWORDS, *lexicon.MONTHS, *lexicon.WEEKDAYS})  # "in March" names no database


def instance_unnamed(asked: Question, quoted: list[str]) -> str | None:
    """The kind of thing a which-question asks to be named ("which GPU model did her group use") when the quoted
    sentences that speak of that kind name none: no capitalised word or model number the question does not have
    ("on an unchanged GPU, her group got a 1.9x speedup"). Quoted lines that never speak of the kind say nothing
    here: the name may stand alone ("they generated it with Synthea")."""
    if asked.intent.name != "fact" or not (found := _INSTANCE.search(asked.text)):
        return None
    kind = [w for w in found.group("kind").split() if w.lower() not in STOPWORDS and w.lower() not in FORM_TERMS]
    if not any(w.lower() in lexicon.NAMED_KINDS for w in kind):
        return None
    asked_words = {w.lower() for w in re.findall(r"[\w.+#-]+", asked.text)}
    kind_terms = set(terms(" ".join(kind)))
    speaking = [text[a:b] for text in quoted for a, b in sentence_spans(text, 0, len(text))
                if kind_terms & set(terms(text[a:b]))]
    if not speaking:
        return None
    for sentence in speaking:
        names = [m.group(0).rstrip(".").lower() for m in _NAME_LIKE.finditer(sentence) if m.start() > 0]
        if any(name not in asked_words and name not in _NOT_A_NAME for name in names):
            return None
    return " ".join(kind)


_MEASURED = re.compile(lexicon.MEASURED_ASKED, re.I)
_STATISTIC_WORD = re.compile("|".join(lexicon.STATISTICS.values()), re.I)


def measure_unnamed(asked: Question, quoted: list[str]) -> str | None:
    """The measure a quantity question names by more than its noun ("which learning rate did they use", "what
    segmentation accuracy did it reach") when no quoted line names it: the measure's noun and one of the words
    that qualify it, or their acronym ("FPR" for "false positive rate"). A line with another measure's figure
    ("a capacity factor of 1.25", "89% accuracy" for a false positive rate) does not answer it."""
    if asked.intent.name != "quantity" or not (found := _MEASURED.search(asked.text)):
        return None
    phrase = found.group("phrase")
    words = phrase.split()
    qualifiers = [w for w in words[:-1] if w.lower() not in STOPWORDS and not _STATISTIC_WORD.fullmatch(w)]
    if not qualifiers:
        return None
    head = set(terms(words[-1]))
    for text in quoted:
        written = set(terms(text))  # the words in the notes' stemmed forms ("accuracies" writes "accuracy")
        acronyms = {w for w in re.findall(r"\b[A-Z][A-Za-z]{1,5}\b", text) if sum(ch.isupper() for ch in w) >= 2}
        if any(_acronym_of(a, " ".join(words)) for a in acronyms) or (
                head & written and any(set(terms(w)) & written for w in qualifiers)):
            return None
    return " ".join(words).lower()


def _acronym_of(acronym: str, phrase: str) -> bool:
    """An acronym of the whole phrase, one letter a word ("FPR": "false positive rate")."""
    initials = "".join(w[0] for w in re.findall(r"[\w]+", phrase)).lower()
    return acronym.lower() == initials


TIME_NOT_GIVEN = "no line found gives the date or time asked for"
# When a talk was given or an event held ("when was X", "when is the keynote", "when did she present"), not under
# what condition ("when do diffusion models beat autoregressive ones").
_TALK_TIME_ASKED = re.compile(r"^\W*(?:and\s+)?(?:when|what time|what day|on which day)\s+(?:was|is|were|will|did)\b",
                              re.I)
PLACE_NOT_GIVEN = "no line found gives the place asked for"
# Where a talk was given ("where did Holmqvist give his keynote", "where was the keynote"), not where a thing is found.
_TALK_NOUN = r"(?:" + "|".join(lexicon.TALK_WORDS) + r")s?\b"
_TALK_PLACE_ASKED = re.compile(
    r"^\W*(?:and\s+)?(?:where|in which (?:room|hall|venue|building))\s+(?:"
    rf"(?:was|is|were|will be)\s+(?:[\w.'’-]+\s+){{0,4}}?{_TALK_NOUN}|"
    r"did\s+(?:[\w.'’-]+\s+){1,4}?(?:give|present|hold|deliver|run|host)\b)", re.I)
# A place by what it is, named ("Room K-204", "Alpenforum Centre", "Hall 104", "Main Stage"), or by its label
# ("Venue: …"), as a line about a talk gives one: a capitalised word after "in" ("in the IDE process") or a place
# word alone ("a top-level item", "keep track") is no place of a talk.
_PLACE_WORD = r"(?i:" + "|".join(sorted(lexicon.PLACE_WORDS)) + r")s?"
_PLACE_NAMED = re.compile(rf"\b[A-Z][\w'’-]*\s+{_PLACE_WORD}\b|\b{_PLACE_WORD}\s+[A-Z0-9][\w'’.-]*|"
                          r"(?:^|;\s)(?i:" + lexicon.PLACE_FIELDS + r")\s*:")


def _names_a_place(text: str) -> bool:
    return bool(_PLACE_NAMED.search(text))


# A time said relative to the notes: "next year", "later this month", "in Q3".
_RELATIVE_TIME = re.compile(r"\b(?:next|last|this|coming|later this)\s+(?:year|month|week|spring|summer|autumn|fall|"
                            r"winter|quarter|morning|afternoon|evening)\b|\bQ[1-4]\b|\b(?:tomorrow|tonight)\b", re.I)


def _gives_a_time(asked: Question, text: str, store: IndexStore) -> bool:
    """The text (a quoted unit under its section's headings) gives a date or a time, absolute or relative; a year
    alone ("CELS 2023 trip report") does not say when a talk of it was."""
    text = _YEAR.sub(" ", text)
    return checks.holds(asked.intent, text, store) or bool(_RELATIVE_TIME.search(text))



def _heading_with_a_time(asked: Question, unit: Scored, store: IndexStore) -> str:
    """The nearest heading above a unit that gives a date or a time (its section's, or an earlier one of its note)."""
    return heading_giving(store.sentences[unit.unit.members[0]].chunk, store,
                          lambda heading: _gives_a_time(asked, heading, store))


# What a line must give for a quantity or a measure (Intent.measure) asked, as the reason a decline names.
_WHAT_IS_MISSING = {"money": "amount of money", "duration": "duration", "share": "share", "clock": "time of day",
                    "day": "day", "room": "room", "city": "city", "affiliation": "organisation"}


# Each topic of lexicon.AMENITIES: the words a question asks about it by (lower case) and those notes say it in.
_AMENITIES = {topic: (re.compile(rf"(?<![\w-])(?:{asked})(?![\w-])"), re.compile(rf"(?<![\w-])(?:{said})(?!\w)", re.I))
              for topic, (asked, said) in lexicon.AMENITIES.items()}


def amenity_unsaid(question: str, quoted: list[str]) -> bool:
    """The question asks about what a trip to the event needed (its weather, food, lodging, travel, parking,
    Wi-Fi, swag: lexicon.AMENITIES) and no quoted unit speaks of any of it in any of the topic's words: the lines
    are about the event the question names, not about what it asks of it ("where can you park near the Kazimierz
    Conference Centre", answered by "Kraków, Monday 17 October 2022, Kazimierz Conference Centre"). A word written
    capitalised is a name ("what did Park recommend", "the Lunch & Learn sessions"), unless the whole question is
    in capitals."""
    asked = amenities_asked(question)
    return bool(asked) and bool(quoted) and not any(says_amenity(asked, q) for q in quoted)


def amenities_asked(question: str) -> list[re.Pattern[str]]:
    """The amenities (lexicon.AMENITIES) a question asks about, each as the pattern of the words notes say it in."""
    text = question if question != question.upper() else question.lower()
    return [said for asked_by, said in _AMENITIES.values()
            if any(_heads_its_phrase(text, found.end()) for found in asked_by.finditer(text))]


def says_amenity(asked: list[re.Pattern[str]], text: str) -> bool:
    """The text speaks of one of the amenities asked about (a meal named as a time of day, "after lunch", speaks of
    none)."""
    shown = _MEAL_AS_TIME.sub(" ", display_text(text))
    return any(said.search(shown) for said in asked)


_MEAL_AS_TIME = re.compile(lexicon.MEAL_AS_TIME, re.I)


def _heads_its_phrase(text: str, end: int) -> bool:
    """The amenity word ending at `end` is what its phrase is about: nothing, a function word or another amenity's
    word follows it ("the weather like", "wifi password", "vegan restaurant near"), not a noun it qualifies
    ("the Tromsø space weather forum", "food safety")."""
    after = re.match(r"\s*([\w'’-]+)", text[end:])
    if after is None:
        return True
    word = after.group(1).lower()
    return word in STOPWORDS or word in lexicon.AMENITY_FOLLOWERS or word in lexicon.OTHER_LANGUAGE_FUNCTION_WORDS or \
        any(said.fullmatch(word) for _, said in _AMENITIES.values())


def counted_elsewhere(counted: str, chosen: list[Scored], store: IndexStore) -> bool:
    """Whether the notes name the thing a how-many question counts, but none of the notes the answer quotes does:
    their numbers count something else ("4 bits" for "how many GPUs"). A word no note uses may be the asker's own
    for the notes' ("phones" for "devices"), and says nothing; so does a word for people."""
    stem = (terms(counted) or [counted.lower()])[0]
    if stem not in store.vocabulary or counted.lower() in lexicon.PEOPLE_COUNTS:
        return False  # people are counted under many names: "12,400 researchers" for "how many people"
    naming = {store.chunks[int(i)].doc for i in store.chunks_with([stem])}
    return not any(store.chunks[store.sentences[m].chunk].doc in naming for c in chosen for m in c.unit.members)


def not_given(asked: Question, lead: str, store: IndexStore) -> bool:
    """The lead unit says the speaker left the question open (`_left_open`), or that the figure or result asked for
    was not given ("Results unpublished", "No before/after numbers in this one") and it holds no other answer:
    for a quantity, no amount outside that sentence ("Gave each LLM $10k to trade … (Results unpublished.)"
    answers how much each was given); for another question, it asks for an outcome (who won, which did best) and
    the notes say there is none to tell."""
    if _left_open(asked, lead, store) or _not_set(asked, lead, store):
        return True
    said = lexicon.NOT_GIVEN.search(lead)
    if said is None:
        return False
    if asked.intent.name == "quantity":
        rest = " ".join(lead[a:b] for a, b in sentence_spans(lead, 0, len(lead)) if not a <= said.start() < b)
        return not checks.holds(asked.intent, rest, store)
    return asked.intent.name in ("fact", "who", "comparison", "list") and bool(_OUTCOME_ASKED.search(asked.text))


_OUTCOME_ASKED = re.compile(lexicon.OUTCOME_ASKED, re.I)


def _not_set(asked: Question, lead: str, store: IndexStore) -> bool:
    """A when- or where-question whose lead says the dates or the place are not fixed yet ("Glyphs & Grids 2020
    will move to Porto. No dates yet", for "what are the dates of Glyphs & Grids 2020"), and whose other sentences
    give no date or place but those the question names itself."""
    saying = lexicon.NOT_SET.get(asked.intent.name)
    if saying is None or not saying.search(lead):
        return False
    rest = " ".join(lead[a:b] for a, b in sentence_spans(lead, 0, len(lead)) if not saying.search(lead[a:b]))
    for year in asked.intent.years:
        rest = rest.replace(str(year), "")  # "Glyphs & Grids 2020" names the edition asked about, not its date
    named = re.findall(r"\b[A-Z][\w'’-]+", asked.text)
    if named:  # "… will move to Porto" for "what is the venue in Porto"
        rest = re.sub(r"\b(?:" + "|".join(map(re.escape, named)) + r")\b", "", rest)
    return not checks.holds(asked.intent, rest, store)


def _left_open(asked: Question, lead: str, store: IndexStore) -> bool:
    """The lead unit says the speaker left the question's focus open or that it is not known yet ("long-term
    retention is not measured yet") or kept it back ("the figure was not something he could share", of the thing
    the clause itself names, lexicon.WITHHELD), or, for what a talk said, that the writer missed it ("I missed all
    of day 3, including the tutorials on query optimisation and on vector indexes"), and gives nothing else that
    answers it: a clause that says so (lexicon.EVADED, lexicon.NOT_KNOWN_YET, lexicon.MISSED) names, with the
    clause before it, the question's rarest topic word
    ("someone asked about Delta; she politely dodged" for "how did Herrera compare Delta Lake with Iceberg"), and
    the rest of the unit holds no answer of the kind asked ("key recovered in 9 minutes; he wouldn't say which
    browser was safe" still says how long the attack took)."""
    known = [t for t in asked.content if t in store.vocabulary]
    if not known:
        return False
    rarest = max(store.term_weight(t) for t in known)
    focus = {t for t in known if store.term_weight(t) == rarest}  # the rarest, and those as rare
    clauses = _CLAUSES.split(lead)
    missed = asked.intent.name not in _ANSWERED_UNSEEN and not asked.asks_who
    open_at = [i for i, clause in enumerate(clauses)
               if (lexicon.EVADED.search(clause) or lexicon.NOT_KNOWN_YET.search(clause)
                   or (missed and _MISSED.search(clause)))
               and focus & terms_of(" ".join(clauses[max(0, i - 1): i + 1]))
               or lexicon.WITHHELD.search(clause) and focus & terms_of(clause)]
    if not open_at:
        return False
    rest = " ".join(c for i, c in enumerate(clauses) if i not in open_at)
    return asked.intent.name not in _TYPED or not checks.holds(asked.intent, rest, store)


_TYPED = frozenset({"quantity", "who", "when", "where"})  # intents whose answer a check can find in a text
_CLAUSES = re.compile(r"[;:!?]\s|\.\s|\s[—–]\s|\s→\s")


def names_nobody(asked: Question, route: TalkRoute | None, chosen: list[Scored], store: IndexStore) -> bool:
    """The question names a talk the catalogue knows no speaker of, and no quoted unit names anyone."""
    return bool(route and route.talk_ids and not any(store.talks_by_id[t].speakers for t in route.talk_ids)
                and not any(checks.names_someone(unit_text(c.unit, store), store) for c in chosen))


_PRESENTER_ASKED = re.compile(lexicon.PRESENTER_ASKED, re.I)
_PERSON_ROLES = ("moderator", "host", "panellist", "interviewer")  # roles held by people, not organisations


def asks_for_a_person(asked: Question) -> bool:
    """Who was on stage ("who presented", "who gave the keynote") or held a person's role (moderator, host)."""
    return bool(_PRESENTER_ASKED.search(asked.text) or set(asked.roles) & set(_PERSON_ROLES))


def names_anyone_new(asked: Question, chosen: list[Scored], store: IndexStore) -> bool:
    """For a question asking who was on stage or held a person's role: some quoted unit names a person the
    question does not already name ("who was the speaker of the Kestrel Data talk" is not answered by a line
    naming only Kestrel Data, "who gave the zero-copy deserialization talk" by "Zero-copy Deserialization"). True
    for other who-questions (an organisation or a role may answer them)."""
    if not asks_for_a_person(asked):
        return True
    # The question's own words, in any case, name no one new: "who gave the zero-copy deserialization talk" is not
    # answered by the heading "Zero-copy Deserialization with rkyv".
    return _names_anyone(asked, chosen, store)


_PEOPLE_ASKED = re.compile(lexicon.PEOPLE_ASKED, re.I)


def _names_anyone(asked: Question, chosen: list[Scored], store: IndexStore) -> bool:
    """Some quoted unit names a person beyond the question's own words, in any case."""
    asked_words = tuple(re.findall(r"[\w'’-]+", asked.text))
    return any(checks.names_someone(unit_text(c.unit, store), store, besides=asked_words) for c in chosen)


NO_PERSON = "no line found names the person asked for"


def unknown_presenter(asked: Question, pool: Sequence[Hit], store: IndexStore) -> str | None:
    """Why a who-question answered from the talk catalogue is declined all the same: the notes say they do not know
    who gave the very thing asked (`no_name_for`), whatever talk of its kind the catalogue holds."""
    return NO_PERSON if asked.asks_who and no_name_for(asked, pool, store) else None


def no_name_for(asked: Question, pool: Sequence[Hit], store: IndexStore) -> bool:
    """A retrieved passage says the notes do not know who (lexicon.NO_NAME) of the very thing asked: its line holds
    every word the question uses of the notes beyond its form and the title of that passage's notes (the event), and
    names no one ("nothing from Friday afternoon, including the closing keynote — I don't even know who gave it"
    for "closing keynote speaker at Elbe Security Days 2024")."""
    words = {t for t in asked.content if t in store.vocabulary}
    for hit in pool:
        chunk = store.chunks[hit.chunk]
        about = words - terms_of(chunk.title)
        if not about:
            continue
        for sentence_id in store.sentences_by_chunk[hit.chunk]:
            text = display_text(store.sentences[sentence_id].text)
            if lexicon.NO_NAME.search(text) and about <= terms_of(text) and not checks.names_someone(text, store):
                return True
    return False


def says_no_name(chosen: list[Scored], store: IndexStore) -> bool:
    """The lead unit says the notes do not know who (lexicon.NO_NAME) and names none of the catalogue's speakers
    (a title in capitals is no name: "Pandas Is Not a Database")."""
    if not chosen:
        return False
    lead = unit_text(chosen[0].unit, store)
    return bool(lexicon.NO_NAME.search(lead)) and not store.names_a_speaker(lead)


def outside_the_notes(question: str, store: IndexStore) -> str | None:
    """Why no answer can be about what the question asks, whatever its lines, from the lines or from the talk
    catalogue, or None: it names something no note writes, or an edition, a day, a version or a numbered thing
    of an event the notes do not cover."""
    if unknown := names_unknown(question, store):
        return f"no note names {unknown}"
    if other_edition(question, store):
        return "the notes do not cover that edition"
    if other_day(question, store):
        return "the notes do not cover that day"
    if other_version(question, store):
        return "the notes never write that version"
    if other_numbered(question, store):
        return "the notes have no such number in that series"
    return None


_SAID_ABOUT = re.compile(lexicon.SAID_ABOUT, re.I)
# A question that places a speaker in a talk names it as one: "in the imitation learning tutorial". (Without such
# a word, title words are the question's topic: "what did Jiang et al. find about language models".)
_TALK_NAMED = re.compile(r"\b(?:" + "|".join(lexicon.TALK_WORDS) + r")s?\b", re.I)


def silent_on_topic(asked: Question, route: TalkRoute | None, store: IndexStore, settings: AnswerSettings) -> bool:
    """The question asks what a speaker said about a topic ("what did Zhou say about 2-bit quantization") and the
    lines about that speaker's talks (and those of any other speaker the question names) hold no more than
    `topic_words_held` of the topic's words. A hyphenated word counts whole ("2-bit" is not held by a "2"); words
    of the question's form are not the topic, and the words it was routed on and the words of the talks' titles are
    held."""
    if not (route and route.by_speaker and route.talk_ids):
        return False
    said = _SAID_ABOUT.search(asked.text)
    if not said:
        return False
    routed = set(terms(" ".join(route.matched_words)))
    topic = said.group("topic")
    if (compared := _COMPARED.search(asked.text)) and said.group(0).lower().startswith("compar") and \
            not store.talks_of_speakers_named(compared.group("subject")):
        # "how did retrofitting compare with building it in": both sides ("how did Duarte compare X with Y": the
        # one who compared is no side)
        topic = f"{compared.group('subject')} {topic}"
    words = [set(terms(w)) for w in topic.split()]
    words = [w for w in words if w and not w <= FORM_TERMS | ASKING_TERMS]
    if not words:
        return False
    talk_ids = set(route.talk_ids) | set(store.talks_of_speakers_named(asked.text))
    # A talk speaks of what its title says, wherever the title is written (a programme table the talk's lines are
    # not attributed from).
    held = set(routed).union(*(terms_of(store.talks_by_id[t].title) for t in talk_ids if t in store.talks_by_id))
    for sentence in sentences_of_talks(sorted(talk_ids), store):
        held |= terms_of(store.sentences[sentence].text)
    found = sum(1 for w in words if all(_held(t, held) for t in w))
    return found <= settings.topic_words_held * len(words)


# What a comparison question compares, before "compare": "how did retrofitting accessibility compare with …".
_COMPARED = re.compile(r"\bhow\s+(?:did|does|do|was|were|is|are)\s+(?P<subject>.+?)\s+compared?\b", re.I)
# The letters a topic word of at least this many letters shares with a word of the talk's lines to be held by it,
# less one: "building" (build) is held by "built-in", "retrofitting" by "retrofit". A stemmer leaves such forms apart.
HELD_PREFIX_LETTERS = 5


def _held(term: str, held: set[str]) -> bool:
    if term in held:
        return True
    if len(term) < HELD_PREFIX_LETTERS:
        return False
    prefix = term[:-1]
    return any(h.startswith(prefix) for h in held)


# An event and the year of its edition, as a question names them: "NeurIPS 2023", "Fjord Data Summit 2025",
# "PerfCamp in 2021". The name is the capitalised words right before the year (or before "in" and the year).
_EDITION = re.compile(r"(?P<name>(?:\b[A-Z][\w&'’.-]*\s+){1,4})(?:in\s+)?['’]?(?P<year>19[5-9]\d|20\d\d)\b")
# An edition by its number: "Go Berlin #60", "Lisbon Systems Meetup #14".
_NUMBERED = re.compile(r"(?P<name>(?:\b[A-Z][\w&'’.-]*\s+){1,4})#(?P<number>\d{1,4})\b")
_NUMBER_OF_EDITION = re.compile(r"#(\d{1,4})\b")
_NOT_A_NAME = frozenset(terms(" ".join(lexicon.MONTHS + lexicon.WEEKDAYS + tuple(lexicon.HONORIFICS)))) | \
    ASKING_TERMS | FORM_TERMS


# At most this many words between an event's name and its year ("NeurIPS 2025", "the 2025 edition of NeurIPS").
EDITION_GAP = 3


def editions_named(question: str) -> list[tuple[list[str], int]]:
    """The events' editions a question names ("NeurIPS 2025", "Fjord Data Summit 2025"): each name's terms and
    its year."""
    found = ((([t for t in terms(m.group("name")) if t not in _NOT_A_NAME]), int(m.group("year")))
             for m in _EDITION.finditer(question))
    return [(name, year) for name, year in found if name]


_YEAR = re.compile(r"\b(?:19[5-9]\d|20\d\d)\b")
# Words between an event's name and its year that are no part of the name: "the fjord data systems summit in 2022",
# "will AgriSense Europe be held in 2023", "did PyCon take place in 2019".
_BEFORE_YEAR = frozenset({"in", "of", "the", "at", "be", "been", "being", "is", "was", "held", "take", "took", "taken",
                          "place", "happen", "happened", "run", "hosted", "organised", "organized"})
LOWER_EDITION_TERMS = 2  # an event named in lower case by this many words of a note's title, at least
LOWER_EDITION_WORDS = 4  # and by at most this many words before the year


def _editions_written(question: str, store: IndexStore) -> list[tuple[str, int]]:
    """The events' editions a question names, as (name, year): capitalised ("Fjord Data Summit 2025"), or typed in
    lower case by words of a note's title ("the fjord data systems summit in 2022": the longest run of at most
    four words before the year, less "in" or "of", whose terms are all in the titles or that ends in an event's
    noun such as "summit")."""
    found = [(m.group("name").strip(), int(m.group("year"))) for m in _EDITION.finditer(question)]
    for year in _YEAR.finditer(question):
        if any(y == int(year.group(0)) for _, y in found):
            continue
        words = re.findall(r"[\w&'’.-]+", question[:year.start()])
        while words and words[-1].lower() in _BEFORE_YEAR:
            words.pop()
        for n in range(min(LOWER_EDITION_WORDS, len(words)), 0, -1):
            name = [t for t in terms(" ".join(words[-n:])) if t not in _NOT_A_NAME]
            if len(name) >= LOWER_EDITION_TERMS and (set(name) <= store.title_terms or
                                                     words[-1].lower() in lexicon.EVENT_NOUNS):
                found.append((" ".join(words[-n:]), int(year.group(0))))
                break
    return found


def other_edition(question: str, store: IndexStore) -> bool:
    """The question names an event's edition ("where was NeurIPS 2023 held") that the notes do not cover: every
    note that names the event is of another year and no passage writes the year with the name (a passage about
    NeurIPS that says "maybe 2026" of something else does not cover NeurIPS 2026). A note with no year of
    its own is taken to cover any edition it names. An edition by number ("Go Berlin #60") is not covered when the
    passages naming the event number editions and none of them has its number. Read from the BM25 postings: of the
    passages naming the event, only those with the number are read in full, and the others until one numbers an
    edition."""
    for written, year in _editions_written(question, store):
        name = [t for t in terms(written) if t not in _NOT_A_NAME]
        chunks = store.chunks_with(name) if name else []
        if not len(chunks):
            continue  # a name no note writes is names_unknown's to decide; one written in parts is left alone
        years = store.chunk_year[chunks]
        if (years == NO_YEAR).any() or (years == year).any():
            continue
        words = written.split()
        gap = rf"\W+(?:[\w’']+\W+){{0,{EDITION_GAP}}}"
        edition = re.compile(rf"{re.escape(words[-1])}{gap}['’]?(?:{year}|{year % 100:02d})\b|"
                             rf"\b{year}{gap}{re.escape(words[0])}", re.I)
        if not any(edition.search(store.chunks[c].text) for c in store.chunks_with([*name, str(year)]).tolist()):
            return True  # no passage writes this edition: "NeurIPS" and "2026" apart are not NeurIPS 2026
    for found in _NUMBERED.finditer(question):
        name = [t for t in terms(found.group("name")) if t not in _NOT_A_NAME]
        chunks = store.chunks_with(name) if name else []
        number = re.compile(rf"#{found.group('number')}(?!\d)")
        if len(chunks) and not any(number.search(store.chunks[c].text)
                                   for c in store.chunks_with([*name, found.group("number")]).tolist()) and \
                any(_NUMBER_OF_EDITION.search(store.chunks[c].text) for c in chunks.tolist()):
            return True  # "Go Berlin #60" in notes of #58, #59 and #61
    return False


# A release of a named thing, by its dotted version number: "Python 3.15", "GeoStack 3.0", "Kubernetes v1.31",
# "GPT-4.5". (A whole number after a name is as often a day, a talk or a section: "Day 3", "Talk 2".)
_VERSIONED = re.compile(r"\b(?P<name>[A-Z][\w+]*(?:[ -][A-Z][\w+]*)*)[ -]?(?P<version>v?\d+(?:\.\d+)+)(?![\w.])")


def other_version(question: str, store: IndexStore) -> bool:
    """The question names a release of something ("when will Python 3.15 be released") that the notes write of
    but never in that version: no passage naming it writes the version number ("3.15", "v3.15"). A thing no note
    writes is names_unknown's to decide."""
    for found in _VERSIONED.finditer(question):
        name = [t for t in terms(found.group("name")) if t not in _NOT_A_NAME]
        chunks = store.chunks_with(name) if name else []
        if not len(chunks):
            continue
        version = found.group("version").lstrip("vV")
        written = re.compile(rf"(?<![\w.])v?{re.escape(version)}(?![\w]|\.\d)", re.I)
        if not any(written.search(store.chunks[c].text) for c in chunks.tolist()):
            return True
    return False


# A numbered thing of a series the notes number: "Tutorial 7", "Talk 3", "Room 12", "Gemini 4", "part 5" (a word, not
# the question's first, then a whole number of up to three digits that is not a version, a time or an amount).
_IN_SERIES = re.compile(r"(?<=\s)(?P<word>[A-Za-z][a-z]{2,})\s+(?P<number>\d{1,3})(?![\d.,:%]\d|[\d%])")
# Fewest numbers of a series that the notes must write as labels ('## Part 1: …', 'Part 2 —') before a word in
# lower case ("what was in part 5") is read as naming one of it: "top 5" or "over 40" number no series.
SERIES_LABELS = 2
_DATED = tuple(lexicon.MONTHS + lexicon.WEEKDAYS)


def other_numbered(question: str, store: IndexStore) -> bool:
    """The question names a numbered thing ("who presented Tutorial 7") of a series the notes number ("Tutorial
    1" … "Tutorial 6") but never with that number, in figures or in words: there is no such thing in the notes.
    Days are other_day's; a weekday or a month before a number is a date."""
    for found in _IN_SERIES.finditer(question):
        word, number = found.group("word"), int(found.group("number"))
        lower = word.lower()
        if lower == "day" or any(d.startswith(lower) for d in _DATED):
            continue
        chunks = store.chunks_with(terms(word))
        written = rf"\b{re.escape(word)}[\s-]+(\d{{1,3}}|{'|'.join(lexicon.SMALL_NUMBERS)})(?![\d.,]\d|\d)"
        # A capitalised word names a series wherever the notes number it; one in lower case only where they write
        # its numbers as labels, at the start of a line and before a colon or a dash.
        series = re.compile(written if word[0].isupper() else rf"(?m)^[#>*_\s-]*{written}\s*(?:[:—–.)-]|$)", re.I)
        numbers = {int(m.group(1)) if m.group(1).isdigit() else lexicon.SMALL_NUMBERS[m.group(1).lower()]
                   for c in chunks.tolist() for m in series.finditer(store.chunks[c].text)}
        if numbers and number not in numbers and (word[0].isupper() or len(numbers) >= SERIES_LABELS):
            return True
    return False


_COUNTED = "|".join([r"\d{1,2}", *lexicon.SMALL_NUMBERS])
# A day of an event as a question or a note numbers it: "day 2", "Day two", "the second day".
_DAY = re.compile(rf"\bday\s+(?P<number>{_COUNTED})\b|\b(?P<ordinal>{'|'.join(lexicon.ORDINALS)})\s+day\b", re.I)
# "day 2 of Fjord Data Summit": the day and the event's name after it (capitalised: the day's words in any case).
_DAY_OF = re.compile(rf"(?i:{_DAY.pattern})" + r"\s+(?i:of|at)\s+(?:(?i:the)\s+)?"
                     r"(?P<name>[A-Z][\w&'’.-]*(?:\s+[A-Z0-9][\w&'’.-]*)*)")


def _day_number(found: re.Match[str]) -> int:
    if found.group("ordinal"):
        return lexicon.ORDINALS[found.group("ordinal").lower()]
    number = found.group("number").lower()
    return int(number) if number.isdigit() else lexicon.SMALL_NUMBERS[number]


def other_day(question: str, store: IndexStore) -> bool:
    """The question asks about a day of an event ("the opening keynote on day 2 of Fjord Data Summit 2025") that
    the notes naming the event do not cover: each numbers the days it covers, in its headings ("# Fjord Data Summit
    — Day 1", "## Day 2 (Saturday)") or, when no heading numbers one, in its lines ("That's day 1. Tomorrow: the
    agents track"), and none is that day. A note naming the event that numbers no day may cover any."""
    found = _DAY_OF.search(question) or _DAY.search(question)
    if not found:
        return False
    # The event: the name after "day 2 of", else the question's first name ("Where was the Alpine Security
    # Conference held on day 2").
    event = found.group("name") if "name" in found.groupdict() else next(
        (m.group(0) for m in _NAME_RUN.finditer(question.strip()) if m.start() > 0), "")
    name = [t for t in terms(re.sub(r"\b(?:19|20)\d\d\b", " ", event)) if t not in _NOT_A_NAME]
    if not name:
        return False
    docs = np.unique(store.chunk_doc[store.chunks_with(name)]).tolist()
    covered: set[int] = set()
    for doc in docs:
        lines = store.texts.get(store.doc_names[doc], [])
        headings = {_day_number(m) for line in lines if line.lstrip().startswith("#") for m in _DAY.finditer(line)}
        days = headings or {_day_number(m) for line in lines for m in _DAY.finditer(line)}
        if not days:
            return False  # a note of the event that numbers no day
        covered |= days
    return bool(covered) and _day_number(found) not in covered


_WORK_ASKED = re.compile(lexicon.WORK_ASKED, re.I)
# How notes name a work: in quotes, in italics, as a link, or as a run of capitalised words.
_WORK_NAME = re.compile(r"[\"“«„][^\"”»“\n]{3,200}[\"”»“]|(?<![\w*])[_*][^_*\n]{3,200}[_*](?![\w*])|\[[^\]\n]{3,200}\]\(")
_TITLE_RUN = re.compile(r"(?<![.!?:]\s)(?<!^)\b[A-Z][\w'’-]+(?:\s+(?:of|the|for|and|in|on|a|to|&)?\s*[A-Z][\w'’-]+)+")


def names_a_work(text: str, asked: Question, store: IndexStore) -> bool:
    """Whether the text names a paper, book or the like: in quotes, italics or a link, or as a run of capitalised
    words the question does not already give ("Artificial Hivemind"; not "the best paper award")."""
    if _WORK_NAME.search(text):
        return True
    return any(set(terms(m.group(0))) - asked.terms and not _names_someone_or_an_organisation(m.group(0), store)
               for m in _TITLE_RUN.finditer(text))


def _names_someone_or_an_organisation(run: str, store: IndexStore) -> bool:
    """A run of capitalised words that is a person's name ("Fiona O'Neill", a speaker of the notes) or an
    organisation's ("Trinity College Dublin"): no paper's title."""
    words = re.findall(r"[\w'’]+", run)
    return bool(store.names_a_speaker(run) or {w.lower() for w in words} & lexicon.ORGANISATION_WORDS
                or (len(words) in (2, 3) and checks.is_a_name(run, store)))


# A name in a question: a run of capitalised words past its first word ("Yoshua Bengio's", "Mount Everest"). A
# possessive or a contraction is the word before it ("Zhou's", "RSVP'd"); an abbreviation of three capitals or fewer
# ("MC", "IPS") may be how the question writes what the notes spell out, and a day or a month is no name.
_NAME_RUN = re.compile(r"(?:(?<=\s)|(?<=^))[A-Z][\w.-]*(?:['’]\w+)?(?:\s+[A-Z][\w.-]*(?:['’]\w+)?)*")
_SHORT_ABBREVIATION = re.compile(r"^[A-Z]{1,3}$")


def names_unknown(question: str, store: IndexStore) -> str | None:
    """The name in the question that no note writes, as the question writes it, or None: a run of capitalised words ("Yoshua Bengio's keynote", "the
    boiling point on Mount Everest", "the ICML tutorials") none of whose words is in the notes or their titles, or
    begins a word of theirs; or a person ("Dr. Lena Vogt") whose surname no note writes, with or without its
    accents."""
    known = store.vocabulary

    def written(term: str) -> bool:
        return term in known or term in store.title_terms or _begins_a_word(term, known)

    for found in _NAME_RUN.finditer(question.strip()):
        words = [re.sub(r"['’]\w*$", "", w) for w in found.group(0).split()]
        if found.start() == 0:
            words = words[1:]  # the question's first word is capitalised anyway ("Which ICML tutorials": ICML)
        words = [w for w in words if not _SHORT_ABBREVIATION.match(w.rstrip(".")) and not set(terms(w)) <= _NOT_A_NAME
                 and not _compound_written(w, known)]
        named = [t for t in terms(" ".join(words)) if t not in _NOT_A_NAME]
        if named and not any(written(t) for t in named):
            return " ".join(words)
        if len(words) >= 2 and checks.is_a_name(" ".join(words[-2:]), store):
            surname = terms(words[-1])
            if surname and not written(surname[-1]):
                return " ".join(words[-2:])  # "Dr. Lena Vogt" in notes that know a Lena, and no Vogt
    for found in _OWNER_OF_TALK.finditer(question):
        owner = found.group("owner")
        if len(owner) >= MIN_OWNER_LETTERS and owner not in _NOT_AN_OWNER and \
                (named := terms(owner)) and not set(named) & _NOT_A_NAME and not written(named[0]):
            return owner  # "summarise kowalczyk's talk on continual learning" in notes no Kowalczyk is in
    return None


# Whose talk a question asks about, typed in lower case: "kowalczyk's talk", "nwosu's keynote slides". (A capitalised
# owner is a name run, read above.)
_OWNER_OF_TALK = re.compile(r"(?<![\w'’-])(?P<owner>[a-zà-ÿ][\w-]*)['’]s\s+(?:[\w-]+\s+)?(?:" +
                            "|".join(lexicon.TALK_WORDS) + r"|slides|poster)s?\b")
# Owners of a talk that are no one's name: "today's keynote", "this year's panel", "the conference's tutorial".
_NOT_AN_OWNER = frozenset(lexicon.EVENT_NOUNS | set(lexicon.WEEKDAYS) | set(lexicon.MONTHS) | {
    "today", "tonight", "yesterday", "tomorrow", "year", "morning", "afternoon", "evening", "night", "weekend",
    "everyone", "everybody", "someone", "somebody", "anyone", "nobody", "author", "writer", "speaker", "host", "team"})
MIN_OWNER_LETTERS = 3  # a shorter owner ("ai's", "ml's") is an abbreviation, which notes may spell out


_CAMEL_PART = re.compile(r"[A-Z][a-z]+")


def _compound_written(word: str, known: Mapping[str, int]) -> bool:
    """A word joined from capitalised parts that the notes write apart or shorten: "OpenTelemetry" in notes that
    write "open" and "telemetry", or "OTel" (the parts' beginnings)."""
    parts = _CAMEL_PART.findall(word)
    if len(parts) < 2 or "".join(parts) != word:
        return False
    if all(set(terms(p)) <= known.keys() for p in parts):
        return True
    shortened = re.compile("".join("(?:" + "|".join(re.escape(p[:k].lower()) for k in range(len(p), 0, -1)) + ")"
                                   for p in parts))
    return any(len(w) > len(parts) and shortened.fullmatch(w) for w in known)


def _begins_a_word(term: str, known: Mapping[str, int]) -> bool:
    """Some word of the notes begins with the term, accents left out ("RSVP'd" asked, "RSVPs" written: the stemmer
    leaves capitals' plurals whole; "Ozolins" asked, "Ozoliņš" written). Read only for a word not in the notes,
    which is rare."""
    bare = _bare(term)
    return any(word.startswith(term) or _bare(word).startswith(bare) for word in known)


def _bare(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def listed_only(asked: Question, route: TalkRoute | None, store: IndexStore) -> bool:
    """A question about what a named talk said ("what did Volkov say in 'Our Kafka Cluster Is Fine, Actually'") over
    notes that only list it: every line about the talk is a row of a programme table with no notes column, or a
    label that introduces something else ("Lightning talk line-up (5 min each, in order):")."""
    if asked.intent.name != "talk" or not (route and route.talk_ids):
        return False

    def says_nothing(i: int) -> bool:
        line = store.sentences[i]
        if line.kind == "row":
            return not row_has_notes(i, store)
        # A line that introduces what follows ends with a colon on its own first line; lines a plain-text note
        # runs on after an item ("… default to the OS setting\n1200 sponsor demos, skipped\n side notes day 2:")
        # don't make the item a label.
        return line.kind == "label" or display_text(line.text.split("\n", 1)[0]).rstrip().endswith(":")

    lines = sentences_of_talks(list(route.talk_ids), store)
    return bool(lines) and all(says_nothing(i) for i in lines)


_MISSED = re.compile(lexicon.MISSED, re.I | re.M)
# Intents the notes answer of a talk the writer missed: who gave it, when and where it was (its programme line).
_ANSWERED_UNSEEN = ("who", "when", "where")


def missed_only(asked: Question, route: TalkRoute | None, store: IndexStore) -> bool:
    """A question about what a named talk said ("what benchmarks did Rezaei show in 'Oxidising Your Hot Loops'") over
    notes whose writers were not there: every line that names the talk (its title, or a speaker's surname) says so
    ("I skipped Hamid Rezaei's talk …", "Status: Skipped (conflict)"). Its title is read out first: "The Science of
    Benchmarking: What's Measured, What's Missed" misses nothing. Who gave it, and when and where, are still
    answered from those lines."""
    if asked.intent.name in _ANSWERED_UNSEEN or asked.asks_who or asked.intent.measure is not None \
            or not (route and route.talk_ids):
        return False
    talks = [store.talks_by_id[t] for t in route.talk_ids]
    titles = re.compile("|".join(re.escape(t.title) for t in talks), re.I)
    surnames = [re.compile(rf"(?<!\w){re.escape(surname(s))}(?!\w)", re.I) for t in talks for s in t.speakers]
    naming = []
    for i in sentences_of_talks(list(route.talk_ids), store):
        text = display_text(store.sentences[i].text)
        untitled = titles.sub(" ", text)
        if untitled != text or any(name.search(text) for name in surnames):
            naming.append(untitled)
    return bool(naming) and all(_MISSED.search(text) for text in naming)
