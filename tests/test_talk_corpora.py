"""Talk detection on the development corpora of other shapes (evals/corpora/), scored against their hand-made
talk lists: the issue's bar is precision 0.95 and recall 0.90 on each."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

CORPORA = Path(__file__).resolve().parent.parent / "evals" / "corpora"


def _scorer():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("talk_detection", CORPORA.parent / "talk_detection.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.score


@pytest.mark.parametrize("corpus", ["talk-files", "long-notes"])
def test_talk_detection_precision_and_recall(corpus: str) -> None:
    result = _scorer()(CORPORA / corpus, CORPORA / f"{corpus}.talks.json")
    assert result["listed"] >= 10
    assert result["precision"] >= 0.95, result["false_talks"]
    assert result["recall"] >= 0.90, result["missed_talks"]
    assert result["speaker_accuracy"] >= 0.90, result["wrong_speakers"]


# The blind corpora (evals/corpora/README.md): written without sight of the code, scored once blind, then used to
# improve detection. Regression guards at what detection reaches on them now, a little below.
BLIND_FLOOR = {"blind-1": (0.95, 0.95), "blind-2": (0.95, 0.95), "blind-3": (0.95, 0.95), "blind-4": (0.95, 0.90),
               "blind-5": (0.95, 0.95), "blind-6": (0.95, 0.90),
               "blind-7": (0.95, 0.95),  # blind-7 was scored blind at 0.833 / 0.735, then used to improve detection
               # blind-8 at 0.905 / 0.613 (2026-11-30), then used to improve detection; the one talk it counts as
               # false is the whole-day tutorial its parts are part of, which its list does not name
               "blind-8": (0.95, 0.95),
               # blind-9 at 0.895 / 0.919 (2026-12-01); the talks it still counts as false are its three sessions,
               # each holding talks that are detected as parts of it, which its list does not name.
               "blind-9": (0.90, 0.95),
               # blind-10 at 0.943 / 0.825 (2026-12-01), then used to improve detection
               "blind-10": (0.95, 0.95),
               # blind-11 at 0.900 / 0.500 (2026-12-01); the false ones: two unconference cards its list folds into
               # others, and a session named in passing
               "blind-11": (0.90, 0.95),
               # blind-12 at 0.778 / 0.488 and blind-13 at 0.919 / 0.791 (2026-12-01); of blind-13 only the notes and
               # the talk list were read
               "blind-12": (0.95, 0.95), "blind-13": (0.95, 0.95),
               # blind-14 at 0.923 / 0.558 (2026-12-01: an Org-mode file, a slide recap, a wiki's bullets, Dutch
               # labels); only its notes and its talk list were read
               "blind-14": (0.95, 0.95),
               # blind-15 at 0.800 / 0.571 / 0.875 (2026-12-01, scored once on the detectors of aa166d6): a day before
               # a heading's kind, 'Keynote: "Title"' lines over a byline in plain text, an Org-mode outline
               "blind-15": (0.95, 0.95)}


@pytest.mark.parametrize("corpus", sorted(BLIND_FLOOR))
def test_talk_detection_on_the_blind_corpora_does_not_regress(corpus: str) -> None:
    result = _scorer()(CORPORA / corpus, CORPORA / f"{corpus}.talks.json")
    precision, recall = BLIND_FLOOR[corpus]
    assert result["precision"] >= precision, result["false_talks"]
    assert result["recall"] >= recall, result["missed_talks"]
