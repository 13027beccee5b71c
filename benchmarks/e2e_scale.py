"""End to end at scale: confqa built and asked over synthetic corpora of 10^4, 10^5 and 10^6 chunks.

    python benchmarks/e2e_scale.py --chunks 10000
    python benchmarks/e2e_scale.py --chunks 10000 100000 --reuse
    nohup python benchmarks/e2e_scale.py --chunks 1000000 --reuse > benchmarks/.e2e-scale/run-1e6.log 2>&1 &

Through the real product, not its retrieval structures alone:

1. a corpus of markdown notes (front matter with title, year 2023-2025 and, for single-talk notes, speakers;
   several talks per note as `## Invited talk: Title — Speaker` sections, schedule tables, paragraphs and bullet
   lists of Zipf-distributed words taken from corpus/ and evals/corpora/, results tables), sized from the chunks
   per note that confqa's own chunker makes of the first notes, deterministic for a seed;
2. the index built by confqa.index.build.build_index with a synthetic embedder (the real model's name, dimension
   and weights hash; clustered, L2-normalised vectors chosen by a hash of each text; a copy of a real ONNX export
   of the model so that questions are embedded by the real question path), in a new process whose memory is
   watched (it is stopped above --max-build-gb, with where the memory went); its time excludes the embedding;
3. in new processes: open_index alone; `python -m confqa ask ... --json` end to end (wall time, several
   questions and filters, exit code 0 and JSON checked); peak memory of a cold ask (/proc/self/status at its end,
   and the parent's getrusage(RUSAGE_CHILDREN)); warm Assistant.ask latency; recall@10 of the dense search the
   product uses (LocalBackend.dense: exact below exact_search_limit, HNSW above) against an exact scan of
   embeddings.npy;
4. one note added and the index updated by the same build_index (not a rebuild): time, what was embedded, and
   the files of the new generation against the old one.

Also: `components` times, each alone in a new process, the parts of a cold ask that grow with the corpus (the
talk records, the staleness check of the notes, the manifest) on this size's catalogue, even when the build did not
finish (the build keeps its catalogue in a file as soon as it exists); `tracemalloc` (sizes up to
--tracemalloc-up-to) builds once more under tracemalloc and lists where the traced memory is, by line of confqa.

    python benchmarks/e2e_scale.py --chunks 250000 --steps corpus build components open cold memory warm recall
    python benchmarks/e2e_scale.py --measure-index path/to/index      # step 3 only, on an index built otherwise
    echo "too slow" > benchmarks/.e2e-scale/n1000000/STOP            # stop a running build, recorded as such

Outputs (corpora, indexes, logs, results.json) go to benchmarks/.e2e-scale/ (git-ignored); --reuse keeps the
corpora and indexes that are already complete there (an index of another index format is rebuilt). Progress goes to
stderr, the tables to stdout. The machine is shared: results record the load-independent facts (chunks, bytes,
embedded texts) exactly, and timings as medians of new processes."""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / ".e2e-scale"
PYTHON = sys.executable
SECTION_SEPARATOR = " › "

# Targets at 10^6 chunks.
TARGETS = {"open_s": 1.0, "cold_ask_s": 2.0, "warm_ms": 50.0, "rss_beyond_mmap_gb": 1.5, "recall": 0.95}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------------------
# 1. The corpus
# ---------------------------------------------------------------------------------------------------------------

_ADJECTIVES = [
    "Scalable", "Robust", "Efficient", "Sparse", "Causal", "Adaptive", "Hierarchical", "Calibrated", "Federated",
    "Contrastive", "Multimodal", "Compositional", "Interpretable", "Private", "Verifiable", "Lightweight",
    "Continual", "Offline", "Generalist", "Grounded", "Structured", "Probabilistic", "Equivariant", "Modular",
    "Distributed", "Self-Supervised", "Long-Context", "Low-Rank", "Decentralised", "Faithful", "Steerable",
    "Reliable", "Data-Efficient", "Memory-Efficient", "Uncertainty-Aware", "Physics-Informed",
]
_METHODS = [
    "Diffusion Policies", "Sparse Attention", "State Space Models", "Mixture of Experts", "Retrieval Augmentation",
    "Preference Optimisation", "Reward Models", "Speculative Decoding", "Model Merging", "Knowledge Distillation",
    "Graph Neural Networks", "Neural Operators", "Flow Matching", "Test-Time Compute", "Chain-of-Thought Prompting",
    "Tokenizer-Free Models", "Quantisation", "Pruning", "Low-Rank Adapters", "Curriculum Learning",
    "Synthetic Data", "World Models", "Inverse Reinforcement Learning", "Imitation Learning", "Program Synthesis",
    "Symbolic Regression", "Gaussian Processes", "Bayesian Optimisation", "Conformal Prediction",
    "Causal Discovery", "Optimal Transport", "Energy-Based Models", "Normalising Flows", "Vision Transformers",
    "Masked Autoencoders", "Contrastive Pretraining", "Sparse Autoencoders", "Feature Attribution",
    "Activation Steering", "Red Teaming", "Watermarking", "Differential Privacy", "Federated Averaging",
    "Meta-Learning", "Active Learning", "Evolutionary Search", "Neural Architecture Search", "Kernel Methods",
    "Linear Attention", "Recurrent Memory", "Tool Use", "Agentic Planning", "Self-Play", "Monte Carlo Tree Search",
    "Hyperbolic Embeddings", "Spectral Methods", "Score Matching", "Dataset Pruning", "Model Editing",
    "Weight Averaging",
]
_TASKS = [
    "Protein Design", "Weather Forecasting", "Code Generation", "Theorem Proving", "Robot Manipulation",
    "Autonomous Driving", "Drug Discovery", "Machine Translation", "Speech Recognition", "Medical Imaging",
    "Materials Discovery", "Recommendation", "Tabular Data", "Time Series", "Video Understanding",
    "Document Retrieval", "Question Answering", "Long-Horizon Planning", "Chip Design", "Climate Modelling",
    "Fraud Detection", "Genomics", "Mathematical Reasoning", "Dialogue Systems", "Scientific Discovery",
    "Low-Resource Languages", "Embodied Navigation", "3D Reconstruction", "Music Generation", "Image Editing",
    "Anomaly Detection", "Supply Chains", "Energy Grids", "Education", "Legal Documents", "Peer Review",
    "Spreadsheets", "Satellite Imagery", "Neuroscience", "Chemistry Labs", "Web Agents", "Software Testing",
    "Data Cleaning", "Causal Inference", "Fairness Audits", "Content Moderation", "Search Ranking",
    "Speech Synthesis", "Sign Language", "Particle Physics", "Astronomy", "Epidemiology", "Agriculture",
    "Finance", "Logistics", "Robotics Benchmarks", "Long Documents", "Multilingual Evaluation",
    "Mobile Devices", "Edge Hardware",
]
_AFFILIATIONS = ["MIT", "Stanford", "ETH Zurich", "Oxford", "Tsinghua", "KAIST", "Mila", "CMU", "Berkeley",
                 "Google DeepMind", "Meta", "Microsoft Research", "EPFL", "Toronto", "Cambridge", "NVIDIA",
                 "University of Tokyo", "Max Planck Institute", "Allen Institute", "Apple"]
_CONFERENCES = ["NeurIPS", "ICML", "ICLR", "CVPR", "ACL", "AAAI", "EMNLP", "CoRL"]
_CITIES = ["Vancouver", "Vienna", "Singapore", "New Orleans", "Seattle", "Kigali", "Bangkok", "San Diego", "Montreal"]
_SINGLE_SECTIONS = ["Motivation", "Background", "Method", "Experiments", "Results", "Limitations", "Q&A",
                    "Takeaways", "Open questions", "Related work"]
_SUBSECTIONS = ["Key ideas", "Takeaways", "Results", "Q&A", "My notes", "Open questions", "Setup", "Caveats"]
_GLUE = ["the", "of", "and", "to", "in", "a", "is", "for", "that", "on", "with", "as", "by", "it", "this", "from",
         "are", "was", "we", "they"]
TALK_SHAPES = 6  # heading shapes of talks in multi-talk notes (see Corpus._talk_section)
TALKS_PER_NOTE = 5
SINGLE_EVERY = 6  # every sixth note is about one talk, named in its front matter


def _vocabulary() -> list[str]:
    """Words of the shipped notes and the evaluation corpora, most frequent first (Zipf's ranks)."""
    counts: Counter[str] = Counter()
    files = sorted([*REPO.glob("corpus/**/*.md"), *REPO.glob("evals/corpora/**/*.md")])
    for path in files:
        counts.update(re.findall(r"[a-z][a-z'-]*[a-z]", path.read_text(encoding="utf-8", errors="replace").lower()))
    words = [w for w, c in sorted(counts.items(), key=lambda item: (-item[1], item[0])) if len(w) > 1 and c >= 1]
    if len(words) < 2000:
        raise SystemExit(f"only {len(words)} words in corpus/ and evals/corpora/: not enough for a vocabulary")
    return words


def _census(name: str, limit: int) -> list[str]:
    """Given names or surnames from the US census lists of the `names` package (confqa's own name reference)."""
    import importlib.resources

    text = (importlib.resources.files("names") / name).read_text()
    return [line.split()[0].title() for line in text.splitlines()[:limit] if line.strip()]


def _census_frequencies(name: str, limit: int) -> tuple[list[str], np.ndarray]:
    import importlib.resources

    rows = [line.split() for line in (importlib.resources.files("names") / name).read_text().splitlines()[:limit]]
    rows = [r for r in rows if len(r) >= 2]
    return [r[0].title() for r in rows], np.array([max(float(r[1]), 1e-4) for r in rows])


