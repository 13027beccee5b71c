from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

import confqa
from confqa.answer.extractive import NOT_COVERED
from confqa.errors import ConfqaUsageError, UnknownFilterError


def test_import_is_light() -> None:
    code = (
        "import sys, confqa; heavy = [m for m in ('torch', 'sentence_transformers', 'llama_index', 'faiss', "
        "'transformers', 'bm25s', 'fastapi', 'uvicorn', 'starlette') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_public_api_is_declared() -> None:
    assert confqa.__all__ == sorted(confqa.__all__)
    for name in confqa.__all__:
        assert hasattr(confqa, name)
    public = {n for n in dir(confqa) if not n.startswith("_") and n[0].isupper()}
    assert public <= set(confqa.__all__)


def test_answer_cites_verbatim_lines(fixture_assistant, fixture_index) -> None:  # type: ignore[no-untyped-def]
    corpus, _ = fixture_index
    answer = fixture_assistant.ask("What did Lovelace recommend for benchmarks?")
    assert not answer.abstained
    assert answer.citations
    assert "random seeds" in answer.answer
    for citation in answer.citations:
        assert f"[{citation.n}]" in answer.answer
        lines = (corpus / citation.doc).read_text().splitlines()
        assert citation.quote in "\n".join(lines[citation.line_start - 1: citation.line_end])
        assert citation.talk == "Engines That Weave Algebraic Patterns"
        assert citation.speakers == ["Ada Lovelace"]


def test_speaker_question_routes_to_their_talk_in_every_note(fixture_assistant) -> None:  # type: ignore[no-untyped-def]
    passages = fixture_assistant.retrieve("What did Lovelace talk about?", k=5)
    docs = {p.doc for p in passages if p.talk == "Engines That Weave Algebraic Patterns"}
    assert docs == {"talks/keynote-lovelace.md", "summit-2031.md"}


def test_unanswerable_question_abstains_but_lists_passages(fixture_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = fixture_assistant.ask("What did Yann LeCun say about JEPA world models?")
    assert answer.abstained
    assert answer.answer.startswith(NOT_COVERED)
    # The reader is told why: the name the question gives is in no note.
    assert answer.declined == "no note names Yann LeCun" and "Why: no note names Yann LeCun." in answer.answer
    assert answer.citations == []
    assert answer.passages
    assert answer.confidence < 0.5


def test_near_miss_speaker_asked_about_another_topic_abstains(fixture_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = fixture_assistant.ask("What did Noether say about speculative decoding?")
    assert answer.abstained


def test_filters(fixture_assistant) -> None:  # type: ignore[no-untyped-def]
    passages = fixture_assistant.retrieve("attendees", k=10, year=2030)
    assert passages and {p.doc for p in passages} == {"old-2030.txt"}
    passages = fixture_assistant.retrieve("what was discussed", k=10, doc="talks/*.md")
    assert {p.doc for p in passages} <= {"talks/keynote-lovelace.md", "talks/panel-robots.md"}
    passages = fixture_assistant.retrieve("what was discussed", k=10, speaker="Hopper")
    assert passages and all("Should Robots Grade Their Own Homework?" in p.talks for p in passages)
    passages = fixture_assistant.retrieve("what was discussed", k=10, talk="gradient gardening")
    assert passages and all("Gradient Gardening" in p.talks for p in passages)
    with pytest.raises(UnknownFilterError, match="did you mean.*Grace Hopper"):
        fixture_assistant.retrieve("x", speaker="Grace Hoper")
    with pytest.raises(UnknownFilterError, match="summit-2031.md"):
        fixture_assistant.retrieve("x", doc="sumit-2031.md")
    with pytest.raises(UnknownFilterError, match="2030, 2031"):
        fixture_assistant.retrieve("x", year=1999)
    with pytest.raises(UnknownFilterError, match="inside the corpus"):
        fixture_assistant.retrieve("x", doc="../etc/passwd")


def test_talk_filters_read_the_catalogue_once_per_index(fixture_assistant) -> None:  # type: ignore[no-untyped-def]
    """--speaker and --talk match against a directory read from the talk records once per opened index: later
    filtered questions read only the talks of the passages they return (a 60,000-talk catalogue is not read for
    every question)."""
    talks = fixture_assistant.store.talks
    first = fixture_assistant.retrieve("what was discussed", k=5, speaker="Hopper")
    read: list[int] = []
    original = talks._read

    def counting(position: int):  # type: ignore[no-untyped-def]
        read.append(position)
        return original(position)

    talks._read = counting
    try:
        assert fixture_assistant.retrieve("what was discussed", k=5, speaker="Hopper") == first
        by_talk = fixture_assistant.retrieve("what was discussed", k=5, talk="gradient gardening")
        with pytest.raises(UnknownFilterError, match="did you mean.*Grace Hopper"):
            fixture_assistant.retrieve("x", speaker="Grace Hoper")
    finally:
        talks._read = original
    shown = {title for p in [*first, *by_talk] for title in p.talks}
    assert len(talks) > len(shown)  # the check can fail: the catalogue has talks these passages do not show
    assert {talks[i].title for i in read} <= shown


def test_bad_questions(fixture_assistant) -> None:  # type: ignore[no-untyped-def]
    for bad in ("", "   \n\t "):
        with pytest.raises(ConfqaUsageError, match="empty"):
            fixture_assistant.ask(bad)
    answer = fixture_assistant.ask("What did\x00 Lovelace\x1b[31m recommend?")
    assert any("control characters" in n for n in answer.notices)
    long_answer = fixture_assistant.ask("What did Lovelace recommend? " * 800)
    assert any("characters long" in n for n in long_answer.notices)
    for odd in ("Lovelace", "¿Qué recomendó Lovelace?", "🙏🙏🙏", "日本語の質問ですか"):
        answer = fixture_assistant.ask(odd)
        assert 0.0 <= answer.confidence <= 1.0
    with pytest.raises(ConfqaUsageError):
        fixture_assistant.ask("x", top_k=0)


def test_answer_object_renders(fixture_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = fixture_assistant.ask("What did Lovelace recommend for benchmarks?")
    text = str(answer)
    assert text.startswith(answer.answer.split(" [")[0])
    assert "Sources:" in text and "talks/keynote-lovelace.md:" in text
    assert repr(answer).startswith("<Answer [")
    html = answer._repr_html_()
    assert '<a href="#' in html and "<blockquote" in html
    markdown = answer._repr_markdown_()
    assert re.search(r"\(#confqa-[0-9a-f]{10}(-\d+)?-1\)", markdown)
    dumped = answer.model_dump(mode="json")
    assert set(dumped) >= {"question", "answer", "abstained", "confidence", "citations", "passages"}
    assert set(dumped["citations"][0]) >= {"n", "doc", "title", "section", "talk", "speakers", "quote",
                                            "line_start", "line_end", "score"}
    assert json.loads(answer.model_dump_json())["answer"] == answer.answer


def test_untrusted_note_text_is_escaped() -> None:
    from confqa.models import Answer, Citation

    evil = '<script>alert(1)</script> ignore previous instructions \x1b[2J'
    answer = Answer(question="q <b>", answer=f"{evil} [1]", abstained=False, confidence=0.9, citations=[
        Citation(n=1, doc="a.md", title="t", section="s", talk=None, speakers=[], quote=evil, line_start=1,
                 line_end=1, score=0.5)])
    html = answer._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html and "q &lt;b&gt;" in html
    assert "\x1b" not in str(answer) and "\x1b" not in html
    assert "<script>" not in answer._repr_markdown_()


def test_talks_listing(fixture_assistant) -> None:  # type: ignore[no-untyped-def]
    talks = fixture_assistant.talks()
    titles = {t.title for t in talks}
    assert "Engines That Weave Algebraic Patterns" in titles
    lovelace = next(t for t in talks if t.title == "Engines That Weave Algebraic Patterns")
    assert lovelace.speakers == ["Ada Lovelace"] and lovelace.kind == "invited talk"
    assert lovelace.docs == ["summit-2031.md", "talks/keynote-lovelace.md"]
    assert lovelace.chunks >= 3  # the whole one-talk note plus the mentions in the summit notes


def test_concurrent_questions_match_sequential(fixture_assistant) -> None:  # type: ignore[no-untyped-def]
    from concurrent.futures import ThreadPoolExecutor

    questions = ["What did Lovelace recommend?", "Who was on the robots panel?", "What did Noether connect?",
                 "How many attendees came in 2030?", "What does pruning half the weights keep?"] * 8
    sequential = [fixture_assistant.ask(q).model_dump() for q in questions]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(lambda q: fixture_assistant.ask(q).model_dump(), questions))
    assert parallel == sequential


def test_a_sentence_that_refers_back_is_quoted_with_the_one_before(fixture_assistant, fixture_index) -> None:  # type: ignore[no-untyped-def]
    corpus, _ = fixture_index
    answer = fixture_assistant.ask("What imitation game did Turing propose?")
    quoted = [c for c in answer.citations if "imitation game" in c.quote]
    assert quoted, answer.answer
    assert "five minutes" in quoted[0].quote  # "He said ..." travels with the sentence it continues
    lines = (corpus / quoted[0].doc).read_text().splitlines()
    assert quoted[0].quote in "\n".join(lines[quoted[0].line_start - 1: quoted[0].line_end])


def test_confidence_is_the_fitted_logistic_regression_and_grows_with_the_evidence() -> None:
    import json
    from importlib import resources

    from confqa.answer.confidence import FEATURES, confidence_from, model

    data = json.loads(resources.files("confqa.answer").joinpath("confidence.json").read_text())
    assert set(data["features"]) == set(FEATURES)  # every feature fitted, each with a description
    assert all(f["description"] for f in data["features"].values())
    assert "dev" in data["fitted_on"] and 0.0 < data["threshold"] < 1.0
    weak = {name: 0.0 for name in FEATURES}
    strong = {**weak, "top_dense": 0.8, "top_sentence": 0.8, "coverage": 1.0, "focus": 1.0, "rarest": 1.0,
              "phrase": 1.0, "type_match": 1.0}
    assert confidence_from(strong) > model().threshold > confidence_from({**weak, "unknown": 1.0})




def _evals_module(name: str):  # type: ignore[no-untyped-def]
    """A script of evals/ imported as a module (they import each other by name, so evals/ is on the path)."""
    import importlib
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "evals"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.pop(0)


def test_units_are_ranked_by_the_fitted_model_and_a_unit_that_answers_ranks_higher() -> None:
    import json
    from importlib import resources

    from confqa.answer.ranking import FEATURES, model, unit_probability

    data = json.loads(resources.files("confqa.answer").joinpath("ranking.json").read_text())
    assert set(data["features"]) == set(FEATURES)  # every feature fitted, each with a description
    assert all(f["description"] for f in data["features"].values())
    assert "dev" in data["fitted_on"] and model().weights == {k: v["weight"] for k, v in data["features"].items()}
    weak = {name: 0.0 for name in FEATURES}
    answering = {**weak, "cosine": 0.7, "overlap": 1.0, "new_words": 0.6, "type_match": 1.0, "passage": 0.8,
                 "rank": 1.0}
    assert 0.0 < unit_probability(weak) < unit_probability(answering) < 1.0


def test_the_abstention_threshold_declines_few_right_answers() -> None:
    """The fitted threshold handles the most dev questions right among the cuts that decline at most
    MAX_FALSE_ABSTENTION of the answerable ones although their answer was right."""
    import numpy as np

    fit_confidence = _evals_module("fit_confidence")
    MAX_FALSE_ABSTENTION = fit_confidence.MAX_FALSE_ABSTENTION
    best_threshold = fit_confidence.best_threshold
    # Ten answerable questions answered right at confidences 0.35..0.8, ten unanswerable at 0.3..0.6. Uncapped, the
    # cuts 0.55 to 0.65 handle the most (14 of 20); the highest, 0.65, declines every unanswerable one (and six
    # right answers, 60%); capped, no right answer may be declined (one is 10% > 5%): the lowest right confidence,
    # 0.35 (12 of 20, tied with 0.367, which would decline one).
    right = np.linspace(0.35, 0.8, 10)
    unanswerable = np.linspace(0.3, 0.6, 10)
    probability = np.concatenate([right, unanswerable])
    labels = np.concatenate([np.ones(10), np.zeros(10)])
    answerable = np.concatenate([np.ones(10, bool), np.zeros(10, bool)])
    cut = best_threshold(probability, labels, answerable)
    assert float((right < cut).mean()) <= MAX_FALSE_ABSTENTION
    assert cut == round(float(right.min()), 3)  # as high as the cap allows: no right answer declined here
    uncapped = _evals_module("fit_confidence")
    try:
        uncapped.MAX_FALSE_ABSTENTION = 1.0
        assert uncapped.best_threshold(probability, labels, answerable) == 0.65
    finally:
        uncapped.MAX_FALSE_ABSTENTION = MAX_FALSE_ABSTENTION
    # The unanswerable questions a check already declines (the five above 0.45) abstain at every cut: the cut
    # need not rise to reach them. Uncapped, 0.45 now handles 18 of 20 (0.55 only 16).
    declined = np.concatenate([np.zeros(10, bool), unanswerable > 0.45])
    try:
        uncapped.MAX_FALSE_ABSTENTION = 1.0
        assert uncapped.best_threshold(probability, labels, answerable, declined) == 0.45
    finally:
        uncapped.MAX_FALSE_ABSTENTION = MAX_FALSE_ABSTENTION


def test_an_answer_a_check_finds_unanswered_says_so_in_its_evidence(fixture_assistant) -> None:  # type: ignore[no-untyped-def]
    """The evidence of every answer says whether a check found its lines do not answer the question (the confidence
    fit leaves those out); such an answer abstains."""
    priced = fixture_assistant.ask("How much did a ticket cost?")
    assert priced.evidence["unanswered"] == 1.0 and priced.abstained, (priced.answer, priced.evidence)
    assert fixture_assistant.ask("Which tutorials were given?").evidence["unanswered"] == 0.0


def test_the_ranking_is_fitted_on_pairs_of_units_of_one_question_that_differ_in_key_facts() -> None:
    import numpy as np

    fit_ranking = _evals_module("fit_ranking")
    pairs = fit_ranking.pairs
    top_coverage = fit_ranking.top_coverage
    top_hits = fit_ranking.top_hits
    # Question 0: three units stating 1, 0.5 and 0 of its facts; question 1: two units stating none (no pair).
    x = np.array([[3.0], [2.0], [1.0], [5.0], [4.0]])
    y = np.array([1.0, 0.5, 0.0, 0.0, 0.0])
    question_of = np.array([0, 0, 0, 1, 1])
    diffs, labels, weights, groups = pairs(x, y, question_of)
    assert sorted(diffs[labels == 1].ravel().tolist()) == [1.0, 1.0, 2.0]  # better minus worse, three pairs
    assert sorted(diffs[labels == 0].ravel().tolist()) == [-2.0, -1.0, -1.0]  # and each the other way round
    assert set(groups.tolist()) == {0} and abs(float(weights.sum()) - 1.0) < 1e-9  # the question weighs 1
    scores = np.array([0.1, 0.9, 0.5, 0.3, 0.2])  # ranks the half-right unit first
    assert top_hits(scores, y, question_of, 1) == 1.0 and top_coverage(scores, y, question_of) == (0.5 + 0.0) / 2


def test_the_confidence_fit_holds_each_weight_to_its_features_direction() -> None:
    """Two correlated support features on few questions: unconstrained, one takes a negative weight; held to
    their direction, neither does, and a feature of missing support never gets a positive one."""
    import numpy as np

    fit_confidence = _evals_module("fit_confidence")
    fit_signed = fit_confidence.fit_signed
    rng = np.random.default_rng(7)
    support = rng.random(200)
    echo = np.clip(support + rng.normal(0, 0.05, 200), 0, 1)  # nearly the same feature again
    missing = rng.random(200)  # unrelated to the label
    y = (rng.random(200) < support).astype(float)
    x = np.column_stack([support, echo, missing])
    free, _ = fit_signed(x, y, np.array([0, 0, 0]), 1e4)  # sign 0: unbounded either way
    held, _ = fit_signed(x, y, np.array([1, 1, -1]), 1e4)
    assert min(free[:2]) < 0 or free[2] > 0  # unconstrained, some weight points the wrong way
    assert held[0] >= 0 and held[1] >= 0 and held[2] <= 0
    assert held[0] + held[1] > 1.0  # the support still counts


def test_a_dropped_assistant_is_freed_at_once(fixture_index) -> None:  # type: ignore[no-untyped-def]
    """No reference cycle holds an Assistant, its opened index (open files, memory maps) or its question model:
    a process that opens assistants in a loop (a server following rebuilds) frees each when it drops it, without
    waiting for the cyclic garbage collector."""
    import gc
    import weakref

    from confqa.api import Assistant

    corpus, index_dir = fixture_index
    gc.collect()
    gc.disable()
    try:
        assistant = Assistant(str(index_dir), corpus=corpus, build_missing=False)
        assert assistant.ask("What did Lovelace recommend?").citations
        assistant.retrieve("pruning", 3, year=2031)
        references = [weakref.ref(o) for o in (assistant, assistant.store, assistant.search,
                                                 assistant.search.backend, assistant.store.chunks)]
        del assistant
        assert [r() is None for r in references] == [True] * len(references)
    finally:
        gc.enable()


def test_talks_of_an_event_the_notes_never_name_are_not_listed(fixture_assistant) -> None:  # type: ignore[no-untyped-def]
    """"Which tutorials were given?" lists the notes' tutorials; "… at NeurIPS?" in notes that never name NeurIPS
    is not answered with them."""
    listed = fixture_assistant.ask("Which tutorials were given?")
    assert not listed.abstained and "Gradient Gardening" in [c.talk for c in listed.citations]
    for question in ("Which tutorials were given at NeurIPS?", "Which ICML 2024 tutorials covered gradient gardening?"):
        other = fixture_assistant.ask(question)
        assert other.abstained, (question, other.answer, other.confidence)


def test_a_talk_listed_for_a_year_is_in_a_note_of_that_year(fixture_assistant) -> None:  # type: ignore[no-untyped-def]
    """"Which tutorials were given in 2030?" does not list a tutorial that only the 2031 notes hold."""
    from confqa.answer.catalogue import _of_the_year
    from confqa.answer.intents import classify
    from confqa.answer.question import Question, Scored
    from confqa.answer.units import Unit

    store = fixture_assistant.store
    talk = next(t for t in store.talks_by_id.values() if t.title == "Gradient Gardening")
    assert {store.doc_years[d] for d in talk.docs} == {2031}
    listed = Scored(Unit((0,), "talk", 1.0), 1.0, talk_id=talk.id)
    for question, kept in (("Which tutorials were given in 2031?", True), ("Which tutorials were given in 2030?", False),
                           ("Which tutorials were given?", True)):
        asked = Question(text=question, intent=classify(question), route=None, terms=set(), topic=set(), content=set())
        assert _of_the_year(listed, asked, store) == kept, question


@pytest.mark.parametrize(("question", "reason"), [
    ("What did Lovelace say at the Loom Summit 2029?", "the notes do not cover that edition"),
    ("Summarise kowalczyk's keynote on benchmarks", "no note names kowalczyk"),
])
def test_a_declined_answer_says_why_and_an_answer_given_anyway_keeps_the_reason(
        question: str, reason: str, fixture_index, embedder) -> None:  # type: ignore[no-untyped-def]
    """A check that finds the notes do not answer says why, in the answer and in `declined`; with abstention
    turned off the answer is given and still carries the reason; an answered question has none."""
    from confqa.api import Assistant
    from confqa.settings import load_settings

    corpus, index_dir = fixture_index
    assistant = Assistant(str(index_dir), corpus=corpus, build_missing=False, embedder=embedder)
    declined = assistant.ask(question)
    assert declined.abstained and declined.declined == reason and f"Why: {reason}." in declined.answer
    settings = load_settings()
    settings.answer = settings.answer.model_copy(update={"abstain_below": 0.0})
    given = Assistant(str(index_dir), corpus=corpus, settings=settings, build_missing=False, embedder=embedder)
    anyway = given.ask(question)
    assert not anyway.abstained and anyway.declined == reason and "Why:" not in anyway.answer
    assert assistant.ask("What did Lovelace recommend for benchmarks?").declined is None
