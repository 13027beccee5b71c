"""Reliability round two, the talk catalogue: talks.yaml validated by a model (a string is one speaker, blanks
dropped, wrong types one clear error naming the file and key), and a catalogue build that grows near-linearly."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.conftest import FIXTURE_CORPUS, copy_corpus

from confqa.cli import main
from confqa.errors import ConfqaError
from confqa.talks import read_catalogue_file


def _catalogue(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "talks.yaml"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_a_string_is_one_speaker_and_blanks_are_dropped(tmp_path: Path) -> None:
    path = _catalogue(tmp_path, "- title: Robots at Work\n  speakers: Jane Doe\n  aliases: robots talk\n"
                                "- title: Quiet Panel\n  speakers: ['', '  ', Ana de la Cruz, null]\n"
                                "- title: No One\n  speakers:\n")
    first, second, third = read_catalogue_file(path)
    assert first.speakers == ["Jane Doe"] and first.aliases == ["robots talk"]
    assert second.speakers == ["Ana de la Cruz"]
    assert third.speakers == []


@pytest.mark.parametrize(("text", "message"), [
    ("- title: T\n  speakers: 5\n", "talks[0].speakers: expected a name or a list of names, got 5"),
    ("- title: T\n  kind: [tutorial]\n", "talks[0].kind: expected one word such as tutorial, got ['tutorial']"),
    ("- title: T\n  aliases: 7\n", "talks[0].aliases: expected a name or a list of names, got 7"),
    ("- title: T\n- title: U\n  speakers: [Jane, 3]\n", "talks[1].speakers: expected a name or a list of names"),
    ("- title: T\n  speaker: Jane\n", "talks[0].speaker: unknown key (use title, kind, speakers, aliases)"),
    ("- speakers: [Jane]\n", "talks[0].title: Field required"),
    ("- title: ''\n", "talks[0].title: String should have at least 1 character"),
    ("- title: [a, b]\n", "talks[0].title: expected text"),
    ("- just a string\n", "talks[0]: expected title, kind, speakers, aliases"),
    ("talk: []\n", "unknown key(s) talk"),
    ("- title: T\n  speakers: [Jane\n", "not valid YAML"),
    ("a: &a [x, x]\nb: &b [*a, *a]\ntalks: *b\n", "YAML aliases (*name) are not allowed"),
    (b"- title: Caf\xe9\n", "talks.yaml:1: not UTF-8 (byte 0xe9)"),
    (f"- title: {'x' * 400}\n", "talks[0].title: String should have at most 300 characters"),
])
def test_wrong_types_are_one_clear_error_naming_file_and_key(tmp_path: Path, text: str | bytes,
                                                             message: str) -> None:
    path = _catalogue(tmp_path, text)
    with pytest.raises(ConfqaError) as raised:
        read_catalogue_file(path)
    assert str(raised.value).startswith(str(path))
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_bad_catalogue_through_the_cli_is_one_line_exit_1(tmp_path: Path) -> None:
    notes = copy_corpus(FIXTURE_CORPUS, tmp_path / "notes")
    (notes / "talks.yaml").write_text("- title: Engines\n  speakers: 5\n")
    result = CliRunner().invoke(main, ["index", str(notes), "--index", str(tmp_path / "idx")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.count("\n") == 1 and "talks.yaml: talks[0].speakers:" in result.stderr


def test_a_string_speaker_in_talks_yaml_is_attributed_like_a_list(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    """The reported crash: `speakers: Jane Doe` became eight one-letter speakers, every chunk was attributed to
    the talk, and every question then failed."""
    from confqa.api import Assistant
    from confqa.index.build import build_index
    from confqa.settings import Settings

    notes = copy_corpus(FIXTURE_CORPUS, tmp_path / "notes")
    (notes / "talks.yaml").write_text("- title: The Robots Panel Extended\n  speakers: Jane Doe\n"
                                      "- title: Blank Names\n  speakers: ['', ' ']\n")
    build_index([notes], tmp_path / "idx", Settings(), lambda: embedder)
    assistant = Assistant(str(tmp_path / "idx"), corpus=notes, build_missing=False, embedder=embedder)
    talks = {t.title: t for t in assistant.talks()}
    assert talks["The Robots Panel Extended"].speakers == ["Jane Doe"]
    assert talks["Blank Names"].speakers == []
    store = assistant.store
    everywhere = sum(1 for c in store.chunks if talks["The Robots Panel Extended"].id in c.talk_ids)
    assert everywhere < len(store.chunks)
    for question in ("What did Lovelace recommend?", "what did Doe say", "j", "who spoke?"):
        assistant.ask(question)  # no IndexError


def test_routing_survives_blank_and_one_letter_speakers(fixture_assistant) -> None:  # type: ignore[no-untyped-def]
    from confqa.search.routing import RoutingTable, route_talks
    from confqa.settings import RoutingSettings

    talk = fixture_assistant.store.talks[0].model_copy(update={"speakers": [" ", "", "J", "Ada Lovelace"]})
    table = RoutingTable.of([talk])
    route = route_talks("what did Lovelace say about j", table, RoutingSettings())
    assert talk.id in route.talk_ids
    assert not route_talks("anything at all", table, RoutingSettings()).talk_ids


# -- 14: the catalogue build grows near-linearly -------------------------------------------------------------------
def _synthetic(n_notes: int) -> tuple[list, list, list]:  # type: ignore[type-arg]
    from benchmarks.catalogue_scale import synthetic_inputs

    return synthetic_inputs(n_notes, seed=11)


def test_catalogue_work_grows_near_linearly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Counts the work the catalogue does (title normalisations and title comparisons) at two sizes: it must
    grow about as fast as the corpus, not with its square."""
    import confqa.talks.merge as talks
    from confqa.talks import build_catalogue

    calls = {"normalize": 0, "similarity": 0}
    real_normalize, real_similarity = talks.normalize, talks._title_similarity

    def normalize(text: str) -> str:
        calls["normalize"] += 1
        return real_normalize(text)

    def similarity(a: str, b: str) -> float:
        calls["similarity"] += 1
        return real_similarity(a, b)

    monkeypatch.setattr(talks, "normalize", normalize)
    monkeypatch.setattr(talks, "_title_similarity", similarity)
    work = []
    for n in (40, 160):
        parsed, chunks, sentences = _synthetic(n)
        calls.update(normalize=0, similarity=0)
        build_catalogue(parsed, None)
        work.append(calls["normalize"] + calls["similarity"])
    assert work[0] > 0
    assert work[1] / work[0] < 4 * 1.6, work  # 4x the notes: at most ~6x the work (quadratic would be 16x)


