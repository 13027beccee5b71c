"""The web page of `confqa serve` in real headless Chromium, against a real server process.

One server per module, over an index of the fixture corpus plus one hostile note (markup in its text). The JSON
the page shows is fetched again with urllib from the same server, so what the page highlights, lists and links
is compared with the API's own answer; the expected words themselves come from the fixture notes."""

from __future__ import annotations

import base64
import os
import re
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from browser import CHROMEDRIVER, CHROMIUM, MISSING, chromium, contrast
from serving import request, running_server

pytest.importorskip("fastapi", reason="confqa serve needs the serve extra: pip install 'confqa[serve]'")
pytest.importorskip("selenium", reason="the browser tests need selenium: pip install 'confqa[test]'")

pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason=MISSING)

# Read when the module is imported: the autouse `isolated` fixture clears CONFQA_* and changes directory per test.
ARTIFACTS = Path(os.environ.get("CONFQA_TEST_ARTIFACTS", "test-artifacts")).resolve()

GARDENING = "Gradient Gardening"
WHO_PRESENTED = "Who presented the Gradient Gardening tutorial?"  # summit-2031.md line 25: the presenters
BENCHMARKS = "What did Lovelace recommend for benchmarks?"  # keynote-lovelace.md line 10: random seeds
BEST_RESULTS = "What gave the best results?"  # Gradient Gardening's warm restarts (summit-2031.md line 32)
# Gradient Gardening's warm restarts, and Lovelace's random seeds (keynote-lovelace.md line 10): two talks.
TWO_TALKS = "What gave the best results, and what was recommended for benchmarks?"
OUT_OF_SCOPE = "Which restaurant served the best paella?"  # no note mentions food
HOSTILE_QUESTION = "What did the lighthouse keeper say about the lamp?"
HOSTILE_NOTE = (
    "# Harbour lighthouse notes\n\n"
    "## The keeper's <b>talk</b>\n\n"
    "The lighthouse keeper said the lamp <img src=x onerror=alert(1)> burns whale oil "
    "<script>window.pwned=1</script> every night.\n"
    "She warned that fog horns must sound twice a minute.\n"
)
TOKEN = "browser-test-token-long-enough"  # the server asks for it, as one reachable from other machines would
WAIT = 30.0


# -- the server and the browser ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[str]:  # type: ignore[no-untyped-def]
    from confqa.index.build import build_index
    from confqa.settings import Settings
    from conftest import FIXTURE_CORPUS, copy_corpus

    root = tmp_path_factory.mktemp("serve-browser")
    corpus = copy_corpus(FIXTURE_CORPUS, root / "corpus")
    (corpus / "lighthouse.md").write_text(HOSTILE_NOTE, encoding="utf-8")
    index_dir = root / "index"
    build_index([corpus], index_dir, Settings(), lambda: embedder)
    # The page makes a few requests per view; the tests load many views in a few seconds.
    with running_server(index_dir, env={"CONFQA_SERVE__RATE_PER_MINUTE": "0", "CONFQA_SERVE_TOKEN": TOKEN}) as base:
        yield base


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    browser = chromium("--window-size=1280,1000", "--force-prefers-no-reduced-motion", console=True)
    try:
        yield browser
    finally:
        browser.quit()


class Page:
    """The browser on the server's page, with waits and the API's own answers to compare with."""

    def __init__(self, driver: Any, base: str) -> None:
        self.driver = driver
        self.base = base
        self.allowed_console: list[str] = []  # regular expressions of console errors a test causes on purpose

    def open(self, path: str, ready: str = "#filter-talk option:nth-child(2)") -> None:
        from selenium.webdriver.common.by import By

        self.driver.get(self.base + path)
        self.until(lambda d: d.find_elements(By.CSS_SELECTOR, ready), f"{ready} on {path}")

    def until(self, condition: Callable[[Any], Any], what: str, timeout: float = WAIT) -> Any:
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, timeout).until(condition, f"waited {timeout} s for {what}")

    def js(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def api(self, path: str, body: Any = None) -> Any:
        reply = request(self.base, path, body, headers={"Authorization": f"Bearer {TOKEN}"})
        assert reply.status == 200, (path, reply.status, reply.body[:300])
        return reply.json()

    def ask_by_typing(self, question: str) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys

        box = self.driver.find_element(By.ID, "question")
        box.clear()
        box.send_keys(question, Keys.ENTER)
        self.wait_answer(question)

    def wait_answer(self, question: str) -> None:
        """Until the answer region holds the answer to `question` (the server's cleaned form of it)."""
        cleaned = " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", question).split())
        self.until(lambda d: self.js(
            "const a = document.getElementById('answer');"
            "return a.getAttribute('aria-busy') === 'false' && a.dataset.question === arguments[0];", cleaned),
            f"the answer to {question!r}")

    def query(self) -> dict[str, list[str]]:
        return urllib.parse.parse_qs(urllib.parse.urlsplit(self.driver.current_url).query)

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = base64.b64decode(self.driver.get_screenshot_as_base64())
        assert shot[:8] == b"\x89PNG\r\n\x1a\n" and len(shot) > 10_000, name
        (ARTIFACTS / name).write_bytes(shot)

    def highlighted_lines(self) -> list[int]:
        return self.js("return [...document.querySelectorAll('#note .line.highlight')].map(l => +l.dataset.line)")

    def wait_note(self, doc: str) -> None:
        self.until(lambda d: self.js(
            "const n = document.getElementById('note'); return n.open && n.getAttribute('aria-busy') === 'false'"
            " && n.querySelector('.line') !== null && document.getElementById('note-doc').textContent"
            ".startsWith(arguments[0])", doc), f"the note {doc}")


