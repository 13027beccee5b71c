"""How answers, talks and passages read: one structure (`AnswerView`), rendered as plain text (pipes, `str()`),
rich terminal output, Markdown and HTML (notebooks, the web page). Notes are untrusted text: control characters
are removed and HTML is escaped, so nothing in a note is executed, fetched or rendered as markup beyond light
emphasis. Quotes are the note's own text; only their emphasis marks and table pipes are shown as formatting."""

from __future__ import annotations

import hashlib
import html
import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from confqa.models import Answer, Citation, Passage, Talk
from confqa.text.control import one_line, strip_control

TITLE_CHARS = 60  # a talk title longer than this is shortened in source headings (the full one is in the JSON)


def safe(text: str) -> str:
    """Text with terminal escape sequences and control characters removed."""
    return strip_control(text)


def _short(title: str) -> str:
    title = one_line(title)
    return title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1].rstrip(" ,:;—-") + "…"


def where(item: Citation | Passage) -> str:
    """note.md:12 or note.md:12-15."""
    return f"{item.doc}:{item.line_start}" + (f"-{item.line_end}" if item.line_end != item.line_start else "")


def source_heading(item: Citation | Passage) -> str:
    """A short heading: where, then the talk and its speakers (the section path is shown on demand)."""
    talk = ""
    if item.talk:
        talk = f" · {_short(item.talk)}" + (f" — {', '.join(item.speakers)}" if item.speakers else "")
        if isinstance(item, Citation) and item.part_of:
            talk += f" (in {_short(item.part_of)})"
    return one_line(f"{where(item)}{talk}")


# -- quotes: the note's text with light formatting ----------------------------------------------------------------
_BULLET = re.compile(r"^[-*+]\s+")  # a list item's marker, shown as a bullet


def quote_lines(quote: str, columns: Sequence[str] = ()) -> list[str]:
    """A quote's lines as markdown-inline text: formulas in Unicode, a table row as "Column: value" pairs when its
    columns are known (cells joined by " · " otherwise), list markers kept as a reader sees them."""
    from confqa.answer.readable import with_math_rendered

    out = []
    for line in with_math_rendered(safe(quote)).splitlines():
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 2:
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            if columns and len(columns) == len(cells):
                out.append("; ".join(f"{name}: {cell}" if name else cell for name, cell in zip(columns, cells) if cell))
            else:
                out.append(" · ".join(c for c in cells if c))
        elif stripped:
            out.append(_BULLET.sub("• ", stripped))
    return out


@lru_cache(maxsize=1)
def _inline() -> Any:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False})
    md.disable(["image", "link", "autolink", "html_inline"])  # nothing is fetched or followed from a note
    return md


def inline_html(text: str) -> str:
    """Markdown emphasis and code rendered, everything else escaped (markdown-it with raw HTML off)."""
    return _inline().renderInline(text)


def inline_spans(text: str) -> list[dict[str, Any]]:
    """Markdown-inline text as spans of plain text marked strong, em or code: the one reading of a quote line's
    emphasis, which the plain, rich and web views render (no markup crosses the wire to the page)."""
    spans: list[dict[str, Any]] = []
    strong = em = 0
    for token in _inline().parseInline(text)[0].children or []:
        if token.type in ("strong_open", "strong_close"):
            strong += 1 if token.type == "strong_open" else -1
        elif token.type in ("em_open", "em_close"):
            em += 1 if token.type == "em_open" else -1
        elif token.type in ("text", "code_inline", "softbreak", "hardbreak"):
            content = token.content if token.type in ("text", "code_inline") else " "
            if not content:
                continue
            marks = {"strong": strong > 0, "em": em > 0, "code": token.type == "code_inline"}
            if spans and all(spans[-1][k] == v for k, v in marks.items()):
                spans[-1]["text"] += content
            else:
                spans.append({"text": content, **marks})
    return spans


def inline_plain(text: str) -> str:
    """Markdown emphasis and code marks removed."""
    return "".join(span["text"] for span in inline_spans(text)).strip()


