"""Answers from the talk catalogue: "who presented X" by the notes' line naming X's speakers, "which talks
covered Y" by one unit per talk from the passages retrieved for Y, "which lightning talks were at X" by the
talks of that kind in the notes retrieved for X."""

from __future__ import annotations

import re

import numpy as np

from confqa.answer import checks
from confqa.answer.question import Question, Scored, sentences_of_talks, talk_ids_of, terms_of
from confqa.answer.readable import display_text
from confqa.answer.units import Unit, refers_back, unit_text
from confqa.index.store import IndexStore
from confqa.lexical import named_terms
from confqa.models import Talk
from confqa.search.base import Hit
from confqa.settings import AnswerSettings
from confqa.text import lexicon

_TALK_NOUNS = re.compile(r"\b(?:talks|tutorials|keynotes|sessions|panels|workshops|presentations|orals|lectures)\b", re.I)


def catalogue_units(asked: Question, pool: list[Hit], store: IndexStore, settings: AnswerSettings) -> list[Scored]:
    """Questions about talks answered from the catalogue: for "who presented X", the sentence of the notes that
    names X's speakers; for "which talks covered Y", one unit per talk, from the passages retrieved for Y."""
    if asked.intent.name == "list" and _TALK_NOUNS.search(asked.text) and not asked.speaker_talks:
        if any(t not in store.vocabulary for t in named_terms(asked.text)):
            return []  # "the ICML 2024 tutorials" in notes that never name ICML: not these notes' tutorials
        whole = _talk_asked_about(asked, pool, store, settings)
        if whole is not None and _names_as_a_whole(asked.text, whole) and (parts := _parts_of(whole, asked, store)):
            return parts
        return [s for s in _talks_about(asked, pool, store, settings) if _of_the_year(s, asked, store)]
    if titles := _titles_of_speaker(asked, store):
        return titles
    if not asked.asks_who or asked.speaker_talks or set(asked.roles) - lexicon.SPEAKER_ROLES:
        return []  # a moderator, chair or host is not in the catalogue: the notes' line naming them answers
    talk = _talk_asked_about(asked, pool, store, settings) or _the_one_of_its_kind(asked, pool, store, settings)
    if talk is None or not talk.speakers:
        return []
    members = sentences_of_talks([talk.id], store)
    naming = [i for i in members if checks.names_speaker_of(display_text(store.sentences[i].text), store, [talk.id])]
    if not naming:
        # The speakers are named only where the talk is ('### 10. "CSS Container Queries in Anger" by Florencia
        # Méndez', a heading and no line of its own): the talk's first line, under the catalogue's title and
        # speakers.
        return [Scored(Unit((members[0],), "talk", 1.0), 1.0, talk_id=talk.id)] if members else []
    best = max(naming, key=lambda i: (checks.speakers_named(display_text(store.sentences[i].text), talk),
                                      checks.speakers_named_in_full(display_text(store.sentences[i].text), talk), -i))
    run = _naming_run(best, naming, store)
    if asked.asks_more:
        run = _with_what_follows(run, store)
    # A programme row is quoted as its record ("Talk: Async Pitfalls We Paid For; Speaker: Luka Horvat (Oblak)").
    kind = "row" if len(run) == 1 and store.sentences[best].kind == "row" else "sentence"
    return [Scored(Unit(run, kind, 1.0), 1.0)]


# "What was the title of Petersen's talk?", "what was her keynote called", "the name of Okafor's poster".
_TALK_NOUN = r"(?:talk|keynote|tutorial|panel|poster|presentation|session|lecture|workshop|paper|demo)s?"
_TITLE_ASKED = re.compile(rf"\b(?:title|name) of (?:(?!\w+ (?:of|for)\b)[\w.'’-]+\s+){{0,4}}?{_TALK_NOUN}\b|"
                          rf"\b{_TALK_NOUN}\s+(?:(?:was|is|were)\s+)?(?:called|named|titled)\b", re.I)
# A speaker's own talk: not a panel they sat on ("What was the title of Petersen's talk?" and his talk and a panel).
_ONES_OWN = frozenset({"panel"})


def _titles_of_speaker(asked: Question, store: IndexStore) -> list[Scored]:
    """"What was the title of Jonas Petersen's talk?": the talks of the speaker the question names, of the kind it
    asks for when it names one ("keynote", "poster"), else not the panels they sat on when they gave a talk of
    their own; each quoted by its sentence that names its title best, under its title and speakers."""
    route = asked.route
    if not (_TITLE_ASKED.search(asked.text) and route and route.by_speaker and route.talk_ids):
        return []
    talks = [store.talks_by_id[t] for t in route.talk_ids if t in store.talks_by_id]
    kinds = {kind for word, kind in lexicon.KIND_IN_HEADING if re.search(rf"\b{word}s?\b", asked.text, re.I)}
    named = [t for t in talks if _kind_of(t) in kinds - _GENERIC_KINDS]
    own = [t for t in talks if _kind_of(t) not in _ONES_OWN]
    out = []
    for talk in named or own or talks:
        members = sentences_of_talks([talk.id], store)
        if members:
            title_terms = terms_of(talk.title)
            best = max(members, key=lambda i: (len(title_terms & terms_of(store.sentences[i].text)), -i))
            out.append(Scored(Unit((best,), "talk", 1.0), 1.0, talk_id=talk.id))
    return out


