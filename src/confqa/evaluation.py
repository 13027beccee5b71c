"""Offline evaluation: the question set, retrieval and answer metrics, abstention and calibration, robustness to
rephrasing, seeded bootstrap intervals, and baselines (BM25 only, dense only, a plain llama-index pipeline)
measured in the same run on the same questions."""

from __future__ import annotations

import json
import math
import re
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from confqa.errors import ConfqaError, ConfqaUsageError
from confqa.text.sentences import sentence_spans

KS = (1, 3, 5, 10)
MIN_SLICE_FOR_ECE = 10  # calibration error of fewer questions than this is noise
BOOTSTRAP_SAMPLES = 1000
SEED = 20251209


class EvalQuestion(BaseModel):
    """One line of evals/questions.jsonl (documented in evals/README.md)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    question: str
    answerable: bool
    gold_docs: list[str] = Field(default_factory=list)
    gold_sections: list[str] = Field(default_factory=list)
    gold_talk: str | None = None
    gold_speaker: str | None = None
    facts: list[list[str]] = Field(default_factory=list)
    type: str
    group: str | None = None
    split: str
    near_miss: str | None = None
    corpus: str | None = Field(None, description="The corpus the question was written for (its folder's name under "
                               "evals/corpora/); none for the shipped corpus/.")
    intent: str | None = Field(None, description="What the question asks for, labelled by hand: one of "
                               "confqa.answer.intents.INTENTS (who, when, where, quantity, list, definition, "
                               "explanation, comparison, talk, fact).")

    @field_validator("intent")
    @classmethod
    def _known_intent(cls, value: str | None) -> str | None:
        from confqa.answer.intents import INTENTS

        if value is not None and value not in INTENTS:
            raise ValueError(f"unknown intent {value!r} (one of {', '.join(INTENTS)})")
        return value


def load_evalset(path: Path) -> list[EvalQuestion]:
    """The questions of a JSON Lines evaluation set. Every problem is one ConfqaError naming the file and line."""
    if not path.is_file():
        raise ConfqaError(f"evaluation set {path} not found (give a .jsonl file of questions)")
    from confqa.ingest.loading import read_utf8

    text = read_utf8(path, "the evaluation set")
    questions = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            questions.append(EvalQuestion.model_validate_json(line))
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"])
            raise ConfqaError(f"{path}:{number}: {where + ': ' if where else ''}{error['msg']}") from None
    if not questions:
        raise ConfqaError(f"{path} holds no questions (one JSON object per line)")
    ids = [q.id for q in questions]
    if len(set(ids)) != len(ids):
        duplicate = next(i for i in ids if ids.count(i) > 1)
        raise ConfqaError(f"{path}: question ids are not unique ({duplicate!r} appears more than once)")
    return questions


def check_corpus(path: Path, questions: list[EvalQuestion], corpus_dir: Path) -> None:
    """Questions written for one corpus cannot be scored on an index of another: their gold notes must be there."""
    missing = sorted({d for q in questions for d in q.gold_docs if not (corpus_dir / d).is_file()})
    if missing:
        corpora = sorted({q.corpus or "corpus/" for q in questions})
        raise ConfqaError(
            f"{path}: {len(missing)} gold note(s) are not in the index's notes {corpus_dir} ({', '.join(missing[:3])}"
            f"{', …' if len(missing) > 3 else ''}); index the notes the questions were written for "
            f"({', '.join(corpora)}) and pass it with --index")


def split_of(key: str) -> str:
    """The split rule: a paraphrase group (or a lone question) is in dev when crc32(key) % 10 < 4."""
    return "dev" if zlib.crc32(key.encode()) % 10 < 4 else "test"


# -- relevance -------------------------------------------------------------------------------------
class SectionMap:
    """Which heading path each line of each note sits under, so that passages of any system (confqa's chunks,
    llama-index's nodes) are judged by the same rule."""

    def __init__(self, corpus_dir: Path) -> None:
        from confqa.ingest.chunking import parse
        from confqa.ingest.loading import load_corpus

        self.paths: dict[str, list[tuple[str, ...]]] = {}
        self.titles: dict[str, str] = {}
        self.lines: dict[str, list[str]] = {}
        for document in load_corpus(corpus_dir).documents:
            parsed = parse(document)
            per_line: list[tuple[str, ...]] = [()] * (len(document.lines) + 2)
            current: tuple[str, ...] = ()
            blocks = iter(parsed.blocks)
            block = next(blocks, None)
            for number in range(1, len(document.lines) + 1):
                while block is not None and block.line_start <= number:
                    current = block.heading_path
                    block = next(blocks, None)
                per_line[number] = current
            self.paths[document.doc] = per_line
            self.titles[document.doc] = document.title
            self.lines[document.doc] = document.lines

    def sections(self, doc: str, line_start: int, line_end: int) -> set[tuple[str, ...]]:
        per_line = self.paths.get(doc)
        if not per_line:
            return set()
        last = min(line_end, len(per_line) - 1)
        return {per_line[n] for n in range(max(1, line_start), last + 1)}


@dataclass
class Retrieved:
    doc: str
    line_start: int
    line_end: int
    text: str = ""


def _section_matches(gold: str, path: tuple[str, ...]) -> bool:
    if not path:
        return False
    if gold == path[0] and len(path) > 1:
        return False  # the note's top heading names every section: only its own preamble counts
    return gold in path


def relevance(item: Retrieved, question: EvalQuestion, sections: SectionMap) -> tuple[bool, bool, set[str]]:
    """(from a gold note, from a gold section, which gold sections it covers)."""
    if item.doc not in question.gold_docs:
        return False, False, set()
    if not question.gold_sections:
        return True, True, {"*"}
    paths = sections.sections(item.doc, item.line_start, item.line_end)
    covered = {g for g in question.gold_sections for p in paths if _section_matches(g, p)}
    return True, bool(covered), covered


# -- metric functions (pure) ---------------------------------------------------------------------------
def hit_at_k(relevant: Sequence[bool], k: int) -> float:
    return 1.0 if any(relevant[:k]) else 0.0


def recall_at_k(covered: Sequence[set[str]], gold: set[str], k: int) -> float:
    if not gold:
        return 0.0
    found = set().union(*covered[:k]) if covered[:k] else set()
    return len(found & gold) / len(gold)


def reciprocal_rank(relevant: Sequence[bool]) -> float:
    for rank, flag in enumerate(relevant, start=1):
        if flag:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(relevant: Sequence[bool], n_gold: int, k: int = 10) -> float:
    gains = [1.0 / math.log2(i + 2) for i, flag in enumerate(relevant[:k]) if flag]
    ideal_count = min(k, max(n_gold, sum(1 for f in relevant[:k] if f)))
    ideal = sum(1.0 / math.log2(i + 2) for i in range(ideal_count))
    return sum(gains) / ideal if ideal else 0.0


def _normalize(text: str) -> str:
    text = text.lower().replace("–", "-").replace("—", "-").replace("’", "'")
    text = re.sub(r"[*_`\\]", "", text)
    return re.sub(r"\s+", " ", text)


def fact_coverage(answer: str, facts: Sequence[Sequence[str]]) -> float:
    """Share of key facts the answer states (any accepted phrasing, case and markdown ignored)."""
    if not facts:
        return 0.0
    text = _normalize(answer)
    return sum(1 for phrasings in facts if any(_normalize(p) in text for p in phrasings)) / len(facts)


_CITATION_MARK = re.compile(r"\s*\[\d+\]")


def first_sentence(answer: str) -> str:
    """The answer's first sentence (up to its first sentence end or citation marker, whichever comes first), split
    by confqa's one sentence splitter: "Prof. Dr. Veronika Strolz" is not three sentences."""
    head = _CITATION_MARK.sub("", re.split(r"\[\d+\]", answer, maxsplit=1)[0]).strip()
    spans = sentence_spans(head, 0, len(head))
    return head[spans[0][0]:spans[0][1]] if spans else head


def citation_precision(cited_docs: Sequence[str], gold_docs: Sequence[str]) -> float | None:
    if not cited_docs:
        return None
    return sum(1 for d in cited_docs if d in gold_docs) / len(cited_docs)


def citation_recall(cited_docs: Sequence[str], gold_docs: Sequence[str]) -> float | None:
    if not gold_docs:
        return None
    return len(set(cited_docs) & set(gold_docs)) / len(set(gold_docs))


def talk_attribution(citations: Sequence[tuple[str | None, Sequence[str]] | tuple[str | None, Sequence[str], str | None]],
                     gold_talk: str | None, gold_speaker: str | None) -> float | None:
    """Share of citations credited to the gold talk (by title: the cited talk's, or that of the session, tutorial
    or workshop it is part of) or the gold speaker."""
    if not citations or (gold_talk is None and gold_speaker is None):
        return None
    good = 0
    for talk, speakers, *within in citations:
        titles = [t for t in (talk, *within) if t]
        by_title = gold_talk is not None and any(gold_talk.lower() in t.lower() for t in titles)
        by_speaker = gold_speaker is not None and any(gold_speaker.lower() in s.lower() for s in speakers)
        good += by_title or by_speaker
    return good / len(citations)


def expected_calibration_error(confidence: Sequence[float], correct: Sequence[bool], bins: int = 10) -> tuple[float, list[dict[str, float]]]:
    conf = np.asarray(confidence, dtype=float)
    labels = np.asarray(correct, dtype=float)
    table = []
    ece = 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    for i in range(bins):
        upper = conf <= edges[i + 1] if i == bins - 1 else conf < edges[i + 1]
        members = (conf >= edges[i]) & upper
        if not members.any():
            continue
        mean_conf, accuracy = float(conf[members].mean()), float(labels[members].mean())
        ece += members.sum() / len(conf) * abs(accuracy - mean_conf)
        table.append({"low": float(edges[i]), "high": float(edges[i + 1]), "count": int(members.sum()),
                      "confidence": mean_conf, "accuracy": accuracy})
    return float(ece), table


def bootstrap_ci(values: Sequence[float], seed: int = SEED, samples: int = BOOTSTRAP_SAMPLES) -> tuple[float, float, float]:
    """Mean and 95% percentile interval over question resamples (seeded: the same input gives the same interval)."""
    data = np.asarray([v for v in values if v is not None], dtype=float)
    if data.size == 0:
        return float("nan"), float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    means = data[rng.integers(0, data.size, size=(samples, data.size))].mean(axis=1)
    return float(data.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def paired_bootstrap(a: Sequence[float], b: Sequence[float], seed: int = SEED,
                     samples: int = BOOTSTRAP_SAMPLES) -> dict[str, float]:
    """Difference of means a - b over the same questions, with its 95% interval and the one-sided p-value
    (the share of resamples in which a is not better than b)."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.shape != y.shape or x.size == 0:
        raise ValueError("paired bootstrap needs two equally long, non-empty lists")
    rng = np.random.default_rng(seed)
    index = rng.integers(0, x.size, size=(samples, x.size))
    diffs = x[index].mean(axis=1) - y[index].mean(axis=1)
    return {"diff": float(x.mean() - y.mean()), "low": float(np.percentile(diffs, 2.5)),
            "high": float(np.percentile(diffs, 97.5)), "p": float((diffs <= 0).mean())}


# -- systems ------------------------------------------------------------------------------------------
@dataclass
class SystemRun:
    """What one system returned for one question."""

    retrieved: list[Retrieved]
    answer: str | None = None
    abstained: bool | None = None
    confidence: float | None = None
    citations: list[dict[str, Any]] = field(default_factory=list)
    evidence: dict[str, float] = field(default_factory=dict)  # what confqa's confidence was computed from


Retriever = Callable[[str], SystemRun]


def confqa_system(assistant: Any, k: int = 10, llm: Any = None, generations: list[Any] | None = None) -> Retriever:
    """confqa as shipped, or with a language model writing the answers (their Generation records are collected
    in `generations`, so the run can report what the citation check removed)."""
    def run(question: str) -> SystemRun:
        passages = assistant.retrieve(question, k)
        answer = assistant.ask(question, llm=llm) if llm is not None else assistant.ask(question)
        if generations is not None:
            generations.append(answer)
        return SystemRun(
            retrieved=[Retrieved(p.doc, p.line_start, p.line_end, p.text) for p in passages],
            answer=answer.answer, abstained=answer.abstained, confidence=answer.confidence,
            citations=[c.model_dump() for c in answer.citations], evidence=dict(answer.evidence),
        )

    return run


def single_retriever_system(assistant: Any, which: str, k: int = 10) -> Retriever:
    """BM25 only or dense only, on confqa's own chunks, with no talk routing; its answer is the top passage."""
    from confqa.answer.readable import display_text

    settings = assistant.settings.retrieval.model_copy(update={
        "dense_weight": 1.0 if which == "dense" else 0.0, "bm25_weight": 1.0 if which == "bm25" else 0.0,
        "talk_weight": 0.0})

    budget = assistant.settings.answer.max_words

    def run(question: str) -> SystemRun:
        hits = assistant.search.retrieve(assistant.search.plain_query(question), k, settings)
        chunks = [assistant.store.chunks[h.chunk] for h in hits]
        # Its answer: the top passage as a reader sees it, cut at confqa's word limit (never abstains).
        answer = " ".join(display_text(chunks[0].text).split()[:budget]) if chunks else ""
        return SystemRun(retrieved=[Retrieved(c.doc, c.line_start, c.line_end, c.text) for c in chunks],
                         answer=answer, citations=[{"doc": chunks[0].doc}] if chunks else [])

    return run


def llama_index_system(corpus_dir: Path, k: int = 10) -> Retriever:
    """A plain llama-index pipeline: SimpleDirectoryReader, SentenceSplitter defaults, the same MiniLM model,
    an in-memory VectorStoreIndex retriever. No LLM is involved (Settings.llm is None, never OpenAI)."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from llama_index.core import Settings as LlamaSettings
        from llama_index.core import SimpleDirectoryReader, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    except ImportError as exc:
        from confqa.errors import MissingExtraError

        raise MissingExtraError("the llama-index baseline", "eval", "llama-index-embeddings-huggingface") from exc
    from confqa.tokenization import model_path

    LlamaSettings.llm = None
    LlamaSettings.embed_model = HuggingFaceEmbedding(model_name=str(model_path()), device="cpu")
    documents = SimpleDirectoryReader(str(corpus_dir), recursive=True, required_exts=[".md", ".markdown", ".txt"]).load_data()
    nodes = SentenceSplitter().get_nodes_from_documents(documents)
    retriever = VectorStoreIndex(nodes, show_progress=False).as_retriever(similarity_top_k=k)
    root = corpus_dir.resolve()
    texts: dict[str, str] = {}

    def locate(node: Any) -> Retrieved:
        path = Path(node.metadata.get("file_path", node.metadata.get("file_name", "")))
        try:
            doc = path.resolve().relative_to(root).as_posix()
        except ValueError:
            doc = path.name
        if doc not in texts:
            texts[doc] = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        content = node.get_content()
        start = node.start_char_idx if node.start_char_idx is not None else texts[doc].find(content[:200])
        start = max(start, 0)
        end = start + len(content)
        line_start = texts[doc].count("\n", 0, start) + 1
        return Retrieved(doc, line_start, texts[doc].count("\n", 0, end) + 1, content)

    def run(question: str) -> SystemRun:
        return SystemRun(retrieved=[locate(n.node) for n in retriever.retrieve(question)])

    return run


# -- scoring ------------------------------------------------------------------------------------------
def score_question(question: EvalQuestion, run: SystemRun, sections: SectionMap) -> dict[str, Any]:
    """Every per-question metric for one system (None where a metric does not apply)."""
    judged = [relevance(item, question, sections) for item in run.retrieved]
    doc_rel = [d for d, _, _ in judged]
    sec_rel = [s for _, s, _ in judged]
    covered_docs = [{item.doc} if d else set() for item, (d, _, _) in zip(run.retrieved, judged)]
    covered_sections = [c for _, _, c in judged]
    gold_sections = set(question.gold_sections) or {"*"}
    out: dict[str, Any] = {"id": question.id}
    if question.answerable:
        for k in KS:
            out[f"doc_hit@{k}"] = hit_at_k(doc_rel, k)
            out[f"section_hit@{k}"] = hit_at_k(sec_rel, k)
            out[f"doc_recall@{k}"] = recall_at_k(covered_docs, set(question.gold_docs), k)
            out[f"section_recall@{k}"] = recall_at_k(covered_sections, gold_sections, k)
        out["mrr"] = reciprocal_rank(sec_rel)
        out["ndcg@10"] = ndcg_at_k(sec_rel, len(gold_sections), 10)
        out["retrieved_fact_coverage@5"] = fact_coverage(" ".join(i.text for i in run.retrieved[:5]), question.facts)
    if run.answer is None:
        return out
    if run.abstained is None:  # a baseline's answer: key facts only
        if question.answerable:
            out["fact_coverage"] = fact_coverage(run.answer, question.facts)
            out["first_sentence_fact"] = 1.0 if fact_coverage(first_sentence(run.answer), question.facts) > 0 else 0.0
        return out
    cited_docs = [c["doc"] for c in run.citations]
    out.update({
        "abstained": bool(run.abstained),
        "confidence": run.confidence,
        "answer_words": float(len(re.sub(r"\[\d+\]", "", run.answer).split())) if not run.abstained else None,
    })
    if question.answerable:
        coverage = 0.0 if run.abstained else fact_coverage(run.answer, question.facts)
        out["fact_coverage"] = coverage
        out["citation_precision"] = citation_precision(cited_docs, question.gold_docs)
        out["citation_recall"] = citation_recall(cited_docs, question.gold_docs) if not run.abstained else 0.0
        out["talk_attribution"] = talk_attribution(
            [(c.get("talk"), c.get("speakers", []), c.get("part_of")) for c in run.citations], question.gold_talk,
            question.gold_speaker)
        out["false_abstention"] = 1.0 if run.abstained else 0.0
        if not run.abstained:
            out["first_sentence_fact"] = 1.0 if fact_coverage(first_sentence(run.answer), question.facts) > 0 else 0.0
        out["correct"] = (not run.abstained) and coverage >= 0.5
    else:
        out["abstained_correctly"] = 1.0 if run.abstained else 0.0
        out["correct"] = bool(run.abstained)
    out["calibration_label"] = bool(question.answerable and out["correct"])
    return out


HEADLINE = ["section_hit@5", "mrr", "ndcg@10", "doc_hit@5", "fact_coverage", "first_sentence_fact",
            "citation_precision", "talk_attribution", "abstention_recall", "false_abstention", "ece",
            "consistent_groups"]


def summarize(questions: list[EvalQuestion], scores: list[dict[str, Any]], seed: int = SEED) -> dict[str, Any]:
    """Means with bootstrap intervals for every metric, abstention, calibration and robustness."""
    summary: dict[str, Any] = {}
    keys = sorted({k for s in scores for k, v in s.items() if isinstance(v, float) and k not in ("confidence",)})
    for key in keys:
        values = [s[key] for s in scores if s.get(key) is not None]
        if values:
            mean, low, high = bootstrap_ci(values, seed)
            summary[key] = {"mean": mean, "low": low, "high": high, "n": len(values)}
    words = [s["answer_words"] for s in scores if s.get("answer_words") is not None]
    if words:
        rng = np.random.default_rng(seed)
        medians = [float(np.median(rng.choice(words, size=len(words)))) for _ in range(BOOTSTRAP_SAMPLES)]
        summary["median_answer_words"] = {"mean": float(np.median(words)), "low": float(np.percentile(medians, 2.5)),
                                          "high": float(np.percentile(medians, 97.5)), "n": len(words)}
    if any("abstained" in s for s in scores):
        unanswerable = [s for q, s in zip(questions, scores) if not q.answerable]
        abstained = [s for s in scores if s.get("abstained")]
        precision_values = [0.0 if q.answerable else 1.0 for q, s in zip(questions, scores) if s.get("abstained")]
        summary["abstention_recall"] = _ci([s["abstained_correctly"] for s in unanswerable], seed)
        summary["abstention_precision"] = _ci(precision_values, seed) if abstained else None
        confidences = [s["confidence"] for s in scores]
        labels = [s["calibration_label"] for s in scores]
        ece, table = expected_calibration_error(confidences, labels)
        rng = np.random.default_rng(seed)
        n = len(scores)
        boot = []
        for _ in range(BOOTSTRAP_SAMPLES // 4):
            index = rng.integers(0, n, size=n)
            boot.append(expected_calibration_error([confidences[i] for i in index], [labels[i] for i in index])[0])
        summary["ece"] = {"mean": ece, "low": float(np.percentile(boot, 2.5)), "high": float(np.percentile(boot, 97.5)), "n": n}
        summary["reliability"] = table
        summary["robustness"] = robustness(questions, scores, seed)
        summary["consistent_groups"] = summary["robustness"]["consistent"]
    return summary


def _ci(values: list[float], seed: int) -> dict[str, float] | None:
    if not values:
        return None
    mean, low, high = bootstrap_ci(values, seed)
    return {"mean": mean, "low": low, "high": high, "n": len(values)}


def robustness(questions: list[EvalQuestion], scores: list[dict[str, Any]], seed: int = SEED) -> dict[str, Any]:
    groups: dict[str, list[tuple[EvalQuestion, dict[str, Any]]]] = defaultdict(list)
    for question, score in zip(questions, scores):
        if question.group:
            groups[question.group].append((question, score))
    per_group = []
    for name, members in sorted(groups.items()):
        verdicts = [bool(s.get("correct")) for _, s in members]
        coverages = [s.get("fact_coverage", s.get("abstained_correctly", 0.0)) or 0.0 for _, s in members]
        confidences = [s.get("confidence") or 0.0 for _, s in members]
        per_group.append({"group": name, "questions": [q.id for q, _ in members], "verdicts": verdicts,
                          "consistent": len(set(verdicts)) == 1, "score_spread": float(np.std(coverages)),
                          "confidence_spread": float(np.std(confidences))})
    consistent = _ci([1.0 if g["consistent"] else 0.0 for g in per_group], seed) if per_group else None
    return {"groups": per_group, "consistent": consistent}


def slices(questions: list[EvalQuestion], scores: list[dict[str, Any]], seed: int = SEED) -> dict[str, dict[str, Any]]:
    """Metrics per question type and per gold note."""
    out: dict[str, dict[str, Any]] = {}
    by: dict[str, list[int]] = defaultdict(list)
    for i, question in enumerate(questions):
        by[f"type={question.type}"].append(i)
        by[f"intent={question.intent or '(unlabelled)'}"].append(i)
        by[f"split={question.split}"].append(i)
        by[f"doc={question.gold_docs[0] if question.gold_docs else '(none)'}"].append(i)
    for name, members in sorted(by.items()):
        row: dict[str, Any] = {"n": len(members)}
        for key in ("section_hit@5", "mrr", "fact_coverage", "first_sentence_fact", "correct"):
            values = [float(scores[i][key]) for i in members if scores[i].get(key) is not None]
            row[key] = _ci(values, seed)
        unanswerable = [i for i in members if not questions[i].answerable]
        row["abstention_recall"] = _ci([scores[i]["abstained_correctly"] for i in unanswerable
                                        if "abstained_correctly" in scores[i]], seed)
        confidences = [scores[i]["confidence"] for i in members if scores[i].get("confidence") is not None]
        row["ece"] = expected_calibration_error(confidences, [scores[i]["calibration_label"] for i in members
                                                              if scores[i].get("confidence") is not None])[0] \
            if len(confidences) >= MIN_SLICE_FOR_ECE else None
        out[name] = row
    return out


def failures(questions: list[EvalQuestion], scores: list[dict[str, Any]], runs: list[SystemRun], limit: int = 10) -> list[dict[str, Any]]:
    """The worst questions, with what was retrieved, so a developer can see why."""
    def badness(item: tuple[EvalQuestion, dict[str, Any], SystemRun]) -> float:
        question, score, _ = item
        if not question.answerable:
            return 2.0 if not score.get("abstained") else 0.0
        return (1 - score.get("fact_coverage", 0)) + (1 - score.get("section_hit@5", 0)) + (1 - (score.get("mrr") or 0))

    ranked = sorted(zip(questions, scores, runs), key=badness, reverse=True)
    out = []
    for question, score, run in ranked[:limit]:
        if badness((question, score, run)) == 0:
            break
        out.append({
            "id": question.id, "question": question.question, "type": question.type,
            "answerable": question.answerable, "gold_docs": question.gold_docs, "gold_sections": question.gold_sections,
            "answer": run.answer, "abstained": run.abstained, "confidence": run.confidence,
            "fact_coverage": score.get("fact_coverage"), "section_hit@5": score.get("section_hit@5"),
            "retrieved": [f"{r.doc}:{r.line_start}-{r.line_end}" for r in run.retrieved[:5]],
        })
    return out


# -- the run ------------------------------------------------------------------------------------------
def run_evaluation(
    assistant: Any,
    questions: list[EvalQuestion],
    corpus_dir: Path,
    baselines: Sequence[str] = ("bm25", "dense", "llama-index"),
    seed: int = SEED,
    progress: Callable[[str, int, int], None] | None = None,
    llm: Any = None,
) -> dict[str, Any]:
    """Score confqa (and, with `llm`, confqa with that model writing the answers) and the baselines."""
    if not questions:
        raise ConfqaUsageError("no questions to evaluate (check --split)")
    started = time.perf_counter()
    sections = SectionMap(corpus_dir)
    systems: dict[str, Retriever] = {"confqa": confqa_system(assistant)}
    llm_answers: list[Any] = []
    if llm is not None and llm.backend != "none":
        systems[LLM_SYSTEM] = confqa_system(assistant, llm=llm, generations=llm_answers)
    for name in baselines:
        if name in ("bm25", "dense"):
            systems[f"{name}-only"] = single_retriever_system(assistant, name)
        elif name == "llama-index":
            systems["llama-index"] = llama_index_system(corpus_dir)
        else:
            raise ConfqaUsageError(f"unknown baseline {name!r}: choose from bm25, dense, llama-index")
    results: dict[str, Any] = {"systems": {}, "questions": len(questions)}
    per_system_scores: dict[str, list[dict[str, Any]]] = {}
    confqa_runs: list[SystemRun] = []
    total = len(questions) * len(systems)
    done = 0
    for name, system in systems.items():
        scores = []
        for question in questions:
            run = system(question.question)
            if name == "confqa":
                confqa_runs.append(run)
            scores.append(score_question(question, run, sections))
            done += 1
            if progress:
                progress("evaluating", done, total)
        per_system_scores[name] = scores
        answerable = [s for q, s in zip(questions, scores) if q.answerable]
        results["systems"][name] = summarize([q for q in questions if q.answerable], answerable, seed) \
            if name not in ("confqa", LLM_SYSTEM) else summarize(questions, scores, seed)
    confqa_answerable = [s for q, s in zip(questions, per_system_scores["confqa"]) if q.answerable]
    comparisons = {}
    for name in systems:
        if name in ("confqa", LLM_SYSTEM):
            continue
        other = [s for q, s in zip(questions, per_system_scores[name]) if q.answerable]
        comparisons[name] = {
            metric: paired_bootstrap([s[metric] for s in confqa_answerable], [s[metric] for s in other], seed)
            for metric in ("section_hit@5", "mrr", "ndcg@10", "doc_hit@5", "fact_coverage")
            if all(s.get(metric) is not None for s in other)
        }
    results["paired_tests"] = comparisons
    if llm_answers:
        results["llm"] = llm_summary(questions, llm_answers, per_system_scores["confqa"],
                                     per_system_scores[LLM_SYSTEM], seed)
    results["slices"] = slices(questions, per_system_scores["confqa"], seed)
    results["failures"] = failures(questions, per_system_scores["confqa"], confqa_runs)
    results["per_question"] = per_system_scores["confqa"]
    results["seconds"] = time.perf_counter() - started
    results["seed"] = seed
    return results


LLM_SYSTEM = "confqa+llm"


def llm_summary(questions: list[EvalQuestion], answers: list[Any], extractive: list[dict[str, Any]],
                generated: list[dict[str, Any]], seed: int = SEED) -> dict[str, Any]:
    """What the model did over the set and what the citation check removed, and how its answers compare with
    the extractive ones on the same questions (paired bootstrap, generated minus extractive)."""
    infos = [a.generation for a in answers if a.generation is not None]
    from confqa.generation import WEAK_EVIDENCE

    called = [g for g in infos if g.reason != WEAK_EVIDENCE]
    reasons = Counter(u.reason if not u.reason.startswith("cites [") else "cites a passage that does not exist"
                      for a in answers for u in a.unsupported_sentences)
    fallbacks = Counter(g.reason.split(" (")[0] if g.reason and g.reason.startswith("the LLM at") else g.reason
                        for g in infos if g.fell_back)
    sentences = sum(g.sentences for g in infos)
    supported = sum(g.supported for g in infos)
    answerable = [(e, g) for q, e, g in zip(questions, extractive, generated) if q.answerable]
    comparisons = {}
    for metric in ("fact_coverage", "citation_precision", "talk_attribution", "false_abstention"):
        pairs = [(g[metric], e[metric]) for e, g in answerable if g.get(metric) is not None and e.get(metric) is not None]
        if pairs:
            comparisons[metric] = paired_bootstrap([p[0] for p in pairs], [p[1] for p in pairs], seed)
    seconds = [g.seconds for g in infos if g.seconds]
    first = infos[0] if infos else None
    return {
        "backend": first.backend if first else None, "model": first.model if first else None,
        "questions": len(answers), "model_called": len(called),
        "llm_answers": sum(1 for a in answers if a.mode == "llm" and not a.abstained),
        "declined": sum(1 for a in answers if a.mode == "llm" and a.abstained),
        "fell_back": dict(fallbacks), "sentences": sentences, "supported_sentences": supported,
        "unsupported_sentences": sentences - supported, "unsupported_by_reason": dict(reasons),
        "unsupported_share": (sentences - supported) / sentences if sentences else None,
        "median_seconds": float(np.median(seconds)) if seconds else None,
        "vs_extractive": comparisons,
        "examples": [
            {"question": a.question, "sentence": u.text, "reason": u.reason}
            for a in answers for u in a.unsupported_sentences][:12],
    }


# -- output -------------------------------------------------------------------------------------------
def _fmt(cell: dict[str, float] | None) -> str:
    if not cell or cell.get("mean") is None or math.isnan(cell["mean"]):
        return "—"
    return f"{cell['mean']:.3f} [{cell['low']:.2f}, {cell['high']:.2f}]"


TABLE_METRICS = ["section_hit@1", "section_hit@3", "section_hit@5", "section_hit@10", "section_recall@5", "doc_hit@1",
                 "doc_hit@5", "doc_recall@5", "mrr", "ndcg@10", "retrieved_fact_coverage@5", "fact_coverage",
                 "first_sentence_fact", "citation_precision", "citation_recall", "talk_attribution", "answer_words",
                 "median_answer_words", "abstention_recall",
                 "abstention_precision", "false_abstention", "ece", "consistent_groups"]


def report_markdown(results: dict[str, Any], title: str) -> str:
    systems = list(results["systems"])
    lines = [f"# {title}", "", f"{results['questions']} questions, seed {results['seed']}, "
             f"{results['seconds']:.0f} s. Cells: mean [95% bootstrap interval].", "",
             "| metric | " + " | ".join(systems) + " |", "|---|" + "---|" * len(systems)]
    for metric in TABLE_METRICS:
        cells = [_fmt(results["systems"][s].get(metric)) for s in systems]
        if all(c == "—" for c in cells):
            continue
        lines.append(f"| {metric} | " + " | ".join(cells) + " |")
    lines += ["", "## confqa against each baseline (paired bootstrap, answerable questions)", "",
              "| baseline | metric | difference | 95% interval | p (confqa not better) |", "|---|---|---|---|---|"]
    for name, metrics in results["paired_tests"].items():
        for metric, test in metrics.items():
            lines.append(f"| {name} | {metric} | {test['diff']:+.3f} | [{test['low']:+.3f}, {test['high']:+.3f}] | {test['p']:.3f} |")
    if results.get("llm"):
        lines += ["", *llm_report_lines(results["llm"])]
    lines += ["", "## Slices (confqa)", "", "| slice | n | section_hit@5 | mrr | fact_coverage | first_sentence_fact "
              "| correct | abstention_recall | ece |", "|---|---|---|---|---|---|---|---|---|"]
    for name, row in results["slices"].items():
        ece = f"{row['ece']:.3f}" if row.get("ece") is not None else "—"
        lines.append(f"| {name} | {row['n']} | {_fmt(row['section_hit@5'])} | {_fmt(row['mrr'])} | "
                     f"{_fmt(row['fact_coverage'])} | {_fmt(row.get('first_sentence_fact'))} | {_fmt(row['correct'])} "
                     f"| {_fmt(row.get('abstention_recall'))} | {ece} |")
    robustness_info = results["systems"]["confqa"].get("robustness", {})
    if robustness_info.get("groups"):
        lines += ["", "## Paraphrase groups", "", "| group | verdicts | consistent | fact-coverage spread | confidence spread |",
                  "|---|---|---|---|---|"]
        for group in robustness_info["groups"]:
            verdicts = "".join("✓" if v else "✗" for v in group["verdicts"])
            lines.append(f"| {group['group']} | {verdicts} | {'yes' if group['consistent'] else 'no'} | "
                         f"{group['score_spread']:.2f} | {group['confidence_spread']:.2f} |")
    lines += ["", "## Worst questions", ""]
    for failure in results["failures"]:
        lines.append(f"- **{failure['id']}** ({failure['type']}): {failure['question']}  ")
        lines.append(f"  answer: {(failure['answer'] or '')[:200]!s}  ")
        lines.append(f"  gold: {', '.join(failure['gold_docs']) or '(unanswerable)'} / {'; '.join(failure['gold_sections'])}  ")
        lines.append(f"  retrieved: {', '.join(failure['retrieved'])}")
    return "\n".join(lines) + "\n"


def llm_report_lines(info: dict[str, Any]) -> list[str]:
    model = Path(str(info["model"])).name if "/" in str(info["model"]) else info["model"]
    lines = [f"## Generated answers ({info['backend']}: {model})", "",
             f"- model asked for {info['model_called']} of {info['questions']} questions (the rest had too little "
             f"evidence); {info['llm_answers']} generated answers used, {info['declined']} declined",
             f"- sentences written: {info['sentences']}; backed by their citations: {info['supported_sentences']}; "
             f"flagged or removed: {info['unsupported_sentences']}"
             + (f" ({info['unsupported_share']:.0%})" if info["unsupported_share"] is not None else ""),
             f"- why flagged: {', '.join(f'{k} {v}' for k, v in info['unsupported_by_reason'].items()) or 'none'}",
             f"- fell back to the extractive answer: "
             f"{', '.join(f'{v}× {k}' for k, v in info['fell_back'].items()) or 'never'}"]
    if info.get("median_seconds") is not None:
        lines.append(f"- median model time per question: {info['median_seconds']:.2f} s")
    if info["vs_extractive"]:
        lines += ["", "| metric | generated minus extractive | 95% interval |", "|---|---|---|"]
        for metric, test in info["vs_extractive"].items():
            lines.append(f"| {metric} | {test['diff']:+.3f} | [{test['low']:+.3f}, {test['high']:+.3f}] |")
    if info["examples"]:
        lines += ["", "Flagged sentences (first few):", ""]
        lines.extend(f"- {e['question']} → “{e['sentence']}” ({e['reason']})" for e in info["examples"])
    return lines


def write_report(results: dict[str, Any], directory: Path, title: str) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = [directory / "report.md", directory / "results.json"]
    written[0].write_text(report_markdown(results, title), encoding="utf-8")
    written[1].write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    written.extend(_plots(results, directory))
    return written


def _plots(results: dict[str, Any], directory: Path) -> list[Path]:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        from confqa.errors import MissingExtraError

        raise MissingExtraError("report plots", "eval", "matplotlib") from exc
    paths = []
    table = results["systems"]["confqa"].get("reliability", [])
    figure, axis = plt.subplots(figsize=(4.5, 4.5))
    axis.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    if table:
        axis.bar([(b["low"] + b["high"]) / 2 for b in table], [b["accuracy"] for b in table], width=0.09,
                 alpha=0.7, label="share correct")
        axis.plot([b["confidence"] for b in table], [b["accuracy"] for b in table], "o-", color="C3", label="bins")
    ece = results["systems"]["confqa"].get("ece", {})
    axis.set(xlim=(0, 1), ylim=(0, 1), xlabel="confidence", ylabel="answered correctly",
             title=f"Reliability (ECE {ece.get('mean', float('nan')):.3f})")
    axis.legend(loc="upper left", fontsize=8)
    paths.append(_save(plt, figure, directory / "reliability.png"))

    metrics = ["section_hit@1", "section_hit@5", "mrr", "ndcg@10", "doc_hit@5"]
    systems = list(results["systems"])
    figure, axis = plt.subplots(figsize=(8, 4))
    width = 0.8 / len(systems)
    for i, system in enumerate(systems):
        means, errors = _bars([results["systems"][system].get(m) for m in metrics])
        axis.bar(np.arange(len(metrics)) + i * width, means, width, yerr=errors, capsize=3, label=system)
    axis.set_xticks(np.arange(len(metrics)) + width * (len(systems) - 1) / 2, metrics)
    axis.set(ylim=(0, 1.05), title="Retrieval by system (95% bootstrap intervals)")
    axis.legend(fontsize=8)
    paths.append(_save(plt, figure, directory / "systems.png"))

    names = [n for n in results["slices"] if n.startswith("type=")] + [n for n in results["slices"] if n.startswith("doc=")]
    figure, axis = plt.subplots(figsize=(8, 0.32 * len(names) + 1.2))
    for offset, metric in enumerate(("section_hit@5", "fact_coverage")):
        means, errors = _bars([results["slices"][n].get(metric) for n in names])
        axis.barh(np.arange(len(names)) + offset * 0.4, means, 0.4, xerr=errors, capsize=2, label=metric)
    axis.set_yticks(np.arange(len(names)) + 0.2, names, fontsize=7)
    axis.set(xlim=(0, 1.05), title="confqa by slice (95% bootstrap intervals)")
    axis.legend(fontsize=8)
    paths.append(_save(plt, figure, directory / "slices.png"))
    return paths


def _bars(cells: list[dict[str, float] | None]) -> tuple[list[float], list[list[float]]]:
    """Bar heights and asymmetric error bars from mean/low/high cells (missing cells draw nothing)."""
    filled = [c if c else {"mean": 0.0, "low": 0.0, "high": 0.0} for c in cells]
    return [c["mean"] for c in filled], [[c["mean"] - c["low"] for c in filled], [c["high"] - c["mean"] for c in filled]]


def _save(plt: Any, figure: Any, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path