def inline_rich(text: str, base: str = "") -> Any:
    """A rich Text with the emphasis of markdown-inline text as bold / italic / code styles."""
    from rich.text import Text

    result = Text(style=base)
    for span in inline_spans(text):
        style = "bold cyan" if span["code"] else " ".join(
            name for name, on in (("bold", span["strong"]), ("italic", span["em"])) if on)
        result.append(span["text"], style=style or None)
    return result


def quote_display(quote: str, columns: Sequence[str] = ()) -> list[list[dict[str, Any]]]:
    """A quote as the terminal and the notebook show it (quote_lines), each line as inline_spans."""
    return [inline_spans(line) for line in quote_lines(quote, columns)]


# -- the one structure ---------------------------------------------------------------------------------------
@dataclass
class SourceView:
    n: int
    heading: str
    section: str
    lines: list[str]  # the quote, markdown-inline, one entry per note line


@dataclass
class AnswerView:
    question: str
    prose: str
    abstained: bool
    sources: list[SourceView] = field(default_factory=list)
    closest: list[str] = field(default_factory=list)
    unsupported: list[tuple[str, str]] = field(default_factory=list)
    unsupported_dropped: bool = False
    footer: str = ""
    notices: list[str] = field(default_factory=list)
    anchor: str = ""


_shown: Counter[str] = Counter()
_shown_lock = threading.Lock()


def _anchor(answer: Answer) -> str:
    """An id from the answer's content, numbered when the same answer is shown again (ids stay unique on a page
    and the same from run to run)."""
    digest = hashlib.sha256(f"{answer.question}\x00{answer.answer}".encode()).hexdigest()[:10]
    with _shown_lock:
        _shown[digest] += 1
        count = _shown[digest]
    return f"confqa-{digest}" + (f"-{count}" if count > 1 else "")


def view_of(answer: Answer) -> AnswerView:
    state = f"confidence {answer.confidence:.2f}" + (" (abstained)" if answer.abstained else "")
    if answer.generation:
        state += f" · {_generated_by(answer)}"
    return AnswerView(
        question=one_line(answer.question), prose=one_line(answer.answer), abstained=answer.abstained,
        sources=[SourceView(c.n, source_heading(c), one_line(c.section), quote_lines(c.quote, c.columns))
                 for c in answer.citations],
        closest=[source_heading(p) for p in answer.passages] if not answer.citations else [],
        unsupported=[(one_line(u.text), u.reason) for u in answer.unsupported_sentences],
        unsupported_dropped=bool(answer.unsupported_sentences and answer.unsupported_sentences[0].dropped),
        footer=state, notices=[one_line(n) for n in answer.notices], anchor=_anchor(answer),
    )


def _generated_by(answer: Answer) -> str:
    generation = answer.generation
    assert generation is not None
    who = f"{generation.backend}: {generation.model}"
    if answer.mode != "llm":
        return f"extractive ({who} not used)"
    return f"written by {who}, {generation.supported} of {generation.sentences} sentences backed by their citations"


# -- plain text -----------------------------------------------------------------------------------------------
def answer_to_text(answer: Answer, notices: bool = True) -> str:
    """The answer as plain text; with notices=False they are left to the caller (the CLI prints them on stderr)."""
    view = view_of(answer)
    lines = [view.prose, ""]
    if view.sources:
        lines.append("Sources:")
        for source in view.sources:
            lines.append(f"[{source.n}] {source.heading}")
            lines.extend(f"    {inline_plain(line)}" for line in source.lines)
    elif view.closest:
        lines.append("Closest passages:")
        lines.extend(f"  {i}. {heading}" for i, heading in enumerate(view.closest, start=1))
    if view.unsupported:
        lines += ["", "Not backed by the cited passages" + (" (removed):" if view.unsupported_dropped else ":")]
        lines.extend(f"  - \"{text}\" ({reason})" for text, reason in view.unsupported)
    lines += ["", view.footer]
    if notices:
        lines.extend(f"note: {n}" for n in view.notices)
    return "\n".join(lines)


