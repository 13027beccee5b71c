"""Read-only BM25 over the arrays that bm25s writes (CSC score matrix, vocabulary, parameters), with numpy alone:
querying needs neither bm25s nor scipy, which keeps `confqa ask` quick to start. Scores equal bm25s's
`get_scores` (a test checks this)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np


class Bm25Arrays:
    """The arrays of a bm25s index folder. `folder` is the folder, or a function that gives the path to read each
    of its files by name (an opened index reads files it holds open, which a rebuild may have removed)."""

    def __init__(self, folder: Path | Callable[[str], Path | None]) -> None:
        path_of = folder if callable(folder) else (lambda name: folder / name if (folder / name).is_file() else None)

        def required(name: str) -> Path:
            path = path_of(name)
            if path is None:
                raise FileNotFoundError(f"the BM25 index has no {name}")
            return path

        params = json.loads(required("params.index.json").read_text(encoding="utf-8"))
        self.num_docs = int(params["num_docs"])
        self.vocab: dict[str, int] = json.loads(required("vocab.index.json").read_text(encoding="utf-8"))
        # Plain arrays over the mapped pages (np.memmap adds Python overhead to every slice).
        self.data = np.load(required("data.csc.index.npy"), mmap_mode="r", allow_pickle=False).view(np.ndarray)
        self.indices = np.load(required("indices.csc.index.npy"), mmap_mode="r", allow_pickle=False).view(np.ndarray)
        self.indptr = np.load(required("indptr.csc.index.npy"), mmap_mode="r", allow_pickle=False).view(np.ndarray)
        nonoccurrence = path_of("nonoccurrence_array.index.npy")
        self.nonoccurrence = np.load(nonoccurrence, allow_pickle=False) if nonoccurrence is not None else None
        # bm25s keeps an empty-string token at the end of the vocabulary that has no column.
        if len(self.indptr) not in (len(self.vocab), len(self.vocab) + 1) or len(self.data) != len(self.indices) \
                or (len(self.indptr) and int(self.indptr[-1]) != len(self.data)):
            raise ValueError("BM25 arrays do not match their vocabulary")

    def document_frequency(self) -> np.ndarray:
        """Passages containing each term, by term id (0 for the column-less empty token)."""
        frequency = np.zeros(len(self.vocab) + 1, dtype=np.int64)
        counts = np.diff(np.asarray(self.indptr))
        frequency[: len(counts)] = counts
        return frequency

    def passages_with(self, term: str) -> np.ndarray:
        """Positions of the passages that contain the term (none for a term outside the vocabulary)."""
        token = self.vocab.get(term)
        if token is None or token >= len(self.indptr) - 1:
            return np.zeros(0, dtype=np.int64)
        return np.asarray(self.indices[int(self.indptr[token]):int(self.indptr[token + 1])], dtype=np.int64)

    def get_scores(self, terms: list[str]) -> np.ndarray:
        """BM25 score of every passage for the query terms (terms missing from the vocabulary are ignored)."""
        scores = np.zeros(self.num_docs, dtype=np.float32)
        columns = len(self.indptr) - 1
        ids = [self.vocab[t] for t in terms if t in self.vocab and self.vocab[t] < columns]
        for token in ids:
            start, end = int(self.indptr[token]), int(self.indptr[token + 1])
            # A term's column lists each passage once, so a fancy-indexed add is exact and costs its postings,
            # not the number of passages.
            scores[self.indices[start:end]] += self.data[start:end]
        if self.nonoccurrence is not None and ids:
            scores += self.nonoccurrence[ids].sum()
        return scores
