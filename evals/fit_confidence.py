"""Fit confqa's confidence on the dev split of every evaluation corpus (never on test) and write the
coefficients to src/confqa/answer/confidence.json.

    python evals/fit_confidence.py          # needs the indexes named below (see evals/README.md)

The answerer computes evidence features for every answer (confqa.answer.confidence.FEATURES; `Answer.evidence`).
The confidence is a logistic regression of the label that `confqa eval` checks calibration with ("the question
is answerable and the answer states at least half of its key facts") on those features (all lie in [0, 1]),
L2-regularised with the penalty's strength chosen by cross-validated log loss, and with each weight held to the
sign its feature's direction gives (confqa.answer.confidence.DIRECTION; a weight held at 0 leaves its feature
unused), fitted on the dev questions that no check declines (`Answer.evidence["unanswered"]`: a who-question no
quoted line answers with a name, a price or a time of day asked and not given). The abstention threshold is the
confidence at which the most dev questions of every corpus, the blind ones too, are handled right (a right answer,
or an abstention where the notes have no answer; a declined question abstains at every cut) while at most
MAX_FALSE_ABSTENTION of the answerable ones are declined though answered right. Abstentions do not change the
features: the fit sees every question."""

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
# The corpora of notes written by other people (evals/corpora/README.md): their dev splits choose the threshold.
BLIND = [(f"evals/corpora/blind-{i}.questions.jsonl", f"indexes/blind-{i}", f"evals/corpora/blind-{i}") for i in range(1, 14)]
# Notes and questions written after the answerer was last changed, by someone who did not run it: never fitted on, and
# their test split is not read while changing the answerer (only its figures are).
UNSEEN = [("evals/corpora/blind-14.questions.jsonl", "indexes/blind-14", "evals/corpora/blind-14")]
# Notes and questions of which no failure is read at all, on either split: only their figures are.
HELD_OUT = [("evals/corpora/blind-15.questions.jsonl", "indexes/blind-15", "evals/corpora/blind-15")]
FOLDS = 5  # cross-validation folds for the strength of the L2 penalty
CS = np.logspace(-2, 2, 9)  # strengths of the L2 penalty tried (scikit-learn's C: larger is weaker)
ZERO_WEIGHT = 1e-6  # a weight the bounds hold at zero: the feature is not used
# Most of the answerable dev questions that an abstention may decline although the answer would have been right:
# a user who is told "the notes don't cover this" when they do stops asking (the answers issue's target).
MAX_FALSE_ABSTENTION = 0.05
OUT = ROOT / "src" / "confqa" / "answer" / "confidence.json"


