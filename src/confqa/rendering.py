"""How an Answer reads: plain text for terminals and str(), Markdown and HTML for notebooks. Notes are
untrusted text: control characters are removed and HTML is escaped, so nothing in a note is executed or
rendered as markup."""

from __future__ import annotations

import html
import re

from confqa.models import Answer, Citation, Passage
from confqa.text.control import strip_control


def safe(text: str) -> str:
    """Text with terminal escape sequences and control characters removed."""
    return strip_control(text)


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", safe(text)).strip()


def source_heading(item: Citation | Passage) -> str:
    where = f"{item.doc}:{item.line_start}" + (f"-{item.line_end}" if item.line_end != item.line_start else "")
    talk = ""
    if item.talk:
        talk = f" — {item.talk}" + (f" ({', '.join(item.speakers)})" if item.speakers else "")
    section = f" › {item.section}" if item.section else ""
    return _one_line(f"{where}{section}{talk}")


def answer_to_text(answer: Answer, notices: bool = True) -> str:
    """The answer as plain text; with notices=False the notices are left to the caller (the CLI prints them on
    stderr)."""
    lines = [_one_line(answer.answer), ""]
    if answer.citations:
        lines.append("Sources:")
        for citation in answer.citations:
            lines.append(f"[{citation.n}] {source_heading(citation)}")
            lines.append(f"    \"{_one_line(citation.quote)}\"")
    elif answer.passages:
        lines.append("Closest passages:")
        for i, passage in enumerate(answer.passages, start=1):
            lines.append(f"  {i}. {source_heading(passage)}")
    lines.extend(_unsupported_lines(answer))
    lines.append("")
    lines.append(f"confidence {answer.confidence:.2f}" + (" (abstained)" if answer.abstained else "")
                 + (f" · {_generated_by(answer)}" if answer.generation else ""))
    if notices:
        lines.extend(f"note: {_one_line(n)}" for n in answer.notices)
    return "\n".join(lines)


def _generated_by(answer: Answer) -> str:
    generation = answer.generation
    assert generation is not None
    who = f"{generation.backend}: {generation.model}"
    if answer.mode != "llm":
        return f"extractive ({who} not used)"
    return f"written by {who}, {generation.supported} of {generation.sentences} sentences backed by their citations"


def _unsupported_lines(answer: Answer) -> list[str]:
    if not answer.unsupported_sentences:
        return []
    out = ["", "Not backed by the cited passages" + (" (removed):" if answer.unsupported_sentences[0].dropped else ":")]
    out.extend(f"  - \"{_one_line(u.text)}\" ({u.reason})" for u in answer.unsupported_sentences)
    return out


def _md(text: str) -> str:
    """Escape text for Markdown so that a note cannot inject links, images or HTML."""
    text = html.escape(_one_line(text), quote=False)
    return re.sub(r"([\\`*_{}\[\]()#+!|>~])", r"\\\1", text)


def answer_to_markdown(answer: Answer) -> str:
    body = _md(answer.answer)
    body = re.sub(r"\\\[(\d+)\\\]", r"[\1](#confqa-source-\1)", body)
    out = [f"**Q:** {_md(answer.question)}", "", body, ""]
    for citation in answer.citations:
        out.append(f"<a id=\"confqa-source-{citation.n}\"></a>**[{citation.n}]** {_md(source_heading(citation))}  ")
        out.append(f"> {_md(citation.quote)}")
        out.append("")
    if answer.abstained and answer.passages:
        out.append("Closest passages:")
        out.extend(f"- {_md(source_heading(p))}" for p in answer.passages)
    for item in answer.unsupported_sentences:
        out.append(f"- ~~{_md(item.text)}~~ ({_md(item.reason)})")
    generated = f" · {_md(_generated_by(answer))}" if answer.generation else ""
    out.append(f"*confidence {answer.confidence:.2f}{' — abstained' if answer.abstained else ''}{generated}*")
    return "\n".join(out)


def answer_to_html(answer: Answer) -> str:
    esc = html.escape
    anchor = f"confqa-{abs(hash((answer.question, answer.answer))) % 10**8}"
    body = esc(_one_line(answer.answer))
    body = re.sub(r"\[(\d+)\]", lambda m: f'<a href="#{anchor}-{m.group(1)}"><sup>[{m.group(1)}]</sup></a>', body)
    parts = [
        '<div class="confqa-answer" style="font-family: sans-serif; line-height: 1.4">',
        f"<p><b>Q:</b> {esc(_one_line(answer.question))}</p>",
        f"<p>{body}</p>",
    ]
    if answer.citations:
        parts.append('<ol style="padding-left: 1.2em">')
        for citation in answer.citations:
            parts.append(
                f'<li id="{anchor}-{citation.n}" value="{citation.n}"><code>{esc(source_heading(citation))}</code>'
                f'<blockquote style="margin: 0.2em 0 0.6em 0; color: #444">{esc(_one_line(citation.quote))}</blockquote></li>'
            )
        parts.append("</ol>")
    elif answer.passages:
        parts.append("<p>Closest passages:</p><ul>")
        parts.extend(f"<li><code>{esc(source_heading(p))}</code></li>" for p in answer.passages)
        parts.append("</ul>")
    if answer.unsupported_sentences:
        parts.append('<p style="color: #a00"><small>Not backed by the cited passages:</small></p><ul>')
        parts.extend(f'<li style="color: #a00"><small>{esc(_one_line(u.text))} ({esc(u.reason)})</small></li>'
                     for u in answer.unsupported_sentences)
        parts.append("</ul>")
    state = " — abstained" if answer.abstained else ""
    state += f" · {esc(_generated_by(answer))}" if answer.generation else ""
    parts.append(f'<p style="color: #666"><small>confidence {answer.confidence:.2f}{state}</small></p>')
    parts.extend(f'<p style="color: #a60"><small>{esc(_one_line(n))}</small></p>' for n in answer.notices)
    parts.append("</div>")
    return "\n".join(parts)
