"""The API's docs page (/docs) in a real headless Chromium: Swagger UI from the server's own files renders every
operation under the server's Content-Security-Policy, with nothing fetched elsewhere and no console error."""

from __future__ import annotations

import pytest

from browser import chromium
from serving import running_server

pytest.importorskip("fastapi", reason="confqa serve needs the serve extra: pip install 'confqa[serve]'")


def test_the_docs_page_renders_every_operation_offline(fixture_index) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _, index_dir = fixture_index
    with running_server(index_dir) as base:
        driver = chromium("--window-size=1200,900", console=True)
        try:
            driver.get(base + "/docs")
            WebDriverWait(driver, 30).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".opblock")) >= 7)
            paths = {e.text for e in driver.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")}
            resources = driver.execute_script(
                "return performance.getEntriesByType('resource').map(e => e.name)")
            problems = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
        finally:
            driver.quit()
    assert {"/api/ask", "/api/talks", "/api/notes/{doc}", "/healthz"} <= {p.replace("\u200b", "") for p in paths}
    assert resources and all(name.startswith(base) for name in resources)
    assert not problems, problems
