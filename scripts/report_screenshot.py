"""Screenshots of the HTML report of the committed seed dataset, for the README.

Opens ``datasets/pyongyang-summit-2024/exports/report.html`` in Debian's headless Chromium
(selenium, ``/usr/bin/chromedriver``; nothing is downloaded) and writes two PNGs:

- ``docs/report.png``: the glossary filtered by ``asistencia``, its entry opened (concordance in
  both languages, the term highlighted);
- ``docs/report-pairs.png``: the sentence pairs, with the links of the word under the pointer
  (`assistência`) marked.

    .venv/bin/python scripts/report_screenshot.py [--report FILE] [--out-dir docs]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

REPO = Path(__file__).resolve().parent.parent
REPORT = REPO / "datasets" / "pyongyang-summit-2024" / "exports" / "report.html"
ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--hide-scrollbars",
    "--window-size=1100,820",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)


def driver() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ARGS:
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def scroll_to(browser: webdriver.Chrome, element_id: str) -> None:
    browser.execute_script(f"document.getElementById('{element_id}').scrollIntoView()")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--report", type=Path, default=REPORT)
    parser.add_argument("--out-dir", type=Path, default=REPO / "docs")
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    browser = driver()
    try:
        browser.get(args.report.resolve().as_uri())
        field = browser.find_element(By.ID, "filter")
        field.send_keys("asistencia")
        browser.find_element(By.CSS_SELECTOR, "#glossary-table button.open").click()
        scroll_to(browser, "glossary")
        browser.save_screenshot(str(args.out_dir / "report.png"))
        browser.get(args.report.resolve().as_uri())
        scroll_to(browser, "pairs-title")
        pair = browser.find_element(By.CSS_SELECTOR, "#pairs-list article.pair")
        word = pair.find_element(By.XPATH, ".//span[@data-side='0' and text()='assistência']")
        ActionChains(browser).move_to_element(word).perform()
        browser.save_screenshot(str(args.out_dir / "report-pairs.png"))
    finally:
        browser.quit()
    for name in ("report.png", "report-pairs.png"):
        print(args.out_dir / name)


if __name__ == "__main__":
    main()
