"""Fit how confqa ranks answer units on the dev split of every evaluation corpus written for confqa (never on test,
never on the blind corpora) and write the coefficients to src/confqa/answer/ranking.json.

    python evals/fit_ranking.py          # needs the indexes named in fit_confidence.CORPORA (see evals/README.md)
    python evals/fit_ranking.py --check  # cross-validated figures only; writes nothing

For every answerable dev question the answerer builds its candidate units (confqa.answer.extractive.candidates,
the units it chooses the answer from) with their features (confqa.answer.ranking.FEATURES). The label of a unit
is whether its text states at least one of the question's key facts. A logistic regression of that label on the
features, fitted with scikit-learn with each question weighing the same however many candidates it has, gives the
probability the answerer ranks units by. The strength of the L2 penalty is chosen by cross-validated log loss
over folds of whole questions. Then refit the confidence (evals/fit_confidence.py): its features read the units
the ranking chooses.

--check prints, for folds that hold out one corpus at a time, how often the best-ranked unit states a key fact
(top-1) and how often one of the first three does, for the fitted ranking and for the hand-set score that it
replaced."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

import numpy as np
from fit_confidence import BLIND, CORPORA, ROOT

OUT = ROOT / "src" / "confqa" / "answer" / "ranking.json"
FOLDS = 5  # folds of whole questions for choosing the strength of the L2 penalty
CS = np.logspace(-3, 2, 11)  # strengths of the L2 penalty tried (scikit-learn's C: larger is weaker)
# The hand-set unit score that the fitted ranking replaced (confqa 0.1 to 0.4), kept for --check.
HAND_SET = {"cosine": 0.6, "overlap": 0.3, "passage": 0.1, "rank": 0.05, "says_nothing": -0.12, "role": 0.3,
            "names_speaker": 0.3, "open_label": -0.08, "type_match": 0.15, "heading": 0.1}


def collect(corpora: list[tuple[str, str, str]], splits: tuple[str, ...] = ("dev",)) \
        -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Features, labels (the share of the question's key facts the unit states, and the share its first sentence
    states), question number and corpus number of every candidate unit of every answerable question of these
    splits."""
    import confqa
    from confqa.answer.catalogue import catalogue_units
    from confqa.answer.extractive import candidates
    from confqa.answer.question import answer_pool, understand
    from confqa.answer.ranking import FEATURES
    from confqa.answer.units import unit_text
    from confqa.evaluation import fact_coverage, first_sentence, load_evalset
    from confqa.search import Filters

    names = list(FEATURES)
    rows, labels, openings, question_of, corpus_of = [], [], [], [], []
    for corpus, (questions_file, index, _notes) in enumerate(corpora):
        questions = [q for q in load_evalset(ROOT / questions_file) if q.split in splits and q.answerable and q.facts]
        assistant = confqa.Assistant(ROOT / index, build_missing=False)
        store, settings = assistant.store, assistant.settings.answer
        for question in questions:
            query = assistant.search.query(question.question, Filters())
            hits = assistant.search.retrieve(query, assistant.settings.retrieval.top_k)
            asked = understand(query)
            pool = answer_pool(asked, hits)
            if catalogue_units(asked, pool, store, settings):
                continue  # answered from the talk catalogue, not by ranked units
            number = len(set(question_of))
            for scored in candidates(asked, query, pool, store, settings):
                rows.append([scored.features[name] for name in names])
                text = unit_text(scored.unit, store)
                labels.append(fact_coverage(text, question.facts))
                openings.append(fact_coverage(first_sentence(text), question.facts))
                question_of.append(number)
                corpus_of.append(corpus)
        print(f"{questions_file}: {len(questions)} answerable {'/'.join(splits)} questions", file=sys.stderr)
    return (np.asarray(rows), np.asarray(labels), np.asarray(openings), np.asarray(question_of), np.asarray(corpus_of),
            names)


def question_weights(question_of: np.ndarray) -> np.ndarray:
    """Each question weighs 1 in all, shared by its candidates."""
    counts = np.bincount(question_of)
    return 1.0 / counts[question_of]


