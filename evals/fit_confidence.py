"""Fit confqa's confidence on the dev split of every evaluation corpus (never on test) and write the
coefficients to src/confqa/answer/confidence.json.

    python evals/fit_confidence.py          # needs the indexes named below (see evals/README.md)

The answerer computes evidence features for every answer (confqa.answer.confidence.FEATURES; `Answer.evidence`).
The confidence is a logistic regression of the label that `confqa eval` checks calibration with ("the question
is answerable and the answer states at least half of its key facts") on those features, fitted with
scikit-learn: features are chosen by forward selection on cross-validated log loss (the others get weight 0), then
fitted together, L2-regularised with the penalty's strength chosen the same way (features as they are: all lie in
[0, 1]). The abstention threshold is the
confidence at which the most dev questions are handled right (a right answer, or an abstention where the notes
have no answer) while at most MAX_FALSE_ABSTENTION of the answerable ones are declined though answered right. Abstentions do not change the features: the fit sees every question."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
# (question file, index, notes) for every corpus with questions.
CORPORA = [
    ("evals/questions.jsonl", "indexes/default", "corpus"),
    ("evals/corpora/talk-files.questions.jsonl", "indexes/talk-files", "evals/corpora/talk-files"),
    ("evals/corpora/long-notes.questions.jsonl", "indexes/long-notes", "evals/corpora/long-notes"),
]
FOLDS = 5  # cross-validation folds for the feature selection and the strength of the L2 penalty
SELECTION_TOL = 0.002  # a feature joins only if it lowers the cross-validated log loss by at least this much
# Most of the answerable dev questions that an abstention may decline although the answer would have been right:
# a user who is told "the notes don't cover this" when they do stops asking (the answers issue's target).
MAX_FALSE_ABSTENTION = 0.05
OUT = ROOT / "src" / "confqa" / "answer" / "confidence.json"


def collect() -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    import confqa
    from confqa.answer.confidence import FEATURES
    from confqa.evaluation import SectionMap, confqa_system, load_evalset, score_question
    from confqa.settings import load_settings

    # Never abstain while fitting: the label is whether the answer confqa would give is right.
    settings = load_settings()
    settings.answer = settings.answer.model_copy(update={"abstain_below": 0.0})

    rows, labels, answerable, names = [], [], [], list(FEATURES)
    for questions_file, index, notes in CORPORA:
        questions = [q for q in load_evalset(ROOT / questions_file) if q.split == "dev"]
        assistant = confqa.Assistant(ROOT / index, settings=settings, build_missing=False)
        sections = SectionMap(ROOT / notes)
        run = confqa_system(assistant)
        for question in questions:
            record = run(question.question)
            rows.append([record.evidence[name] for name in names])
            labels.append(float(score_question(question, record, sections)["calibration_label"]))
            answerable.append(question.answerable)
        print(f"{questions_file}: {len(questions)} dev questions", file=sys.stderr)
    return np.asarray(rows), np.asarray(labels), np.asarray(answerable), names


def best_threshold(probability: np.ndarray, labels: np.ndarray, answerable: np.ndarray) -> float:
    """The cut that handles the most dev questions right (an answer that states the key facts, or an abstention
    on a question the notes do not answer; an abstention on an answerable question and a wrong answer both count
    as failures) among the cuts that decline at most MAX_FALSE_ABSTENTION of the answerable dev questions the
    answerer gets right. Ties go to the lower cut (fewer abstentions)."""
    best, best_share = 0.0, -1.0
    right = answerable & (labels == 1)
    for cut in np.unique(np.round(probability, 3)):
        abstain = probability < cut
        if right.any() and float(abstain[right].sum()) / float(answerable.sum()) > MAX_FALSE_ABSTENTION:
            continue
        share = float(((abstain & ~answerable) | (~abstain & (labels == 1))).mean())
        if share > best_share:
            best, best_share = float(cut), share
    return round(best, 3)


def main() -> None:
    from sklearn.feature_selection import SequentialFeatureSelector
    from sklearn.linear_model import LogisticRegression, LogisticRegressionCV

    from confqa.answer.confidence import FEATURES

    x, y, answerable, names = collect()
    # Features are correlated (two cosines, three term shares) and the dev questions few: keep the features that
    # improve the cross-validated log loss, added one at a time, then fit those together.
    selector = SequentialFeatureSelector(LogisticRegression(max_iter=5000), n_features_to_select="auto",
                                         tol=SELECTION_TOL, direction="forward", scoring="neg_log_loss", cv=FOLDS)
    keep = selector.fit(x, y).get_support()
    fit = LogisticRegressionCV(Cs=12, cv=FOLDS, scoring="neg_log_loss", max_iter=5000).fit(x[:, keep], y)
    probability = fit.predict_proba(x[:, keep])[:, 1]
    weights = dict(zip([n for n, k in zip(names, keep) if k], fit.coef_[0]))
    threshold = best_threshold(probability, y, answerable)
    data = {
        "description": "Logistic regression of 'the answer is right' on the evidence features, and the "
                       "abstention threshold; written by evals/fit_confidence.py from the dev split.",
        "fitted_on": f"{date.today().isoformat()}: dev split of {', '.join(c[0] for c in CORPORA)} "
                     f"({len(y)} questions, {int(y.sum())} answered right, {int((~answerable).sum())} unanswerable)",
        "intercept": round(float(fit.intercept_[0]), 4),
        "regularisation_c": round(float(fit.C_[0]), 4),
        "threshold": threshold,
        "features": {name: {"weight": round(float(weights.get(name, 0.0)), 4), "selected": name in weights,
                            "description": FEATURES[name]} for name in names},
    }
    OUT.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    abstain = probability < threshold
    print(f"wrote {OUT.relative_to(ROOT)}: threshold {threshold}; on dev, abstention recall "
          f"{abstain[~answerable].mean():.2f}, false abstention {abstain[answerable].mean():.2f}")


if __name__ == "__main__":
    main()
