"""Talk detection scored against a hand-made list of the talks in a corpus.

    python evals/talk_detection.py evals/corpora/talk-files [--talks evals/corpora/talk-files.talks.json] [--json]

A detected talk is correct when its title matches a listed talk's (the same words, one title the start of the
other, or a word overlap of at least SAME_TALK_UNKNOWN_SPEAKER, as talks are merged); precision is the share of
detected talks that are correct, recall the share of listed talks found. Speaker accuracy is, over the matched
talks, the share whose detected speakers (by surname) are exactly the listed ones; the misses are printed."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def score(corpus: Path, gold_path: Path) -> dict:
    from confqa.ingest.loading import load_corpus
    from confqa.ingest.markdown import parse
    from confqa.lexical import surname
    from confqa.talks import build_catalogue
    from confqa.talks.merge import SAME_TALK_UNKNOWN_SPEAKER, _title_similarity

    gold = json.loads(gold_path.read_text())
    documents = load_corpus(corpus).documents
    catalogue = build_catalogue([parse(d) for d in documents], corpus / "talks.yaml")
    detected = catalogue.talks
    pairs: dict[int, int] = {}  # detected -> gold
    for i, talk in enumerate(detected):
        scores = [(max(_title_similarity(n, g["title"]) for n in [talk.title, *talk.aliases]), j)
                  for j, g in enumerate(gold)]
        best, j = max(scores)
        if best >= SAME_TALK_UNKNOWN_SPEAKER:
            pairs[i] = j
    matched_gold = set(pairs.values())
    speakers_right = []
    for i, j in pairs.items():
        want = sorted(surname(s).lower() for s in gold[j]["speakers"])
        got = sorted(surname(s).lower() for s in detected[i].speakers)
        speakers_right.append((want == got, detected[i], gold[j]))
    return {
        "corpus": str(corpus),
        "listed": len(gold),
        "detected": len(detected),
        "precision": round(len(pairs) / len(detected), 3) if detected else 0.0,
        "recall": round(len(matched_gold) / len(gold), 3) if gold else 0.0,
        "speaker_accuracy": round(sum(ok for ok, *_ in speakers_right) / len(speakers_right), 3)
        if speakers_right else 0.0,
        "false_talks": [t.title for i, t in enumerate(detected) if i not in pairs],
        "missed_talks": [g["title"] for j, g in enumerate(gold) if j not in matched_gold],
        "wrong_speakers": [{"title": g["title"], "listed": g["speakers"], "detected": t.speakers}
                           for ok, t, g in speakers_right if not ok],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--talks", type=Path, default=None, help="hand-made list (default: <corpus>.talks.json)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    gold = args.talks or args.corpus.with_name(args.corpus.name + ".talks.json")
    result = score(args.corpus, gold)
    if args.json:
        json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return
    print(f"{result['corpus']}: {result['detected']} detected, {result['listed']} listed; precision "
          f"{result['precision']:.3f}, recall {result['recall']:.3f}, speakers right {result['speaker_accuracy']:.3f}")
    for title in result["false_talks"]:
        print(f"  not a listed talk: {title}")
    for title in result["missed_talks"]:
        print(f"  missed: {title}")
    for wrong in result["wrong_speakers"]:
        print(f"  speakers of {wrong['title']}: listed {wrong['listed']}, detected {wrong['detected']}")


if __name__ == "__main__":
    main()