def _console_problems(entries: list[dict[str, Any]], allowed: list[str]) -> list[str]:
    problems = []
    for entry in entries:
        message = entry["message"]
        if "Content Security Policy" in message or "Refused to" in message:
            problems.append(message)  # a CSP violation, whatever its level
        elif entry["level"] == "SEVERE" and not any(re.search(p, message) for p in allowed):
            problems.append(message)
    return problems


@pytest.fixture()
def page(driver: Any, server: str) -> Iterator[Page]:
    """The browser for one test. Afterwards: no SEVERE console entry and no CSP violation, except the errors the
    test caused on purpose; the stored theme and token are forgotten."""
    driver.get_log("browser")  # what earlier tests left
    driver.set_window_size(1280, 1000)
    # The token as the page keeps it once a person has entered it (test_the_page_asks_for_the_token enters it).
    driver.get(server + "/healthz")
    driver.execute_script("sessionStorage.setItem('confqa-token', arguments[0])", TOKEN)
    current = Page(driver, server)
    yield current
    entries = driver.get_log("browser")
    if driver.current_url.startswith(server):
        driver.execute_script("localStorage.clear(); sessionStorage.clear();")
    problems = _console_problems(entries, current.allowed_console)
    assert not problems, problems


def _citations_by_n(answer: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {c["n"]: c for c in answer["citations"]}


# -- asking --------------------------------------------------------------------------------------------------------
def test_asking_by_typing_shows_a_cited_answer_with_its_sources(page: Page) -> None:
    from selenium.webdriver.common.by import By

    expected = page.api("/api/ask", {"question": BENCHMARKS})
    assert not expected["abstained"] and expected["citations"]
    page.open("/")
    page.ask_by_typing(BENCHMARKS)
    d = page.driver

    answer = d.find_element(By.ID, "answer")
    assert answer.get_attribute("aria-live") == "polite"
    assert "random seeds" in d.find_element(By.ID, "answer-text").text  # keynote-lovelace.md, line 10
    cites = d.find_elements(By.CSS_SELECTOR, "#answer-text button.cite")
    assert cites, "no citation button in the answer"
    assert {int(c.get_attribute("data-n")) for c in cites} == set(_citations_by_n(expected))
    assert all(c.text == f"[{c.get_attribute('data-n')}]" for c in cites)
    assert "abstained" not in answer.get_attribute("class")
    assert d.find_element(By.ID, "confidence").text == f"confidence {expected['confidence']:.2f}"

    sources = d.find_elements(By.CSS_SELECTOR, "#sources > li")
    assert len(sources) == len(expected["citations"])
    display = page.api("/api/ask/display", {"question": BENCHMARKS})["citations"]
    for item, citation, lines in zip(sources, expected["citations"], display):
        quote = item.find_element(By.TAG_NAME, "blockquote")
        shown = page.js("return [...arguments[0].querySelectorAll('.quote-line')].map(l => l.textContent)", quote)
        assert shown == ["".join(span["text"] for span in line) for line in lines]
        assert [line.strip() for line in citation["quote"].splitlines() if line.strip()] == shown  # plain prose
        opener = item.find_element(By.CSS_SELECTOR, "button.open-note")
        assert opener.text.endswith(f"{citation['doc']}:{citation['line_start']}-{citation['line_end']}"
                                    if citation["line_end"] != citation["line_start"]
                                    else f"{citation['doc']}:{citation['line_start']}")
        text = item.text
        for heading in citation["section"].split(" › "):
            assert heading in text
        for speaker in citation["speakers"]:
            assert speaker in text
        if citation["talk"]:
            assert citation["talk"] in text
    # A quote of two lines keeps its line break on screen.
    two_lines = [c for c in expected["citations"] if "\n" in c["quote"]]
    assert two_lines, "the question was chosen for a two-line quote (keynote-lovelace.md, lines 9-10)"
    shown = sources[expected["citations"].index(two_lines[0])].find_element(By.TAG_NAME, "blockquote").text
    assert shown.splitlines() == two_lines[0]["quote"].splitlines()

    assert page.query() == {"q": [BENCHMARKS]}
    assert d.title.startswith(BENCHMARKS)
    page.screenshot("serve-answer.png")


def test_a_citation_opens_the_note_at_exactly_the_quoted_lines(page: Page) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    expected = page.api("/api/ask", {"question": BEST_RESULTS})
    # The citation furthest down its note: a short window must scroll to show it.
    citation = max(expected["citations"], key=lambda c: c["line_start"])
    note = page.api("/api/notes/" + urllib.parse.quote(citation["doc"]))
    page.driver.set_window_size(1280, 560)
    page.open("/")
    page.ask_by_typing(BEST_RESULTS)
    d = page.driver
    cite = d.find_element(By.CSS_SELECTOR, f"#answer-text button.cite[data-n='{citation['n']}']")
    cite.click()
    page.wait_note(citation["doc"])

    lines = list(range(citation["line_start"], citation["line_end"] + 1))
    assert page.highlighted_lines() == lines
    shown = page.js("return [...document.querySelectorAll('#note .line')].map(l => "
                    "[+l.dataset.line, l.querySelector('.text').textContent])")
    assert shown == [[i + 1, text] for i, text in enumerate(note["lines"])]
    quoted = " ".join(text for number, text in shown if number in lines)
    for part in citation["quote"].splitlines():
        assert part.strip() in quoted
    assert all(el.get_attribute("aria-current") == "true"
               for el in d.find_elements(By.CSS_SELECTOR, "#note .line.highlight"))

    dialog = d.find_element(By.ID, "note")
    assert page.js("return arguments[0].open", dialog)
    title = d.find_element(By.ID, dialog.get_attribute("aria-labelledby"))
    assert title.text == note["title"]
    crumbs = d.find_elements(By.CSS_SELECTOR, "#note nav[aria-label='Section'] ol > li")
    assert [c.text for c in crumbs] == citation["section"].split(" › ")
    assert page.js("return arguments[0].contains(document.activeElement)", dialog)
    assert page.js("return arguments[0].getBoundingClientRect().top >= 0", title), "the note's title scrolled away"
    # The first quoted line is inside the visible part of the scrolled lines.
    assert page.js("""
        const box = document.getElementById('note-lines').getBoundingClientRect();
        const line = document.querySelector('#note .line.highlight').getBoundingClientRect();
        return line.top >= box.top && line.bottom <= box.bottom && line.top >= 0 && line.bottom <= innerHeight;""")
    page.screenshot("serve-note.png")

    d.switch_to.active_element.send_keys(Keys.ESCAPE)
    page.until(lambda _: not page.js("return document.getElementById('note').open"), "the note to close")
    assert d.switch_to.active_element == cite


def test_a_talk_filter_is_sent_with_the_question_and_narrows_the_sources(page: Page) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    talks = page.api("/api/talks")
    title = next(t["title"] for t in talks if GARDENING in t["title"])
    unfiltered = page.api("/api/ask", {"question": TWO_TALKS})
    # Without the filter the notes answer from another talk too, so the filter has something to remove.
    assert any(c["talk"] != title for c in unfiltered["citations"])
    page.open("/")
    d = page.driver
    filters = d.find_element(By.ID, "filters")
    assert filters.tag_name == "fieldset" and filters.find_element(By.TAG_NAME, "legend").text
    for name in ("talk", "speaker", "year", "doc"):
        select = d.find_element(By.ID, f"filter-{name}")
        assert select.find_elements(By.CSS_SELECTOR, "option")[0].get_attribute("value") == ""
        assert page.js("return arguments[0].labels.length", select) == 1
    talk_options = [o.get_attribute("value") for o in d.find_elements(By.CSS_SELECTOR, "#filter-talk option")][1:]
    assert sorted(talk_options) == sorted(t["title"] for t in talks)
    documents = page.api("/api/index")["documents"]
    doc_options = [o.get_attribute("value") for o in d.find_elements(By.CSS_SELECTOR, "#filter-doc option")][1:]
    assert sorted(doc_options) == sorted(doc["doc"] for doc in documents)
    years = [o.get_attribute("value") for o in d.find_elements(By.CSS_SELECTOR, "#filter-year option")][1:]
    assert sorted(years) == sorted({str(doc["year"]) for doc in documents if doc["year"] is not None})

    Select(d.find_element(By.ID, "filter-talk")).select_by_visible_text(title)
    page.ask_by_typing(TWO_TALKS)
    assert page.query() == {"q": [TWO_TALKS], "talk": [title]}
    talks_shown = [el.text for el in d.find_elements(By.CSS_SELECTOR, "#sources > li .source-talk strong")]
    assert talks_shown and set(talks_shown) == {title}


def test_a_refusal_of_a_replaced_token_does_not_ask_again(page: Page) -> None:
    """A request sent with a wrong token whose refusal arrives after the reader entered the right one is sent again
    with the right one: the token form stays closed and the reader's typing is not wiped. /api/talks answers late
    here (its responses are held 1.5 s in the page), as a slow server's would."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    page.allowed_console.append(r"status of 401")
    d = page.driver
    late = d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": """
        const realFetch = window.fetch;
        window.fetch = async (...args) => {
          const response = await realFetch(...args);
          if (String(args[0]).includes('/api/talks')) await new Promise(done => setTimeout(done, 1500));
          return response;
        };"""})
    try:
        page.js("sessionStorage.setItem('confqa-token', 'a-stale-token-from-yesterday')")
        page.open("/?" + urllib.parse.urlencode({"q": WHO_PRESENTED}), ready="#auth-form:not([hidden]) #token")
        d.find_element(By.ID, "token").send_keys(TOKEN, Keys.ENTER)  # before /api/talks's refusal arrives
        page.wait_answer(WHO_PRESENTED)
        page.until(lambda _: len(d.find_elements(By.CSS_SELECTOR, "#filter-talk option")) > 1, "the talks")
        assert not d.find_element(By.ID, "auth-form").is_displayed()
        assert page.js("return sessionStorage.getItem('confqa-token')") == TOKEN
    finally:
        d.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": late["identifier"]})


def test_opening_a_link_asks_on_load_and_back_and_forward_restore(page: Page) -> None:
    from selenium.webdriver.common.by import By

    page.open("/?" + urllib.parse.urlencode({"q": WHO_PRESENTED, "year": "2031"}))
    page.wait_answer(WHO_PRESENTED)
    d = page.driver
    assert "Rosalind Franklin" in d.find_element(By.ID, "answer-text").text  # summit-2031.md, line 25
    assert d.find_element(By.ID, "question").get_attribute("value") == WHO_PRESENTED
    assert d.find_element(By.ID, "filter-year").get_attribute("value") == "2031"

    page.ask_by_typing(BENCHMARKS)
    assert page.query()["q"] == [BENCHMARKS] and "year" in page.query()
    d.back()
    page.wait_answer(WHO_PRESENTED)
    assert "Rosalind Franklin" in d.find_element(By.ID, "answer-text").text
    assert d.find_element(By.ID, "question").get_attribute("value") == WHO_PRESENTED
    d.forward()
    page.wait_answer(BENCHMARKS)
    assert "random seeds" in d.find_element(By.ID, "answer-text").text


def test_quotes_show_emphasis_and_formulas_as_the_notebook_does(page: Page) -> None:
    """summit-2031.md: line 25 opens with **Presenters:**, line 28 holds $$L = \\sum_i (y_i - \\hat{y}_i)^2$$."""
    from selenium.webdriver.common.by import By

    page.open("/")
    page.ask_by_typing(WHO_PRESENTED)
    quote = page.driver.find_element(By.CSS_SELECTOR, "#sources blockquote")
    assert [e.text for e in quote.find_elements(By.TAG_NAME, "strong")] == ["Presenters:"]
    assert "**" not in quote.text and "Rosalind Franklin" in quote.text
    page.ask_by_typing("What is the loss of the Gradient Gardening tutorial?")
    quotes = " ".join(q.text for q in page.driver.find_elements(By.CSS_SELECTOR, "#sources blockquote"))
    assert "∑" in quotes and "ŷ" in quotes
    assert "\\sum" not in quotes and "$$" not in quotes


# -- abstention ----------------------------------------------------------------------------------------------------
def test_an_out_of_scope_question_shows_the_abstention_and_the_closest_passages(page: Page) -> None:
    from selenium.webdriver.common.by import By

    expected = page.api("/api/ask", {"question": OUT_OF_SCOPE})
    assert expected["abstained"] and expected["passages"]
    page.open("/")
    page.ask_by_typing(OUT_OF_SCOPE)
    d = page.driver
    answer = d.find_element(By.ID, "answer")
    assert "abstained" in answer.get_attribute("class").split()
    assert "The notes do not answer this" in answer.text
    assert expected["answer"] in answer.text
    assert not d.find_elements(By.CSS_SELECTOR, "#answer-text button.cite")
    assert not d.find_element(By.ID, "sources").is_displayed()
    items = d.find_elements(By.CSS_SELECTOR, "#passages > li")
    assert len(items) == len(expected["passages"])
    display = page.api("/api/ask/display", {"question": OUT_OF_SCOPE})["passages"]
    for item, passage, lines in zip(items, expected["passages"], display):
        shown = page.js("return [...arguments[0].querySelectorAll('blockquote .quote-line')].map(l => l.textContent)",
                        item)
        assert shown == ["".join(span["text"] for span in line) for line in lines]
        words = set(re.findall(r"[^\W_]+", passage["text"]))
        assert [line for line in shown if not set(re.findall(r"[^\W_]+", line)) <= words] == []  # reformatted only
    page.screenshot("serve-abstained.png")

    first = expected["passages"][0]
    opener = items[0].find_element(By.CSS_SELECTOR, "button.open-note")
    opener.click()
    page.wait_note(first["doc"])
    assert page.highlighted_lines() == list(range(first["line_start"], first["line_end"] + 1))
    d.find_element(By.ID, "note-close").click()
    page.until(lambda _: not page.js("return document.getElementById('note').open"), "the note to close")
    assert d.switch_to.active_element == opener


# -- the talk catalogue --------------------------------------------------------------------------------------------
def test_the_talk_catalogue_lists_every_talk_and_links_to_the_ask_view(page: Page) -> None:
    from selenium.webdriver.common.by import By

    talks = page.api("/api/talks")
    assert talks
    page.open("/talks", ready="#talks-table tbody a")
    d = page.driver
    table = d.find_element(By.ID, "talks-table")
    assert table.find_element(By.TAG_NAME, "caption").text
    headers = [th.text for th in table.find_elements(By.CSS_SELECTOR, "thead th[scope='col']")]
    assert headers == ["Title", "Kind", "Speakers", "Notes", "Passages"]
    rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == len(talks)
    for row, talk in zip(rows, talks):
        link = row.find_element(By.TAG_NAME, "a")
        assert link.text == talk["title"]
        url = urllib.parse.urlsplit(link.get_attribute("href"))
        assert f"{url.scheme}://{url.netloc}" == page.base and url.path == "/"
        assert urllib.parse.parse_qs(url.query) == {"talk": [talk["title"]]}
        cells = [td.text for td in row.find_elements(By.TAG_NAME, "td")]
        assert cells[0] == talk["kind"]
        assert all(speaker in cells[1] for speaker in talk["speakers"])
        assert all(doc in cells[2] for doc in talk["docs"])
        assert cells[3] == str(talk["chunks"])
    assert d.find_element(By.ID, "nav-talks").get_attribute("aria-current") == "page"
    page.screenshot("serve-talks.png")

    title = next(t["title"] for t in talks if GARDENING in t["title"])
    d.find_element(By.LINK_TEXT, title).click()
    page.until(lambda _: d.find_element(By.ID, "ask-view").is_displayed(), "the ask view")
    assert not d.find_element(By.ID, "talks-view").is_displayed()
    assert urllib.parse.urlsplit(d.current_url).path == "/" and page.query() == {"talk": [title]}
    page.until(lambda _: d.find_element(By.ID, "filter-talk").get_attribute("value") == title, "the talk filter")
    assert d.find_element(By.ID, "question").get_attribute("value") == ""
    assert "empty" in d.find_element(By.ID, "answer").get_attribute("class").split()  # nothing was asked
    assert d.find_element(By.ID, "nav-ask").get_attribute("aria-current") == "page"


# -- note text is data ---------------------------------------------------------------------------------------------
def test_hostile_note_text_is_shown_as_text(page: Page) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    page.open("/")
    page.ask_by_typing(HOSTILE_QUESTION)
    d = page.driver
    quotes = page.js("return [...document.querySelectorAll('#sources blockquote')].map(q => q.textContent)")
    assert any("<img src=x onerror=alert(1)>" in q for q in quotes), quotes
    cite = next(c for c in d.find_elements(By.CSS_SELECTOR, "#answer-text button.cite")
                if "lighthouse.md" in (c.get_attribute("title") or ""))
    cite.click()
    page.wait_note("lighthouse.md")
    script_line = next(line for line in d.find_elements(By.CSS_SELECTOR, "#note .line")
                       if "<script>" in line.text)
    assert script_line.is_displayed()
    assert "<script>window.pwned=1</script>" in script_line.text
    assert any("<b>talk</b>" in line.text for line in d.find_elements(By.CSS_SELECTOR, "#note .line"))
    assert page.js("return typeof window.pwned") == "undefined"
    assert page.js("return document.images.length") == 0
    assert page.js("return document.querySelectorAll('#note b, #note img, #sources img, #sources b').length") == 0
    assert page.js("return [...document.scripts].map(s => new URL(s.src).pathname)") == ["/static/app.js"]
    with pytest.raises(NoAlertPresentException):
        d.switch_to.alert.text  # noqa: B018 - reading it is what raises


# -- errors --------------------------------------------------------------------------------------------------------
def test_a_server_error_is_shown_in_an_alert(page: Page) -> None:
    from selenium.webdriver.common.by import By

    question = "why " * 600  # longer than the server takes (2000 characters)
    reply = request(page.base, "/api/ask", {"question": question.strip()}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert reply.status == 422 and reply.json()["error"]
    page.allowed_console.append(r"status of 422")
    page.open("/?" + urllib.parse.urlencode({"q": question}))
    d = page.driver
    error = d.find_element(By.ID, "error")
    page.until(lambda _: error.text, "the error alert")
    assert error.get_attribute("role") == "alert" and error.is_displayed()
    assert error.text == reply.json()["error"]
    assert d.find_element(By.ID, "answer").get_attribute("aria-busy") == "false"


def test_the_page_asks_for_the_token_and_sends_it(page: Page) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    assert request(page.base, "/api/talks").status == 401
    page.allowed_console.append(r"status of 401")
    d = page.driver
    page.js("sessionStorage.clear()")
    page.open("/?" + urllib.parse.urlencode({"q": WHO_PRESENTED}), ready="#auth-form:not([hidden]) #token")
    token = d.find_element(By.ID, "token")
    assert token.get_attribute("type") == "password"
    assert page.js("return arguments[0].labels[0].textContent", token) == "Access token"
    assert d.switch_to.active_element == token
    assert d.find_element(By.ID, "answer").get_attribute("aria-busy") == "true"  # the question waits for it

    token.send_keys("not-the-token-at-all", Keys.ENTER)
    page.until(lambda _: "not accepted" in d.find_element(By.ID, "auth-message").text, "the refusal")
    assert d.find_element(By.ID, "auth-form").is_displayed()
    token.send_keys(TOKEN, Keys.ENTER)
    page.wait_answer(WHO_PRESENTED)
    assert "Rosalind Franklin" in d.find_element(By.ID, "answer-text").text
    assert not d.find_element(By.ID, "auth-form").is_displayed()
    assert len(d.find_elements(By.CSS_SELECTOR, "#filter-talk option")) > 1  # the filters' requests were retried too
    assert page.js("return sessionStorage.getItem('confqa-token')") == TOKEN


# -- themes, keyboard, layout --------------------------------------------------------------------------------------
MEASURE = """
const root = arguments[0] ? document.querySelector(arguments[0]) : document.body;
const rgba = s => { const m = s && s.match(/^rgba?\\(([^)]*)\\)$/);
  if (!m) return null; const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
  return p.length === 3 ? p.concat([1]) : p; };
