"""Merging candidates that name the same talk into one: the same title (or one the other begins with), or a
looser title match when they share a speaker. A weak candidate (a speaker or a topic without a title of its own)
joins the one talk it fits, or nothing. Candidates are compared only with the talks they could match (an index
by name keys, surnames and notes), so merging grows with the corpus, not its square."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable

from confqa.lexical import surname
from confqa.talks.candidate import Candidate, content_words, normalize
from confqa.text.lexicon import GENERIC_TOPIC


def merge(candidates: list[Candidate], extra: list[Candidate] | None = None) -> list[Candidate]:
    """Merge candidates that name the same talk; weak ones join an existing talk or are dropped. `extra` (the
    talks.yaml entries) come first, so their titles and kinds win."""
    strong = [c for c in [*(extra or []), *candidates] if not c.weak]
    weak = [c for c in candidates if c.weak]
    index = _MergeIndex(Counter(w for c in strong for name in (c.title, *c.aliases)
                                for w in content_words(normalize(name))))
    # A section named after its own speaker ('### Lima (panel)', then 'Moderated by Gustavo Lima'): the talk of
    # that person the notes name elsewhere, of that kind, if there is one; a talk of its own only if not.
    named_by_speaker = [c for c in strong if _titled_by_its_speaker(c)]
    for candidate in [c for c in strong if not _titled_by_its_speaker(c)]:
        # The first talk, in merge order, that names the same talk; only talks sharing a word can.
        target = next((i for i in index.could_be_same_talk(candidate)
                       if _same_talk(index.merged[i], candidate)), None)
        if target is None:
            index.add(_copy(candidate))
        else:
            _absorb(index.merged[target], candidate)
            index.register(target, candidate)
    for candidate in named_by_speaker:
        found = _resolve_weak(index, candidate)
        if found is not None:
            _absorb(index.merged[found], candidate, keep_title=True)
            index.register(found, candidate)
        else:
            index.add(_copy(candidate))
    for candidate in weak:
        found = _resolve_weak(index, candidate)
        if found is not None:
            _absorb(index.merged[found], candidate, keep_title=True)
            index.register(found, candidate)
    return index.merged


def _titled_by_its_speaker(candidate: Candidate) -> bool:
    """Whether the candidate's title is only the name (or surname) of one of its speakers."""
    title = normalize(candidate.title)
    return bool(title) and any(title in (normalize(s), normalize(surname(s))) for s in candidate.speakers)


class _MergeIndex:
    """The merged talks, findable by what a candidate could match them on, so that each candidate is compared
    with the few talks it could join instead of all of them. Lookups return positions in merge order, a superset
    of the talks that can match; the matching rules themselves are unchanged."""

    def __init__(self, word_counts: Counter[str]) -> None:
        self.word_counts = word_counts  # how many names use each word: rare words first in the prefix filter
        self.merged: list[Candidate] = []
        self._name_keys: dict[str, set[int]] = defaultdict(set)  # first word or content word of a normalised name
        self._raw_words: dict[str, set[int]] = defaultdict(set)  # content words of the names as written
        self._surnames: dict[str, set[int]] = defaultdict(set)
        self._docs: dict[str, set[int]] = defaultdict(set)

    def add(self, candidate: Candidate) -> None:
        self.merged.append(candidate)
        self.register(len(self.merged) - 1, candidate)

    def register(self, position: int, brought: Candidate) -> None:
        """Index what a candidate brought to the talk at position (its names, speakers and notes)."""
        target = self.merged[position]
        for name in {target.title, brought.title, *brought.aliases}:
            for key in self.name_keys(name):
                self._name_keys[key].add(position)
            for word in content_words(name):
                self._raw_words[word].add(position)
        for speaker in brought.speakers:
            self._surnames[surname(speaker).lower()].add(position)
        for mention in brought.mentions:
            self._docs[mention.doc].add(position)

    def could_be_same_talk(self, candidate: Candidate) -> list[int]:
        """Talks that _same_talk could accept, in merge order: those sharing a speaker (which need only a loose
        title match), and those whose names are similar enough to merge without a shared speaker."""
        found = set(self.with_surnames(_surnames(candidate)))
        found.update(_union(self._name_keys, self.name_keys(candidate.title)))
        return sorted(found)

    def name_keys(self, name: str) -> set[str]:
        """Keys that any name similar enough to merge with this one without a shared speaker shares with it.
        That needs a title similarity of at least SAME_TALK_UNKNOWN_SPEAKER (t), and _title_similarity is that
        high only for: equal names (key: the name); a prefix of three words or more (both start with the same
        two words); or a word overlap (Jaccard) of at least t, in which case the two share one of their rarest
        len - ceil(t * len) + 1 words (the prefix filter of set-similarity joins, words ordered by rarity)."""
        normalized = normalize(name)
        if not normalized:
            return set()
        keys = {"exact:" + normalized}
        split = normalized.split()
        if len(split) >= 3:
            keys.add("start:" + " ".join(split[:2]))
        words = sorted(content_words(normalized), key=lambda w: (self.word_counts.get(w, 0), w))
        keep = len(words) - math.ceil(SAME_TALK_UNKNOWN_SPEAKER * len(words)) + 1
        keys.update("word:" + w for w in words[:keep])
        return keys

    def sharing_a_word(self, words: frozenset[str]) -> list[int]:
        return _union(self._raw_words, words)

    def with_surnames(self, names: set[str]) -> list[int]:
        return _union(self._surnames, names)

    def mentioned_in(self, doc: str) -> list[int]:
        return sorted(self._docs.get(doc, ()))


