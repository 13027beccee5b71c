"""Answers and calibration on every evaluation corpus at once, by split: the loop for changing the answerer.

    python evals/every_corpus.py                 # needs the indexes named below (see evals/README.md)
    python evals/every_corpus.py --json out.json # the per-question records too

Runs `confqa eval <questions> --index <index> --split all --baselines ''` for each corpus (the shipped notes,
talk-files, long-notes, the thirteen blind corpora, the unseen blind-14 and the held-out blind-15), then prints, for each corpus and split, key-fact coverage,
first sentence carrying a key fact, citation precision, talk attribution, abstention recall, false abstention,
expected calibration error and median answer words; and the same pooled over the corpora written for confqa,
over the blind ones, the unseen one and the held-out one, with "handled": the share of questions answered right or rightly declined. Tune on dev;
test is for reporting (evals/README.md)."""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

from fit_confidence import BLIND, CORPORA, HELD_OUT, ROOT, UNSEEN

from confqa.evaluation import expected_calibration_error

# (question file, index, notes): the corpora the confidence is fitted on, the blind ones, the unseen one and the one
# held out.
EVERY_CORPUS = [*CORPORA, *BLIND, *UNSEEN, *HELD_OUT]
COLUMNS = ("facts", "first", "cite", "talk", "abstain", "false", "ece", "words")


def run(questions: str, index: str) -> list[dict[str, object]]:
    """The per-question records of one corpus, each with its split."""
    done = subprocess.run([sys.executable, "-m", "confqa", "eval", questions, "--index", index, "--split", "all",
                           "--baselines", "", "--json"], cwd=ROOT, capture_output=True, text=True, check=True)
    split = {q["id"]: q["split"] for q in map(json.loads, (ROOT / questions).read_text(encoding="utf-8").splitlines())}
    return [{**record, "split": split[record["id"]]} for record in json.loads(done.stdout)["per_question"]]


def measures(records: list[dict[str, object]]) -> dict[str, float | None]:
    answerable = [r for r in records if "abstained_correctly" not in r]
    unanswerable = [r for r in records if "abstained_correctly" in r]

    def mean(values: list[object]) -> float | None:
        present = [float(v) for v in values if v is not None]  # type: ignore[arg-type]
        return statistics.mean(present) if present else None

    words = [float(r["answer_words"]) for r in records if r.get("answer_words")]  # type: ignore[arg-type]
    return {
        "facts": mean([r.get("fact_coverage") or 0.0 for r in answerable]),
        "first": mean([r.get("first_sentence_fact") for r in answerable if not r["abstained"]]),
        "cite": mean([r.get("citation_precision") for r in answerable]),
        "talk": mean([r.get("talk_attribution") for r in answerable]),
        "abstain": mean([r["abstained_correctly"] for r in unanswerable]),
        "false": mean([r.get("false_abstention") for r in answerable]),
        "ece": expected_calibration_error([float(r["confidence"]) for r in records],  # type: ignore[arg-type]
                                          [bool(r["calibration_label"]) for r in records])[0] if records else None,
        "words": statistics.median(words) if words else None,
        "handled": mean([float(bool(r["correct"])) for r in records]),
    }


def row(name: str, split: str, records: list[dict[str, object]], extra: tuple[str, ...] = ()) -> str:
    values = measures(records)
    cells = ["—" if values[c] is None else f"{values[c]:.1f}" if c == "words" else f"{values[c]:.3f}"
             for c in (*COLUMNS, *extra)]
    return f"| {name} | {split} | {len(records)} | " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write every corpus's per-question records here")
    args = parser.parse_args()
    by_corpus = {notes: run(questions, index) for questions, index, notes in EVERY_CORPUS}
    print("| corpus | split | questions | " + " | ".join(COLUMNS) + " |")
    print("|---|---|---|" + "---|" * len(COLUMNS))
    for notes, records in by_corpus.items():
        for split in ("dev", "test"):
            name = "shipped" if notes == "corpus" else Path(notes).name
            print(row(name, split, [r for r in records if r["split"] == split]))
    print()
    print("| pooled | split | questions | " + " | ".join(COLUMNS) + " | handled |")
    print("|---|---|---|" + "---|" * (len(COLUMNS) + 1))
    groups = {"written for confqa": [n for _, _, n in CORPORA], "blind": [n for _, _, n in BLIND],
              "unseen": [n for _, _, n in UNSEEN], "held out": [n for _, _, n in HELD_OUT]}
    for group, members in groups.items():
        for split in ("dev", "test"):
            pooled = [r for notes in members for r in by_corpus[notes] if r["split"] == split]
            print(row(group, split, pooled, ("handled",)))
    if args.json:
        args.json.write_text(json.dumps(by_corpus, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
