from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from tests.conftest import REPO, SHIPPED_CORPUS

from confqa.evaluation import (
    EvalQuestion,
    Retrieved,
    SectionMap,
    _normalize,
    bootstrap_ci,
    citation_precision,
    citation_recall,
    expected_calibration_error,
    fact_coverage,
    hit_at_k,
    load_evalset,
    ndcg_at_k,
    paired_bootstrap,
    recall_at_k,
    reciprocal_rank,
    relevance,
    split_of,
    talk_attribution,
    write_report,
)


def test_retrieval_metrics_against_hand_computed_values() -> None:
    relevant = [False, True, False, True]
    assert hit_at_k(relevant, 1) == 0.0 and hit_at_k(relevant, 2) == 1.0
    assert reciprocal_rank(relevant) == 0.5
    assert reciprocal_rank([False, False]) == 0.0
    # DCG = 1/log2(3) + 1/log2(5); ideal with 2 relevant = 1 + 1/log2(3).
    expected = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(relevant, n_gold=2) == pytest.approx(expected)
    assert ndcg_at_k([True, True], n_gold=1) == pytest.approx(1.0)
    covered = [set(), {"a"}, {"a", "b"}]
    assert recall_at_k(covered, {"a", "b", "c"}, 2) == pytest.approx(1 / 3)
    assert recall_at_k(covered, {"a", "b", "c"}, 3) == pytest.approx(2 / 3)


def test_answer_metrics_against_hand_computed_values() -> None:
    facts = [["Relevance"], ["Difficulty"], ["70-90%", "70 to 90 percent"]]
    assert fact_coverage("**Relevance** matters; filtered 70–90% of data", facts) == pytest.approx(2 / 3)
    assert fact_coverage("nothing", facts) == 0.0
    assert citation_precision(["a.md", "b.md", "a.md"], ["a.md"]) == pytest.approx(2 / 3)
    assert citation_precision([], ["a.md"]) is None
    assert citation_recall(["a.md"], ["a.md", "b.md"]) == 0.5
    citations = [("On the Science of Alien Intelligences", ["Melanie Mitchell"]), ("Other", []),
                 (None, ["Melanie Mitchell"])]
    assert talk_attribution(citations, "Alien Intelligences", "Mitchell") == pytest.approx(2 / 3)
    assert talk_attribution(citations, None, None) is None
    # a talk of the gold tutorial is credited to it: (talk, speakers, the session it is part of)
    nested = [("Limitations", [], "The Science of Benchmarking"), ("Limitations", [], None)]
    assert talk_attribution(nested, "Science of Benchmarking", None) == pytest.approx(1 / 2)


def test_expected_calibration_error() -> None:
    ece, table = expected_calibration_error([0.9, 0.9, 0.1, 0.1], [True, False, False, False])
    # Bin 0.9: confidence 0.9, accuracy 0.5 -> 0.4 * 2/4; bin 0.1: confidence 0.1, accuracy 0 -> 0.1 * 2/4.
    assert ece == pytest.approx(0.25)
    assert [b["count"] for b in table] == [2, 2]
    perfect, _ = expected_calibration_error([1.0, 0.0], [True, False])
    assert perfect == 0.0


def test_bootstrap_is_deterministic_under_a_seed() -> None:
    values = [(i * 37 % 11) / 10 for i in range(60)]
    first = bootstrap_ci(values, seed=7)
    assert bootstrap_ci(values, seed=7) == first
    assert first[0] == pytest.approx(sum(values) / len(values))
    assert first[1] <= first[0] <= first[2]
    assert bootstrap_ci(values, seed=8) != first
    test = paired_bootstrap([1, 1, 1, 0, 1], [0, 0, 1, 0, 0], seed=3)
    assert test == paired_bootstrap([1, 1, 1, 0, 1], [0, 0, 1, 0, 0], seed=3)
    assert test["diff"] == pytest.approx(0.6) and test["p"] < 0.05
    with pytest.raises(ValueError):
        paired_bootstrap([1], [1, 2])


def test_evalset_is_well_formed_and_grounded_in_the_notes() -> None:
    questions = load_evalset(REPO / "evals" / "questions.jsonl")
    assert len(questions) >= 60
    unanswerable = [q for q in questions if not q.answerable]
    assert len(unanswerable) >= 10 and any(q.type == "near-miss" for q in unanswerable)
    groups: dict[str, list[EvalQuestion]] = {}
    for q in questions:
        if q.group:
            groups.setdefault(q.group, []).append(q)
        assert q.split == split_of(q.group or q.id)
    assert sum(1 for g in groups.values() if len(g) == 3) >= 10
    assert all(len({q.split for q in g}) == 1 for g in groups.values())
    docs = {p.name for p in SHIPPED_CORPUS.glob("*.md")}
    assert {d for q in questions for d in q.gold_docs} == docs  # every note is covered
    sections = SectionMap(SHIPPED_CORPUS)
    for q in questions:
        if not q.answerable:
            continue
        text = _normalize("\n".join("\n".join(sections.lines[d]) for d in q.gold_docs))
        for fact in q.facts:  # matched as fact_coverage matches them
            assert any(_normalize(p) in text for p in fact), (q.id, fact)
        headings = {h for d in q.gold_docs for path in sections.paths[d] for h in path}
        for section in q.gold_sections:
            assert section in headings, (q.id, section)


