"""Checks that the quoted lines do not give what the question asks for, however close they are to it: a who-question
answered by no name, a price, count, time of day or room asked for and not given, fewer items than a list question
counts, what a thing the notes never name was like. An answer a check declines abstains whatever its confidence,
and its evidence says so (`UNANSWERED`); the confidence fit leaves such questions out."""

from __future__ import annotations

import re

from confqa.answer import checks
from confqa.answer.question import Question, Scored, asks_what_it_was_like
from confqa.answer.units import items_listed, unit_text
from confqa.index.store import IndexStore
from confqa.search.base import TalkRoute
from confqa.text import lexicon

UNANSWERED = "unanswered"  # the evidence key that says a check found the quoted lines do not answer the question


def not_answered(asked: Question, route: TalkRoute | None, chosen: list[Scored], store: IndexStore) -> bool:
    """Whether the quoted lines fail what the question asks for, however close they are to it: a who-question
    that none of them answers with a name ("who presented the model merging tutorial": the catalogue knows no
    presenter and no line names one; the notes say they do not know, "speaker to be confirmed"; only the names
    the question gives), a quantity none of them gives in its unit ("how much did a ticket cost" and no price,
    "how many GPUs" and no count of them), a time of day or a room asked for and not given, what a thing the
    notes never name was like ("what was the weather like"), fewer things than a list question counts ("the five
    checks"). The confidence of such an answer is held below the abstention threshold."""
    if asked.asks_who and (names_nobody(asked, route, chosen, store) or says_no_name(chosen, store)
                           or not names_anyone_new(asked, chosen, store)):
        return True
    if asked.head is not None and asked.head not in store.vocabulary and asks_what_it_was_like(asked.text):
        return True  # "what was the weather like" in notes that never speak of weather
    if asked.intent.items and sum(max(items_listed(c.unit, store), 1) for c in chosen) < asked.intent.items:
        return True  # "what were the five checks she wishes she had written": fewer than five things quoted
    return (asked.intent.name == "quantity" or asked.intent.measure is not None) and \
        not any(checks.holds(asked.intent, unit_text(c.unit, store), store) for c in chosen)


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
    naming only Kestrel Data). True for other who-questions (an organisation or a role may answer them)."""
    if not asks_for_a_person(asked):
        return True
    return any(checks.holds(asked.intent, unit_text(c.unit, store), store) for c in chosen)


def says_no_name(chosen: list[Scored], store: IndexStore) -> bool:
    """The lead unit says the notes do not know who (lexicon.NO_NAME) and names none of the catalogue's speakers
    (a title in capitals is no name: "Pandas Is Not a Database")."""
    if not chosen:
        return False
    lead = unit_text(chosen[0].unit, store)
    return bool(lexicon.NO_NAME.search(lead)) and not store.names_a_speaker(lead)