def _catalogues(parsed, chunks, sentences, catalogue=None):  # type: ignore[no-untyped-def]
    """The catalogue and the chunks' and sentences' talks, built by confqa.talks and then by the same code with
    the quadratic merge of tests/reference_catalogue.py."""
    import tests.reference_catalogue as reference

    import confqa.talks.build as build

    results = []
    for patched in (False, True):
        with pytest.MonkeyPatch.context() as patch:
            if patched:
                patch.setattr(build, "merge", reference.merge)
            found, new_chunks, new_sentences = build.attributed(build.build_catalogue(parsed, catalogue), chunks,
                                                                sentences)
            results.append(([t.model_dump() for t in found], [c.talk_ids for c in new_chunks],
                            [s.talk_ids for s in new_sentences]))
    return results


@pytest.mark.parametrize(("notes", "seed"), [(30, 1), (80, 2), (150, 3)])
def test_indexed_catalogue_equals_the_quadratic_one_on_synthetic_notes(notes: int, seed: int, tmp_path: Path) -> None:
    from benchmarks.catalogue_scale import synthetic_inputs, talks_yaml

    parsed, chunks, sentences = synthetic_inputs(notes, seed=seed)
    catalogue = tmp_path / "talks.yaml"
    catalogue.write_text(talks_yaml(notes // 3, seed=seed))
    new, old = _catalogues(parsed, chunks, sentences, catalogue)
    assert len(new[0]) > notes // 2  # the synthetic notes do name talks
    assert new == old


@pytest.mark.parametrize("corpus", ["fixture", "shipped"])
def test_indexed_catalogue_equals_the_quadratic_one_on_real_notes(corpus: str) -> None:
    from tests.conftest import SHIPPED_CORPUS

    from confqa.index.build import chunk_documents
    from confqa.ingest.loading import load_corpus
    from confqa.settings import Settings

    documents = load_corpus(FIXTURE_CORPUS if corpus == "fixture" else SHIPPED_CORPUS).documents
    parsed, chunks, sentences = chunk_documents(documents, Settings().chunking)
    new, old = _catalogues(parsed, chunks, sentences)
    assert new[0] and new == old
