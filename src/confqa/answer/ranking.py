"""Which answer unit answers the question: the features of a candidate unit, and a logistic regression over them
that gives the probability that the unit states one of the question's key facts. It is fitted on the dev split
of every evaluation corpus written for confqa by `evals/fit_ranking.py`, which writes the coefficients to
`ranking.json` next to this file. Units are ranked, and the answer's further units kept, by this probability.
Nothing here is hand-set: change the features, refit (then refit the confidence, whose features read the
chosen units)."""

from __future__ import annotations

from functools import lru_cache

from confqa.answer.logistic import Logistic, coefficients, weights_of

FEATURES: dict[str, str] = {
    "cosine": "cosine of the unit with the question (a lead-in's: the better of its own and its payload's best; "
              "for a question about a named talk, what it asks mixed with how central the unit is to the talk)",
    "overlap": "share of the question's topic words (less the talk or speaker it names) that the unit contains",
    "focus": "share of the question's topic words, less the title and speakers of the talk the unit is about, that "
             "the unit contains: a line introducing the talk asked about ('Feature Stores Are Just Databases (Mikkel "
             "Jensen, Brightline): 10:00') repeats its name, not what is asked of it",
    "opening_focus": "the same share in the unit's first sentence, where a reader looks for the answer",
    "new_words": "share of the unit's words that are neither the question's nor its talk's names: what it adds",
    "new_specifics": "share of the unit's words that are numbers or capitalised (not opening a sentence) and not "
                     "in the question: the names, figures and dates that answers are made of",
    "passage": "retrieval score of the unit's passage (0 when the units come from a named talk's sentences)",
    "rank": "1 / the rank of the unit's passage, 1-based (0 when the units come from a named talk's sentences)",
    "says_nothing": "1 when the unit has fewer than `min_new_words` words beyond its talk's names and the "
                    "question's words (not for who-questions), else 0",
    "type_match": "1 when the unit holds what the intent asks for (a name, a number, a date, a place, the term "
                  "and its definition), else 0 (1 for intents without one)",
    "heading": "1 when the innermost heading above the unit shares a word with the question beyond the talk or "
               "speaker it names (or both are about advice), else 0",
    "role": "1 when a who-question names a role ('who moderated') and the unit's first sentence names the same "
            "role, else 0",
    "names_speaker": "1 when a who-question without a role is answered by a unit naming its talk's speaker, else 0",
    "words": "the unit's length in words, divided by WORDS_SCALE and capped at 1",
    "kind_lead_in": "1 for a lead-in with its payload, else 0",
    "kind_row": "1 for a table row as a record, else 0",
    "kind_section": "1 for a heading with its first body lines, else 0",
    "kind_continued": "1 for a sentence with the one it refers back to, else 0",
}


# The length at which the words feature saturates: an answer is capped near this many words (answer.max_words),
# and the feature keeps all features on the same [0, 1] scale.
WORDS_SCALE = 100

COEFFICIENTS = "ranking.json"


@lru_cache(maxsize=1)
def model() -> Logistic:
    """The coefficients shipped with confqa (written by evals/fit_ranking.py)."""
    data = coefficients(COEFFICIENTS)
    return Logistic(weights=weights_of(data), intercept=float(data["intercept"]), fitted_on=str(data.get("fitted_on", "")))


def unit_probability(features: dict[str, float]) -> float:
    """The probability that a unit with these features states a key fact of the question, in [0, 1]."""
    return model().probability(features)
