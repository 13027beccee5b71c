from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.conftest import FIXTURE_CORPUS, copy_corpus

from confqa.errors import ConfqaError, IndexBusyError, IndexCorruptError, IndexNotFoundError
from confqa.index.build import build_index, build_lock, current_generation, resolve_index_dir
from confqa.index.store import open_index
from confqa.ingest.chunking import sentence_embedding_text
from confqa.settings import Settings


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    return copy_corpus(FIXTURE_CORPUS, tmp_path / "notes")


@pytest.fixture()
def built(corpus: Path, tmp_path: Path, counting_embedder) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    """(index folder, its current generation) of the fixture notes, built for this test to damage."""
    index_dir = tmp_path / "idx"
    build_index([corpus], index_dir, Settings(), lambda: counting_embedder)
    generation = current_generation(index_dir)
    assert generation is not None
    return index_dir, generation


def test_index_files_are_plain_and_manifest_describes_them(corpus: Path, tmp_path: Path, counting_embedder) -> None:  # type: ignore[no-untyped-def]
    index_dir = tmp_path / "idx"
    report = build_index([corpus], index_dir, Settings(), lambda: counting_embedder)
    assert report.rebuilt and report.documents == 4 and report.chunks > 5 and report.talks >= 4
    generation = current_generation(index_dir)
    assert generation is not None
    names = {p.name for p in generation.iterdir()}
    assert {"manifest.json", "chunks.jsonl", "sentences.jsonl", "talks.jsonl", "dense.faiss", "embeddings.npy",
            "sentences.npy", "bm25", "chunks.offsets.npy", "sentences.offsets.npy", "texts.jsonl",
            "texts.offsets.npy", "chunk_doc.npy", "chunk_year.npy", "chunk_sentences.npy", "talk_offsets.npy",
            "talk_chunks.npy", "chunk_ids.json", "talks.offsets.npy", "talk_ids.json", "routing.json",
            "sentence_talk_offsets.npy", "sentence_talks.npy", "sentence_shared_rows.npy", "talk_names.json"} <= names
    for npy in generation.rglob("*.npy"):
        np.load(npy, allow_pickle=False)  # raises if anything was pickled
    assert not any(p.suffix in (".pkl", ".pickle") for p in generation.rglob("*"))
    manifest = json.loads((generation / "manifest.json").read_text())
    assert manifest["embedding"]["name"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert manifest["embedding"]["dimension"] == 384
    assert len(manifest["embedding"]["weights_sha256"]) == 64
    assert manifest["chunking"]["max_tokens"] == Settings().chunking.max_tokens
    import hashlib

    for doc, record in manifest["documents"].items():
        assert record["sha256"] == hashlib.sha256((corpus / doc).read_bytes()).hexdigest()
    assert manifest["chunks"] == report.chunks
    store = open_index(index_dir)
    assert len(store.chunks) == manifest["chunks"] == store.chunk_vectors.shape[0]


def test_the_store_opens_without_reading_records_and_reads_them_by_position(corpus: Path, tmp_path: Path,
                                                                            counting_embedder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Opening reads the manifest, the catalogue and the per-chunk tables, not the records: a record is parsed
    when it is read, from its byte offset, and equals its line of the JSON Lines file."""
    from confqa.models import Chunk, Sentence

    index_dir = tmp_path / "idx"
    build_index([corpus], index_dir, Settings(), lambda: counting_embedder)
    generation = current_generation(index_dir)
    assert generation is not None
    parsed: list[bytes] = []
    original = Chunk.model_validate_json

    def counting(data, *args, **kwargs):  # type: ignore[no-untyped-def]
        parsed.append(data)
        return original(data, *args, **kwargs)

    monkeypatch.setattr(Chunk, "model_validate_json", counting)
    store = open_index(index_dir)
    assert parsed == []  # nothing parsed on open
    lines = (generation / "chunks.jsonl").read_text(encoding="utf-8").split("\n")[:-1]
    for position in (len(lines) - 1, 0, len(lines) // 2):
        assert store.chunks[position] == original(lines[position])
    assert len(parsed) == 3
    sentence_lines = (generation / "sentences.jsonl").read_text(encoding="utf-8").split("\n")[:-1]
    assert [s.model_dump() for s in store.sentences] == [Sentence.model_validate_json(x).model_dump()
                                                          for x in sentence_lines]
    for position, chunk in enumerate(store.chunks):
        # the per-chunk tables agree with the records
        assert store.doc_names[int(store.chunk_doc[position])] == chunk.doc
        assert int(store.chunk_year[position]) == (chunk.year if chunk.year is not None else -1)
        assert all(store.sentences[i].chunk == position for i in store.sentences_by_chunk[position])
        for talk_id in chunk.talk_ids:
            assert position in store.chunks_of_talks([talk_id])
    assert sum(len(store.sentences_by_chunk[c]) for c in range(len(store.chunks))) == len(store.sentences)
    texts = {json.loads(line)["doc"]: json.loads(line)["lines"]
             for line in (generation / "texts.jsonl").read_text(encoding="utf-8").splitlines()}
    assert dict(store.texts) == texts and set(texts) == {c.doc for c in store.chunks}
    with pytest.raises(IndexError):
        store.chunks[len(store.chunks)]


def test_offsets_that_do_not_match_their_records_are_refused(built: tuple[Path, Path]) -> None:
    index_dir, generation = built

    def write_offsets(offsets: np.ndarray, stem: str = "chunks") -> None:
        np.save(generation / f"{stem}.offsets.npy", offsets, allow_pickle=False)
        _as_if_built(generation, f"{stem}.offsets.npy")

    original = np.load(generation / "chunks.offsets.npy")
    shifted = original.copy()
    shifted[1] += 1  # the first record would end one byte inside the second
    write_offsets(shifted)
    store = open_index(index_dir)  # ascending and ending at the file's size: found when the record is read
    with pytest.raises(IndexCorruptError, match="rebuild with"):
        store.chunks[0]
    texts = np.load(generation / "texts.offsets.npy")
    write_offsets(original)
    cut = texts.copy()
    cut[1] -= 1  # the first note's record loses its closing brace and line end
    write_offsets(cut, "texts")
    store = open_index(index_dir)
    first_note = next(iter(store.texts))
    with pytest.raises(IndexCorruptError, match=r"texts\.jsonl: record 0 cannot be read.*rebuild with"):
        store.texts[first_note]
    write_offsets(texts, "texts")
    backwards = original.copy()
    backwards[1], backwards[2] = original[2], original[1]
    write_offsets(backwards)
    with pytest.raises(IndexCorruptError, match="chunks.offsets.npy does not match chunks.jsonl"):
        open_index(index_dir)


def test_reindex_is_incremental(corpus: Path, tmp_path: Path, counting_embedder) -> None:  # type: ignore[no-untyped-def]
    index_dir = tmp_path / "idx"
    first = build_index([corpus], index_dir, Settings(), lambda: counting_embedder)
    embedded_first = counting_embedder.texts
    assert embedded_first > 0

    def refuse():  # type: ignore[no-untyped-def]
        raise AssertionError("an unchanged corpus must not load the model")

    again = build_index([corpus], index_dir, Settings(), refuse)
    assert not again.rebuilt and again.embedded_chunks == 0 and again.chunks == first.chunks

    note = corpus / "old-2030.txt"
    note.write_text(note.read_text() + "\nA new closing remark about the 2030 keynote venue in Lisbon.\n")
    (corpus / "talks" / "panel-robots.md").unlink()
    changed = build_index([corpus], index_dir, Settings(), lambda: counting_embedder)
    assert changed.changed == ["old-2030.txt"] and changed.removed == ["talks/panel-robots.md"]
    embedded_now = counting_embedder.texts - embedded_first
    assert 0 < embedded_now < embedded_first / 3  # only the changed note's new text
    store = open_index(index_dir)
    assert {c.doc for c in store.chunks} == {"old-2030.txt", "summit-2031.md", "talks/keynote-lovelace.md"}
    assert any("Lisbon" in c.text and "closing remark" in c.text for c in store.chunks)
    # Vectors reused from the previous build equal freshly computed ones.
    first = store.sentences[0]
    fresh = counting_embedder.encode([sentence_embedding_text(first, store.chunks[first.chunk])])[0]
    assert np.allclose(store.sentence_vectors[0], fresh, atol=1e-5)


def test_failed_build_leaves_previous_index_usable(corpus: Path, tmp_path: Path, embedder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    index_dir = tmp_path / "idx"
    build_index([corpus], index_dir, Settings(), lambda: embedder)
    before = current_generation(index_dir)
    chunks_before = [c.text for c in open_index(index_dir).chunks]
    (corpus / "summit-2031.md").write_text("# Replaced\nEntirely new text about something else.\n")

    import faiss

    def broken_write(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(faiss, "write_index", broken_write)
    with pytest.raises(ConfqaError, match="disk is full.*previous index is unchanged"):
        build_index([corpus], index_dir, Settings(), lambda: embedder)
    assert current_generation(index_dir) == before
    assert [c.text for c in open_index(index_dir).chunks] == chunks_before
    assert not [p for p in index_dir.iterdir() if p.name.startswith(".tmp-")]
    monkeypatch.undo()
    build_index([corpus], index_dir, Settings(), lambda: embedder)
    assert any("Entirely new text" in c.text for c in open_index(index_dir).chunks)


def test_second_builder_fails_clearly_while_one_holds_the_lock(tmp_path: Path) -> None:
    index_dir = tmp_path / "idx"
    with build_lock(index_dir):
        with pytest.raises(IndexBusyError, match="another 'confqa index'"):
            with build_lock(index_dir):
                pass
    with build_lock(index_dir):  # released again
        pass


def test_missing_and_corrupt_indexes_are_reported_with_the_fix(corpus: Path, tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(IndexNotFoundError, match="confqa index"):
        open_index(tmp_path / "nothing")
    index_dir = tmp_path / "idx"
    build_index([corpus], index_dir, Settings(), lambda: embedder)
    generation = current_generation(index_dir)
    assert generation is not None
    faiss_file = generation / "dense.faiss"
    faiss_file.write_bytes(faiss_file.read_bytes()[:100])
    with pytest.raises(IndexCorruptError, match=r"dense\.faiss.*--rebuild"):
        open_index(index_dir)
    build_index([corpus], index_dir, Settings(), lambda: embedder, rebuild=True)
    generation = current_generation(index_dir)
    manifest = generation / "manifest.json"
    data = json.loads(manifest.read_text())
    data["chunks"] += 1
    manifest.write_text(json.dumps(data))
    with pytest.raises(IndexCorruptError, match="inconsistent"):
        open_index(index_dir)
    data["format_version"] = 0
    manifest.write_text(json.dumps(data))
    with pytest.raises(IndexCorruptError, match="format 0"):
        open_index(index_dir)
    manifest.write_text('{"not": "a manifest"}')
    with pytest.raises(IndexCorruptError, match="not a valid confqa manifest"):
        open_index(index_dir)


def test_index_names_cannot_escape_the_index_root(tmp_path: Path) -> None:
    root = tmp_path / "indexes"
    assert resolve_index_dir("default", root) == root / "default"
    assert resolve_index_dir(str(tmp_path / "elsewhere"), root) == tmp_path / "elsewhere"
    for bad in ("..", "../up", ".hidden", "a b", "x;rm"):
        with pytest.raises(ConfqaError):
            resolve_index_dir(bad, root)


def test_empty_corpus_is_a_clear_error(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "blank.md").write_text("   \n")
    with pytest.raises(ConfqaError, match="no notes to index.*blank.md"):
        build_index([empty], tmp_path / "idx", Settings(), lambda: embedder)
    with pytest.raises(ConfqaError, match="does not exist"):
        build_index([tmp_path / "missing"], tmp_path / "idx", Settings(), lambda: embedder)


def test_an_index_of_an_older_format_is_rebuilt_by_an_update(corpus: Path, tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    import json

    index_dir = tmp_path / "idx"
    build_index([corpus], index_dir, Settings(), lambda: embedder)
    manifest_path = current_generation(index_dir) / "manifest.json"
    data = json.loads(manifest_path.read_text())
    data["format_version"] = 1  # sentences were embedded without their heading
    manifest_path.write_text(json.dumps(data))
    old_generation = current_generation(index_dir)
    build_index([corpus], index_dir, Settings(), lambda: embedder)  # no note changed, yet the format did
    assert current_generation(index_dir) != old_generation
    from confqa.models import INDEX_FORMAT_VERSION

    assert INDEX_FORMAT_VERSION > 1
    assert json.loads((current_generation(index_dir) / "manifest.json").read_text())["format_version"] == \
        INDEX_FORMAT_VERSION
    assert open_index(index_dir).sentences  # readable again


def test_the_sentences_about_a_talk_come_from_the_table_as_from_the_records(shipped_index) -> None:  # type: ignore[no-untyped-def]
    """The sentence → talk table gives, for every talk and every set of two talks of the shipped notes, the
    sentences that reading each sentence's talks gives (a table row shared by several talks narrowed by the names
    it holds), and never reads a sentence that is not such a row."""
    from confqa.answer.question import sentences_of_talks, talk_ids_of

    _, index_dir = shipped_index
    store = open_index(index_dir)
    talk_ids = list(store.talks_by_id)
    assert any(bool(row) for row in store.sentence_shared_rows)  # the shipped notes have shared schedule rows

    def by_reading(wanted: set[str]) -> list[int]:
        chunks = store.chunks_of_talks(list(wanted))
        return [i for c in chunks for i in store.sentences_by_chunk[c] if wanted & set(talk_ids_of(i, store))]

    groups = [[t] for t in talk_ids] + [[a, b] for a, b in zip(talk_ids, talk_ids[1:])]
    for group in groups:
        assert sentences_of_talks(group, store) == by_reading(set(group)), group
    for position, sentence in enumerate(store.sentences):
        low, high = store.sentence_talk_offsets[position], store.sentence_talk_offsets[position + 1]
        assert [talk_ids[int(p)] for p in store.sentence_talks[low:high]] == sentence.talk_ids
        assert bool(store.sentence_shared_rows[position]) == (sentence.kind == "row" and len(sentence.talk_ids) > 1)


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 6)), max_size=30))
def test_ranges_concatenates_every_range(spans: list[tuple[int, int]]) -> None:
    from confqa.index.store import _ranges

    starts = np.array([s for s, _ in spans], dtype=np.int64)
    ends = np.array([s + n for s, n in spans], dtype=np.int64)
    assert _ranges(starts, ends).tolist() == [i for s, n in spans for i in range(s, s + n)]


def test_a_sentence_talk_table_pointing_outside_the_catalogue_is_refused(built: tuple[Path, Path]) -> None:
    index_dir, generation = built
    table = np.load(generation / "sentence_talks.npy")
    assert len(table)
    table[0] = len(json.loads((generation / "talk_ids.json").read_text()))  # one past the last talk
    np.save(generation / "sentence_talks.npy", table, allow_pickle=False)
    _as_if_built(generation, "sentence_talks.npy")
    with pytest.raises(IndexCorruptError, match="sentence_talks.npy points outside the index.*rebuild with"):
        open_index(index_dir)


def test_the_chunk_of_a_sentence_comes_from_the_table(shipped_index) -> None:  # type: ignore[no-untyped-def]
    _, index_dir = shipped_index
    store = open_index(index_dir)
    assert store.chunks_of_sentences(range(len(store.sentences))).tolist() == [s.chunk for s in store.sentences]


def test_talk_names_that_do_not_match_the_catalogue_are_refused(built: tuple[Path, Path]) -> None:
    from confqa.search.filters import Filters, compile_filters

    index_dir, generation = built
    names = json.loads((generation / "talk_names.json").read_text())
    talks = [json.loads(line) for line in (generation / "talks.jsonl").read_text().splitlines()]
    assert names["titles"] == [t["title"] for t in talks] and names["speakers"] == [t["speakers"] for t in talks]
    names["titles"].pop()
    (generation / "talk_names.json").write_text(json.dumps(names))
    _as_if_built(generation, "talk_names.json")
    store = open_index(index_dir)
    with pytest.raises(IndexCorruptError, match="talk_names.json cannot be read.*rebuild with"):
        compile_filters(Filters(speaker="Hopper"), store)


def _as_if_built(generation: Path, name: str) -> None:
    """Record a file's new checksum in the manifest, as if the build itself had written the file so (the damage
    is then found by what reads it, not by the checksum)."""
    import hashlib

    manifest = json.loads((generation / "manifest.json").read_text())
    manifest["files"][name] = hashlib.sha256((generation / name).read_bytes()).hexdigest()
    (generation / "manifest.json").write_text(json.dumps(manifest))