def _union(table: dict[str, set[int]], keys: Iterable[str]) -> list[int]:
    found: set[int] = set()
    for key in keys:
        found |= table.get(key, set())
    return sorted(found)


def _copy(candidate: Candidate) -> Candidate:
    return Candidate(
        title=candidate.title,
        kind=candidate.kind,
        speakers=list(candidate.speakers),
        aliases=list(candidate.aliases),
        labels=list(candidate.labels),
        mentions=list(candidate.mentions),
        organizers=list(candidate.organizers),
        summaries=list(candidate.summaries),
        spans=list(candidate.spans),
        sections=list(candidate.sections),
        whole_docs=list(candidate.whole_docs),
    )


def _absorb(target: Candidate, other: Candidate, keep_title: bool = False) -> None:
    if not keep_title and len(other.title) > len(target.title) and normalize(target.title) in normalize(other.title):
        target.aliases.append(target.title)
        target.title = other.title
    elif normalize(other.title) != normalize(target.title) and not other.weak:
        target.aliases.append(other.title)
    for name in other.speakers:
        _add_speaker(target.speakers, name)
    if target.kind in ("talk", "session") and other.kind not in ("talk", "session"):
        target.kind = other.kind
    target.aliases.extend(a for a in other.aliases if a not in target.aliases)
    target.labels.extend(a for a in other.labels if a not in target.labels)
    target.mentions.extend(other.mentions)
    target.organizers.extend(o for o in other.organizers if o not in target.organizers)
    target.summaries.extend(other.summaries)
    target.spans.extend(other.spans)
    target.sections.extend(other.sections)
    target.whole_docs.extend(other.whole_docs)


def _add_speaker(speakers: list[str], name: str) -> None:
    """'Mitchell' and 'Melanie Mitchell' are one speaker, and so are 'Carlos' and 'Carlos de la Fuente' (notes call
    a speaker by the given name once they have introduced them); the fuller name wins."""
    for i, existing in enumerate(speakers):
        if surname(existing).lower() == surname(name).lower() or _given_name_of(existing, name) \
                or _given_name_of(name, existing):
            if len(name) > len(existing) and "et al" not in name:
                speakers[i] = name
            return
    speakers.append(name)


def _given_name_of(short: str, full: str) -> bool:
    """'Carlos' is the given name of 'Carlos de la Fuente'."""
    words = full.split()
    return len(short.split()) == 1 and len(words) > 1 and short.lower() == words[0].lower()


def _title_similarity(a: str, b: str) -> float:
    na, nb = normalize(a), normalize(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    wa, wb = content_words(na), content_words(nb)
    shorter = na if len(na) < len(nb) else nb
    longer = nb if shorter is na else na
    if len(shorter.split()) >= 3 and longer.startswith(shorter):
        return 0.95
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)


def _surnames(candidate: Candidate) -> set[str]:
    return {surname(s).lower() for s in candidate.speakers}


# Title similarity (_title_similarity) that makes two candidates one talk: with a speaker in common, with no
# speaker on one side, and with different speakers (only the same title then makes it the same session).
SAME_TALK_SHARED_SPEAKER = 0.3
SAME_TALK_UNKNOWN_SPEAKER = 0.6
SAME_TALK_OTHER_SPEAKERS = 0.9