class Corpus:
    """Deterministic synthetic notes: note i depends only on (seed, i), so a smaller corpus is a prefix of a larger
    one. Talk j (title, kind, speakers) depends only on (seed, j); note i covers talks near 2.5 i, so each talk is
    written up by about two notes and the catalogue grows with the corpus."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.words = np.array(_vocabulary(), dtype=object)
        ranks = np.arange(1, len(self.words) + 1, dtype=np.float64)
        weights = 1.0 / (ranks + 2.7)  # Zipf-Mandelbrot
        self.cumulative = np.cumsum(weights / weights.sum())
        self.first_names = _census("dist.female.first", 1200)[:600] + _census("dist.male.first", 600)
        self.surnames, frequencies = _census_frequencies("dist.all.last", 40000)
        self.surname_cumulative = np.cumsum(frequencies / frequencies.sum())
        triples = len(_ADJECTIVES) * len(_METHODS) * len(_TASKS)
        self.triples = triples
        self.stride = 104729  # a prime that does not divide the number of triples

    # -- talks ---------------------------------------------------------------------------------------------------
    def talk(self, j: int) -> dict[str, Any]:
        rng = np.random.default_rng([self.seed, 1, j])
        code = (j * self.stride + 12345) % self.triples  # a permutation: talk j -> a distinct triple
        t, rest = code % len(_TASKS), code // len(_TASKS)
        m, a = rest % len(_METHODS), rest // len(_METHODS)
        adjective, method, task = _ADJECTIVES[a], _METHODS[m], _TASKS[t]
        # No words shared by every title of a pattern: two talks by people of the same surname are merged by
        # confqa when their titles overlap by 0.3 (talks.merge.SAME_TALK_SHARED_SPEAKER).
        title = (f"{adjective} {method} for {task}", f"{method} for {adjective} {task}",
                 f"{task} with {adjective} {method}", f"{adjective} {task} via {method}")[j % 4]
        kind = ("invited talk", "tutorial", "oral", "invited talk", "panel", "oral", "keynote", "workshop")[
            int(rng.integers(0, 8))]
        count = {"tutorial": 2, "panel": 3}.get(kind, 1)
        speakers = [self.person(rng) for _ in range(count)]
        topic = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z-]+", f"{method} {task}") if w.lower() not in
                 ("for", "of", "with", "at", "meets")]
        return {"id": j, "title": title, "kind": kind, "speakers": speakers, "topic": topic,
                "affiliation": _AFFILIATIONS[int(rng.integers(0, len(_AFFILIATIONS)))]}

    def person(self, rng: np.random.Generator) -> str:
        first = self.first_names[int(rng.integers(0, len(self.first_names)))]
        # Surnames as frequent as in the census: a few common ones (many Smiths), a long tail.
        last = self.surnames[min(int(np.searchsorted(self.surname_cumulative, rng.random())), len(self.surnames) - 1)]
        return f"{first} {last}"

    def talks_of_note(self, i: int) -> list[int]:
        start = (i * 5) // 2
        return list(range(start, start + TALKS_PER_NOTE))

    def talks_expected(self, notes: int) -> int:
        covered = {j for i in range(notes) if i % SINGLE_EVERY != SINGLE_EVERY - 1 for j in self.talks_of_note(i)}
        return len(covered | {self.single_talk(i) for i in range(notes) if i % SINGLE_EVERY == SINGLE_EVERY - 1})

    def single_talk(self, i: int) -> int:
        return (i * 5) // 2 + 2

    def year_of_note(self, i: int) -> int:
        return 2023 + ((i * 5) // 2 // 600) % 3

    # -- prose ---------------------------------------------------------------------------------------------------
    def _sentences(self, rng: np.random.Generator, count: int, topic: list[str]) -> list[str]:
        lengths = rng.integers(7, 24, size=count)
        draws = np.searchsorted(self.cumulative, rng.random(int(lengths.sum())))
        draws = np.minimum(draws, len(self.words) - 1)
        words = self.words[draws]
        if topic:
            inject = rng.random(len(words)) < 0.07
            words[inject] = np.array(topic, dtype=object)[rng.integers(0, len(topic), size=int(inject.sum()))]
        out = []
        position = 0
        numbers = rng.random(count)
        for k, length in enumerate(lengths):
            part = words[position:position + length].tolist()
            position += length
            if length > 12:
                part[int(length) // 2] += ","
            sentence = " ".join(part)
            if numbers[k] < 0.25:
                before, after = rng.uniform(20, 80), rng.uniform(0.5, 15)
                sentence += f" from {before:.1f} to {before + after:.1f} percent"
            elif numbers[k] < 0.32:
                sentence += f" in {int(rng.integers(2, 64))} of the {int(rng.integers(64, 512))} runs"
            out.append(sentence[:1].upper() + sentence[1:] + ".")
        return out

    def _paragraph(self, rng: np.random.Generator, topic: list[str]) -> str:
        return " ".join(self._sentences(rng, int(rng.integers(3, 7)), topic))

    def _bullets(self, rng: np.random.Generator, topic: list[str]) -> str:
        return "\n".join(f"- {s}" for s in self._sentences(rng, int(rng.integers(3, 6)), topic))

    def _results_table(self, rng: np.random.Generator, talk: dict[str, Any]) -> str:
        method = talk["title"].split(" for ")[0]
        rows = ["| Model | Benchmark | Score | Notes |", "|---|---|---|---|"]
        for k in range(int(rng.integers(3, 7))):
            words = self.words[np.minimum(np.searchsorted(self.cumulative, rng.random(5)), len(self.words) - 1)]
            rows.append(f"| {'baseline' if k == 0 else method.lower()} v{k} | {words[0]}-{words[1]} "
                        f"| {rng.uniform(30, 95):.1f} | {' '.join(words[2:].tolist())} |")
        return "\n".join(rows)

    def _body(self, rng: np.random.Generator, talk: dict[str, Any], blocks: int) -> list[str]:
        parts = []
        for _ in range(blocks):
            roll = rng.random()
            if roll < 0.62:
                parts.append(self._paragraph(rng, talk["topic"]))
            elif roll < 0.92:
                parts.append(self._bullets(rng, talk["topic"]))
            else:
                parts.append(self._results_table(rng, talk))
        return parts

    # -- notes ---------------------------------------------------------------------------------------------------
    def note(self, i: int) -> tuple[str, str]:
        """(text, path relative to the corpus folder) of note i."""
        rng = np.random.default_rng([self.seed, 2, i])
        year = self.year_of_note(i)
        conference = _CONFERENCES[(i // 7) % len(_CONFERENCES)]
        author = self.person(rng)
        rel = f"notes/{i // 1000:04d}/note-{i:07d}.md"
        if i % SINGLE_EVERY == SINGLE_EVERY - 1:
            return self._single_note(rng, i, year, conference, author), rel
        talks = [self.talk(j) for j in self.talks_of_note(i)]
        day = int(rng.integers(1, 5))
        title = f"{conference} {year} day {day}: notes from {_CITIES[i % len(_CITIES)]}"
        tags = ", ".join(sorted({t["topic"][0] for t in talks}))
        lines = ["---", f'title: "{title}"', f"year: {year}", f"date: {year}-12-{day + 1:02d}",
                 f"authors: [{author}]", f"tags: [{tags}]", "---", "", f"# {title}", "",
                 self._paragraph(rng, []), ""]
        if rng.random() < 0.5:
            lines += ["## Schedule", "", "| Time | Title | Speaker |", "|---|---|---|"]
            for k, talk in enumerate(talks):
                lines.append(f"| {9 + k}:00 | {talk['title']} | {', '.join(talk['speakers'])} |")
            lines.append("")
        for k, talk in enumerate(talks):
            lines += self._talk_section(rng, talk, (i + k) % TALK_SHAPES)
        lines += ["## Overall impressions", "", self._paragraph(rng, []), "", self._bullets(rng, []), ""]
        return "\n".join(lines), rel

    def _talk_section(self, rng: np.random.Generator, talk: dict[str, Any], shape: int) -> list[str]:
        kind = {"invited talk": "Invited talk", "keynote": "Keynote", "tutorial": "Tutorial", "oral": "Oral",
                "panel": "Panel", "workshop": "Workshop"}[talk["kind"]]
        names = ", ".join(talk["speakers"])
        affiliated = ", ".join(f"{s} ({talk['affiliation']})" for s in talk["speakers"])
        if shape == 0:
            head = [f"## {kind}: {talk['title']} — {names}", ""]
        elif shape == 1:
            head = [f"## {kind}: {talk['title']}", "", f"**Speakers:** {affiliated}", ""]
        elif shape == 2:
            head = [f"## {kind}: {talk['title']} ({names})", ""]
        elif shape == 3:
            head = [f"## {kind} — “{talk['title']}”", "", f"Presented by {names}.", ""]
        elif shape == 4:
            head = [f"## {kind}: {talk['title']}", "", f"Presenters: {affiliated}", ""]
        else:
            head = [f"## {kind}: {talk['title']} by {names}", ""]
        body: list[str] = []
        for block in self._body(rng, talk, int(rng.integers(4, 9))):
            body += [block, ""]
        for sub in rng.choice(len(_SUBSECTIONS), size=int(rng.integers(0, 3)), replace=False):
            body += [f"### {_SUBSECTIONS[int(sub)]}", ""]
            for block in self._body(rng, talk, int(rng.integers(2, 5))):
                body += [block, ""]
        return head + body

    def _single_note(self, rng: np.random.Generator, i: int, year: int, conference: str, author: str) -> str:
        talk = self.talk(self.single_talk(i))
        lines = ["---", f'title: "{talk["title"]}"', f"year: {year}", f"speakers: [{', '.join(talk['speakers'])}]",
                 f"authors: [{author}]", f"event: {conference} {year}", "---", "",
                 f"# {talk['title']}", "", self._paragraph(rng, talk["topic"]), ""]
        for section in rng.choice(len(_SINGLE_SECTIONS), size=int(rng.integers(4, 8)), replace=False):
            lines += [f"## {_SINGLE_SECTIONS[int(section)]}", ""]
            for block in self._body(rng, talk, int(rng.integers(3, 7))):
                lines += [block, ""]
        return "\n".join(lines)


def method_and_task(title: str) -> tuple[str | None, str | None]:
    """The method and the task a synthetic talk title is made of (None for a title confqa changed)."""
    method = next((m for m in _METHODS if m in title), None)
    task = next((t for t in _TASKS if t in title), None)
    return method, task


def write_corpus(corpus: Corpus, target_chunks: int, folder: Path, meta_file: Path, sample: int = 200) -> dict:
    """Size the corpus from the chunks per note confqa's own chunker makes of the first `sample` notes, then
    write it. meta_file is written last: a corpus without one is incomplete."""
    from confqa.index.build import chunk_documents
    from confqa.ingest.loading import load_document_bytes
    from confqa.settings import Settings

    started = time.perf_counter()
    documents = [load_document_bytes(text.encode(), rel) for text, rel in (corpus.note(i) for i in range(sample))]
    _, chunks, sentences = chunk_documents(documents, Settings().chunking)
    per_note = len(chunks) / sample
    characters = sum(len("\n".join(d.lines)) for d in documents)
    notes = max(1, round(target_chunks / per_note))
    log(f"sample of {sample} notes: {per_note:.1f} chunks/note, {characters / len(chunks):.0f} characters/chunk, "
        f"{len(sentences) / len(chunks):.1f} sentences/chunk -> {notes:,} notes for {target_chunks:,} chunks")
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    written = 0
    for i in range(notes):
        text, rel = corpus.note(i)
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        written += len(data)
        if i and i % 2000 == 0:
            log(f"  corpus: {i:,}/{notes:,} notes, {written / 1e6:.0f} MB")
    meta = {"target_chunks": target_chunks, "notes": notes, "bytes": written, "seed": corpus.seed,
            "sample_notes": sample, "sample_chunks_per_note": per_note,
            "sample_characters_per_chunk": characters / len(chunks),
            "sample_sentences_per_chunk": len(sentences) / len(chunks),
            "expected_talks": corpus.talks_expected(notes), "seconds": time.perf_counter() - started}
    meta_file.write_text(json.dumps(meta, indent=1))
    log(f"corpus: {notes:,} notes, {written / 1e6:.0f} MB in {meta['seconds']:.0f} s")
    return meta


# ---------------------------------------------------------------------------------------------------------------
# 2. The synthetic embedder
# ---------------------------------------------------------------------------------------------------------------

CLUSTERS = 4096
NOISE_ROWS = 16384
NOISE = 0.9  # noise per dimension relative to a cluster centre's (as in benchmarks/scale.py)


class SyntheticEmbedder:
    """Stands in for MiniLM while indexing: the real model's name, dimension and weights hash, and clustered
    L2-normalised float32 vectors. A text's cluster is chosen by a hash of its first line (a chunk's title and
    heading path) or its heading prefix (a sentence's 'Heading: '); its noise is a signed sum of four rows of a
    fixed noise table chosen by a hash of the whole text, so that the same text always gets the same vector.
    export_onnx copies a real ONNX export of the model: questions are embedded by the real question path."""

    def __init__(self, onnx_source: Path, seed: int = 0) -> None:
        from confqa.embedding import model_weights_sha256
        from confqa.settings import EMBEDDING_MODEL_NAME

        self.name = EMBEDDING_MODEL_NAME
        self.dimension = 384
        self._sha = model_weights_sha256()
        self.onnx_source = onnx_source
        rng = np.random.default_rng([seed, 99])
        self.centres = rng.standard_normal((CLUSTERS, self.dimension), dtype=np.float32)
        self.noise = rng.standard_normal((NOISE_ROWS, self.dimension), dtype=np.float32)
        self.seconds = 0.0
        self.texts = 0
        self.calls = 0
        self.first_call: float | None = None
        self.last_call: float | None = None

    def weights_sha256(self) -> str:
        return self._sha

    @staticmethod
    def cluster_key(text: str) -> str:
        if "\n" in text:
            return text.split("\n", 1)[0]
        head, colon, _ = text.partition(": ")
        return head if colon and len(head) < 200 else text

    def cluster(self, text: str) -> int:
        digest = hashlib.blake2b(self.cluster_key(text).encode("utf-8"), digest_size=8).digest()
        return int.from_bytes(digest, "little") % CLUSTERS

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        started = time.perf_counter()
        if self.first_call is None:
            self.first_call = started
        clusters = np.fromiter((self.cluster(t) for t in texts), dtype=np.int64, count=len(texts))
        digests = np.frombuffer(b"".join(hashlib.blake2b(t.encode("utf-8"), digest_size=16).digest() for t in texts),
                                dtype=np.uint32).reshape(len(texts), 4) if texts else np.zeros((0, 4), np.uint32)
        rows = (digests % NOISE_ROWS).astype(np.int64)
        signs = np.where((digests >> 20) & 1, np.float32(1.0), np.float32(-1.0)).astype(np.float32)
        noise = np.einsum("nk,nkd->nd", signs, self.noise[rows]) * np.float32(0.5)  # unit variance per dimension
        vectors = self.centres[clusters] + np.float32(NOISE) * noise
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        self.calls += 1
        self.texts += len(texts)
        self.last_call = time.perf_counter()
        self.seconds += self.last_call - started
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def query_near_cluster(self, cluster: int, rng: np.random.Generator) -> np.ndarray:
        """A new vector of that cluster (as a new text of the same section would be)."""
        vector = self.centres[cluster] + np.float32(NOISE) * rng.standard_normal(self.dimension, dtype=np.float32)
        return (vector / np.linalg.norm(vector)).astype(np.float32)

    def export_onnx(self, target: Path) -> Path:
        shutil.copyfile(self.onnx_source, target)
        return target


def real_onnx_model(out: Path) -> Path:
    """A real ONNX export of the model for the synthetic indexes: copied once from an existing real index
    generation (indexes/default, or any index under indexes/) whose manifest names this model's weights, else
    exported by building a small real index of corpus/ with the real model."""
    from confqa.embedding import model_weights_sha256

    target = out / "model.onnx"
    if target.is_file():
        return target
    out.mkdir(parents=True, exist_ok=True)
    sha = model_weights_sha256()
    roots = [REPO / "indexes" / "default", *sorted((REPO / "indexes").glob("*")), out / "real-model-index"]
    for root in roots:
        pointer = root / "CURRENT"
        if not pointer.is_file():
            continue
        generation = root / pointer.read_text().strip()
        try:
            manifest = json.loads((generation / "manifest.json").read_text())
        except (OSError, ValueError):
            continue
        model = generation / "model.onnx"
        expected = manifest.get("files", {}).get("model.onnx")
        if manifest.get("embedding", {}).get("weights_sha256") == sha and model.is_file() and expected:
            if hashlib.sha256(model.read_bytes()).hexdigest() == expected:
                shutil.copyfile(model, target.with_suffix(".tmp"))
                os.replace(target.with_suffix(".tmp"), target)
                log(f"ONNX model copied from {model}")
                return target
    log("no real index with an ONNX export found: building one of corpus/ with the real model (a few minutes)")
    subprocess.run([PYTHON, "-m", "confqa", "index", str(REPO / "corpus"), "--index", str(out / "real-model-index")],
                   check=True, cwd=REPO, env=clean_env())
    return real_onnx_model(out)


def clean_env() -> dict[str, str]:
    """The environment without CONFQA_* settings, so that every run uses confqa's defaults."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFQA_")}
    env["PYTHONPATH"] = str(REPO / "src") + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


# ---------------------------------------------------------------------------------------------------------------
# The build, in a child process (python e2e_scale.py _build ...) watched by the parent
# ---------------------------------------------------------------------------------------------------------------

def proc_status(pid: int | str = "self") -> dict[str, int]:
    """Memory fields of /proc/<pid>/status, in kB."""
    fields = {}
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                if key in ("VmPeak", "VmSize", "VmHWM", "VmRSS", "RssAnon", "RssFile", "RssShmem", "VmSwap"):
                    fields[key] = int(value.split()[0])
    except OSError:
        pass
    return fields


def mem_available_kb() -> int:
    with open("/proc/meminfo") as handle:
        for line in handle:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1])
    return 0