def test_every_intent_has_fifteen_labelled_questions_across_the_corpora() -> None:
    from collections import Counter

    from confqa.answer.intents import INTENTS

    files = [REPO / "evals" / "questions.jsonl", *sorted((REPO / "evals" / "corpora").glob("*.questions.jsonl"))]
    questions = [q for f in files for q in load_evalset(f)]
    assert all(q.intent for q in questions)
    answerable = Counter(q.intent for q in questions if q.answerable)
    assert all(answerable[name] >= 15 for name in INTENTS), answerable
    assert sum(1 for q in questions if not q.answerable) >= 80


def test_section_relevance_uses_the_lines_of_any_system() -> None:
    sections = SectionMap(SHIPPED_CORPUS)
    question = EvalQuestion(id="x", question="q", answerable=True, gold_docs=["six-tutorials-neurips-2025.md"],
                            gold_sections=["Section 6.3: Interference Reduction (TIES and DARE)"], facts=[], type="list",
                            split="dev")
    assert relevance(Retrieved("six-tutorials-neurips-2025.md", 628, 631), question, sections)[:2] == (True, True)
    assert relevance(Retrieved("six-tutorials-neurips-2025.md", 600, 604), question, sections)[:2] == (True, False)
    assert relevance(Retrieved("neurips-2025-notes.md", 1, 5), question, sections)[:2] == (False, False)


def test_report_files(tmp_path: Path) -> None:
    cell = {"mean": 0.5, "low": 0.4, "high": 0.6, "n": 3}
    results = {
        "questions": 3, "seed": 1, "seconds": 1.0, "split": "test",
        "systems": {"confqa": {"section_hit@5": cell, "mrr": cell, "ece": {"mean": 0.1, "low": 0.0, "high": 0.2, "n": 3},
                               "reliability": [{"low": 0.0, "high": 0.1, "count": 1, "confidence": 0.05, "accuracy": 0.0}],
                               "robustness": {"groups": [{"group": "g", "verdicts": [True, False, True], "consistent": False,
                                                          "score_spread": 0.1, "confidence_spread": 0.2, "questions": []}]}},
                    "bm25-only": {"section_hit@5": cell, "mrr": cell}},
        "paired_tests": {"bm25-only": {"mrr": {"diff": 0.1, "low": 0.0, "high": 0.2, "p": 0.04}}},
        "slices": {"type=list": {"n": 3, "section_hit@5": cell, "mrr": cell, "fact_coverage": cell, "correct": cell}},
        "failures": [{"id": "q1", "type": "list", "question": "Q?", "answer": "A", "gold_docs": ["a.md"],
                      "gold_sections": ["S"], "retrieved": ["a.md:1-2"]}],
    }
    written = write_report(results, tmp_path / "report", "title")
    names = {p.name for p in written}
    assert names == {"report.md", "results.json", "reliability.png", "systems.png", "slices.png"}
    for path in written:
        assert path.stat().st_size > 100
        if path.suffix == ".png":
            assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    report = (tmp_path / "report" / "report.md").read_text()
    assert "| section_hit@5 | 0.500 [0.40, 0.60] | 0.500 [0.40, 0.60] |" in report
    assert "✓✗✓" in report
    assert json.loads((tmp_path / "report" / "results.json").read_text())["seed"] == 1


@pytest.mark.slow
def test_eval_command_on_the_shipped_corpus(shipped_index, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from confqa.cli import main

    _, index_dir = shipped_index
    result = CliRunner().invoke(main, ["eval", str(REPO / "evals" / "questions.jsonl"), "--index", str(index_dir),
                                       "--split", "dev", "--baselines", "bm25", "--json",
                                       "--report", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["questions"] == sum(1 for q in load_evalset(REPO / "evals" / "questions.jsonl") if q.split == "dev")
    assert set(data["systems"]) == {"confqa", "bm25-only"}
    assert "fact_coverage" in data["paired_tests"]["bm25-only"]  # the baseline answers too
    assert any(name.startswith("intent=") for name in data["slices"])
    confqa_metrics = data["systems"]["confqa"]
    for metric in ("section_hit@5", "mrr", "ndcg@10", "fact_coverage", "first_sentence_fact", "citation_precision",
                   "ece", "abstention_recall", "answer_words", "median_answer_words"):
        cell = confqa_metrics[metric]
        assert cell["low"] <= cell["mean"] <= cell["high"]
    assert 5 <= confqa_metrics["answer_words"]["mean"] <= 400  # words per answered question
    assert (tmp_path / "r" / "reliability.png").is_file()
