"""A logistic regression over named features whose coefficients ship as a JSON file next to this module (written
by a fit script under evals/): how confqa's confidence and its ranking of answer units are computed."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import resources
from typing import Any

# Beyond this the sigmoid is 0 or 1 in double precision; clipping keeps math.exp from overflowing.
_LOGIT_LIMIT = 40.0


@dataclass(frozen=True)
class Logistic:
    """Fitted coefficients: p = sigmoid(intercept + sum(weight[f] * feature[f])); absent features weigh 0."""

    weights: dict[str, float]
    intercept: float
    fitted_on: str

    def probability(self, features: dict[str, float]) -> float:
        z = self.intercept + sum(self.weights.get(name, 0.0) * float(value) for name, value in features.items())
        return 1.0 / (1.0 + math.exp(-max(-_LOGIT_LIMIT, min(_LOGIT_LIMIT, z))))


def coefficients(name: str) -> dict[str, Any]:
    """The JSON file of coefficients `name` shipped in confqa.answer."""
    data: dict[str, Any] = json.loads(resources.files("confqa.answer").joinpath(name).read_text(encoding="utf-8"))
    return data


def weights_of(data: dict[str, Any]) -> dict[str, float]:
    return {k: float(v["weight"]) for k, v in data["features"].items()}