def _same_talk(a: Candidate, b: Candidate) -> bool:
    names = [a.title, *a.aliases]
    best = max(_title_similarity(n, b.title) for n in names)
    shared_speaker = bool(_surnames(a) & _surnames(b))
    if a.speakers and b.speakers and not shared_speaker:
        return best >= SAME_TALK_OTHER_SPEAKERS
    if shared_speaker:
        return best >= SAME_TALK_SHARED_SPEAKER
    return best >= SAME_TALK_UNKNOWN_SPEAKER


# Kinds of talk given by several people at once, none of whom it belongs to: a person's own talk is not one.
GROUP_KINDS = frozenset({"panel", "session", "workshop"})


def _resolve_weak(index: _MergeIndex, weak: Candidate) -> int | None:
    """A weak mention names a speaker or a topic; it joins the one talk that fits (its position), or nothing."""
    merged = index.merged
    if weak.title_only:
        return _resolve_title(index, weak)
    if weak.speakers:
        names = _surnames(weak)
        positions = {id(merged[i]): i for i in index.with_surnames(names)}
        by_speaker = [merged[i] for i in index.with_surnames(names) if _surnames(merged[i]) & names]
        if len(by_speaker) > 1:
            by_speaker = [m for m in by_speaker if any(d == weak.mentions[0].doc for d, *_ in m.spans)
                          or any(d == weak.mentions[0].doc for d, _ in m.sections)] or by_speaker
            scored = sorted(by_speaker, key=lambda m: -max(_title_similarity(n, weak.title) for n in [m.title, *m.aliases]))
            by_speaker = scored[:1] if len(scored) > 1 and max(
                _title_similarity(n, weak.title) for n in [scored[0].title, *scored[0].aliases]) > 0.2 else by_speaker
        if len(by_speaker) > 1:
            # 'Lima (panel)' is the panel; 'Okafor' alone is Okafor's own talk, not a panel Okafor sat on.
            of_kind = [m for m in by_speaker
                       if (m.kind == weak.kind if weak.kind != "talk" else m.kind not in GROUP_KINDS)]
            by_speaker = of_kind if len(of_kind) == 1 else by_speaker
        return positions[id(by_speaker[0])] if len(by_speaker) == 1 else None
    if weak.lead:
        return _resolve_lead(index, weak)
    topic = content_words(weak.title)
    if not topic:
        return None
    best, best_score = None, 0.0
    for i in index.sharing_a_word(topic):  # a talk sharing no word scores 0 and is never chosen
        m = merged[i]
        words = content_words(" ".join([m.title, *m.aliases]))
        score = len(topic & words) / len(topic)
        if score > best_score:
            best, best_score = i, score
    return best if best_score >= 0.99 else None


def _resolve_title(index: _MergeIndex, heading: Candidate) -> int | None:
    """A heading joins the one talk whose title (or alias) it is, as closely as two mentions of one talk with no
    speaker in common must be (SAME_TALK_UNKNOWN_SPEAKER)."""
    scored = []
    for position in index.could_be_same_talk(heading):
        talk = index.merged[position]
        score = max(_title_similarity(name, heading.title) for name in [talk.title, *talk.aliases])
        if score >= SAME_TALK_UNKNOWN_SPEAKER:
            scored.append((score, position))
    scored.sort(reverse=True)
    if not scored or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1]


def match_name(candidate: Candidate, speaker: str) -> str:
    """People are found by surname ('Mitchell'); organisations only by their full name ('Capital One')."""
    return speaker if speaker in candidate.organizers else surname(speaker)




def _resolve_lead(index: _MergeIndex, lead: Candidate) -> int | None:
    """A highlight joins the one talk whose title, aliases or table summary share most of its words."""
    words = content_words(lead.title) - GENERIC_TOPIC
    if len(words) < 2:
        return None
    scored = []
    for position in index.mentioned_in(lead.mentions[0].doc):  # a highlight is about a talk its own note lists
        candidate = index.merged[position]
        bag = content_words(" ".join([candidate.title, *candidate.aliases, *candidate.summaries])) - GENERIC_TOPIC
        shared = words & bag
        scored.append((len(shared) / len(words), len(shared), position))
    scored.sort(key=lambda item: (-item[0], -item[1]))
    if not scored or scored[0][0] < 0.5 or scored[0][1] < 2:
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None  # two talks fit equally: attribute to neither
    return scored[0][2]


