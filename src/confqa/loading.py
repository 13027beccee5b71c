"""Find notes under a folder and load them: decode, repair mojibake, parse front matter, strip
kramdown/Jekyll markers. Line numbers always stay those of the file on disk."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from confqa.models import Document

NOTE_SUFFIXES = (".md", ".markdown", ".txt")
MAX_NOTE_BYTES = 20 * 1024 * 1024  # a note bigger than this is almost surely not a note
FRONT_MATTER_MAX_LINES = 80

# Markers that render as nothing (or as a generated table of contents) and carry no content.
_MARKER_LINE = re.compile(r"^\s*(\{:[^}]*\}|<!--\s*(more|TEASER_END|toc|excerpt)\s*-->|\[TOC\]|\* TOC)\s*$", re.I)
_INLINE_MARKER = re.compile(r"\{:\s*[.#:][^}]*\}|\{:toc\}")
_YAML_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")
_YEAR = re.compile(r"\b(19[89]\d|20\d\d)\b")
_ISO_DATE = re.compile(r"\b(19[89]\d|20\d\d)-[01]\d-[0-3]\d\b")
_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$")
# Runs of non-ASCII characters: where UTF-8 text decoded as Mac Roman or cp1252 shows up.
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]{2,}")


@dataclass
class LoadResult:
    documents: list[Document] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


def discover(root: Path) -> Iterator[Path]:
    """Note files under root, recursively, in a stable order; hidden folders are ignored."""
    root = root.resolve()
    for path in sorted(root.rglob("*")):
        rel_parts = path.relative_to(root).parts
        if any(part.startswith(".") for part in rel_parts):
            continue
        if path.suffix.lower() in NOTE_SUFFIXES and path.is_file():
            yield path


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def load_corpus(root: Path) -> LoadResult:
    """Load every note under root. Files that cannot be used are skipped with a reason, never silently."""
    result = LoadResult()
    if not root.is_dir():
        from confqa.errors import ConfqaError

        raise ConfqaError(
            f"corpus folder {root} does not exist; run confqa from the folder that holds corpus/, "
            "set CONFQA_CORPUS_DIR, or give the notes: confqa index PATH"
        )
    seen_hashes: dict[str, str] = {}
    for path in discover(root):
        rel = path.relative_to(root.resolve()).as_posix() if _inside(path, root) else path.name
        if not _inside(path, root):
            result.skipped[_display_rel(path, root)] = "symlink points outside the corpus folder"
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            result.skipped[rel] = f"unreadable: {exc.strerror or exc}"
            continue
        reason = unusable_reason(data)
        if reason:
            result.skipped[rel] = reason
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen_hashes:
            result.skipped[rel] = f"duplicate of {seen_hashes[digest]}"
            continue
        seen_hashes[digest] = rel
        document = load_document_bytes(data, rel)
        if not any(line.strip() for line in document.lines[document.body_start - 1 :]):
            result.skipped[rel] = "no body text (front matter only)"
            continue
        result.documents.append(document)
    return result


def _display_rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def unusable_reason(data: bytes) -> str | None:
    if not data.strip():
        return "empty file"
    if len(data) > MAX_NOTE_BYTES:
        return f"larger than {MAX_NOTE_BYTES // (1024 * 1024)} MB"
    head = data[:8192]
    if b"\x00" in head:
        return "binary file (contains NUL bytes)"
    return None


def decode(data: bytes) -> tuple[str, list[str]]:
    """Bytes to text. UTF-8 first (with or without BOM); bytes that are not UTF-8 become U+FFFD so that
    nothing shifts lines, and the notice says so."""
    notices: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        notices.append("invalid UTF-8 bytes replaced with U+FFFD")
    return text, notices


def repair_mojibake(line: str) -> str:
    """Undo UTF-8 text that was decoded as Mac Roman or cp1252 ("üôè" for 🙏, "â€™" for ’).

    Only runs of two or more non-ASCII characters that re-encode to valid UTF-8 are touched, so
    correctly decoded accents and symbols stay as they are."""
    if line.isascii():
        return line

    def fix(match: re.Match[str]) -> str:
        run = match.group(0)
        for encoding in ("mac_roman", "cp1252"):
            try:
                fixed = run.encode(encoding).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            if fixed and fixed != run:
                return fixed
        # The lead byte of a 4-byte emoji (F0, shown as the Apple logo in Mac Roman) is often lost in
        # copy-paste: "üôè" is what is left of 🙏. Restore it when that yields an emoji.
        try:
            tail = run.encode("mac_roman")
        except UnicodeEncodeError:
            return run
        if len(tail) % 3 == 0 and all(0x80 <= b <= 0xBF for b in tail):
            try:
                fixed = b"".join(b"\xf0" + tail[i:i + 3] for i in range(0, len(tail), 3)).decode("utf-8")
            except UnicodeDecodeError:
                return run
            if all(0x1F000 <= ord(ch) <= 0x1FFFF for ch in fixed):
                return fixed
        return run

    repaired = _NON_ASCII_RUN.sub(fix, line)
    if repaired == line:
        # ftfy knows many more mis-decodings (cp1252 mixed with latin-1, HTML entities in text).
        import ftfy

        repaired = ftfy.fix_encoding(line)
    return repaired


def strip_markers(line: str) -> str:
    if _MARKER_LINE.match(line):
        return ""
    return _INLINE_MARKER.sub("", line) if "{:" in line else line


def split_front_matter(lines: list[str]) -> tuple[dict[str, Any], int, list[str]]:
    """Return (metadata, first body line index, notices). Front matter is a block that opens with
    '---' on the first line, closes with '---' or '...', and looks like YAML; a blank line right after the
    opening fence is tolerated. Anything else is body text."""
    notices: list[str] = []
    if not lines or lines[0].strip() != "---":
        return {}, 0, notices
    close = None
    for i in range(1, min(len(lines), FRONT_MATTER_MAX_LINES)):
        if lines[i].strip() in ("---", "..."):
            close = i
            break
    if close is None:
        if any(_YAML_KEY.match(line) for line in lines[1:6]):
            notices.append("front matter is not closed; treated as body text")
        return {}, 0, notices
    block = lines[1:close]
    content = [line for line in block if line.strip()]
    if not content:
        return {}, close + 1, notices
    yaml_like = sum(1 for line in content if _YAML_KEY.match(line) or line.startswith((" ", "\t", "-")))
    if yaml_like < max(1, len(content) * 0.6):
        return {}, 0, notices  # a horizontal rule at the top of the note, not front matter
    if block and not block[0].strip():
        notices.append("blank line after the opening '---' of the front matter")
    import yaml

    try:
        meta = yaml.safe_load("\n".join(block))
    except yaml.YAMLError:
        meta = None
    if not isinstance(meta, dict):
        meta = _lenient_front_matter(content)
        notices.append("front matter is not valid YAML; read key: value lines")
    return meta, close + 1, notices


def _lenient_front_matter(lines: list[str]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for line in lines:
        key, sep, value = line.partition(":")
        if sep and _YAML_KEY.match(line):
            meta[key.strip()] = value.strip().strip("'\"")
    return meta


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()]


def _first_h1(lines: list[str], start: int) -> str | None:
    in_fence = False
    for line in lines[start:]:
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        if in_fence:
            continue
        match = _H1.match(line)
        if match:
            return clean_inline(match.group(1))
    return None


def clean_inline(text: str) -> str:
    """Markdown emphasis, links and code marks removed: the text a reader sees."""
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[\^[^\]]+\]", "", text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])[*_](?!\s)(.+?)(?<!\s)[*_](?![\w*])", r"\1", text)
    text = text.replace("`", "").replace("\\[", "[").replace("\\]", "]")
    text = re.sub(r"\*{2,}", "", text)
    return re.sub(r"\s+", " ", text).strip()


def conference_year(title: str, meta: dict[str, Any], rel: str, body: list[str] | None = None) -> int | None:
    """The year of the conference a note is about: explicit `year:` metadata, else the first year in
    the title (a note dated 2025-01-01 titled 'Review of NeurIPS 2024' is about 2024), else the file
    name, else the date, else the first full date in the body (a talk table's Date column)."""
    if str(meta.get("year", "")).strip().isdigit():
        return int(str(meta["year"]).strip())
    for source in (title, rel):
        match = _YEAR.search(source)
        if match:
            return int(match.group(1))
    date = meta.get("date")
    if date is not None:
        match = _YEAR.search(str(date))
        if match:
            return int(match.group(1))
    for line in (body or [])[:40]:
        match = _ISO_DATE.search(line)
        if match:
            return int(match.group(1))
    return None


def load_document_bytes(data: bytes, rel: str) -> Document:
    text, notices = decode(data)
    raw_lines = text.splitlines()
    repaired = [repair_mojibake(line) for line in raw_lines]
    if repaired != raw_lines:
        fixed = sum(1 for a, b in zip(raw_lines, repaired) if a != b)
        notices.append(f"repaired mis-decoded characters on {fixed} line(s)")
    meta, body_index, fm_notices = split_front_matter(repaired)
    notices.extend(fm_notices)
    lines = [line if i < body_index else strip_markers(line) for i, line in enumerate(repaired)]
    title = meta.get("title")
    title = clean_inline(str(title)) if title else None
    title = title or _first_h1(lines, body_index) or Path(rel).stem.replace("-", " ").replace("_", " ")
    date = meta.get("date")
    authors = _as_list(meta.get("authors", meta.get("author")))
    tags = _as_list(meta.get("tags")) + _as_list(meta.get("categories"))
    return Document(
        doc=rel,
        title=title,
        date=str(date) if date is not None else None,
        year=conference_year(title, meta, rel, lines[body_index:]),
        authors=authors,
        slug=str(meta["slug"]) if meta.get("slug") else None,
        tags=tags,
        sha256=hashlib.sha256(data).hexdigest(),
        body_start=body_index + 1,
        lines=lines,
        notices=notices,
    )
