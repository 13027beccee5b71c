"""The API's docs page (/docs) in a real headless Chromium: Swagger UI from the server's own files renders every
operation under the server's Content-Security-Policy, with nothing fetched elsewhere and no console error."""

from __future__ import annotations

import shutil

import pytest

from serving import running_server

pytest.importorskip("fastapi", reason="confqa serve needs the serve extra: pip install 'confqa[serve]'")


def test_the_docs_page_renders_every_operation_offline(fixture_index) -> None:  # type: ignore[no-untyped-def]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not (chromium and driver_path):
        pytest.skip("needs Debian's chromium and chromium-driver: apt-get install chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1200,900"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    _, index_dir = fixture_index
    with running_server(index_dir) as base:
        driver = webdriver.Chrome(service=Service(driver_path), options=options)
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