def pairs(x: np.ndarray, y: np.ndarray, question_of: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Differences of the features of two units of the same question of which one states more of its key facts
    (both ways round), labelled 1 when the first is the one stating more; each question's pairs weigh 1 in
    all."""
    diffs, labels, weights, groups = [], [], [], []
    for q in np.unique(question_of):
        rows = np.flatnonzero(question_of == q)
        better = y[rows][:, None] > y[rows][None, :]
        first, second = np.nonzero(better)
        if not len(first):
            continue
        d = x[rows[first]] - x[rows[second]]
        diffs += [d, -d]
        labels += [np.ones(len(d)), np.zeros(len(d))]
        weights.append(np.full(2 * len(d), 1.0 / (2 * len(d))))
        groups.append(np.full(2 * len(d), q))
    return np.vstack(diffs), np.concatenate(labels), np.concatenate(weights), np.concatenate(groups)


def fit(x: np.ndarray, y: np.ndarray, question_of: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Weights fitted on pairs of units of the same question (which of the two states a key fact), with the
    strength of the L2 penalty chosen by cross-validated log loss over folds of whole questions; then scaled,
    with an intercept, by a logistic regression of the label on the pairwise score (Platt scaling), so that a
    unit's score reads as the probability that it states a key fact. Returns weights, intercept and C."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss
    from sklearn.model_selection import GroupKFold

    dx, dy, dw, groups = pairs(x, y, question_of)
    best_c, best_loss = float(CS[0]), float("inf")
    for c in CS:
        losses = []
        for train, held in GroupKFold(n_splits=FOLDS).split(dx, dy, groups):
            model = LogisticRegression(C=c, fit_intercept=False, max_iter=5000)
            model.fit(dx[train], dy[train], sample_weight=dw[train])
            losses.append(log_loss(dy[held], model.predict_proba(dx[held])[:, 1], sample_weight=dw[held],
                                   labels=[0, 1]))
        if float(np.mean(losses)) < best_loss:
            best_c, best_loss = float(c), float(np.mean(losses))
    ranking = LogisticRegression(C=best_c, fit_intercept=False, max_iter=5000).fit(dx, dy, sample_weight=dw).coef_[0]
    score = (x @ ranking)[:, None]
    platt = LogisticRegression(C=1e6, max_iter=5000).fit(score, y > 0, sample_weight=question_weights(question_of))
    return ranking * float(platt.coef_[0][0]), float(platt.intercept_[0]), best_c


def probability(x: np.ndarray, weights: np.ndarray, intercept: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(x @ weights + intercept)))


def top_hits(scores: np.ndarray, y: np.ndarray, question_of: np.ndarray, k: int,
             among: np.ndarray | None = None) -> float:
    """Share of questions with a candidate stating a key fact (by `among`, if given, else by `y`) whose k
    best-scored candidates include one whose `y` is positive."""
    hits, total = 0, 0
    among = y if among is None else among
    for q in np.unique(question_of):
        rows = np.flatnonzero(question_of == q)
        if not (among[rows] > 0).any():
            continue
        total += 1
        order = rows[np.argsort(-scores[rows], kind="stable")]
        hits += int((y[order[:k]] > 0).any())
    return hits / total if total else 0.0


def top_coverage(scores: np.ndarray, y: np.ndarray, question_of: np.ndarray) -> float:
    """Mean share of its question's key facts that the best-scored candidate states."""
    values = []
    for q in np.unique(question_of):
        rows = np.flatnonzero(question_of == q)
        values.append(float(y[rows[np.argmax(scores[rows])]]))
    return float(np.mean(values)) if values else 0.0


def check(x: np.ndarray, y: np.ndarray, opening: np.ndarray, question_of: np.ndarray, corpus_of: np.ndarray,
          names: list[str]) -> None:
    def line(name: str, fitted: np.ndarray, hand: np.ndarray, y: np.ndarray, opening: np.ndarray,
             question_of: np.ndarray) -> str:
        return (f"{name}: top-1 fitted {top_hits(fitted, y, question_of, 1):.3f} hand-set "
                f"{top_hits(hand, y, question_of, 1):.3f}; top-3 fitted {top_hits(fitted, y, question_of, 3):.3f} "
                f"hand-set {top_hits(hand, y, question_of, 3):.3f}; facts of top-1 fitted "
                f"{top_coverage(fitted, y, question_of):.3f} hand-set {top_coverage(hand, y, question_of):.3f}; "
                f"top-1 opening on a fact fitted {top_hits(fitted, opening, question_of, 1, y):.3f} hand-set "
                f"{top_hits(hand, opening, question_of, 1, y):.3f}")

    weights = np.array([HAND_SET.get(n, 0.0) for n in names])
    for corpus in np.unique(corpus_of):
        held = corpus_of == corpus
        weights_, intercept, c = fit(x[~held], y[~held], question_of[~held])
        fitted = probability(x[held], weights_, intercept)
        print(line(f"held out {CORPORA[corpus][0]} (C={c:.3g})", fitted, x[held] @ weights, y[held], opening[held],
                   question_of[held]))
    weights_, intercept, _ = fit(x, y, question_of)
    bx, by, bo, bq, _, _ = collect(BLIND, ("dev", "test"))
    print(line(f"blind corpora, every split ({len(np.unique(bq))} questions)", probability(bx, weights_, intercept),
               bx @ weights, by, bo, bq))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="cross-validated figures only; write nothing")
    args = parser.parse_args()
    from confqa.answer.ranking import FEATURES

    x, y, opening, question_of, corpus_of, names = collect(CORPORA)
    if args.check:
        check(x, y, opening, question_of, corpus_of, names)
        return
    weights, intercept, c = fit(x, y, question_of)
    data = {
        "description": "Logistic regression of 'the unit states a key fact of the question' on the features of "
                       "a candidate answer unit; written by evals/fit_ranking.py from the dev split.",
        "fitted_on": f"{date.today().isoformat()}: dev split of {', '.join(c[0] for c in CORPORA)} "
                     f"({len(np.unique(question_of))} questions, {len(y)} candidate units, {int(y.sum())} stating "
                     f"a key fact)",
        "intercept": round(intercept, 4),
        "regularisation_c": round(c, 4),
        "features": {name: {"weight": round(float(w), 4), "description": FEATURES[name]}
                     for name, w in zip(names, weights)},
    }
    OUT.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: C={c:.3g}")


if __name__ == "__main__":
    main()
