"""How the talk catalogue's build time grows with the number of notes (parse and catalogue, no embedding).

Synthetic notes of the shapes confqa detects: one note per talk ("# Keynote: Title" with a Presenters line),
notes with a table of talks, "## Tutorial N: Title (Speaker)" headings, bold highlight leads with a speaker in
parentheses, and inline mentions ("Doe's talk _Title_"), plus an optional talks.yaml of many talks.

    python benchmarks/catalogue_scale.py --notes 250 1000 10000 --repeats 3
    python benchmarks/catalogue_scale.py --notes 250 --talks-yaml 5000
    python benchmarks/catalogue_scale.py --notes 250 1000 --repeats 1 --baseline 5a189e8   # the code before
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

_FIRST = ["Ada", "Grace", "Alan", "Emmy", "Kurt", "Ana", "Sofia", "Wei", "Priya", "Kwame", "Lena", "Omar", "Yuki"]
_LAST = ["Lovelace", "Hopper", "Turing", "Noether", "Godel", "Cruz", "Kovalevskaya", "Zhang", "Raman", "Mensah",
         "Meitner", "Khayyam", "Tanaka", "Okafor", "Ibarra", "Novak", "Haddad", "Lindqvist", "Moreau", "Petrov"]
_TOPIC = ["diffusion", "policies", "benchmarks", "reasoning", "alignment", "robots", "kernels", "symmetry",
          "pruning", "attention", "scaling", "memory", "agents", "tokenizers", "retrieval", "calibration"]
_WORDS = ["the", "model", "learns", "from", "data", "while", "results", "improve", "on", "every", "task", "we",
          "saw", "that", "training", "costs", "drop", "when", "evaluation", "is", "careful"]


def _person(rng: random.Random, i: int) -> str:
    # Surnames made unique per talk so that catalogue size grows with the corpus, as with real conferences.
    # Names have no digits: the number is spelt in letters ('Haddad' + 'bef' for 145), as a real surname would be.
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}{'' if i < len(_LAST) else _letters(i)}"


def _letters(number: int) -> str:
    return "".join("abcdefghij"[int(d)] for d in str(number))


# A vocabulary of a few thousand made-up words, so that titles share words as real ones do (a few common
# words, many rare ones) rather than all sharing the same handful.
_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "xe", "zu", "pra", "ble", "tor", "gen", "dif"]
_VOCABULARY = _TOPIC + sorted({a + b + c for a in _SYLLABLES for b in _SYLLABLES for c in _SYLLABLES})[:3000]


def _title(rng: random.Random, i: int) -> str:
    # Zipf-like: low ranks (the real topic words) are common, the long tail rare.
    words = [_VOCABULARY[min(int(rng.paretovariate(1.0)) - 1, len(_VOCABULARY) - 1)] if rng.random() < 0.5
             else rng.choice(_VOCABULARY) for _ in range(rng.randint(3, 7))]
    return " ".join(w.title() for w in words) + f" {i}"


def _prose(rng: random.Random, sentences: int) -> str:
    return " ".join(" ".join(rng.choice(_WORDS) for _ in range(rng.randint(8, 16))).capitalize() + "."
                    for _ in range(sentences))


def synthetic_notes(n_notes: int, seed: int = 0) -> dict[str, str]:
    """n_notes notes (path -> text) in the shapes above; each talk is mentioned by about two notes."""
    rng = random.Random(seed)
    notes: dict[str, str] = {}
    talks = [(_title(rng, i), _person(rng, i)) for i in range(max(4, n_notes))]
    for n in range(n_notes):
        shape = n % 5
        title, speaker = talks[n]
        other_title, other_speaker = talks[(n * 7 + 3) % len(talks)]
        surname = other_speaker.split()[-1]
        if shape == 0:
            text = (f"# Keynote: {title}\n\nPresenters: {speaker}\n\n{_prose(rng, 4)}\n\n## Takeaways\n\n"
                    f"- {_prose(rng, 1)}\n- {_prose(rng, 1)}\n")
        elif shape == 1:
            rows = "\n".join(f"| {talks[(n + k) % len(talks)][0]} | {talks[(n + k) % len(talks)][1]} | "
                             f"{_prose(rng, 1)} |" for k in range(5))
            text = f"# Day {n} notes\n\n## Invited Talks\n\n| Title | Speaker | Notes |\n|---|---|---|\n{rows}\n\n" \
                   f"{_prose(rng, 3)}\n"
        elif shape == 2:
            text = (f"# Tutorials {n}\n\n## Tutorial {n}: {title} ({speaker})\n\n{_prose(rng, 5)}\n\n"
                    f"## Tutorial {n + 1}: {other_title}\n\nPresenters: {other_speaker}\n\n{_prose(rng, 3)}\n")
        elif shape == 3:
            text = (f"# Highlights {n}\n\n**1. {title} ({speaker})**\n\n- {_prose(rng, 1)}\n- {_prose(rng, 1)}\n\n"
                    f"{_prose(rng, 3)}\n")
        else:
            text = (f"# Thoughts {n}\n\n## Day one\n\n{surname}'s talk _{other_title}_ was the best. "
                    f"{_prose(rng, 4)} {surname} also argued for care.\n\n{_prose(rng, 3)}\n")
        notes[f"notes/{n:05d}.md"] = text
    return notes


def talks_yaml(n_talks: int, seed: int = 0) -> str:
    rng = random.Random(seed + 1)
    lines = []
    for i in range(n_talks):
        lines.append(f"- title: {_title(rng, i)} Session\n  kind: tutorial\n  speakers: [{_person(rng, i)}]\n"
                     f"  aliases: [{rng.choice(_TOPIC)} {i}]")
    return "\n".join(lines) + "\n"


def synthetic_inputs(n_notes: int, seed: int = 0) -> tuple[list[Any], list[Any], list[Any]]:
    """What build_catalogue takes for the synthetic notes: parsed documents, chunks and sentences."""
    from confqa.index.build import chunk_documents
    from confqa.ingest.loading import load_document_bytes
    from confqa.settings import Settings

    documents = [load_document_bytes(text.encode(), rel) for rel, text in synthetic_notes(n_notes, seed).items()]
    return chunk_documents(documents, Settings().chunking)


def talks_module(commit: str | None) -> Any:
    """confqa.talks, or the talks.py of an earlier commit (read with git) to time the same inputs against."""
    import confqa.talks

    if commit is None:
        return confqa.talks
    import importlib.util
    import subprocess

    # Commits before the talks package (c499f32 and earlier) had one talks.py with the same build_catalogue.
    source = subprocess.run(["git", "-C", str(Path(__file__).resolve().parent.parent), "show",
                             f"{commit}:src/confqa/talks.py"], capture_output=True, text=True, check=True).stdout
    # The modules it imports have moved since (confqa.chunking and confqa.loading are in confqa.ingest now).
    source = source.replace("from confqa.chunking import", "from confqa.ingest.markdown import").replace(
        "from confqa.loading import", "from confqa.ingest.loading import")
    path = Path(tempfile.mkdtemp()) / f"talks_{commit}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(f"talks_{commit}", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def time_catalogue(n_notes: int, yaml_talks: int, repeats: int, commit: str | None = None) -> tuple[float, float, int]:
    """(seconds to load + parse + chunk, median seconds to build the catalogue, talks found)."""
    module = talks_module(commit)

    def build_catalogue(parsed: Any, chunks: Any, catalogue: Any, sentences: Any) -> list[Any]:
        if commit is None:
            return module.attributed(module.build_catalogue(parsed, catalogue), chunks, sentences)[0]
        return module.build_catalogue(parsed, chunks, catalogue, sentences)

    started = time.perf_counter()
    parsed, chunks, sentences = synthetic_inputs(n_notes)
    prepared = time.perf_counter() - started
    catalogue = None
    if yaml_talks:
        catalogue = Path(tempfile.mkdtemp()) / "talks.yaml"
        catalogue.write_text(talks_yaml(yaml_talks))
    times, found = [], 0
    for _ in range(repeats):
        fresh_chunks = [c.model_copy(deep=True) for c in chunks]
        fresh_sentences = [s.model_copy(deep=True) for s in sentences]
        started = time.perf_counter()
        found = len(build_catalogue(parsed, fresh_chunks, catalogue, fresh_sentences))
        times.append(time.perf_counter() - started)
    return prepared, statistics.median(times), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, nargs="+", default=[250, 1000, 10000])
    parser.add_argument("--talks-yaml", type=int, default=0, help="also read a talks.yaml of this many talks")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--baseline", metavar="COMMIT", default=None,
                        help="time the talks.py of this commit instead (same inputs), e.g. 5a189e8")
    args = parser.parse_args()
    print("| notes | talks.yaml talks | talks found | parse + chunk s | catalogue s (median) | catalogue s per 1,000 notes |")
    print("|---|---|---|---|---|---|")
    for n in args.notes:
        prepared, seconds, found = time_catalogue(n, args.talks_yaml, args.repeats if n <= 2000 else 1, args.baseline)
        print(f"| {n:,} | {args.talks_yaml:,} | {found:,} | {prepared:.1f} | {seconds:.2f} | "
              f"{seconds / n * 1000:.2f} |", flush=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