def child_build(args: argparse.Namespace) -> None:
    """Runs build_index with the synthetic embedder, logging stage boundaries (time, RSS) to args.stage_log."""
    import confqa.index.build as build
    from confqa.settings import load_settings

    stage_log = open(args.stage_log, "a", buffering=1)
    started = time.perf_counter()

    def mark(event: str, stage: str, **extra: Any) -> None:
        status = proc_status()
        stage_log.write(json.dumps({"t": round(time.perf_counter() - started, 3), "event": event, "stage": stage,
                                    "rss_mb": status.get("VmRSS", 0) // 1024,
                                    "hwm_mb": status.get("VmHWM", 0) // 1024,
                                    "anon_mb": status.get("RssAnon", 0) // 1024, **extra}) + "\n")

    snapshots: list[dict[str, Any]] = []
    if args.tracemalloc:
        import tracemalloc

        tracemalloc.start(6)

    def snapshot(label: str) -> None:
        """Where the traced memory is, by line of code (only with --tracemalloc: it slows the build down)."""
        import tracemalloc

        taken = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
        # Each allocation counted at the innermost line of confqa (or of this script) that led to it: "copy.py"
        # or "pydantic/main.py" alone would not say which of confqa's structures holds the memory.
        by_line: dict[str, list[int]] = {}
        for stat in taken.statistics("traceback"):
            frames = list(reversed(stat.traceback))  # most recent call first
            own = next((f for f in frames if "/src/confqa/" in f.filename), None) or next(
                (f for f in frames if f.filename.endswith("e2e_scale.py")), frames[0])
            where = f"{own.filename.replace(str(REPO) + '/', '')}:{own.lineno}"
            if own is not frames[0]:
                where += f" (via {Path(frames[0].filename).name}:{frames[0].lineno})"
            entry = by_line.setdefault(where, [0, 0])
            entry[0] += stat.size
            entry[1] += stat.count
        ranked = sorted(by_line.items(), key=lambda item: -item[1][0])
        snapshots.append({"at": label, "traced_mb": sum(v[0] for _, v in ranked) / 2 ** 20,
                          "rss_mb": proc_status().get("VmRSS", 0) // 1024,
                          "top": [{"where": where, "mb": round(size / 2 ** 20, 1), "blocks": count}
                                  for where, (size, count) in ranked[:15]]})

    snapshot_at = {("end", "parse + chunk"), ("end", "talk attribution"), ("begin", "write generation"),
                   ("begin", "sha256 of a file")}

    def wrap(owner: Any, attribute: str, stage: str) -> None:
        original = getattr(owner, attribute)

        def wrapped(*a: Any, **k: Any) -> Any:
            mark("begin", stage)
            if args.tracemalloc and ("begin", stage) in snapshot_at and not any(
                    x["at"] == f"begin {stage}" for x in snapshots):
                snapshot(f"begin {stage}")
            try:
                return original(*a, **k)
            finally:
                mark("end", stage)
                if args.tracemalloc and ("end", stage) in snapshot_at:
                    snapshot(f"end {stage}")

        setattr(owner, attribute, wrapped)

    import bm25s
    import faiss

    for name, stage in (("chunk_documents", "parse + chunk"), ("build_catalogue", "talk catalogue"),
                        ("attributed", "talk attribution"), ("_previous_vectors", "load previous vectors"),
                        ("_write_generation", "write generation"), ("write_records", "write records"),
                        ("build_dense_index", "dense index (FAISS)"), ("_fsync_tree", "fsync"),
                        ("_switch_current", "switch CURRENT"), ("_collect_old_generations", "remove old generations"),
                        ("_file_sha", "sha256 of a file")):
        wrap(build, name, stage)
    wrap(build.SourceSet, "load", "load notes")
    # The talk catalogue is kept in a file as soon as it is built, so that a build stopped later (memory) still
    # leaves the catalogue of this corpus for the 'components' step.
    catalogue_original = build.build_catalogue

    def build_catalogue_kept(*a: Any, **k: Any) -> Any:
        catalogue = catalogue_original(*a, **k)
        mark("begin", "keep the catalogue (benchmark only)")
        Path(args.result).with_name(Path(args.result).name.replace(".result.json", ".catalogue-talks.json")) \
            .write_text(json.dumps([t.model_dump(mode="json") for t in catalogue.talks], ensure_ascii=False))
        mark("end", "keep the catalogue (benchmark only)")
        return catalogue

    build.build_catalogue = build_catalogue_kept
    wrap(faiss, "write_index", "write dense.faiss")
    wrap(bm25s.BM25, "index", "BM25 index (bm25s)")
    wrap(bm25s.BM25, "save", "BM25 save")
    wrap(np, "save", "np.save")

    embedders: list[SyntheticEmbedder] = []

    def factory() -> SyntheticEmbedder:
        embedder = SyntheticEmbedder(Path(args.onnx), seed=args.seed)
        embedders.append(embedder)
        return embedder

    last = [0.0]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if stage.startswith("loading the embedding model"):
            mark("begin" if done == 0 else "end", "embedder factory")
        elif done == total or now - last[0] > 15:
            last[0] = now
            mark("progress", stage, done=done, total=total)

    def terminate(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, terminate)
    mark("begin", "build_index")
    report = build.build_index([Path(args.corpus)], Path(args.index), load_settings(), factory,
                               rebuild=args.rebuild, progress=progress)
    mark("end", "build_index")
    embedder = embedders[0] if embedders else None
    result = {"report": report.model_dump(mode="json"), "build_index_s": time.perf_counter() - started,
              "embed_s": embedder.seconds if embedder else 0.0, "embedded_texts": embedder.texts if embedder else 0,
              "embed_calls": embedder.calls if embedder else 0, "status_kb": proc_status(),
              "embed_window_s": (embedder.last_call - embedder.first_call)
              if embedder and embedder.first_call and embedder.last_call else 0.0,
              "tracemalloc": snapshots}
    for key in ("added", "changed", "removed", "notices", "without_talks", "skipped"):
        value = result["report"].get(key)
        if isinstance(value, (list, dict)) and len(value) > 20:
            result["report"][key] = f"{len(value)} items (not listed)"
    Path(args.result).write_text(json.dumps(result, indent=1))


def run_build(corpus_dir: Path, index_dir: Path, onnx: Path, work: Path, label: str, seed: int,
              max_gb: float, rebuild: bool = False, trace: bool = False) -> dict[str, Any]:
    """The build in a child process, its RSS sampled twice a second; stopped (SIGTERM, then SIGKILL) above max_gb
    or when the machine has less than 1.5 GB available."""
    stage_log = work / f"{label}.stages.jsonl"
    result_file = work / f"{label}.result.json"
    stage_log.unlink(missing_ok=True)
    result_file.unlink(missing_ok=True)
    command = [PYTHON, str(Path(__file__).resolve()), "_build", "--corpus", str(corpus_dir), "--index",
               str(index_dir), "--onnx", str(onnx), "--stage-log", str(stage_log), "--result", str(result_file),
               "--seed", str(seed)] + (["--rebuild"] if rebuild else []) + (["--tracemalloc"] if trace else [])
    log(f"build ({label}): {' '.join(command[1:3])} … in a new process, RSS limit {max_gb:.0f} GB")
    started = time.perf_counter()
    stderr_file = work / f"{label}.stderr.log"
    with open(stderr_file, "wb") as stderr:
        process = subprocess.Popen(command, cwd=REPO, env=clean_env(), stdout=subprocess.DEVNULL, stderr=stderr)
    samples: list[tuple[float, int, int]] = []
    peak = {"rss_mb": 0, "stage": "", "t": 0.0}
    stopped = ""
    last_report = time.monotonic()
    while process.poll() is None:
        status = proc_status(process.pid)
        rss = status.get("VmRSS", 0) // 1024
        elapsed = time.perf_counter() - started
        samples.append((round(elapsed, 1), rss, status.get("RssAnon", 0) // 1024))
        stage = last_stage(stage_log)
        if rss > peak["rss_mb"]:
            peak = {"rss_mb": rss, "stage": stage, "t": round(elapsed, 1)}
        available = mem_available_kb() // 1024
        stop_file = work / "STOP"  # `echo reason > DIR/STOP` stops a build that would take too long
        if not stopped and (rss > max_gb * 1024 or available < 1536 or stop_file.is_file()):
            reason = f"asked to stop ({stop_file.read_text().strip()})" if stop_file.is_file() else "memory"
            stop_file.unlink(missing_ok=True)
            stopped = (f"stopped ({reason}) at {elapsed:.0f} s: RSS {rss:,} MB (limit {max_gb * 1024:,.0f} MB), "
                       f"machine MemAvailable {available:,} MB, during '{stage}'")
            log(f"build ({label}): {stopped}")
            process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(20)
            if process.poll() is None:
                process.kill()
            break
        if time.monotonic() - last_report > 60:
            last_report = time.monotonic()
            log(f"  build ({label}): {elapsed:.0f} s, RSS {rss:,} MB, stage '{stage}'")
        time.sleep(0.5)
    code = process.wait()
    wall = time.perf_counter() - started
    stages = read_stages(stage_log)
    outcome: dict[str, Any] = {"label": label, "wall_s": wall, "exit_code": code, "stopped": stopped,
                               "peak_rss_mb_sampled": peak["rss_mb"], "peak_stage": peak["stage"],
                               "peak_t": peak["t"], "stages": summarise_stages(stages, wall if stopped else None),
                               "rss_samples": samples[:: max(1, len(samples) // 400)]}
    if result_file.is_file():
        outcome.update(json.loads(result_file.read_text()))
        outcome["peak_rss_mb"] = outcome["status_kb"].get("VmHWM", 0) // 1024
    elif not stopped:
        tail = stderr_file.read_text(errors="replace")[-3000:]
        outcome["stderr_tail"] = tail
        log(f"build ({label}) failed with exit code {code}:\n{tail}")
    return outcome


def last_stage(stage_log: Path) -> str:
    try:
        with open(stage_log, "rb") as handle:
            handle.seek(max(0, handle.seek(0, 2) - 4096))
            lines = handle.read().decode(errors="replace").strip().splitlines()
    except OSError:
        return ""
    for line in reversed(lines):
        with contextlib.suppress(ValueError):
            entry = json.loads(line)
            if entry["stage"] in ("sha256 of a file", "np.save"):
                continue
            return f"{entry['event']} {entry['stage']}"
    return ""


def read_stages(stage_log: Path) -> list[dict[str, Any]]:
    if not stage_log.is_file():
        return []
    out = []
    for line in stage_log.read_text().splitlines():
        with contextlib.suppress(ValueError):
            out.append(json.loads(line))
    return out


def summarise_stages(entries: list[dict[str, Any]], end_t: float | None = None) -> list[dict[str, Any]]:
    """Each stage's total seconds, calls and RSS at its end (and the largest RSS increase over one call), in the
    order stages first began; the embedding appears as the time between the first and last encode."""
    open_at: dict[str, list[dict[str, Any]]] = {}
    totals: dict[str, dict[str, Any]] = {}
    for entry in entries:
        stage = entry["stage"]
        if entry["event"] == "begin":
            open_at.setdefault(stage, []).append(entry)
            totals.setdefault(stage, {"stage": stage, "seconds": 0.0, "calls": 0, "rss_begin_mb": entry["rss_mb"],
                                      "rss_end_mb": entry["rss_mb"], "max_rss_increase_mb": 0,
                                      "first_t": entry["t"]})
        elif entry["event"] == "end" and open_at.get(stage):
            begin = open_at[stage].pop()
            total = totals[stage]
            total["seconds"] += entry["t"] - begin["t"]
            total["calls"] += 1
            total["rss_end_mb"] = entry["rss_mb"]
            total["hwm_end_mb"] = entry["hwm_mb"]
            total["max_rss_increase_mb"] = max(total["max_rss_increase_mb"], entry["rss_mb"] - begin["rss_mb"])
        elif entry["event"] == "progress":
            totals.setdefault(stage, {"stage": stage, "first_t": entry["t"], "seconds": 0.0, "calls": 0,
                                      "rss_begin_mb": entry["rss_mb"]})
            totals[stage]["seconds"] = entry["t"] - totals[stage]["first_t"]
            totals[stage]["rss_end_mb"] = entry["rss_mb"]
            totals[stage]["hwm_end_mb"] = entry["hwm_mb"]
            totals[stage]["done"] = f"{entry.get('done')}/{entry.get('total')}"
    for stage, pending in open_at.items():
        if pending:
            totals[stage]["unfinished"] = True
            if end_t is not None:
                totals[stage]["seconds"] += end_t - pending[-1]["t"]
    return sorted(totals.values(), key=lambda item: item["first_t"])


# ---------------------------------------------------------------------------------------------------------------
# 3. Measurements, each in new processes
# ---------------------------------------------------------------------------------------------------------------

OPEN_CODE = r"""
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
import confqa.index.store as store_module
t1 = time.perf_counter()
store = store_module.open_index(Path(sys.argv[1]))
t2 = time.perf_counter()
status = {}
for line in open("/proc/self/status"):
    key, _, value = line.partition(":")
    if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
        status[key] = int(value.split()[0])
print(json.dumps({"import_s": t1 - t0, "open_s": t2 - t1, "talks": len(store.talks), "chunks": store.size,
                  "status_kb": status}))
"""

# The CLI's main in-process (standalone_mode=False), then this process's memory from /proc/self/status.
ASK_MEMORY_CODE = r"""
import json, sys, time
started = time.perf_counter()
from confqa.cli import main
code = 0
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else 1
status = {}
for line in open("/proc/self/status"):
    key, _, value = line.partition(":")
    if key in ("VmPeak", "VmHWM", "VmRSS", "RssAnon", "RssFile", "RssShmem"):
        status[key] = int(value.split()[0])
smaps = {}
try:
    for line in open("/proc/self/smaps_rollup"):
        key, _, value = line.partition(":")
        if key in ("Rss", "Pss", "Anonymous", "Shared_Clean", "Private_Clean", "Private_Dirty"):
            smaps[key] = int(value.split()[0])
except OSError:
    pass
sys.stdout.flush()
print("E2E-STATUS " + json.dumps({"code": code, "status_kb": status, "smaps_rollup_kb": smaps,
                                  "in_process_s": time.perf_counter() - started}), file=sys.stderr)
sys.exit(code)
"""

# A parent that runs one command and reports getrusage(RUSAGE_CHILDREN).ru_maxrss (only that child was waited for).
RUSAGE_PARENT_CODE = r"""
import json, resource, subprocess, sys
process = subprocess.run(sys.argv[1:], capture_output=True)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"returncode": process.returncode, "children_maxrss_kb": usage.ru_maxrss,
                  "stdout": process.stdout.decode("utf-8", "replace"),
                  "stderr": process.stderr.decode("utf-8", "replace")[-20000:]}))
"""

WARM_CODE = r"""
import json, sys, time
from pathlib import Path
spec = json.loads(Path(sys.argv[2]).read_text())
t0 = time.perf_counter()
from confqa.api import Assistant
t1 = time.perf_counter()
assistant = Assistant(Path(sys.argv[1]))
assistant.store
t2 = time.perf_counter()
warm = spec["warmup"]
first = assistant.ask(warm["q"], **warm["filters"])
t3 = time.perf_counter()
rows = []
for item in spec["questions"]:
    started = time.perf_counter()
    answer = assistant.ask(item["q"], **item["filters"])
    seconds = time.perf_counter() - started
    rows.append({"q": item["q"], "filters": item["filters"], "kind": item["kind"], "ms": seconds * 1000,
                 "abstained": bool(getattr(answer, "abstained", False)),
                 "citations": len(getattr(answer, "citations", []) or [])})
status = {}
for line in open("/proc/self/status"):
    key, _, value = line.partition(":")
    if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
        status[key] = int(value.split()[0])
print(json.dumps({"import_s": t1 - t0, "open_s": t2 - t1, "first_ask_s": t3 - t2, "rows": rows,
                  "status_kb": status}))
"""

RECALL_CODE = r"""
import json, sys, time
from pathlib import Path
import numpy as np
sys.path.insert(0, sys.argv[4])
from e2e_scale import SyntheticEmbedder
from confqa.index.store import open_index
from confqa.ingest.chunking import embedding_text
from confqa.search.filters import CompiledFilters
from confqa.search.local import LocalBackend

store = open_index(Path(sys.argv[1]))
queries_per_kind = int(sys.argv[2])
embedder = SyntheticEmbedder(Path(sys.argv[3]), seed=int(sys.argv[5]))
backend = LocalBackend(store)
rng = np.random.default_rng(12345)
picks = rng.choice(store.size, size=queries_per_kind, replace=store.size < queries_per_kind)
near_cluster = np.stack([embedder.query_near_cluster(embedder.cluster(embedding_text(store.chunks[int(i)])), rng)
                         for i in picks])
# As benchmarks/scale.py: a chunk's vector with noise as large as the vector itself.
near_chunk = np.asarray(store.chunk_vectors[np.sort(picks)], dtype=np.float32)
near_chunk = near_chunk + rng.normal(scale=0.05, size=near_chunk.shape).astype(np.float32)
near_chunk /= np.linalg.norm(near_chunk, axis=1, keepdims=True)
queries = np.concatenate([near_cluster, near_chunk]).astype(np.float32)
filters = CompiledFilters()
backend.dense(queries[0], 10, filters)  # opens the dense index (HNSW) or maps the vectors once
found, times = [], []
for q in queries:
    started = time.perf_counter()
    ranking = backend.dense(q, 10, filters)
    times.append(time.perf_counter() - started)
    found.append([i for i, _ in ranking])
# Exact inner-product top 10 over embeddings.npy, in blocks (the same file the exact search maps).
vectors = np.load(store.generation / "embeddings.npy", mmap_mode="r")
best_scores = np.full((len(queries), 10), -np.inf, dtype=np.float32)
best_ids = np.zeros((len(queries), 10), dtype=np.int64)
exact_started = time.perf_counter()
block = 100_000
for start in range(0, len(vectors), block):
    scores = np.asarray(vectors[start:start + block], dtype=np.float32) @ queries.T
    scores = scores.T
    k = min(10, scores.shape[1])
    top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    merged_scores = np.concatenate([best_scores, np.take_along_axis(scores, top, axis=1)], axis=1)
    merged_ids = np.concatenate([best_ids, top + start], axis=1)
    order = np.argsort(-merged_scores, axis=1)[:, :10]
    best_scores = np.take_along_axis(merged_scores, order, axis=1)
    best_ids = np.take_along_axis(merged_ids, order, axis=1)
exact_s = time.perf_counter() - exact_started
recalls = [len(set(f) & set(map(int, e))) / 10 for f, e in zip(found, best_ids)]
half = len(queries) // 2
print(json.dumps({"dense_index": store.manifest.dense_index, "ef_search": store.manifest.index_parameters.hnsw_ef_search,
                  "queries": len(queries), "recall_near_cluster": float(np.mean(recalls[:half])),
                  "recall_near_chunk": float(np.mean(recalls[half:])), "recall_all": float(np.mean(recalls)),
                  "min_recall": float(np.min(recalls)), "dense_ms_median": 1000 * float(np.median(times)),
                  "dense_ms_p95": 1000 * float(np.percentile(times, 95)),
                  "exact_scan_ms_per_query": 1000 * exact_s / len(queries)}))
"""


# The parts of a cold ask that grow with the corpus, each timed alone on this size's catalogue and notes (they run
# whether or not the build finished: the catalogue is kept by the build as soon as it exists).
COMPONENTS_CODE = r"""
import json, sys, time
from pathlib import Path
from types import SimpleNamespace
talks_file, corpus_dir, index_dir = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
out = {}
t = time.perf_counter()
from pydantic import TypeAdapter
from confqa.api import Assistant
from confqa.index.store import IndexStore
from confqa.index.storage import current_generation, read_manifest
from confqa.models import Talk
from confqa.search.routing import RoutingTable
out["imports_s"] = time.perf_counter() - t
data = talks_file.read_bytes()
t = time.perf_counter()
if talks_file.suffix == ".jsonl":
    talks = [Talk.model_validate_json(line) for line in data.splitlines() if line.strip()]
else:
    talks = TypeAdapter(list[Talk]).validate_json(data)
out["talks_validate_all_s"] = time.perf_counter() - t  # what opening did up to format 3 (talks.json)
out["talks"] = len(talks)
out["talks_file_mb"] = len(data) / 2 ** 20
try:
    t = time.perf_counter()
    RoutingTable(talks)
    out["routing_table_s"] = time.perf_counter() - t
except TypeError:
    out["routing_table_s"] = "n/a (format 4: RoutingTable reads postings written at build)"
if hasattr(IndexStore, "speaker_pattern"):
    t = time.perf_counter()
    pattern = IndexStore.speaker_pattern.func(SimpleNamespace(talks=talks))
    out["speaker_pattern_compile_s"] = time.perf_counter() - t
    out["speaker_pattern_chars"] = len(pattern.pattern) if pattern else 0
    sample = "The speaker showed that sparse attention beats dense baselines on long documents by 4.2 points."
    t = time.perf_counter()
    for _ in range(100):
        pattern.search(sample)
    out["speaker_pattern_search_ms"] = (time.perf_counter() - t) * 10
generation = current_generation(index_dir) if (index_dir / "CURRENT").is_file() else None
if generation is not None:
    t = time.perf_counter()
    manifest = read_manifest(generation)
    out["read_manifest_s"] = time.perf_counter() - t
    out["manifest_mb"] = (generation / "manifest.json").stat().st_size / 2 ** 20
else:
    manifest = SimpleNamespace(corpus_dirs=[str(corpus_dir.resolve())], documents={}, skipped={})
t = time.perf_counter()
Assistant._staleness(SimpleNamespace(index_dir=index_dir), SimpleNamespace(manifest=manifest))
out["staleness_s"] = time.perf_counter() - t
out["staleness_against"] = "the index's manifest" if generation is not None else "an empty manifest (no index)"
print(json.dumps(out))
"""


def measure_components(work: Path, corpus_dir: Path, index_dir: Path, runs: int = 3) -> dict[str, Any] | None:
    """Median over new processes of each part of a cold ask that grows with the corpus."""
    talks_file = None
    if index_complete(index_dir):
        generation = index_dir / (index_dir / "CURRENT").read_text().strip()
        talks_file = generation / "talks.json" if (generation / "talks.json").is_file() else generation / "talks.jsonl"
    elif (work / "build.catalogue-talks.json").is_file():
        talks_file = work / "build.catalogue-talks.json"
    if talks_file is None:
        return None
    payloads = [run_child(COMPONENTS_CODE, str(talks_file), str(corpus_dir), str(index_dir))[1] for _ in range(runs)]
    result: dict[str, Any] = {"talks_from": str(talks_file.relative_to(work)), "runs": runs}
    for key, value in payloads[0].items():
        result[key] = statistics.median(p[key] for p in payloads) if isinstance(value, (int, float)) else value
    return result


def run_child(code: str, *args: str, timeout: float = 3600) -> tuple[float, dict[str, Any]]:
    """(wall seconds, the JSON the child printed last) of `python -c code args`."""
    started = time.perf_counter()
    process = subprocess.Popen([PYTHON, "-c", code, *args], cwd=REPO, env=clean_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"child failed ({process.returncode}): {err.decode(errors='replace')[-3000:]}")
    lines = [line for line in out.decode().splitlines() if line.startswith("{")]
    return wall, json.loads(lines[-1])


def ask_command(index_dir: Path, question: str, filters: dict[str, Any]) -> list[str]:
    command = ["ask", question, "--index", str(index_dir), "--json"]
    for key, value in filters.items():
        command += [f"--{key}", str(value)]
    return command


def measure_open(index_dir: Path, runs: int) -> dict[str, Any]:
    values, imports, walls, payload = [], [], [], {}
    for _ in range(runs):
        wall, payload = run_child(OPEN_CODE, str(index_dir))
        values.append(payload["open_s"])
        imports.append(payload["import_s"])
        walls.append(wall)
    return {"runs": runs, "open_s_median": statistics.median(values), "open_s_min": min(values),
            "open_s_max": max(values), "import_store_s_median": statistics.median(imports),
            "process_wall_s_median": statistics.median(walls), "talks": payload.get("talks"),
            "status_kb": payload.get("status_kb"), "open_s_all": values}


def measure_cold(index_dir: Path, questions: list[dict[str, Any]], runs: int) -> dict[str, Any]:
    rows = []
    for item in questions:
        times = []
        for _ in range(runs):
            command = [PYTHON, "-m", "confqa", *ask_command(index_dir, item["q"], item["filters"])]
            started = time.perf_counter()
            process = subprocess.run(command, cwd=REPO, env=clean_env(), capture_output=True)
            wall = time.perf_counter() - started
            if process.returncode != 0:
                raise RuntimeError(f"{' '.join(command)} exited {process.returncode}: "
                                   f"{process.stderr.decode(errors='replace')[-2000:]}")
            answer = json.loads(process.stdout)  # must parse as JSON
            times.append(wall)
        rows.append({"kind": item["kind"], "q": item["q"], "filters": item["filters"], "runs": runs,
                     "wall_s_median": statistics.median(times), "wall_s_min": min(times), "wall_s_max": max(times),
                     "abstained": bool(answer.get("abstained")), "citations": len(answer.get("citations") or []),
                     "answer_start": str(answer.get("answer", answer.get("text", "")))[:160]})
        log(f"  cold ask [{item['kind']}] {statistics.median(times):.2f} s (runs {min(times):.2f}-{max(times):.2f})")
    every = [r["wall_s_median"] for r in rows]
    return {"runs_per_question": runs, "questions": len(rows), "wall_s_median": statistics.median(every),
            "wall_s_max_of_medians": max(every), "rows": rows}


def measure_memory(index_dir: Path, questions: list[dict[str, Any]], runs: int) -> dict[str, Any]:
    rows = []
    for item in questions:
        for _ in range(runs):
            command = [PYTHON, "-c", ASK_MEMORY_CODE, *ask_command(index_dir, item["q"], item["filters"])]
            wall, payload = run_child(RUSAGE_PARENT_CODE, *command)
            if payload["returncode"] != 0:
                raise RuntimeError(f"ask (memory wrapper) exited {payload['returncode']}: {payload['stderr'][-2000:]}")
            json.loads(payload["stdout"])
            status_line = [line for line in payload["stderr"].splitlines() if line.startswith("E2E-STATUS ")][-1]
            status = json.loads(status_line[len("E2E-STATUS "):])
            kb = status["status_kb"]
            rows.append({"kind": item["kind"], "VmHWM_mb": kb["VmHWM"] / 1024, "VmRSS_mb": kb["VmRSS"] / 1024,
                         "RssAnon_mb": kb["RssAnon"] / 1024, "RssFile_mb": kb["RssFile"] / 1024,
                         "VmPeak_mb": kb["VmPeak"] / 1024,
                         "hwm_minus_file_mb": (kb["VmHWM"] - kb["RssFile"]) / 1024,
                         "children_maxrss_mb": payload["children_maxrss_kb"] / 1024,
                         "smaps_rollup_kb": status.get("smaps_rollup_kb")})
    def med(key: str) -> float:
        return statistics.median(r[key] for r in rows)

    def top(key: str) -> float:
        return max(r[key] for r in rows)

    return {"runs": len(rows), "VmHWM_mb_median": med("VmHWM_mb"), "VmHWM_mb_max": top("VmHWM_mb"),
            "RssAnon_mb_median": med("RssAnon_mb"), "RssAnon_mb_max": top("RssAnon_mb"),
            "RssFile_mb_median": med("RssFile_mb"), "hwm_minus_file_mb_max": top("hwm_minus_file_mb"),
            "children_maxrss_mb_max": top("children_maxrss_mb"), "rows": rows}


def measure_warm(index_dir: Path, warmup: dict[str, Any], questions: list[dict[str, Any]], work: Path) -> dict:
    spec = work / "warm-questions.json"
    spec.write_text(json.dumps({"warmup": warmup, "questions": questions}, ensure_ascii=False))
    wall, payload = run_child(WARM_CODE, str(index_dir), str(spec))
    times = [r["ms"] for r in payload["rows"]]
    by_kind: dict[str, list[float]] = {}
    for row in payload["rows"]:
        by_kind.setdefault(row["kind"], []).append(row["ms"])
    return {"questions": len(times), "ms_median": statistics.median(times),
            "ms_p95": float(np.percentile(times, 95)), "ms_max": max(times),
            "ms_median_by_kind": {k: statistics.median(v) for k, v in by_kind.items()},
            "open_s": payload["open_s"], "first_ask_s": payload["first_ask_s"],
            "abstained": sum(1 for r in payload["rows"] if r["abstained"]), "status_kb": payload["status_kb"],
            "process_wall_s": wall, "rows": payload["rows"]}


def measure_recall(index_dir: Path, onnx: Path, seed: int, queries_per_kind: int) -> dict[str, Any]:
    _, payload = run_child(RECALL_CODE, str(index_dir), str(queries_per_kind), str(onnx), str(HERE), str(seed))
    return payload


# -- questions from the catalogue that confqa detected -------------------------------------------------------------

def make_questions(index_dir: Path, seed: int, warm_count: int) -> tuple[list[dict], dict, list[dict]]:
    """(cold-ask questions, warm-up question, warm questions) built from the index's own talk catalogue."""
    import random

    generation = index_dir / (index_dir / "CURRENT").read_text().strip()
    talks = read_talks(generation)
    usable = [t for t in talks if t.get("speakers") and all(method_and_task(t["title"]))
              and all(len(s.split()) >= 2 for s in t["speakers"])]
    if len(usable) < 10:
        raise SystemExit(f"only {len(usable)} talks with speakers and a synthetic title in {generation}")
    rng = random.Random(seed)
    years = sorted({int(d["year"]) for d in json.loads((generation / "documents.json").read_text())
                    if d.get("year")})

    def question(kind: str, talk: dict[str, Any]) -> dict[str, Any]:
        method, task = method_and_task(talk["title"])
        speaker = talk["speakers"][0]
        surname = speaker.split()[-1]
        year = rng.choice(years)
        if kind == "speaker surname":
            return {"kind": kind, "q": f"What did {surname} say about {task.lower()}?", "filters": {}}
        if kind == "speaker full name":
            return {"kind": kind, "q": f"What did {speaker} present on {method.lower()}?", "filters": {}}
        if kind == "who (title)":
            return {"kind": kind, "q": f"Who presented {talk['title']}?", "filters": {}}
        if kind == "year":
            return {"kind": kind, "q": f"What was said about {method.lower()} at the {year} conference?",
                    "filters": {}}
        if kind == "topical":
            return {"kind": kind, "q": f"how does {method.lower()} help with {task.lower()}", "filters": {}}
        if kind == "filter speaker":
            return {"kind": kind, "q": "what were the main results and takeaways", "filters": {"speaker": speaker}}
        if kind == "filter year":
            return {"kind": kind, "q": f"what are the open problems of {task.lower()}", "filters": {"year": year}}
        raise ValueError(kind)

    kinds = ["speaker surname", "speaker full name", "who (title)", "year", "topical", "filter speaker",
             "filter year"]
    cold = [question(kind, rng.choice(usable)) for kind in kinds]
    warmup = question("topical", rng.choice(usable))
    warm = [question(kinds[i % len(kinds)], rng.choice(usable)) for i in range(warm_count)]
    return cold, warmup, warm


# -- 4. adding one note ----------------------------------------------------------------------------------------

def generation_files(index_dir: Path) -> tuple[str, dict[str, dict[str, Any]]]:
    generation = index_dir / (index_dir / "CURRENT").read_text().strip()
    manifest = json.loads((generation / "manifest.json").read_text())
    files = {}
    for path in sorted(generation.rglob("*")):
        if path.is_file():
            rel = path.relative_to(generation).as_posix()
            stat = path.stat()
            files[rel] = {"bytes": stat.st_size, "sha256": manifest["files"].get(rel), "inode": stat.st_ino,
                          "links": stat.st_nlink}
    return generation.name, files


def add_one_note(corpus: Corpus, corpus_dir: Path, index_dir: Path, onnx: Path, work: Path, seed: int,
                 max_gb: float) -> dict[str, Any]:
    old_name, old_files = generation_files(index_dir)
    needed = sum(f["bytes"] for f in old_files.values())
    free = shutil.disk_usage(index_dir).free
    if free < needed * 1.1 + 2e9:
        return {"skipped": f"needs ~{needed / 1e9:.1f} GB for a new generation (immutable: every file is written "
                           f"again), {free / 1e9:.1f} GB free"}
    added_dir = corpus_dir / "added"
    added_dir.mkdir(exist_ok=True)
    k = len(list(added_dir.glob("*.md")))
    text, _ = corpus.note(10_000_000 + k)  # a note about new talks
    path = added_dir / f"added-{k:03d}.md"
    path.write_text(text, encoding="utf-8")
    outcome = run_build(corpus_dir, index_dir, onnx, work, f"add-note-{k}", seed, max_gb)
    new_name, new_files = generation_files(index_dir)
    rows = []
    for rel in sorted(set(old_files) | set(new_files)):
        old, new = old_files.get(rel), new_files.get(rel)
        same_inode = bool(old and new and old["inode"] == new["inode"])
        rows.append({"file": rel, "old_bytes": old["bytes"] if old else None, "new_bytes": new["bytes"] if new else None,
                     "same_content": bool(old and new and old["sha256"] and old["sha256"] == new["sha256"]),
                     "hard_link": same_inode})
    written = sum(r["new_bytes"] or 0 for r in rows if not r["hard_link"])
    report = outcome.get("report", {})
    return {"note": str(path.relative_to(corpus_dir)), "note_bytes": len(text.encode()),
            "old_generation": old_name, "new_generation": new_name, "build": outcome,
            "embedded_texts": report.get("embedded_texts"), "embedded_chunks": report.get("embedded_chunks"),
            "reused_chunks": report.get("reused_chunks"), "seconds": report.get("seconds"),
            "bytes_written": written, "bytes_old_generation": needed, "files": rows}


# ---------------------------------------------------------------------------------------------------------------
# The driver
# ---------------------------------------------------------------------------------------------------------------

STEPS = ("corpus", "build", "components", "tracemalloc", "open", "cold", "memory", "warm", "recall", "add")


def runs_for(chunks: int) -> dict[str, int]:
    if chunks <= 20_000:
        return {"open": 10, "cold": 5, "memory": 2, "recall": 200}
    if chunks <= 200_000:
        return {"open": 7, "cold": 3, "memory": 1, "recall": 200}
    return {"open": 5, "cold": 3, "memory": 1, "recall": 150}


def index_complete(index_dir: Path) -> bool:
    """A current generation with a manifest, in the index format this confqa reads (src/ may have moved on)."""
    from confqa.models import INDEX_FORMAT_VERSION

    pointer = index_dir / "CURRENT"
    if not pointer.is_file():
        return False
    manifest = index_dir / pointer.read_text().strip() / "manifest.json"
    with contextlib.suppress(OSError, ValueError):
        return json.loads(manifest.read_text()).get("format_version") == INDEX_FORMAT_VERSION
    return False


def read_talks(generation: Path) -> list[dict[str, Any]]:
    """The talks of a generation: talks.json (format 3) or talks.jsonl (format 4)."""
    if (generation / "talks.json").is_file():
        return json.loads((generation / "talks.json").read_text())
    return [json.loads(line) for line in (generation / "talks.jsonl").read_text().splitlines() if line.strip()]


def save(results_file: Path, results: dict[str, Any]) -> None:
    temporary = results_file.with_suffix(".tmp")
    temporary.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str))
    os.replace(temporary, results_file)


def bytes_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def run_size(target: int, args: argparse.Namespace, corpus: Corpus, onnx: Path) -> dict[str, Any]:
    work = args.out / f"n{target}"
    work.mkdir(parents=True, exist_ok=True)
    corpus_dir, index_dir = work / "corpus", work / "index"
    results_file = work / "results.json"
    results: dict[str, Any] = json.loads(results_file.read_text()) if args.reuse and results_file.is_file() else {}
    results.update({"target_chunks": target, "machine": machine(), "code": code_version()})
    steps = set(args.steps)
    counts = runs_for(target)

    # 1. corpus
    meta_file = work / "corpus.json"
    if "corpus" in steps:
        meta = json.loads(meta_file.read_text()) if meta_file.is_file() else None
        if args.reuse and meta and meta.get("target_chunks") == target and meta.get("seed") == args.seed:
            log(f"[{target:,}] reusing the corpus in {corpus_dir} ({meta['notes']:,} notes)")
        else:
            meta_file.unlink(missing_ok=True)
            if index_dir.exists():
                shutil.rmtree(index_dir)
            results = {"target_chunks": target, "machine": machine(), "code": code_version()}
            meta = write_corpus(corpus, target, corpus_dir, meta_file)
        results["corpus"] = meta
        save(results_file, results)
    if not meta_file.is_file():
        raise SystemExit(f"no complete corpus in {corpus_dir}: run with the corpus step")

    # 2. build
    if "build" in steps:
        if args.reuse and index_complete(index_dir) and results.get("build", {}).get("report"):
            log(f"[{target:,}] reusing the index in {index_dir}")
        else:
            free = shutil.disk_usage(args.out).free
            estimate = estimated_index_bytes(args.out, target)
            if estimate and free < estimate * 1.1 + 2e9:
                raise SystemExit(f"not enough disk for {target:,} chunks: ~{estimate / 1e9:.1f} GB needed "
                                 f"(from smaller sizes), {free / 1e9:.1f} GB free")
            projected = projected_build_gb(args.out, target)
            if projected:
                log(f"[{target:,}] projected peak RSS of the build, linear from the largest smaller build: "
                    f"{projected:.1f} GB (limit {args.max_build_gb:.0f} GB)"
                    + ("; it will be stopped when it crosses the limit, with where the memory went"
                       if projected > args.max_build_gb else ""))
            if index_dir.exists():
                shutil.rmtree(index_dir)
            outcome = run_build(corpus_dir, index_dir, onnx, work, "build", args.seed, args.max_build_gb)
            outcome["projected_peak_gb"] = projected
            results["build"] = outcome
            save(results_file, results)
            if not outcome.get("report"):
                log(f"[{target:,}] the build did not finish: {outcome.get('stopped') or 'failed'}")
                if "components" in steps:
                    results["components"] = measure_components(work, corpus_dir, index_dir)
                    log(f"[{target:,}] cold-ask components on this size's catalogue and notes: "
                        f"{results['components']}")
                    save(results_file, results)
                return results
        report = results["build"]["report"]
        generation = index_dir / (index_dir / "CURRENT").read_text().strip()
        results["index"] = {"chunks": report["chunks"], "talks": report["talks"], "documents": report["documents"],
                            "within_10pct": abs(report["chunks"] - target) <= 0.1 * target,
                            "generation": generation.name, "bytes": bytes_of(generation),
                            "files": {p.relative_to(generation).as_posix(): p.stat().st_size
                                      for p in sorted(generation.rglob("*")) if p.is_file()},
                            "dense_index": json.loads((generation / "manifest.json").read_text())["dense_index"],
                            "sentences": json.loads((generation / "manifest.json").read_text())["sentences"]}
        log(f"[{target:,}] index: {report['chunks']:,} chunks, {report['talks']:,} talks, "
            f"{results['index']['bytes'] / 1e9:.2f} GB, build {results['build']['wall_s']:.0f} s "
            f"(embedding {results['build']['embed_s']:.0f} s of it)")
        save(results_file, results)
    if not index_complete(index_dir):
        raise SystemExit(f"no index in {index_dir}: run with the build step")
    if "components" in steps:
        log(f"[{target:,}] the parts of a cold ask that grow with the corpus, each alone")
        results["components"] = measure_components(work, corpus_dir, index_dir)
        log(f"  {results['components']}")
        save(results_file, results)
    if "tracemalloc" in steps and target <= args.tracemalloc_up_to and not (
            args.reuse and results.get("build_tracemalloc")):
        log(f"[{target:,}] the same build again under tracemalloc (where the memory goes), into a scratch index")
        scratch = work / "index-tracemalloc"
        shutil.rmtree(scratch, ignore_errors=True)
        traced = run_build(corpus_dir, scratch, onnx, work, "build-tracemalloc", args.seed, args.max_build_gb,
                           trace=True)
        results["build_tracemalloc"] = {"peak_rss_mb": traced.get("peak_rss_mb"), "wall_s": traced["wall_s"],
                                        "snapshots": traced.get("tracemalloc")}
        shutil.rmtree(scratch, ignore_errors=True)
        save(results_file, results)

    measure_index(f"{target:,}", index_dir, work, args, counts, results, results_file, onnx)
    # 4. one note added
    if "add" in steps and target >= args.add_note_from:
        if args.reuse and results.get("add_note") and not args.redo_add:
            log(f"[{target:,}] adding a note: done before (--redo-add to add another)")
        else:
            log(f"[{target:,}] adding one note and updating the index")
            results["add_note"] = add_one_note(corpus, corpus_dir, index_dir, onnx, work, args.seed,
                                               args.max_build_gb)
            save(results_file, results)
    return results


def measure_index(label: str, index_dir: Path, work: Path, args: argparse.Namespace, counts: dict[str, int],
                  results: dict[str, Any], results_file: Path, onnx: Path) -> None:
    """Steps 3 (open, cold, memory, warm, recall) on one built index."""
    steps = set(args.steps)
    target = label
    cold_questions, warmup, warm_questions = make_questions(index_dir, args.seed, args.warm_questions)
    results["questions"] = {"cold": cold_questions, "warmup": warmup}
    # 3. measurements
    if "open" in steps:
        log(f"[{target}] open_index, {counts['open']} new processes")
        results["open"] = measure_open(index_dir, counts["open"])
        log(f"  open_index median {results['open']['open_s_median']:.3f} s")
        save(results_file, results)
    if "cold" in steps:
        log(f"[{target}] cold asks: {len(cold_questions)} questions × {counts['cold']} runs")
        results["cold"] = measure_cold(index_dir, cold_questions, counts["cold"])
        save(results_file, results)
    if "memory" in steps:
        log(f"[{target}] memory of cold asks")
        results["memory"] = measure_memory(index_dir, cold_questions, counts["memory"])
        log(f"  VmHWM max {results['memory']['VmHWM_mb_max']:.0f} MB, RssAnon max "
            f"{results['memory']['RssAnon_mb_max']:.0f} MB")
        save(results_file, results)
    if "warm" in steps:
        log(f"[{target}] warm asks: {len(warm_questions)} questions in one process")
        results["warm"] = measure_warm(index_dir, warmup, warm_questions, work)
        log(f"  warm median {results['warm']['ms_median']:.1f} ms, p95 {results['warm']['ms_p95']:.1f} ms")
        save(results_file, results)
    if "recall" in steps:
        log(f"[{target}] recall@10 of the product's dense search, {counts['recall']} + {counts['recall']} queries")
        results["recall"] = measure_recall(index_dir, onnx, args.seed, counts["recall"])
        log(f"  recall@10 {results['recall']['recall_all']:.3f} ({results['recall']['dense_index']})")
        save(results_file, results)


def projected_build_gb(out: Path, target: int) -> float | None:
    """Peak RSS of a build of target chunks, linear from the largest smaller build that finished."""
    best = None
    for results_file in out.glob("n*/results.json"):
        with contextlib.suppress(ValueError, KeyError, OSError, TypeError):
            results = json.loads(results_file.read_text())
            chunks, peak = results["index"]["chunks"], results["build"]["peak_rss_mb"]
            if chunks < target and (best is None or chunks > best[0]):
                best = (chunks, peak)
    return best[1] / 1024 * target / best[0] if best else None


def estimated_index_bytes(out: Path, target: int) -> int | None:
    """Disk for an index of target chunks, from the largest smaller size measured."""
    best = None
    for results_file in out.glob("n*/results.json"):
        with contextlib.suppress(ValueError, KeyError, OSError):
            index = json.loads(results_file.read_text())["index"]
            if index["chunks"] < target and (best is None or index["chunks"] > best[0]):
                best = (index["chunks"], index["bytes"])
    return int(best[1] / best[0] * target) if best else None


def code_version() -> dict[str, Any]:
    """The commit and the working-tree state of src/ that this run measured (src/ may change between runs)."""
    def git(*args: str) -> str:
        with contextlib.suppress(OSError, subprocess.CalledProcessError):
            return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True,
                                  check=True).stdout.strip()
        return ""

    digest = hashlib.sha256()
    for path in sorted((REPO / "src" / "confqa").rglob("*.py")):
        digest.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes())
    return {"head": git("rev-parse", "--short", "HEAD"), "src_modified": git("status", "--short", "--", "src"),
            "src_sha256": digest.hexdigest()[:16], "at": time.strftime("%Y-%m-%dT%H:%M:%S")}


def machine() -> str:
    return (f"{platform.machine()}, {os.cpu_count()} cores, {mem_available_kb() // 1024 // 1024} GiB available "
            f"of {os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / 2 ** 30:.0f} GiB, "
            f"Python {platform.python_version()}, {platform.system()}")


# -- tables ----------------------------------------------------------------------------------------------------

def fmt(value: Any, pattern: str = "{:.2f}") -> str:
    return "—" if value is None else pattern.format(value)


def table(all_results: list[dict[str, Any]]) -> str:
    lines = ["| chunks (target) | chunks | notes | talks | dense | index GB | build s (excl. embedding) | "
             "build peak RSS GB | open_index s | cold `confqa ask` s (median; max of q medians) | "
             "warm ask ms (median / p95) | cold ask VmHWM MB | cold ask RssAnon MB | RssFile MB | "
             "recall@10 (cluster / chunk queries) | add 1 note s | add: texts embedded | add: GB written |",
             "|" + "---|" * 18]
    for r in all_results:
        build, index = r.get("build", {}), r.get("index", {})
        build_s = (build["wall_s"] - build.get("embed_s", 0)) if build.get("report") else None
        add = r.get("add_note", {})
        add_build = add.get("build", {}) if add else {}
        cold, warm, memory, recall, opened = (r.get(k, {}) for k in ("cold", "warm", "memory", "recall", "open"))
        peak = build.get("peak_rss_mb", build.get("peak_rss_mb_sampled"))
        lines.append(
            f"| {r['target_chunks']:,} | {fmt(index.get('chunks'), '{:,}')} | {fmt(r.get('corpus', {}).get('notes'), '{:,}')} "
            f"| {fmt(index.get('talks'), '{:,}')} | {index.get('dense_index', '—')} "
            f"| {fmt(index.get('bytes') and index['bytes'] / 1e9)} "
            f"| {fmt(build_s, '{:.0f}')}{'' if build.get('report') else ' (' + (build.get('stopped') or 'not run') + ')'} "
            f"| {fmt(peak and peak / 1024, '{:.1f}')} "
            f"| {fmt(opened.get('open_s_median'), '{:.3f}')} "
            f"| {fmt(cold.get('wall_s_median'))}; {fmt(cold.get('wall_s_max_of_medians'))} "
            f"| {fmt(warm.get('ms_median'), '{:.1f}')} / {fmt(warm.get('ms_p95'), '{:.1f}')} "
            f"| {fmt(memory.get('VmHWM_mb_max'), '{:.0f}')} | {fmt(memory.get('RssAnon_mb_max'), '{:.0f}')} "
            f"| {fmt(memory.get('RssFile_mb_median'), '{:.0f}')} "
            f"| {fmt(recall.get('recall_near_cluster'), '{:.3f}')} / {fmt(recall.get('recall_near_chunk'), '{:.3f}')} "
            f"| {fmt(add_build.get('wall_s'), '{:.0f}') if add else '—'} "
            f"| {fmt(add.get('embedded_texts'), '{:,}') if add else '—'} "
            f"| {fmt(add.get('bytes_written') and add['bytes_written'] / 1e9) if add else '—'} |")
    return "\n".join(lines)


def stages_table(all_results: list[dict[str, Any]]) -> str:
    """Where a build's time and memory go: seconds and RSS at the end of each stage, per size."""
    lines = ["| chunks (target) | stage | seconds | calls | RSS at end MB | peak RSS so far MB |", "|---|---|---|---|---|---|"]
    for r in all_results:
        build = r.get("build", {})
        for stage in build.get("stages", []):
            if stage["stage"] in ("np.save", "sha256 of a file") and stage.get("seconds", 0) < 1:
                continue
            lines.append(f"| {r['target_chunks']:,} | {stage['stage']}{' (unfinished)' if stage.get('unfinished') else ''} "
                         f"| {stage.get('seconds', 0):.1f} | {stage.get('calls', '')} | {stage.get('rss_end_mb', '—')} "
                         f"| {stage.get('hwm_end_mb', '—')} |")
        if build.get("stopped"):
            lines.append(f"| {r['target_chunks']:,} | **{build['stopped']}** | | | | |")
    return "\n".join(lines)


def targets_table(r: dict[str, Any]) -> str:
    memory = r.get("memory", {})
    checks = [
        ("open_index ≤ 1 s", r.get("open", {}).get("open_s_median"), TARGETS["open_s"], "{:.3f} s"),
        ("cold `confqa ask` ≤ 2 s (slowest question's median)", r.get("cold", {}).get("wall_s_max_of_medians"),
         TARGETS["cold_ask_s"], "{:.2f} s"),
        ("warm ask ≤ 50 ms (median)", r.get("warm", {}).get("ms_median"), TARGETS["warm_ms"], "{:.1f} ms"),
        ("peak RSS beyond memory-mapped files ≤ 1.5 GB (max RssAnon)",
         memory.get("RssAnon_mb_max") and memory["RssAnon_mb_max"] / 1024, TARGETS["rss_beyond_mmap_gb"],
         "{:.2f} GB"),
        ("recall@10 ≥ 0.95 (near-cluster queries)", r.get("recall", {}).get("recall_near_cluster"),
         TARGETS["recall"], "{:.3f}"),
    ]
    lines = [f"Targets at {r['target_chunks']:,} chunks:", "", "| target | measured | met |", "|---|---|---|"]
    for name, value, limit, pattern in checks:
        if value is None:
            lines.append(f"| {name} | not measured | — |")
            continue
        met = value >= limit if name.startswith("recall") else value <= limit
        lines.append(f"| {name} | {pattern.format(value)} | {'yes' if met else 'NO'} |")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_build":
        parser = argparse.ArgumentParser()
        parser.add_argument("_build")
        for name in ("--corpus", "--index", "--onnx", "--stage-log", "--result"):
            parser.add_argument(name, required=True)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--rebuild", action="store_true")
        parser.add_argument("--tracemalloc", action="store_true")
        child_build(parser.parse_args())
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reuse", action="store_true", help="keep complete corpora, indexes and an added note")
    parser.add_argument("--steps", nargs="+", choices=STEPS, default=list(STEPS))
    parser.add_argument("--warm-questions", type=int, default=42)
    parser.add_argument("--max-build-gb", type=float, default=16.0, help="stop a build above this RSS")
    parser.add_argument("--add-note-from", type=int, default=100_000, help="add one note at these sizes and up")
    parser.add_argument("--tracemalloc-up-to", type=int, default=20_000,
                        help="at these sizes and below, build a second time under tracemalloc")
    parser.add_argument("--redo-add", action="store_true", help="with --reuse: add one more note anyway")
    parser.add_argument("--measure-index", type=Path, default=None, metavar="DIR",
                        help="only measure an index built otherwise (open, cold, memory, warm, recall; recall's "
                        "near-cluster queries mean something only for vectors of this script's embedder)")
    parser.add_argument("--report", action="store_true", help="only print the tables of the saved results")
    args = parser.parse_args()
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.report:
        saved = [json.loads((args.out / f"n{n}" / "results.json").read_text()) for n in args.chunks
                 if (args.out / f"n{n}" / "results.json").is_file()]
        print(table(saved))
        print()
        print(stages_table(saved))
        print()
        for r in saved:
            print(targets_table(r))
            print()
        return
    onnx = real_onnx_model(args.out)
    if args.measure_index is not None:
        index_dir = args.measure_index.resolve()
        work = args.out / f"measured-{index_dir.parent.name}-{index_dir.name}"
        work.mkdir(parents=True, exist_ok=True)
        manifest = json.loads((index_dir / (index_dir / "CURRENT").read_text().strip() / "manifest.json").read_text())
        results = {"index_dir": str(index_dir), "target_chunks": manifest["chunks"], "machine": machine(),
                   "code": code_version(), "index": {"chunks": manifest["chunks"], "talks": manifest.get("talks"),
                                                     "dense_index": manifest.get("dense_index")}}
        measure_index(f"{index_dir.name} ({manifest['chunks']:,} chunks)", index_dir, work, args,
                      runs_for(manifest["chunks"]), results, work / "results.json", onnx)
        print(table([results]))
        print()
        print(targets_table(results))
        return
    corpus = Corpus(args.seed)
    all_results = []
    for target in args.chunks:
        log(f"=== {target:,} chunks ===")
        all_results.append(run_size(target, args, corpus, onnx))
        summary = {"machine": machine(), "targets": TARGETS,
                   "sizes": {str(r["target_chunks"]): r for r in all_results}}
        merged_file = args.out / "results.json"
        merged = json.loads(merged_file.read_text()) if merged_file.is_file() else {}
        merged.setdefault("sizes", {}).update(summary["sizes"])
        merged.update({"machine": summary["machine"], "targets": TARGETS,
                       "updated": time.strftime("%Y-%m-%dT%H:%M:%S")})
        save(merged_file, merged)
    print(table(all_results))
    print()
    print("Build stages (build_index in a new process; the embedding is the synthetic embedder's):")
    print()
    print(stages_table(all_results))
    print()
    for r in all_results:
        print(targets_table(r))
        print()
    print(f"Results: {args.out / 'results.json'} (per size: {args.out}/n<chunks>/results.json)")


if __name__ == "__main__":
    main()
