"""confqa in a real notebook: a Jupyter kernel runs `ask`, `talks()` and `retrieve()` (nbclient); their outputs
are HTML, escaped; the page made of them is opened in headless Chromium with a light and a dark theme, and every
piece of confqa's text must stay readable (WCAG contrast) against the page's background."""

from __future__ import annotations

import base64
import html
from pathlib import Path

import pytest

from browser import chromium, contrast

pytestmark = pytest.mark.slow

QUESTION = "What did Lovelace recommend for benchmarks?"
EVIL = "<script>alert('x')</script> **Bold claim** about \\(\\pi_\\theta\\)"
THEMES = {
    # The colours JupyterLab's light and dark themes give a page (body text, background, and their variables).
    "light": {"color": "rgba(0,0,0,.87)", "background": "#ffffff",
              "vars": "--jp-warn-color1:#f57c00;--jp-error-color1:#d32f2f;--jp-content-link-color:#1565c0;"},
    "dark": {"color": "rgba(255,255,255,.87)", "background": "#111111",
             "vars": "--jp-warn-color1:#ffa726;--jp-error-color1:#e57373;--jp-content-link-color:#64b5f6;"},
}


@pytest.fixture(scope="module")
def notebook_outputs(tmp_path_factory: pytest.TempPathFactory, embedder) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    import nbformat
    from nbclient import NotebookClient
    from tests.conftest import FIXTURE_CORPUS, copy_corpus

    from confqa.index.build import build_index
    from confqa.settings import Settings

    root = tmp_path_factory.mktemp("notebook")
    corpus = copy_corpus(FIXTURE_CORPUS, root / "corpus")
    (corpus / "evil.md").write_text(f"# Evil note\n\nLovelace recommended benchmarks. {EVIL}\n", encoding="utf-8")
    index_dir = root / "index"
    build_index([corpus], index_dir, Settings(), lambda: embedder)
    cells = {
        "ask": f"import confqa\nassistant = confqa.Assistant({str(index_dir)!r})\nassistant.ask({QUESTION!r})",
        "talks": "assistant.talks()",
        "retrieve": "assistant.retrieve('Lovelace benchmarks evil', k=3)",
    }
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code) for code in cells.values()])
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(root)}}).execute()
    return {name: cell.outputs[-1]["data"] for name, cell in zip(cells, notebook.cells)}


def test_ask_talks_and_retrieve_show_html(notebook_outputs) -> None:  # type: ignore[no-untyped-def]
    for name, data in notebook_outputs.items():
        assert "text/html" in data, (name, data.get("text/plain", "")[:200])
        page = data["text/html"]
        assert 'class="confqa' in page
        assert "<script" not in page.lower()  # note text is escaped, never markup
    assert "<table" in notebook_outputs["talks"]["text/html"] and "Ada Lovelace" in notebook_outputs["talks"]["text/html"]
    assert "Talk(id=" not in notebook_outputs["talks"]["text/html"]
    retrieved = notebook_outputs["retrieve"]["text/html"]
    assert "&lt;script&gt;" in retrieved and "<strong>Bold claim</strong>" in retrieved and "π" in retrieved


def test_the_page_reads_in_light_and_dark_themes(notebook_outputs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    driver = chromium("--window-size=1100,1400")
    try:
        for theme, colours in THEMES.items():
            body = "\n".join(data["text/html"] for data in notebook_outputs.values())
            page = tmp_path / f"{theme}.html"
            page.write_text(f"<!doctype html><meta charset='utf-8'><title>{html.escape(theme)}</title><body style="
                            f"'color:{colours['color']};background:{colours['background']};{colours['vars']}"
                            f"font-size:14px'>{body}</body>", encoding="utf-8")
            driver.get(page.as_uri())
            measured = driver.execute_script("""
                const parse = s => (s.match(/[\\d.]+/g) || []).map(Number);
                const bg = parse(getComputedStyle(document.body).backgroundColor);
                const out = [];
                for (const el of document.querySelectorAll('.confqa *')) {
                  if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
                  const style = getComputedStyle(el);
                  let opacity = 1;
                  for (let e = el; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
                  const fg = parse(style.color);
                  const alpha = (fg.length > 3 ? fg[3] : 1) * opacity;
                  out.push({text: el.textContent.trim().slice(0, 40),
                            rgb: [0, 1, 2].map(i => fg[i] * alpha + bg[i] * (1 - alpha))});
                }
                return {bg: bg, texts: out};""")
            assert len(measured["texts"]) > 10
            worst = min(measured["texts"], key=lambda t: contrast(t["rgb"], measured["bg"]))
            assert contrast(worst["rgb"], measured["bg"]) >= 4.5, (theme, worst)
            shot = base64.b64decode(driver.get_screenshot_as_base64())
            (tmp_path / f"{theme}.png").write_bytes(shot)
            assert shot[:8] == b"\x89PNG\r\n\x1a\n" and len(shot) > 20_000
    finally:
        driver.quit()