def collect(corpora: list[tuple[str, str, str]], origin: list[str] | None = None,
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """The dev questions' evidence features, whether each answer is right, whether each question is answerable,
    and whether a check found the quoted lines do not answer it (those are declined whatever the confidence).
    `origin`, when given, receives each question's corpus (its notes folder)."""
    import confqa
    from confqa.answer.confidence import FEATURES
    from confqa.answer.unanswered import UNANSWERED
    from confqa.evaluation import SectionMap, confqa_system, load_evalset, score_question
    from confqa.settings import load_settings

    # Never abstain while fitting: the label is whether the answer confqa would give is right.
    settings = load_settings()
    settings.answer = settings.answer.model_copy(update={"abstain_below": 0.0})

    rows, labels, answerable, unanswered, names = [], [], [], [], list(FEATURES)
    for questions_file, index, notes in corpora:
        questions = [q for q in load_evalset(ROOT / questions_file) if q.split == "dev"]
        assistant = confqa.Assistant(ROOT / index, settings=settings, build_missing=False)
        sections = SectionMap(ROOT / notes)
        run = confqa_system(assistant)
        for question in questions:
            record = run(question.question)
            rows.append([record.evidence[name] for name in names])
            labels.append(float(score_question(question, record, sections)["calibration_label"]))
            answerable.append(question.answerable)
            unanswered.append(bool(record.evidence.get(UNANSWERED, 0.0)))
            if origin is not None:
                origin.append(notes)
        print(f"{questions_file}: {len(questions)} dev questions", file=sys.stderr)
    return np.asarray(rows), np.asarray(labels), np.asarray(answerable), np.asarray(unanswered), names


def best_threshold(probability: np.ndarray, labels: np.ndarray, answerable: np.ndarray,
                   declined: np.ndarray | None = None) -> float:
    """The cut that handles the most dev questions right (an answer that states the key facts, or an abstention
    on a question the notes do not answer; an abstention on an answerable question and a wrong answer both count
    as failures) among the cuts that decline at most MAX_FALSE_ABSTENTION of the answerable dev questions the
    answerer gets right. Of cuts that handle as many, the highest: it declines more of the questions the notes do
    not answer at the same share handled (the cuts between tie by trading a wrong answer for an abstention on an
    answerable question), and declining those is what abstention is for. The `declined` questions abstain at
    every cut."""
    best, best_share = 0.0, -1.0
    right = answerable & (labels == 1)
    declined = np.zeros(len(probability), dtype=bool) if declined is None else declined
    for cut in np.unique(np.round(probability, 3)):
        abstain = (probability < cut) | declined
        if right.any() and float(abstain[right].sum()) / float(answerable.sum()) > MAX_FALSE_ABSTENTION:
            continue
        share = float(((abstain & ~answerable) | (~abstain & (labels == 1))).mean())
        if share >= best_share:
            best, best_share = float(cut), share
    return round(best, 3)


def fit_signed(x: np.ndarray, y: np.ndarray, signs: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression (scikit-learn's objective: C times the summed log loss plus half the
    squared weights) with each weight bounded to its feature's sign: a feature of support (a cosine, a share of
    the question's words quoted) never lowers the confidence, a feature of missing support never raises it.
    Unconstrained, correlated features take opposite signs on a few hundred questions (the rarest word quoted
    lowering the confidence), which holds on the dev split and fails on notes it was not fitted on."""
    from scipy.optimize import minimize

    def objective(params: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = params[:-1], params[-1]
        z = x @ w + b
        p = 1.0 / (1.0 + np.exp(-z))
        loss = c * float(np.sum(np.logaddexp(0.0, z) - y * z)) + 0.5 * float(w @ w)
        gradient = c * (p - y)
        return loss, np.concatenate([x.T @ gradient + w, [gradient.sum()]])

    bounds = [(0.0, None) if s > 0 else (None, 0.0) if s < 0 else (None, None) for s in signs] + [(None, None)]
    result = minimize(objective, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B", bounds=bounds)
    return result.x[:-1], float(result.x[-1])


def choose_c(x: np.ndarray, y: np.ndarray, signs: np.ndarray) -> float:
    """The strength of the L2 penalty with the lowest log loss over FOLDS stratified folds."""
    from sklearn.metrics import log_loss
    from sklearn.model_selection import StratifiedKFold

    best, best_loss = float(CS[0]), float("inf")
    for c in CS:
        losses = []
        for train, held in StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=0).split(x, y):
            w, b = fit_signed(x[train], y[train], signs, float(c))
            losses.append(log_loss(y[held], 1.0 / (1.0 + np.exp(-(x[held] @ w + b))), labels=[0, 1]))
        if float(np.mean(losses)) < best_loss:
            best, best_loss = float(c), float(np.mean(losses))
    return best


def check() -> None:
    """Which questions the regression should be fitted on, judged on notes it was not fitted on: for each blind
    corpus in turn, its dev questions' log loss and calibration error under a regression fitted on the corpora
    written for confqa alone, and under one fitted on those and every other blind corpus."""
    from sklearn.metrics import log_loss

    from confqa.answer.confidence import DIRECTION
    from confqa.evaluation import expected_calibration_error

    origin: list[str] = []
    x, y, answerable, declined, names = collect([*CORPORA, *BLIND], origin)
    where = np.asarray(origin)
    signs = np.array([DIRECTION[name] for name in names])
    written = np.isin(where, [notes for _, _, notes in CORPORA])
    print("| held-out corpus | questions | log loss, written | log loss, written + blind | ECE, written | "
          "ECE, written + blind |\n|---|---|---|---|---|---|")
    totals: dict[str, list[float]] = {"ww": [], "wb": [], "ew": [], "eb": []}
    for _, _, notes in BLIND:
        held = where == notes
        row = []
        for train in (written & ~declined, ~held & ~declined):
            c = choose_c(x[train], y[train], signs)
            w, b = fit_signed(x[train], y[train], signs, c)
            p = 1.0 / (1.0 + np.exp(-(x[held] @ w + b)))
            p = np.where(declined[held], 0.0, p)
            row.append((log_loss(y[held], np.clip(p, 1e-6, 1 - 1e-6), labels=[0, 1]),
                        expected_calibration_error(list(map(float, p)), list(map(bool, y[held])))[0]))
        for key, value in zip(("ww", "ew", "wb", "eb"), (*row[0], *row[1])):
            totals[key].append(value)
        print(f"| {Path(notes).name} | {int(held.sum())} | {row[0][0]:.3f} | {row[1][0]:.3f} | {row[0][1]:.3f} | "
              f"{row[1][1]:.3f} |")
    print(f"| mean | | {np.mean(totals['ww']):.3f} | {np.mean(totals['wb']):.3f} | {np.mean(totals['ew']):.3f} | "
          f"{np.mean(totals['eb']):.3f} |")


def main() -> None:
    from confqa.answer.confidence import DIRECTION, FEATURES

    if "--check" in sys.argv[1:]:
        check()
        return

    x, y, answerable, declined, names = collect(CORPORA)
    signs = np.array([DIRECTION[name] for name in names])
    # The regression is fitted on the questions the checks leave to it: the declined ones abstain regardless.
    kept = ~declined
    c = choose_c(x[kept], y[kept], signs)
    weight_vector, intercept = fit_signed(x[kept], y[kept], signs, c)
    probability = 1.0 / (1.0 + np.exp(-(x @ weight_vector + intercept)))
    weights = {name: float(w) for name, w in zip(names, weight_vector) if abs(w) > ZERO_WEIGHT}
    # The threshold is the noisiest number of the fit: it is chosen on the dev split of every corpus, the blind
    # ones too (288 questions rather than 176), while the weights come from the corpora written for confqa.
    xb, yb, answerable_b, declined_b, _ = collect(BLIND)
    pooled = np.concatenate([probability, 1.0 / (1.0 + np.exp(-(xb @ weight_vector + intercept)))])
    answerable_all, declined_all = np.concatenate([answerable, answerable_b]), np.concatenate([declined, declined_b])
    threshold = best_threshold(pooled, np.concatenate([y, yb]), answerable_all, declined_all)
    data = {
        "description": "Logistic regression of 'the answer is right' on the evidence features, each weight "
                       "signed as its feature's direction says (more support never lowers the confidence), and "
                       "the abstention threshold; written by evals/fit_confidence.py from the dev split.",
        "fitted_on": f"{date.today().isoformat()}: dev split of {', '.join(c[0] for c in CORPORA)} "
                     f"({len(y)} questions, {int(y.sum())} answered right, {int((~answerable).sum())} unanswerable; "
                     f"the regression on the {int(kept.sum())} that no check declined); the threshold on the dev "
                     f"split of these and the blind corpora ({len(pooled)} questions)",
        "intercept": round(intercept, 4),
        "regularisation_c": round(c, 4),
        "threshold": threshold,
        "features": {name: {"weight": round(float(weights.get(name, 0.0)), 4), "selected": name in weights,
                            "description": FEATURES[name]} for name in names},
    }
    OUT.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    abstain = (pooled < threshold) | declined_all
    print(f"wrote {OUT.relative_to(ROOT)}: threshold {threshold}; on every dev split, abstention recall "
          f"{abstain[~answerable_all].mean():.2f}, false abstention {abstain[answerable_all].mean():.2f}")


if __name__ == "__main__":
    main()