# -- rich terminal --------------------------------------------------------------------------------------------
def answer_to_rich(answer: Answer) -> list[Any]:
    """Renderables for a terminal: a source's heading wraps beside its number and its quote under its own
    indentation; styles end where their text ends."""
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    def numbered(rows: list[tuple[str, Any]], indent: int = 0) -> Any:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, style="cyan")
        grid.add_column(overflow="fold")
        for label, cell in rows:
            grid.add_row(label, cell)
        return Padding(grid, (0, 0, 0, indent), expand=False)

    view = view_of(answer)
    body = Text(view.prose, style="bold" if not view.abstained else "yellow")
    body.highlight_regex(r"[^.!?:]*\[unsupported\][.!?:]", "red not bold")
    out: list[Any] = [body, Text("")]
    if view.sources:
        out.append(Text("Sources", style="underline"))
        for source in view.sources:
            out.append(numbered([(f"[{source.n}]", Text(source.heading))]))
            out.extend(Padding(inline_rich(line, "dim"), (0, 0, 0, 4), expand=False) for line in source.lines)
    elif view.closest:
        out.append(Text("Closest passages", style="underline"))
        out.append(numbered([(f"{i}.", Text(h)) for i, h in enumerate(view.closest, start=1)], indent=2))
    if view.unsupported:
        out.append(Text("Not backed by the cited passages" + (" (removed):" if view.unsupported_dropped else ":"),
                        style="red"))
        out.append(numbered([("-", Text(f"{text} ({reason})", style="red")) for text, reason in view.unsupported],
                            indent=2))
    out.append(Text(view.footer, style="dim"))
    return out


# -- Markdown -------------------------------------------------------------------------------------------------
def _md(text: str) -> str:
    """Escape text for Markdown so that a note cannot inject links, images or HTML."""
    text = html.escape(one_line(text), quote=False)
    return re.sub(r"([\\`*_{}\[\]()#+!|>~])", r"\\\1", text)


def answer_to_markdown(answer: Answer) -> str:
    view = view_of(answer)
    body = re.sub(r"\\\[(\d+)\\\]", rf"[\1](#{view.anchor}-\1)", _md(view.prose))
    out = [f"**Q:** {_md(view.question)}", "", body, ""]
    for source in view.sources:
        out.append(f"<a id=\"{view.anchor}-{source.n}\"></a>**[{source.n}]** {_md(source.heading)}  ")
        out.extend(f"> {_md(inline_plain(line))}  " for line in source.lines)
        out.append("")
    if view.closest:
        out.append("Closest passages:")
        out.extend(f"- {_md(h)}" for h in view.closest)
    out.extend(f"- ~~{_md(text)}~~ ({_md(reason)})" for text, reason in view.unsupported)
    out.append(f"*{_md(view.footer)}*")
    out.extend(f"> ⚠ {_md(n)}" for n in view.notices)
    return "\n".join(out)


# -- HTML -----------------------------------------------------------------------------------------------------
# Colours come from the page: text in currentColor, muted text by opacity, warnings and errors marked by a bar in
# Jupyter's theme colours (text in those colours would not read on both backgrounds), links in the theme's colour.
STYLE = """<style>
.confqa{font-family:var(--jp-content-font-family,system-ui,sans-serif);line-height:1.45;color:inherit;max-width:60em}
.confqa .muted{opacity:.72}
.confqa blockquote{margin:.2em 0 .7em 0;padding:.1em .8em;border-left:3px solid currentColor;opacity:.85}
.confqa .where{font-family:var(--jp-code-font-family,ui-monospace,monospace);font-size:.9em}
.confqa .warn{border-left:3px solid var(--jp-warn-color1,#c77c02);padding-left:.5em}
.confqa .bad{border-left:3px solid var(--jp-error-color1,#d1423d);padding-left:.5em}
.confqa table{border-collapse:collapse}
.confqa th,.confqa td{text-align:left;padding:.2em .6em;border-bottom:1px solid color-mix(in srgb,currentColor 25%,transparent)}
.confqa summary{cursor:pointer}
.confqa a{color:var(--jp-content-link-color,inherit)}
</style>"""