def _kind_of(talk: Talk) -> str:
    """A talk's kind in the words of lexicon.KIND_IN_HEADING ("keynote" is an invited talk, "poster" a paper)."""
    return next((kind for word, kind in lexicon.KIND_IN_HEADING if re.search(rf"\b{word}\b", talk.kind, re.I)),
                talk.kind)


def _naming_run(best: int, naming: list[int], store: IndexStore) -> tuple[int, ...]:
    """The sentence naming most of the talk's people with the sentences next to it in the same passage that name
    others of them: "Moderated by Grace Njeri (DevOps Kenya). Panellists: Thabo Mokoena (Yoco), …" is one answer to
    who was on the panel."""
    chunk = store.sentences[best].chunk
    run = [best]
    while run[0] - 1 in naming and store.sentences[run[0] - 1].chunk == chunk:
        run.insert(0, run[0] - 1)
    while run[-1] + 1 in naming and store.sentences[run[-1] + 1].chunk == chunk:
        run.append(run[-1] + 1)
    return tuple(run)


def _with_what_follows(run: tuple[int, ...], store: IndexStore) -> tuple[int, ...]:
    """A who-question asking more ("who gave it, and whose joint work was it") quotes the sentences after the
    naming ones that refer back to them ("This was joint work with Marco Benedetti")."""
    chunk = store.sentences[run[-1]].chunk
    following = list(run)
    while following[-1] + 1 in store.sentences_by_chunk[chunk] and \
            refers_back(display_text(store.sentences[following[-1] + 1].text)):
        following.append(following[-1] + 1)
    return tuple(following)


def _names_as_a_whole(question: str, whole: Talk) -> bool:
    """The question names the talk by its kind, in the singular ("the talks of the Science of Benchmarking
    tutorial"): it asks for its parts, not for talks about its topic ("which talks were about benchmarking")."""
    kind = whole.kind.split()[-1]
    return bool(re.search(rf"\b{re.escape(kind)}\b", question, re.I))


def _parts_of(whole: Talk, asked: Question, store: IndexStore) -> list[Scored]:
    """"What were the talks of the Science of Benchmarking tutorial?": the talks the catalogue records as parts of
    the one the question names, in the notes' order, each cited by its sentence that names it best. Parts of the
    kind the question asks for ("the talks", "the panels") when there are such; otherwise every part."""
    parts = [t for t in store.talks_by_id.values() if t.part_of == whole.id]
    nouns = {match.lower().rstrip("s") for match in _TALK_NOUNS.findall(asked.text)}
    parts = [t for t in parts if t.kind in nouns] or parts
    out = []
    for part in parts:
        members = sentences_of_talks([part.id], store)
        if not members:
            continue
        title_terms = terms_of(part.title)
        best = max(members, key=lambda i: (len(title_terms & terms_of(store.sentences[i].text)), -i))
        out.append(Scored(Unit((best,), "talk", 1.0), 1.0, talk_id=part.id))
    return sorted(out, key=lambda s: s.unit.members[0])


def _of_the_year(unit: Scored, asked: Question, store: IndexStore) -> bool:
    """A talk listed for a question that names a conference year is in a note of that year (or of none)."""
    if not asked.intent.years:
        return True
    years = {store.doc_years.get(doc) for doc in talk_of(unit, store).docs}
    return None in years or bool(years & set(asked.intent.years))


def _talks_about(asked: Question, pool: list[Hit], store: IndexStore, settings: AnswerSettings) -> list[Scored]:
    """"Which talks were about benchmarking?": the talks that the retrieved passages are about, best first, each
    cited by its sentence that best matches the question's topic (its title when a sentence names it)."""
    limit = settings.units_by_intent.get("list", settings.max_sentences) + 2
    kinds = kinds_asked(asked.text)
    listed = _talks_of_kind(kinds, pool, store, settings)[:limit] if kinds else []
    if listed:
        return listed
    # The topic asked about, less the names of a talk the question names; all of it when those names are the
    # topic ("which talks were about feature stores" and the talk "Cheap Feature Stores").
    topic = asked.content or asked.topic
    seen: dict[str, Scored] = {}
    for rank, hit in enumerate(pool):
        chunk = store.chunks[hit.chunk]
        for talk_id in chunk.talk_ids:
            if talk_id in seen or len(seen) >= limit:
                continue
            talk = store.talks_by_id[talk_id]
            best = _citing_sentence(talk, hit.chunk, store, topic)
            if best is None:
                continue
            seen[talk_id] = Scored(Unit((best,), "talk", hit.score), hit.score + settings.weight_rank / (rank + 1),
                                   talk_id=talk_id)
    relevant = [s for s in seen.values() if topic & (terms_of(unit_text(s.unit, store))
                | terms_of(talk_of(s, store).title))]
    return sorted(relevant, key=lambda s: -s.score)[:limit]


_GENERIC_KINDS = frozenset({"talk", "session"})


