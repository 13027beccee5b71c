"""Find notes under a folder and load them: decode, repair mojibake, parse front matter, strip
kramdown/Jekyll markers. Line numbers always stay those of the file on disk."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from confqa.models import Document

NOTE_SUFFIXES = (".md", ".markdown", ".txt", ".org", ".rst", ".rest")
FRONT_MATTER_MAX_LINES = 80
# Longest value kept from one front-matter field (a title, a date, one author or tag); longer ones are cut, with
# a notice. Keeps a hostile or broken note from making a title of megabytes.
# Front matter keys that name who gave the talk a note is about.
FRONT_MATTER_SPEAKER_KEYS = ("speakers", "speaker", "presenters", "presenter")
MAX_METADATA_CHARS = 300
MAX_METADATA_ITEMS = 50  # authors, tags and categories kept from one list
# Share of the first bytes that may be control characters (other than tab, line breaks, form feed, ESC and the
# information separators) before a file counts as binary: text has next to none, random bytes about 9%.
BINARY_CONTROL_SHARE = 0.02
_SNIFF_BYTES = 8192
# Characters that end a line for str.splitlines() but not for grep -n or an editor: inside a line they are
# shown as a space, so that line numbers are the ones of the file on disk.
_INLINE_BREAKS = re.compile(r"[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_BINARY_CONTROLS = bytes(b for b in range(32) if b not in b"\t\n\x0b\x0c\r\x1b\x1c\x1d\x1e\x1f") + b"\x7f"
_SIGNATURES = {
    b"%PDF-": "a PDF document", b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive (or an Office document)", b"\x1f\x8b": "a gzip archive", b"\x7fELF": "a program",
    b"SQLite format 3": "an SQLite database", b"{\\rtf": "an RTF document",
}
_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
)

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


def discover(root: Path, problems: dict[str, str] | None = None) -> Iterator[Path]:
    """Note files under root, recursively, in a stable order; hidden files and folders are ignored.

    What cannot be walked is put in `problems` (path relative to root -> reason) instead of being passed over in
    silence: unreadable folders, dangling symlinks, symlink loops, and symlinked folders outside root (which are
    not followed)."""
    root = root.resolve()
    problems = problems if problems is not None else {}
    visited: set[Path] = set()

    def rel(path: Path) -> str:
        return _display_rel(path, root)

    def walk(folder: Path) -> Iterator[Path]:
        visited.add(folder.resolve())
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as exc:
            problems[rel(folder) + "/"] = f"unreadable folder: {exc.strerror or exc}"
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if entry.is_symlink():
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError) as exc:
                    if not path.suffix or path.suffix.lower() in NOTE_SUFFIXES:
                        loop = isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP
                        problems[rel(path)] = "symlink loop" if loop else "dangling symlink (its target is missing)"
                    continue
                if target.is_dir():
                    if target in visited:  # an ancestor (a loop) or a folder already read
                        problems[rel(path) + "/"] = "symlink to a folder already read (a loop or a second path)"
                        continue
                    if not _inside(target, root):
                        problems[rel(path) + "/"] = "symlink points outside the corpus folder"
                        continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                yield from walk(path)
            elif path.suffix.lower() in NOTE_SUFFIXES:
                yield path

    yield from walk(root)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def load_corpus(root: Path, max_bytes: int | None = None) -> LoadResult:
    """Load every note under root. Files that cannot be used are skipped with a reason, never silently."""
    result = LoadResult()
    if not root.is_dir():
        from confqa.errors import ConfqaError

        raise ConfqaError(
            f"corpus folder {root} does not exist; run confqa from the folder that holds corpus/, "
            "set CONFQA_CORPUS_DIR, or give the notes: confqa index PATH"
        )
    seen_hashes: dict[str, str] = {}
    for path in discover(root, result.skipped):
        rel = path.relative_to(root.resolve()).as_posix() if _inside(path, root) else path.name
        if not _inside(path, root):
            result.skipped[_display_rel(path, root)] = "symlink points outside the corpus folder"
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            result.skipped[rel] = f"unreadable: {exc.strerror or exc}"
            continue
        reason = unusable_reason(data, max_bytes)
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


def unusable_reason(data: bytes, max_bytes: int | None = None) -> str | None:
    """Why these bytes are not a note (empty, too big, binary), or None."""
    from confqa.settings import IngestSettings

    limit = max_bytes if max_bytes is not None else IngestSettings().max_note_bytes
    if len(data) > limit:
        return f"larger than {_size(limit)} ({_size(len(data))}); raise CONFQA_INGEST__MAX_NOTE_BYTES to index it"
    encoding = _unicode_encoding(data)
    if not (data.decode(encoding, "replace") if encoding else data).strip():
        return "empty file"
    if encoding in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        return None  # NUL bytes are part of these encodings
    head = data[:_SNIFF_BYTES]
    for signature, what in _SIGNATURES.items():
        if head.startswith(signature):
            return f"binary file ({what})"
    if b"\x00" in head:
        return "binary file (contains NUL bytes)"
    controls = sum(head.count(bytes([b])) for b in _BINARY_CONTROLS)
    if controls > BINARY_CONTROL_SHARE * len(head):
        return f"binary file ({controls} control bytes in its first {len(head)})"
    return None


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def _unicode_encoding(data: bytes) -> str | None:
    """The Unicode encoding a byte order mark names, or UTF-16 recognised by its NUL bytes; None otherwise."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    head = data[:_SNIFF_BYTES]
    if len(head) >= 4:
        even, odd = head[0::2], head[1::2]
        # ASCII text in UTF-16 without a mark: every other byte is NUL.
        if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
            return "utf-16-be"
    return None