const over = (top, below) => [0, 1, 2].map(i => top[i] * top[3] + below[i] * (1 - top[3])).concat([1]);
function background(el) {
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const c = rgba(getComputedStyle(e).backgroundColor);
    if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
  }
  let bg = [255, 255, 255, 1];
  for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
  return bg;
}
function opacity(el) {
  let o = 1;
  for (let e = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
  return o;
}
const out = [];
function add(el, what, color, bg) {
  const fg = rgba(color);
  if (!fg) { out.push({what: what + ' (unparsed ' + color + ')', fg: [0, 0, 0], bg: [0, 0, 0]}); return; }
  const alpha = fg[3] * opacity(el);
  out.push({what: what, fg: [0, 1, 2].map(i => fg[i] * alpha + bg[i] * (1 - alpha)), bg: bg.slice(0, 3)});
}
for (const el of [root, ...root.querySelectorAll('*')]) {
  if (el.closest('option, script, style, head')) continue;
  const rect = el.getBoundingClientRect();
  if (rect.width <= 1 || rect.height <= 1) continue;  // not rendered, or visually hidden for screen readers
  if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
  const classes = [...el.classList].map(c => '.' + c).join('');
  const label = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + classes;
  const bg = background(el);
  const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  const field = el.matches('input:not([type=hidden]), select, textarea');
  const text = String((field && el.value) || el.textContent).trim().slice(0, 40);
  if (own || field) add(el, label + ': ' + text, getComputedStyle(el).color, bg);
  if (field && el.placeholder && !el.value) {
    add(el, label + '::placeholder', getComputedStyle(el, '::placeholder').color, bg);
  }
  for (const pseudo of ['::before', '::after']) {
    const style = getComputedStyle(el, pseudo);
    const content = (style.content || '').replace(/^(none|normal)$/, '').replace(/["']/g, '').trim();
    if (!content) continue;
    const own = rgba(style.backgroundColor);
    add(el, label + pseudo + ': ' + content, style.color, own && own[3] > 0 ? over(own, bg) : bg);
  }
}
return out;
"""


def _assert_readable(page: Page, state: str, root: str | None = None, at_least: int = 10) -> None:
    measured = page.js(MEASURE, root)
    assert len(measured) >= at_least, (state, measured)
    poor = [(round(contrast(m["fg"], m["bg"]), 2), m["what"]) for m in measured if contrast(m["fg"], m["bg"]) < 4.5]
    assert not poor, (state, poor)


def _choose_theme(page: Page, theme: str) -> None:
    from selenium.webdriver.common.by import By

    toggle = page.driver.find_element(By.ID, "theme-toggle")
    for _ in range(2):
        if page.js("return document.documentElement.dataset.theme") == theme:
            break
        toggle.click()
    assert page.js("return document.documentElement.dataset.theme") == theme
    assert toggle.get_attribute("aria-pressed") == ("true" if theme == "dark" else "false")
    assert page.js("return localStorage.getItem('confqa-theme')") == theme


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_text_reaches_wcag_aacontrast(page: Page, theme: str) -> None:
    from selenium.webdriver.common.by import By

    d = page.driver
    page.open("/")
    before = page.js("return getComputedStyle(document.body).backgroundColor")
    _choose_theme(page, theme)
    # The choice outlives a reload, and the themes differ.
    page.open("/?" + urllib.parse.urlencode({"q": WHO_PRESENTED + "\x07"}))  # a control character: a notice
    page.wait_answer(WHO_PRESENTED)
    assert page.js("return document.documentElement.dataset.theme") == theme
    other = page.js("return getComputedStyle(document.body).backgroundColor")
    assert (other != before) == (page.js("return matchMedia('(prefers-color-scheme: dark)').matches")
                                 != (theme == "dark"))
    assert d.find_elements(By.CSS_SELECTOR, "#notices li"), "the control character gave no notice"
    _assert_readable(page, "answer")
    if theme == "dark":
        page.screenshot("serve-dark.png")

    d.find_element(By.CSS_SELECTOR, "#answer-text button.cite").click()
    page.wait_note("summit-2031.md")
    assert page.highlighted_lines()
    _assert_readable(page, "note", "#note")
    d.find_element(By.ID, "note-close").click()

    page.open("/?" + urllib.parse.urlencode({"q": OUT_OF_SCOPE}))
    page.wait_answer(OUT_OF_SCOPE)
    assert "abstained" in d.find_element(By.ID, "answer").get_attribute("class").split()
    _assert_readable(page, "abstention")

    page.open("/talks", ready="#talks-table tbody a")
    _assert_readable(page, "talks")

    page.allowed_console.append(r"status of 422")
    page.open("/?" + urllib.parse.urlencode({"q": "why " * 600}))
    page.until(lambda _: d.find_element(By.ID, "error").text, "the error alert")
    _assert_readable(page, "error")


THEME_VARIABLES = """
const names = new Set();
for (const sheet of document.styleSheets) for (const rule of sheet.cssRules)
  if (rule.selectorText === ':root[data-theme="dark"]')
    for (const name of rule.style) if (name.startsWith('--')) names.add(name);
const style = getComputedStyle(document.documentElement);
return Object.fromEntries([...names].sort().map(n => [n, style.getPropertyValue(n).trim()]));
"""


def test_the_theme_follows_the_system_until_one_is_chosen(page: Page) -> None:
    from selenium.webdriver.common.by import By

    d = page.driver

    def system(scheme: str) -> None:
        d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme",
                                                                        "value": scheme}]})

    try:
        system("light")
        page.open("/")
        light = page.js(THEME_VARIABLES)
        page.js("document.documentElement.dataset.theme = 'dark'")
        dark = page.js(THEME_VARIABLES)
        assert len(dark) > 10 and light != dark

        system("dark")
        page.open("/")
        toggle = d.find_element(By.ID, "theme-toggle")
        assert page.js("return document.documentElement.dataset.theme") is None
        assert toggle.get_attribute("aria-pressed") == "true"
        # With no choice stored the system's dark scheme gives exactly the dark theme's colours.
        assert page.js(THEME_VARIABLES) == dark
        toggle.click()
        assert page.js("return document.documentElement.dataset.theme") == "light"
        assert toggle.get_attribute("aria-pressed") == "false"
        assert page.js(THEME_VARIABLES) == light
        assert page.js("return localStorage.getItem('confqa-theme')") == "light"
    finally:
        system("")


def test_keyboard_reaches_everything_with_visible_focus(page: Page) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    page.open("/?" + urllib.parse.urlencode({"q": BENCHMARKS}))
    page.wait_answer(BENCHMARKS)
    d = page.driver
    for landmark in ("header", "nav", "main"):
        assert len(d.find_elements(By.TAG_NAME, landmark)) >= 1, landmark
    # Every control has a label (the auth form's token too, while it is hidden); the username field that password
    # managers expect is never shown.
    unlabelled = page.js("return [...document.querySelectorAll("
                         "'input:not([type=hidden]):not([hidden]), select, textarea')]"
                         ".filter(e => !e.labels.length && !e.getAttribute('aria-label')).map(e => e.outerHTML)")
    assert unlabelled == []
    assert page.js("return document.querySelectorAll('[tabindex]:not([tabindex=\"-1\"]):not([tabindex=\"0\"])')"
                   ".length") == 0
    assert page.js("return [...document.querySelectorAll('.cite, .open-note, #theme-toggle')]"
                   ".every(e => e.tagName === 'BUTTON')")

    # The first Tab stop is the skip link, shown when focused; it moves focus to the main content.
    page.js("document.activeElement.blur(); window.scrollTo(0, 0)")
    d.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    skip = d.switch_to.active_element
    assert "skip-link" in skip.get_attribute("class").split()
    assert page.js("const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight", skip)
    skip.send_keys(Keys.ENTER)
    assert d.switch_to.active_element.tag_name == "main"

    # Tab order reaches the question box, with a visible outline.
    for _ in range(30):
        d.switch_to.active_element.send_keys(Keys.TAB)
        if d.switch_to.active_element.get_attribute("id") == "question":
            break
    question = d.switch_to.active_element
    assert question.get_attribute("id") == "question"
    style = page.js("const s = getComputedStyle(arguments[0]); return [s.outlineStyle, parseFloat(s.outlineWidth)]",
                    question)
    assert style[0] != "none" and style[1] >= 2

    # A citation opens from the keyboard, Escape closes, and focus comes back to it.
    for _ in range(30):
        d.switch_to.active_element.send_keys(Keys.TAB)
        if "cite" in (d.switch_to.active_element.get_attribute("class") or "").split():
            break
    cite = d.switch_to.active_element
    assert "cite" in cite.get_attribute("class").split()
    cite.send_keys(Keys.ENTER)
    page.wait_note(_citations_by_n(page.api("/api/ask", {"question": BENCHMARKS}))[1]["doc"])
    assert page.js("return document.getElementById('note').contains(document.activeElement)")
    d.switch_to.active_element.send_keys(Keys.ESCAPE)
    page.until(lambda _: not page.js("return document.getElementById('note').open"), "the note to close")
    assert d.switch_to.active_element == cite


@pytest.mark.parametrize("width", [400, 1400])
def test_the_page_fits_narrow_and_wide_windows(page: Page, width: int) -> None:
    d = page.driver
    # A window cannot be made that narrow; the viewport can (and is what a phone gives the page).
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": 900, "deviceScaleFactor": 1,
                                                             "mobile": False})
    try:
        _fits(page, width)
    finally:
        d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def _fits(page: Page, width: int) -> None:
    from selenium.webdriver.common.by import By

    d = page.driver
    fits = "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    page.open("/?" + urllib.parse.urlencode({"q": BENCHMARKS}))
    assert page.js("return innerWidth") == width
    page.wait_answer(BENCHMARKS)
    assert page.js(fits), "the answer view scrolls sideways"
    assert d.find_element(By.ID, "question").size["width"] >= min(200, width / 2)
    d.find_element(By.CSS_SELECTOR, "#answer-text button.cite").click()
    page.wait_note("talks/keynote-lovelace.md")
    assert page.js("const r = document.getElementById('note').getBoundingClientRect();"
                   "return r.left >= 0 && r.right <= document.documentElement.clientWidth")
    d.find_element(By.ID, "note-close").click()
    page.open("/talks", ready="#talks-table tbody a")
    assert page.js(fits), "the talk catalogue scrolls sideways"
    assert page.js("const w = document.querySelector('.table-wrap'); return w.scrollWidth <= w.clientWidth"), \
        "the talk table scrolls sideways"
    # Wide windows keep lines to a readable length.
    assert page.js("return document.querySelector('main').getBoundingClientRect().width") <= 1200
    body_text = page.js("return parseFloat(getComputedStyle(document.body).fontSize)")
    assert body_text >= 14