def kinds_asked(question: str) -> set[str]:
    """The kinds of talk a question asks for by name ("which lightning talks", "what tutorials were there",
    "list the keynotes"): a kind word in the plural, or before a talk noun; not the generic talk or session,
    and not a singular kind that only places the question ("the talks at the workshop")."""
    lower = question.lower()
    return {kind for word, kind in lexicon.KIND_IN_HEADING if kind not in _GENERIC_KINDS
            and re.search(rf"\b{word}s\b|\b{word}\s+(?:talks|sessions|presentations)\b", lower)}


def _the_one_of_its_kind(asked: Question, pool: list[Hit], store: IndexStore, settings: AnswerSettings) -> Talk | None:
    """"Keynote speaker Field Robotics Forum 2025?": the question names a kind of talk but no title, and the notes
    it retrieved hold one talk of that kind."""
    lower = asked.text.lower()
    kinds = {kind for word, kind in lexicon.KIND_IN_HEADING if kind not in _GENERIC_KINDS
             and re.search(rf"\b{word}(?:d|ed)?\b", lower)}  # "who keynoted the summit"
    found = {s.talk_id for s in _talks_of_kind(kinds, pool, store, settings)} if kinds else set()
    if len(found) != 1:
        return None
    talk = store.talks_by_id[found.pop()]
    return talk if _says_what_is_asked(talk, asked, store, settings) else None


_KIND_TERMS = frozenset(t for word, _kind in lexicon.KIND_IN_HEADING for t in terms_of(word))


def _says_what_is_asked(talk: Talk, asked: Question, store: IndexStore, settings: AnswerSettings) -> bool:
    """At least `catalogue_overlap` of the words the question asks about a talk of its kind, beyond the kind and
    those the notes never use, are the talk's: in its title, its lines or the title of its notes (the event: "Field
    Robotics Forum 2025"). "Who presented the lightning talk on aligning lyrics in Guaraní at MIRfest" is not
    answered by the one lightning talk the notes name, on whale songs."""
    asked_words = {t for t in asked.content - _KIND_TERMS if t in store.vocabulary}
    if not asked_words:
        return True
    members = sentences_of_talks([talk.id], store)
    said = terms_of(" ".join([talk.title, *talk.aliases, *(store.sentences[i].text for i in members),
                              *{store.chunks[store.sentences[i].chunk].title for i in members}]))
    return len(asked_words & said) >= settings.catalogue_overlap * len(asked_words)


def _talks_of_kind(kinds: set[str], pool: list[Hit], store: IndexStore, settings: AnswerSettings) -> list[Scored]:
    """"Which lightning talks were on the programme at the Engineering Summit?": the talks of the asked kinds in
    the notes the question retrieved (those whose best passage scores at least `kind_notes_score` of the top
    passage's), in the notes' order, each cited by its sentence that names it best."""
    if not pool:
        return []
    top = max(h.score for h in pool)
    notes: list[int] = []
    for hit in pool:
        note = int(store.chunk_doc[hit.chunk])
        if hit.score >= settings.kind_notes_score * top and note not in notes:
            notes.append(note)
    out: dict[str, Scored] = {}
    for chunk_id in np.flatnonzero(np.isin(store.chunk_doc, notes)).tolist():
        for talk_id in store.chunks[chunk_id].talk_ids:
            talk = store.talks_by_id[talk_id]
            if talk_id in out or talk.kind not in kinds:
                continue
            best = _citing_sentence(talk, chunk_id, store)
            if best is None:
                continue
            out[talk_id] = Scored(Unit((best,), "talk", 1.0), 1.0, talk_id=talk_id)
    return list(out.values())


def _citing_sentence(talk: Talk, chunk_id: int, store: IndexStore, topic: frozenset[str] | set[str] = frozenset()) \
        -> int | None:
    """The passage's sentence about the talk that best matches the question's topic, then names its title."""
    members = [i for i in store.sentences_by_chunk[chunk_id] if talk.id in talk_ids_of(i, store)]
    if not members:
        return None
    title_terms = terms_of(talk.title)
    return max(members, key=lambda i: (len(topic & terms_of(store.sentences[i].text)),
                                       len(title_terms & terms_of(store.sentences[i].text)), -i))


def talk_of(scored: Scored, store: IndexStore) -> Talk:
    return store.talks_by_id[scored.talk_id or talk_ids_of(scored.unit.members[0], store)[0]]


def _talk_asked_about(asked: Question, pool: list[Hit], store: IndexStore, settings: AnswerSettings) -> Talk | None:
    if asked.route and asked.route.talk_ids:
        return store.talks_by_id[asked.route.talk_ids[0]]
    if not asked.content:
        return None
    best: tuple[float, int] | None = None
    found = None
    for rank, hit in enumerate(pool[:3]):
        for talk_id in store.chunks[hit.chunk].talk_ids:
            talk = store.talks_by_id[talk_id]
            overlap = len(asked.content & terms_of(talk.title + " " + " ".join(talk.aliases))) / len(asked.content)
            if overlap >= settings.catalogue_overlap and (best is None or (overlap, -rank) > best):
                best, found = (overlap, -rank), talk
    return found