def answer_to_html(answer: Answer) -> str:
    esc = html.escape
    view = view_of(answer)
    body = esc(view.prose)
    body = re.sub(r"\[(\d+)\]", lambda m: f'<a href="#{view.anchor}-{m.group(1)}"><sup>[{m.group(1)}]</sup></a>', body)
    parts = [STYLE, f'<div class="confqa confqa-answer" id="{view.anchor}">',
             f'<p class="muted"><b>Q:</b> {esc(view.question)}</p>', f"<p>{body}</p>"]
    if view.sources:
        parts.append('<ol style="padding-left:1.4em">')
        for source in view.sources:
            section = f'<details class="muted"><summary>section</summary>{esc(source.section)}</details>' \
                if source.section else ""
            quote = "<br>".join(inline_html(line) for line in source.lines)
            parts.append(f'<li id="{view.anchor}-{source.n}" value="{source.n}"><span class="where">'
                         f'{esc(source.heading)}</span>{section}<blockquote>{quote}</blockquote></li>')
        parts.append("</ol>")
    elif view.closest:
        parts.append('<p class="muted">Closest passages:</p><ul>')
        parts.extend(f'<li class="where">{esc(h)}</li>' for h in view.closest)
        parts.append("</ul>")
    if view.unsupported:
        parts.append('<p class="bad"><small>Not backed by the cited passages:</small></p><ul>')
        parts.extend(f'<li class="bad"><small>{esc(text)} ({esc(reason)})</small></li>'
                     for text, reason in view.unsupported)
        parts.append("</ul>")
    parts.append(f'<p class="muted"><small>{esc(view.footer)}</small></p>')
    parts.extend(f'<p class="warn"><small>{esc(n)}</small></p>' for n in view.notices)
    parts.append("</div>")
    return "\n".join(parts)


def talks_to_html(talks: Sequence[Talk]) -> str:
    """A table of talks: title, kind, speakers, notes, passages."""
    esc = html.escape
    rows = "".join(
        f"<tr><td>{esc(one_line(t.title))}</td><td>{esc(t.kind)}</td><td>{esc(', '.join(t.speakers))}</td>"
        f'<td class="where">{esc(", ".join(t.docs))}</td><td>{t.chunks}</td></tr>' for t in talks)
    return (f'{STYLE}<div class="confqa"><table><thead><tr><th>talk</th><th>kind</th><th>speakers</th>'
            f"<th>notes</th><th>passages</th></tr></thead><tbody>{rows}</tbody></table>"
            f'<p class="muted"><small>{len(talks)} talks</small></p></div>')


def passages_to_html(passages: Sequence[Passage]) -> str:
    """Passages as a numbered list: heading, then the passage's text with light formatting."""
    esc = html.escape
    items = []
    for passage in passages:
        text = "<br>".join(inline_html(line) for line in quote_lines(passage.text))
        items.append(f'<li><span class="where">{esc(source_heading(passage))}</span> '
                     f'<span class="muted"><small>score {passage.score:.2f}</small></span>'
                     f"<blockquote>{text}</blockquote></li>")
    return f'{STYLE}<div class="confqa"><ol style="padding-left:1.4em">{"".join(items)}</ol></div>'


def talk_to_text(talk: Talk) -> str:
    who = f" — {', '.join(talk.speakers)}" if talk.speakers else ""
    return one_line(f"{talk.title} ({talk.kind}){who}")


def passages_to_text(passages: Sequence[Passage]) -> str:
    out = []
    for i, passage in enumerate(passages, start=1):
        out.append(f"{i}. {source_heading(passage)}  (score {passage.score:.2f})")
        out.extend(f"    {inline_plain(line)}" for line in quote_lines(passage.text))
    return "\n".join(out)
