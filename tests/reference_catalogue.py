"""The talk catalogue's merging as it was before it was indexed (commit 5a189e8): every candidate compared with
every merged talk. Quadratic, and kept only as the reference that the indexed merge in confqa.talks.merge must
reproduce exactly (tests/test_talks_reliability.py patches it in and compares the catalogues)."""

from __future__ import annotations

from confqa.talks.candidate import Candidate, content_words
from confqa.talks.merge import (
    SAME_TALK_UNKNOWN_SPEAKER,
    _absorb,
    _copy,
    _same_talk,
    _surnames,
    _title_similarity,
)
from confqa.text.lexicon import GENERIC_TOPIC


def merge(candidates: list[Candidate], extra: list[Candidate] | None = None) -> list[Candidate]:
    """Merge candidates that name the same talk; weak ones join an existing talk or are dropped."""
    strong = [c for c in [*(extra or []), *candidates] if not c.weak]
    weak = [c for c in candidates if c.weak]
    merged: list[Candidate] = []
    for candidate in strong:
        target = next((m for m in merged if _same_talk(m, candidate)), None)
        if target is None:
            merged.append(_copy(candidate))
        else:
            _absorb(target, candidate)
    for candidate in weak:
        target = resolve_weak(merged, candidate)
        if target is not None:
            _absorb(target, candidate, keep_title=True)
    return merged



def resolve_weak(merged: list[Candidate], weak: Candidate) -> Candidate | None:
    """A weak mention names a speaker or a topic; it joins the one talk that fits, or nothing."""
    if weak.title_only:
        scored = sorted(((max(_title_similarity(n, weak.title) for n in [m.title, *m.aliases]), -i, m)
                         for i, m in enumerate(merged)), key=lambda item: item[:2], reverse=True)
        scored = [item for item in scored if item[0] >= SAME_TALK_UNKNOWN_SPEAKER]
        if not scored or (len(scored) > 1 and scored[1][0] == scored[0][0]):
            return None
        return scored[0][2]
    if weak.speakers:
        names = _surnames(weak)
        by_speaker = [m for m in merged if _surnames(m) & names]
        if len(by_speaker) > 1:
            by_speaker = [m for m in by_speaker if any(d == weak.mentions[0].doc for d, *_ in m.spans)
                          or any(d == weak.mentions[0].doc for d, _ in m.sections)] or by_speaker
            scored = sorted(by_speaker, key=lambda m: -max(_title_similarity(n, weak.title) for n in [m.title, *m.aliases]))
            by_speaker = scored[:1] if len(scored) > 1 and max(
                _title_similarity(n, weak.title) for n in [scored[0].title, *scored[0].aliases]) > 0.2 else by_speaker
        return by_speaker[0] if len(by_speaker) == 1 else None
    if weak.lead:
        return resolve_lead(merged, weak)
    topic = content_words(weak.title)
    if not topic:
        return None
    best, best_score = None, 0.0
    for m in merged:
        words = content_words(" ".join([m.title, *m.aliases]))
        score = len(topic & words) / len(topic)
        if score > best_score:
            best, best_score = m, score
    return best if best_score >= 0.99 else None


def resolve_lead(merged: list[Candidate], lead: Candidate) -> Candidate | None:
    """A highlight joins the one talk whose title, aliases or table summary share most of its words."""
    words = content_words(lead.title) - GENERIC_TOPIC
    if len(words) < 2:
        return None
    scored = []
    for candidate in merged:
        if not any(m.doc == lead.mentions[0].doc for m in candidate.mentions):
            continue  # a highlight is about a talk its own note lists
        bag = content_words(" ".join([candidate.title, *candidate.aliases, *candidate.summaries])) - GENERIC_TOPIC
        shared = words & bag
        scored.append((len(shared) / len(words), len(shared), candidate))
    scored.sort(key=lambda item: (-item[0], -item[1]))
    if not scored or scored[0][0] < 0.5 or scored[0][1] < 2:
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None  # two talks fit equally: attribute to neither
    return scored[0][2]
