"""Fit the Platt scaling of confqa's confidence on the dev split (never on test).

    python evals/fit_confidence.py      # prints PLATT_SLOPE and PLATT_INTERCEPT for confqa/answering.py

`answering.evidence_score` combines the evidence for an answer into one number whose sign decides between
answering and abstaining. Its scale is arbitrary, so the probability reported as `confidence` is
sigmoid(slope * score + intercept), with slope and intercept fitted by logistic regression against the label
that `confqa eval` checks calibration with: the question is answerable and the answer states at least half
of its key facts."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import confqa
from confqa.answering import evidence_score
from confqa.evaluation import SectionMap, confqa_system, load_evalset, score_question


def main() -> None:
    questions = [q for q in load_evalset(Path("evals/questions.jsonl")) if q.split == "dev"]
    assistant = confqa.Assistant()
    sections = SectionMap(Path("corpus"))
    scores, labels = [], []
    for question in questions:
        answer = assistant.ask(question.question)
        scores.append(evidence_score(**answer._features))
        run = confqa_system(assistant)(question.question)
        labels.append(float(score_question(question, run, sections)["calibration_label"]))
    z, y = np.asarray(scores), np.asarray(labels)
    slope, intercept = 1.0, 0.0
    for _ in range(20000):
        p = 1 / (1 + np.exp(-(slope * z + intercept)))
        slope -= 0.05 * float(((p - y) * z).mean())
        intercept -= 0.05 * float((p - y).mean())
    print(f"{len(y)} dev questions, {int(y.sum())} answered correctly")
    print(f"PLATT_SLOPE = {slope:.2f}")
    print(f"PLATT_INTERCEPT = {intercept:.2f}")


if __name__ == "__main__":
    main()
