"""Questions about the talks themselves, asked of every corpus that has a hand-made talk list.

    python evals/talk_questions.py [--json out.json] [corpus ...]

Each listed talk with speakers is asked about in three ways, and the answer is checked against the list, not
against anything confqa wrote:

- who:   'Who presented "<title>"?' is answered and its first sentence names a listed speaker (by surname);
- title: "What was the title of <speaker>'s talk?" is answered and names at least half of the title's words of
         four letters or more (a speaker with several talks is answered by any of them);
- topic: "What did <surname> say about <title>?" is answered (not declined);
- when:  'When was "<title>"?' is answered with a date or a time, or declined: never answered without one (the
         list does not say whether the notes give one).

The lists hold talks the notes merely list or that the writer missed, which the notes cannot answer about, so
no template reaches 1.0; what matters is the share on notes of each shape, and that it does not fall. Indexes
are read from indexes/<corpus> (build them first, see evals/README.md)."""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ("who", "title", "topic", "when")
TITLE_WORD_LETTERS = 4  # title words this long or longer are the ones an answer naming the title must hold
TITLE_SHARE = 0.5  # the share of those words an answer must hold


def fold(text: str) -> str:
    """Lower case without accents, for matching names and titles written either way ("Mendez", "Méndez")."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _title_words(title: str) -> list[str]:
    return [w for w in re.findall(r"\w+", fold(title)) if len(w) >= TITLE_WORD_LETTERS]


def score(corpus: str, talks: list[dict], assistant) -> dict:  # type: ignore[no-untyped-def]
    from confqa.answer.checks import holds
    from confqa.answer.intents import Intent
    from confqa.evaluation import first_sentence
    from confqa.lexical import surname

    passed = {name: 0 for name in TEMPLATES}
    asked = {name: 0 for name in TEMPLATES}
    failed: dict[str, list[str]] = {name: [] for name in TEMPLATES}
    titles_of: dict[str, list[str]] = {}
    for talk in talks:
        for speaker in talk["speakers"]:
            titles_of.setdefault(speaker, []).append(talk["title"])
    for talk in talks:
        if not talk["speakers"]:
            continue
        surnames = [fold(surname(s)) for s in talk["speakers"]]
        who = assistant.ask(f'Who presented "{talk["title"]}"?')
        ok = not who.abstained and any(s in fold(first_sentence(who.answer)) for s in surnames)
        _count("who", ok, talk["title"], passed, asked, failed)
        speaker = talk["speakers"][0]
        title = assistant.ask(f"What was the title of {speaker}'s talk?")
        ok = not title.abstained and any(
            sum(w in fold(title.answer) for w in words) >= max(1, TITLE_SHARE * len(words))
            for words in (_title_words(t) for t in titles_of[speaker]))
        _count("title", ok, talk["title"], passed, asked, failed)
        topic = assistant.ask(f"What did {surname(speaker)} say about {talk['title']}?")
        _count("topic", not topic.abstained, talk["title"], passed, asked, failed)
        question = f'When was "{talk["title"]}"?'
        when = assistant.ask(question)
        _count("when", when.abstained or holds(Intent(name="when"), when.answer, None), talk["title"], passed, asked,
               failed)
    return {"corpus": corpus, "talks": asked["who"],
            **{name: round(passed[name] / asked[name], 3) if asked[name] else None for name in TEMPLATES},
            "failed": failed}


def _count(name: str, ok: bool, title: str, passed: dict, asked: dict, failed: dict) -> None:
    asked[name] += 1
    passed[name] += ok
    if not ok:
        failed[name].append(title)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", nargs="*", help="corpus names (default: every evals/corpora/<name>.talks.json)")
    parser.add_argument("--json", type=Path, help="write the scores and the failed titles here")
    args = parser.parse_args()
    from confqa.api import Assistant

    lists = sorted((ROOT / "evals" / "corpora").glob("*.talks.json"))
    names = args.corpora or [p.name.removesuffix(".talks.json") for p in lists]
    rows = []
    print("| corpus | talks | " + " | ".join(TEMPLATES) + " |\n|---|---|" + "---|" * len(TEMPLATES))
    for name in names:
        talks = json.loads((ROOT / "evals" / "corpora" / f"{name}.talks.json").read_text(encoding="utf-8"))
        index = ROOT / "indexes" / name
        if not index.exists():
            sys.exit(f"no index at {index}: build it with `confqa index evals/corpora/{name} --index {index}`")
        row = score(name, talks, Assistant(str(index), build_missing=False))
        rows.append(row)
        print(f"| {name} | {row['talks']} | " + " | ".join(f"{row[t]:.3f}" for t in TEMPLATES) + " |", flush=True)
    totals = {t: sum(r[t] * r["talks"] for r in rows) / sum(r["talks"] for r in rows) for t in TEMPLATES}
    print(f"| all | {sum(r['talks'] for r in rows)} | " + " | ".join(f"{totals[t]:.3f}" for t in TEMPLATES) + " |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
