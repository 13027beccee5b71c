"""Whether the notes answer the question: the evidence for an answer as features, and a logistic regression over
them, fitted on the dev split of the evaluation corpora written for confqa by `evals/fit_confidence.py`, which writes the
coefficients to `confidence.json` next to this file. Nothing here is hand-set: change the features, refit."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from confqa.answer.logistic import Logistic, coefficients, weights_of

FEATURES: dict[str, str] = {
    "top_dense": "cosine of the question with the best of the top three passages (with the question's subject, "
                 "when it names a speaker)",
    "top_sentence": "cosine of the question with the answer's lead unit",
    "coverage": "idf-weighted share of the question's topic words that the top passages contain (a passage with "
                "its note's title)",
    "focus": "idf-weighted share of the question's topic words that the quoted units themselves contain (with their "
             "notes' titles)",
    "rarest": "1 when the question's rarest topic word (its focus) is in the quoted units, else 0",
    "phrase": "share of the question's adjacent topic-word pairs that occur adjacent in the top passages",
    "unknown": "share of the question's words that the notes never use",
    "focus_unknown": "1 when the question's rarest topic word is one the notes never use, else 0",
    "head_unknown": "1 when the noun a what- or which-question opens with ('the weather' in 'what was the weather "
                    "like') is one the notes never use, else 0",
    "routed": "strength of the match with a talk or speaker the question names, times coverage",
    "type_match": "1 when the lead unit holds what the intent asks for (a name, a number, a date, a place), "
                  "else 0 (1 for intents without one)",
    "other_year": "1 when the question names a conference year and the lead unit comes from a note of another",
    "other_note": "1 when the question names notes by their titles ('at ISRL 2024') and the lead unit comes from "
                  "another note",
}


# Which way each feature points: +1 for support (the confidence never falls as it grows), -1 for missing support
# (never rises). The fit holds each weight to this sign.
DIRECTION: dict[str, int] = {name: -1 if name in ("unknown", "focus_unknown", "head_unknown", "other_year",
                                                                   "other_note") else 1
                             for name in FEATURES}


@dataclass(frozen=True)
class Model(Logistic):
    """Fitted coefficients: p(correct) = sigmoid(intercept + sum(weight[f] * feature[f])), and the confidence
    below which the answerer abstains."""

    threshold: float


COEFFICIENTS = "confidence.json"


@lru_cache(maxsize=1)
def model() -> Model:
    """The coefficients shipped with confqa (written by evals/fit_confidence.py)."""
    data = coefficients(COEFFICIENTS)
    return Model(weights=weights_of(data), intercept=float(data["intercept"]), threshold=float(data["threshold"]),
                 fitted_on=str(data.get("fitted_on", "")))


def confidence_from(features: dict[str, float]) -> float:
    """The probability that the answer is right, in [0, 1]."""
    return round(model().probability(features), 4)