def decode(data: bytes) -> tuple[str, list[str]]:
    """Bytes to text, with a notice for anything that was not plain UTF-8.

    A byte order mark (UTF-8, UTF-16, UTF-32) or UTF-16's NUL pattern names the encoding. Otherwise UTF-8; a file
    with bytes that are not UTF-8 and not one valid multi-byte UTF-8 sequence is a legacy 8-bit note and is read
    as Windows-1252 (Latin-1 plus typographic quotes), so accents survive; a UTF-8 file with a few damaged bytes
    keeps them as U+FFFD, which never shifts a line."""
    encoding = _unicode_encoding(data)
    if encoding is not None:
        bom = next((b for b, e in _BOMS if e == encoding and data.startswith(b)), b"")
        body = data[len(bom):]
        try:
            return body.decode(encoding), ([] if encoding == "utf-8" else [f"decoded as {encoding.upper()}"])
        except UnicodeDecodeError:
            text = body.decode(encoding, "replace")
            return text, [f"{text.count(chr(0xFFFD))} byte(s) that are not {encoding.upper()} replaced with U+FFFD"]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", "replace")
    if all(ch == "\ufffd" for ch in text if ord(ch) > 127):
        import ftfy.bad_codecs  # noqa: F401 - registers sloppy-windows-1252 (cp1252 that maps every byte)

        return data.decode("sloppy-windows-1252"), ["not UTF-8: decoded as Windows-1252 (Latin-1)"]
    lines = sorted({text.count("\n", 0, m.start()) + 1 for m in re.finditer("\ufffd", text)})
    shown = ", ".join(map(str, lines[:5])) + (" …" if len(lines) > 5 else "")
    return text, [f"invalid UTF-8 bytes replaced with U+FFFD on line(s) {shown}"]


def read_utf8(path: Path, what: str) -> str:
    """A file that must be UTF-8 (an evaluation set, talks.yaml): its text, or one ConfqaError naming the file
    and the line of the first byte that is not UTF-8."""
    from confqa.errors import ConfqaError

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfqaError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfqaError(f"{path}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8") from None


