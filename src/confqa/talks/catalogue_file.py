"""talks.yaml: the user's own list of talks, which adds talks or corrects the notes' (titles, kinds, speakers,
aliases). Read strictly: every problem is one line naming the file, the entry and the key."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from confqa.models import TalkMention
from confqa.talks.candidate import Candidate, kind_of

CATALOGUE_FILE = "talks.yaml"
MAX_CATALOGUE_CHARS = 300  # longest title, name or alias taken from talks.yaml


def _names(value: object) -> list[str]:
    """A name or a list of names: a string is one name, blanks are dropped, anything else is an error."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list):
        value = [v for v in value if v is not None]  # "- " with nothing after it is a blank too
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"expected a name or a list of names, got {value!r}"[:200])
    return [v.strip() for v in value if v.strip()]


class CatalogueEntry(BaseModel):
    """One talk of talks.yaml."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=MAX_CATALOGUE_CHARS, description="The talk's title.")
    kind: str | None = Field(None, max_length=40, description="invited talk, tutorial, panel, workshop, oral, …")
    speakers: list[str] = Field(default_factory=list, description="A name or a list of names.")
    aliases: list[str] = Field(default_factory=list, description="Other names the notes use for the talk.")

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, value: object) -> object:
        if not isinstance(value, str):
            raise ValueError(f"expected text, got {value!r}"[:200])
        return value.strip()

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: object) -> object:
        if value is not None and not isinstance(value, str):
            raise ValueError(f"expected one word such as tutorial, got {value!r}"[:200])
        return value.strip() if isinstance(value, str) and value.strip() else None

    @field_validator("speakers", "aliases", mode="before")
    @classmethod
    def _name_list(cls, value: object) -> list[str]:
        names = _names(value)
        if any(len(n) > MAX_CATALOGUE_CHARS for n in names):
            raise ValueError(f"a name longer than {MAX_CATALOGUE_CHARS} characters")
        return names


def read_catalogue_file(path: Path) -> list[Candidate]:
    """talks.yaml: a list of {title, kind, speakers, aliases} (or {talks: [...]}), which adds or corrects talks.
    Every problem is one ConfqaError naming the file, the entry and the key."""
    import yaml

    from confqa.errors import ConfqaError
    from confqa.ingest.loading import AliasError, no_alias_loader, read_utf8

    text = read_utf8(path, "the talk catalogue")
    try:
        parsed = yaml.load(text, Loader=no_alias_loader())  # noqa: S506 - a SafeLoader without aliases
    except AliasError:
        raise ConfqaError(f"{path}: YAML aliases (*name) are not allowed in the talk catalogue") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f":{where.line + 1}" if where is not None else ""
        raise ConfqaError(f"{path}{line}: not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    if isinstance(parsed, dict) and set(parsed) - {"talks"}:
        unknown = ", ".join(sorted(map(str, set(parsed) - {"talks"})))
        raise ConfqaError(f"{path}: unknown key(s) {unknown}; expected a list of talks, or talks: [...]")
    entries = parsed.get("talks") if isinstance(parsed, dict) else parsed
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise ConfqaError(f"{path}: expected a list of talks (title, kind, speakers, aliases)")
    out = []
    for i, raw in enumerate(entries):
        if not isinstance(raw, dict):
            raise ConfqaError(f"{path}: talks[{i}]: expected title, kind, speakers, aliases; got {raw!r}"[:300])
        try:
            entry = CatalogueEntry.model_validate(raw)
        except ValidationError as exc:
            error = exc.errors()[0]
            key = ".".join(str(p) for p in error["loc"][:1])
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                message = "unknown key (use title, kind, speakers, aliases)"
            raise ConfqaError(f"{path}: talks[{i}].{key}: {message}") from None
        out.append(
            Candidate(
                title=entry.title,
                kind=kind_of(entry.kind) if entry.kind else "talk",
                speakers=entry.speakers,
                aliases=entry.aliases,
                mentions=[TalkMention(doc=CATALOGUE_FILE, line=0, how="catalogue")],
            )
        )
    return out


