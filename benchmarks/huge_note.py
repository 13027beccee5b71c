"""Peak memory and time to load, parse and chunk one huge note (no embedding), each size in a new process.

Two shapes: "prose" (sentences with full stops, a heading every 40 paragraphs) and "one-line" (a whole note on
one line without a full stop: a pasted log or an export gone wrong, the worst case for sentence splitting).

    python benchmarks/huge_note.py --sizes 1 5 --shapes one-line prose
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time

from common import run_timed

_WORDS = ("the model learns a policy from expert demonstrations while benchmarks measure robust reasoning "
          "under distribution shift").split()


def note(shape: str, megabytes: float, seed: int = 1) -> bytes:
    rng = random.Random(seed)
    target = int(megabytes * 1024 * 1024)
    parts, size = ["# A huge note\n\n"], 0
    while size < target:
        words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(8, 20)))
        if shape == "one-line":
            piece = words + " "
        else:
            heading = f"\n## Section {len(parts)}\n\n" if len(parts) % 40 == 0 else ""
            piece = heading + words.capitalize() + "." + ("\n" if rng.random() < 0.3 else " ")
        parts.append(piece)
        size += len(piece)
    return "".join(parts).encode()


def measure(shape: str, megabytes: float) -> dict[str, float]:
    """Runs in the child process: load, parse and chunk the note, and report what it made."""
    from confqa.ingest.chunking import chunk_document, parse
    from confqa.ingest.loading import load_document_bytes
    from confqa.settings import Settings
    from confqa.tokenization import default_counter

    data = note(shape, megabytes)
    counter = default_counter()
    started = time.perf_counter()
    document = load_document_bytes(data, "huge.md")
    chunks, sentences = chunk_document(document, Settings().chunking, counter, parse(document))
    return {"seconds": time.perf_counter() - started, "chunks": len(chunks), "sentences": len(sentences)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 5])
    parser.add_argument("--shapes", nargs="+", default=["one-line", "prose"])
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child[0], float(args.child[1]))))
        return
    print("| shape | MB | chunks | sentences | load + parse + chunk s | peak RSS MB |")
    print("|---|---|---|---|---|---|")
    for shape in args.shapes:
        for size in args.sizes:
            _, rss, out = run_timed([sys.executable, __file__, "--child", shape, str(size)])
            result = json.loads(out)
            print(f"| {shape} | {size:g} | {result['chunks']:,} | {result['sentences']:,} | "
                  f"{result['seconds']:.1f} | {rss:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