def split_lines(text: str) -> list[str]:
    """Lines as grep -n and editors count them: only \\n (or \\r\\n) ends a line. Other characters that
    str.splitlines() takes for line breaks (\\f, \\v, \\x1c-\\x1e, \\x85, U+2028, U+2029, a lone \\r) become a space
    inside their line, so every later line keeps its number."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # a final newline ends the last line; it does not start another
    return [_INLINE_BREAKS.sub(" ", line[:-1] if line.endswith("\r") else line) for line in lines]


def repair_mojibake(line: str) -> str:
    """Undo UTF-8 text that was decoded as cp1252, Latin-1 or Mac Roman ("confÃ©rence", "â€™", "√©").

    ftfy decides, with its own measure of how plausible text is: it changes a line only when the repaired text
    is more plausible, so correctly decoded accents and symbols stay as they are. What ftfy cannot see is an
    emoji whose first byte was lost in copy-paste ("üôè" is what Mac Roman shows for the rest of 🙏); that is
    restored only when every run of three bytes becomes an emoji."""
    if line.isascii():
        return line
    import ftfy

    fixed = ftfy.fix_encoding(line)
    if fixed != line:
        return fixed
    return _NON_ASCII_RUN.sub(_from_single_byte, line)


def _from_single_byte(match: re.Match[str]) -> str:
    """A run that ftfy left alone and that is UTF-8 read as cp1252 ("Ã…" is Å: ftfy takes the ellipsis for real)
    or as Mac Roman ("\uf8ffüôè" is 🙏: ftfy does not take the Apple logo U+F8FF for the byte F0). A repair must
    be shorter and free of combining marks, control and private-use characters, so correct text (whose bytes in
    these encodings are almost never valid UTF-8) is left alone."""
    run = match.group(0)
    import ftfy.bad_codecs  # noqa: F401 - registers sloppy-windows-1252 (cp1252 that maps every byte)

    for encoding in ("sloppy-windows-1252", "mac_roman"):
        try:
            fixed = run.encode(encoding).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        plausible = all(not unicodedata.combining(ch) and unicodedata.category(ch)[0] != "C" for ch in fixed)
        if fixed and len(fixed) < len(run) and plausible:
            return fixed
    return _restore_emoji(run)


def _restore_emoji(run: str) -> str:
    try:
        tail = run.encode("mac_roman")
    except UnicodeEncodeError:
        return run
    if len(tail) % 3 or not all(0x80 <= b <= 0xBF for b in tail):
        return run
    try:
        fixed = b"".join(b"\xf0" + tail[i:i + 3] for i in range(0, len(tail), 3)).decode("utf-8")
    except UnicodeDecodeError:
        return run
    return fixed if all(0x1F000 <= ord(ch) <= 0x1FFFF for ch in fixed) else run


# An Org-mode note (Emacs): "#+TITLE: …" keywords, "* Day 1" / "** 09:30 Keynote — …" headings, ":PROPERTIES:"
# drawers of ":SPEAKER: …" fields.
_ORG_KEYWORD = re.compile(r"^#\+(?P<key>[A-Za-z_]+):[ \t]*(?P<value>.*)$")
_ORG_HEADING = re.compile(r"^(?P<stars>\*+)(?=[ \t]+\S)")
_ORG_DRAWER = re.compile(r"^[ \t]*:(?:PROPERTIES|END|LOGBOOK):[ \t]*$", re.I)
_ORG_PROPERTY = re.compile(r"^(?P<indent>[ \t]*):(?P<key>[A-Za-z][\w-]*):(?=[ \t]+\S)")
_ORG_KEYWORDS = frozenset({"title", "author", "date", "startup", "options", "filetags"})


def is_org(lines: list[str], rel: str) -> bool:
    """An Org-mode note: a .org file, or a text with Org's own keywords ("#+TITLE:") or a properties drawer under
    a star heading."""
    if rel.lower().endswith(".org"):
        return True
    if any((m := _ORG_KEYWORD.match(line)) and m.group("key").lower() in _ORG_KEYWORDS for line in lines):
        return True
    return any(_ORG_DRAWER.match(line) for line in lines) and any(_ORG_HEADING.match(line) for line in lines)


def from_org(lines: list[str]) -> tuple[list[str], dict[str, Any]]:
    """An Org-mode note as the Markdown it reads as, line for line (line numbers stay the file's): "** Title" is
    "## Title", a drawer's ":PROPERTIES:" and ":END:" lines are empty and its ":SPEAKER: Jane Doe" reads "SPEAKER: Jane
    Doe"; "#+TITLE:", "#+AUTHOR:" and "#+DATE:" give the note's title, author and date (and leave empty lines)."""
    meta: dict[str, Any] = {}
    out = []
    for line in lines:
        keyword = _ORG_KEYWORD.match(line)
        if keyword and keyword.group("key").lower() in _ORG_KEYWORDS:
            key = keyword.group("key").lower()
            if key in ("title", "author", "date") and keyword.group("value").strip():
                meta.setdefault(key, keyword.group("value").strip().strip("<>[]"))
            out.append("")
        elif _ORG_DRAWER.match(line):
            out.append("")
        elif heading := _ORG_HEADING.match(line):
            out.append("#" * len(heading.group("stars")) + line[heading.end():])
        elif prop := _ORG_PROPERTY.match(line):
            out.append(f"{prop.group('indent')}{prop.group('key')}:{line[prop.end():]}")
        else:
            out.append(line)
    return out, meta


# A reStructuredText note (Sphinx, docutils): a title under (and perhaps over) a line of one punctuation mark repeated,
# ":Speaker: …" fields, ".. note::" directives, ``literals``, `links <https://…>`_ and :roles:`text`.
_RST_ADORNMENT = re.compile(r"^([=\-~^\"'`#*+:.<>_])\1{2,}[ \t]*$")
_RST_FIELD = re.compile(r"^(?P<indent>[ \t]*):(?P<key>[^:`\s][^:`]*?):(?=[ \t]+\S|[ \t]*$)")
_RST_DIRECTIVE = re.compile(r"^[ \t]*\.\.[ \t]+(?:\|[^|]+\|[ \t]+)?[\w:-]+::")
_RST_COMMENT = re.compile(r"^[ \t]*\.\.(?:[ \t]|$)")
_RST_LINK = re.compile(r"`([^`<>]+?)\s*<[^`<>]+>`__?")
_RST_ROLE = re.compile(r":[\w.-]+:`([^`]+)`")
_RST_LITERAL = re.compile(r"``([^`]+)``")
_RST_REFERENCE = re.compile(r"`([^`]+)`_{1,2}")


def is_rst(rel: str) -> bool:
    """A reStructuredText note: a .rst (or .rest) file."""
    return rel.lower().endswith((".rst", ".rest"))


def from_rst(lines: list[str]) -> tuple[list[str], dict[str, Any]]:
    """A reStructuredText note as the Markdown it reads as, line for line (line numbers stay the file's): a title
    with its underline (and overline) is a heading, whose level is the order in which its adornment style first
    appears ("===" over and under the title, then "===" under a section, then "---" under a talk); the
    adornment lines are empty. ":Speaker: Jane Doe" reads "Speaker: Jane Doe"; a directive's line (".. note::")
    and a comment are empty and the text indented under a directive or a field is read as its own lines;
    ``literals``, `links <https://…>`_ and :roles:`text` read as their text. The first title is the note's."""
    meta: dict[str, Any] = {}
    out = list(lines)
    styles: list[tuple[str, bool]] = []
    in_comment = False
    i = 0
    while i < len(lines):
        line = lines[i]
        over = bool(_RST_ADORNMENT.match(line)) and i + 2 < len(lines) and lines[i + 1].strip() != "" and \
            lines[i + 2].strip() == line.strip() and not _RST_ADORNMENT.match(lines[i + 1])
        title_at = i + 1 if over else i
        under = title_at + 1 < len(lines) and lines[title_at].strip() != "" and \
            not _RST_ADORNMENT.match(lines[title_at]) and bool(_RST_ADORNMENT.match(lines[title_at + 1])) and \
            len(lines[title_at + 1].strip()) >= min(len(lines[title_at].strip()), MIN_RST_ADORNMENT) and \
            (over or not lines[title_at].startswith((" ", "\t")))
        if under and (over or title_at == i):
            style = (lines[title_at + 1].strip()[0], over)
            if style not in styles:
                styles.append(style)
            title = _rst_inline(lines[title_at].strip())
            meta.setdefault("title", title)
            if over:
                out[i] = ""
            out[title_at] = "#" * min(styles.index(style) + 1, 6) + " " + title
            out[title_at + 1] = ""
            in_comment = False
            i = title_at + 2
            continue
        if _RST_DIRECTIVE.match(line):
            out[i], in_comment = "", False
        elif _RST_COMMENT.match(line):
            out[i], in_comment = "", True
        elif in_comment and (line.startswith((" ", "\t")) or not line.strip()):
            out[i] = ""
        else:
            in_comment = False
            field = _RST_FIELD.match(line)
            text = f"{field.group('indent')}{field.group('key')}:{line[field.end():]}" if field else line
            out[i] = _rst_inline(text.lstrip() if text.startswith("   ") and text.lstrip()[:2] not in ("* ", "- ")
                                 else text)
        i += 1
    return out, meta


# The shortest underline that makes a title of the line above a shorter one ("Q&A\n===").
MIN_RST_ADORNMENT = 3


def _rst_inline(text: str) -> str:
    text = _RST_LINK.sub(r"\1", text)
    text = _RST_ROLE.sub(r"\1", text)
    text = _RST_LITERAL.sub(r"`\1`", text)
    return _RST_REFERENCE.sub(r"\1", text)


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
        meta = yaml.load("\n".join(block), Loader=no_alias_loader())  # noqa: S506 - SafeLoader without aliases
    except AliasError:
        notices.append("front matter uses YAML aliases (*name), which are not expanded; read key: value lines")
        return _lenient_front_matter(content), close + 1, notices
    except yaml.YAMLError:
        meta = None
    if not isinstance(meta, dict):
        meta = _lenient_front_matter(content)
        notices.append("front matter is not valid YAML; read key: value lines")
    return meta, close + 1, notices


class AliasError(Exception):
    """YAML that uses an alias: refused rather than expanded."""


@lru_cache(maxsize=1)
def no_alias_loader() -> type:
    """yaml's SafeLoader refusing aliases: a few hundred bytes of nested aliases expand to gigabytes."""
    import yaml

    class NoAliasLoader(yaml.SafeLoader):
        def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
            if self.check_event(yaml.events.AliasEvent):
                raise AliasError("YAML aliases are not allowed in front matter")
            return super().compose_node(parent, index)

    return NoAliasLoader


def _bounded(meta: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The front matter with every string cut to MAX_METADATA_CHARS and every list to MAX_METADATA_ITEMS
    (nested values flattened to their text), and the keys that were cut."""
    bounded: dict[str, Any] = {}
    cut: list[str] = []
    for key, value in list(meta.items())[:MAX_METADATA_ITEMS]:
        key = str(key)[:MAX_METADATA_CHARS]
        if isinstance(value, (list, tuple)):
            items = [str(v) for v in value[:MAX_METADATA_ITEMS]]
            shortened = [v[:MAX_METADATA_CHARS] for v in items]
            if len(value) > MAX_METADATA_ITEMS or shortened != items:
                cut.append(key)
            bounded[key] = shortened
        elif value is None or isinstance(value, (bool, int, float)):
            bounded[key] = value
        else:
            text = str(value)
            if len(text) > MAX_METADATA_CHARS:
                cut.append(key)
            bounded[key] = text[:MAX_METADATA_CHARS]
    return bounded, cut


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


# A link target in parentheses, which may hold one level of parentheses itself: (https://en.wikipedia.org/wiki/
# Foo_(bar)), (javascript:alert(1)).
_LINK_TARGET = r"\((?:[^()\n]|\([^()\n]*\))*\)"


_ESCAPED = 0xE000  # escaped ASCII punctuation waits in the private use area while clean_inline works


def clean_inline(text: str) -> str:
    """Markdown emphasis, links and code marks removed: the text a reader sees."""
    # A code span is shown as written, without its backticks: nothing inside is markup ('`<team>.<feature>`',
    # '`__init__`', '`a\*b`'), so it is kept aside first.
    code: list[str] = []

    def keep(match: re.Match[str]) -> str:
        code.append(match.group(2).strip() if match.group(2).strip() else match.group(2))
        return f"\ue200{len(code) - 1}\ue201"

    text = _CODE_SPAN.sub(keep, text)
    # Backslash escapes ('\-', '\*') stand for the character itself: kept aside while marks are removed.
    text = re.sub(r"\\([!-/:-@\[-`{-~])", lambda m: chr(_ESCAPED + ord(m.group(1))), text)
    text = re.sub(rf"!\[([^\]]*)\]{_LINK_TARGET}", r"\1", text)
    text = re.sub(rf"\[([^\]]+)\]{_LINK_TARGET}", r"\1", text)
    text = re.sub(r"\[\^[^\]]+\]", "", text)
    text = re.sub(r"\[\[(?:[^\]|]*\|)?([^\]|]+)\]\]", r"\1", text)  # [[Page]] and [[Page|shown]] (wiki links)
    text = re.sub(r"</?(?:[a-zA-Z][\w-]*)(?:\s[^<>]*)?/?>", " ", text)  # inline HTML tags: <strong>, <summary>
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])[*_](?!\s)(.+?)(?<!\s)[*_](?![\w*])", r"\1", text)
    text = text.replace("`", "")
    text = re.sub(r"\*{2,}", "", text)
    text = re.sub(r"[\ue021-\ue07e]", lambda m: chr(ord(m.group(0)) - _ESCAPED), text)
    text = re.sub("\ue200(\\d+)\ue201", lambda m: code[int(m.group(1))], text)
    return re.sub(r"\s+", " ", text).strip()


# A code span: a run of backticks, its text, and a run of the same length (CommonMark).
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")


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
    raw_lines = split_lines(text)
    repaired = [repair_mojibake(line) for line in raw_lines]
    if repaired != raw_lines:
        fixed = sum(1 for a, b in zip(raw_lines, repaired) if a != b)
        notices.append(f"repaired mis-decoded characters on {fixed} line(s)")
    meta, body_index, fm_notices = split_front_matter(repaired)
    notices.extend(fm_notices)
    lines = [line if i < body_index else strip_markers(line) for i, line in enumerate(repaired)]
    if is_org(lines, rel):
        lines, org_meta = from_org(lines)
        meta = {**org_meta, **meta}
    elif is_rst(rel):
        lines, rst_meta = from_rst(lines)
        meta = {**rst_meta, **meta}
    meta, cut = _bounded(meta)
    if cut:
        notices.append(f"front matter field(s) {', '.join(cut)} cut to {MAX_METADATA_CHARS} characters "
                       f"(lists to {MAX_METADATA_ITEMS} items)")
    title = meta.get("title")
    title = clean_inline(str(title)) if title else None
    title = title or _first_h1(lines, body_index) or Path(rel).stem.replace("-", " ").replace("_", " ")
    title = title[:MAX_METADATA_CHARS]
    date = meta.get("date")
    authors = _as_list(meta.get("authors", meta.get("author")))[:MAX_METADATA_ITEMS]
    tags = (_as_list(meta.get("tags")) + _as_list(meta.get("categories")))[:MAX_METADATA_ITEMS]
    speakers = next((_as_list(meta[k]) for k in FRONT_MATTER_SPEAKER_KEYS if meta.get(k)), [])[:MAX_METADATA_ITEMS]
    return Document(
        doc=rel,
        title=title,
        date=str(date)[:MAX_METADATA_CHARS] if date is not None else None,
        year=conference_year(title, meta, rel, lines[body_index:]),
        authors=[a[:MAX_METADATA_CHARS] for a in authors],
        speakers=[a[:MAX_METADATA_CHARS] for a in speakers],
        slug=str(meta["slug"])[:MAX_METADATA_CHARS] if meta.get("slug") else None,
        tags=[t[:MAX_METADATA_CHARS] for t in tags],
        sha256=hashlib.sha256(data).hexdigest(),
        body_start=body_index + 1,
        lines=lines,
        notices=notices,
    )
