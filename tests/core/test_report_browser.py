"""The HTML report in a real browser: Debian's headless Chromium driven by selenium through
Debian's chromium-driver (``.ci/run`` installs both when missing).

One browser serves the module (a few seconds in all). Selenium talks to chromedriver over
loopback TCP; the suite's guard against network connections lets loopback through for these
tests only, and Chromium's host resolver is told to resolve nothing, so the page could not
reach the network even if it tried (its Content-Security-Policy forbids it anyway)."""

from __future__ import annotations

import ipaddress
import socket
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from alinea.report_page import write_report
from alinea.text import fold
from tests.conftest import COMMITTED_DATASET
from tests.core.report_data import HOSTILE, empty_seed, hostile_seed

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SECTIONS = ("summary", "pairs", "glossary")
CHROME_ARGS = (
    "--headless=new",
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--window-size=1280,1000",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()),
    reason="needs Debian's chromium and chromium-driver (apt-get install chromium "
    "chromium-driver; .ci/run installs them)",
)


def _loopback(address: Any) -> bool:
    try:
        return ipaddress.ip_address(address[0]).is_loopback
    except (ValueError, TypeError, IndexError):
        return False


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    guarded = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6) and _loopback(address):
            socket.socket.__mro__[1].connect(self, address)  # type: ignore[attr-defined]
        else:
            guarded(self, address)

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in CHROME_ARGS:
        options.add_argument(argument)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", connect)
        patch.setenv("SE_OFFLINE", "true")  # Selenium Manager never looks anything up
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        try:
            yield driver
        finally:
            driver.quit()


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    write_report(COMMITTED_DATASET, out)
    return out


@pytest.fixture
def page(browser: Any, seed_report: Path) -> Any:
    """The seed report, freshly loaded; the browser's log read empty before each test."""
    browser.get(seed_report.as_uri())
    browser.get_log("browser")
    return browser


def problems(driver: Any) -> list[dict[str, Any]]:
    return [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]


def column(driver: Any, index: int) -> list[str]:
    """The text of one column of the glossary rows shown (one script call, not one per cell)."""
    script = (
        "return Array.from(document.querySelectorAll('#glossary-table tbody tr:not(.detail)'),"
        " (row) => row.cells[arguments[0]].textContent)"
    )
    return list(driver.execute_script(script, index))


def png_colours(png: bytes) -> set[bytes]:
    """The distinct pixel values of an 8-bit, non-interlaced RGB(A) PNG (what Chromium
    writes), decoded with zlib and the five PNG filters."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = {}, 8
    data = b""
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind, body = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        chunks[kind] = body
        data += body if kind == b"IDAT" else b""
        at += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert (depth, interlace) == (8, 0) and colour in (2, 6)
    step = 3 if colour == 2 else 4
    stride = width * step
    raw = zlib.decompress(data)
    previous = bytearray(stride)
    colours: set[bytes] = set()
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for x in range(stride):
            a = line[x - step] if x >= step else 0
            b = previous[x]
            c = previous[x - step] if x >= step else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        colours.update(bytes(line[x : x + step]) for x in range(0, stride, step * 7))
        previous = line
    return colours


def test_page_loads_without_console_errors(page: Any) -> None:
    from selenium.webdriver.common.by import By

    assert page.title == "pyongyang-summit-2024 — alinea report"
    assert len(page.find_elements(By.CSS_SELECTOR, "#pairs-list article.pair")) == 18
    assert len(page.find_elements(By.CSS_SELECTOR, "#glossary-table tbody tr")) == 50  # a page
    assert "Entries 1–50 of 132 matching, 132 in all." in page.page_source
    assert problems(page) == []


def test_filter_asistencia_keeps_assistencia_mutua_and_opens_its_concordance(page: Any) -> None:
    from selenium.webdriver.common.by import By

    page.find_element(By.ID, "filter").send_keys("asistencia")
    rows = page.find_elements(By.CSS_SELECTOR, "#glossary-table tbody tr")
    pt_terms = [row.find_elements(By.TAG_NAME, "td")[1].text.split("\n")[0] for row in rows]
    assert "assistência mútua" in pt_terms
    assert 0 < len(rows) < 146  # the unrelated ones are hidden
    for row in rows:  # accent-insensitive, over both languages and the variants
        assert "asistencia" in fold(row.text)
    assert not [t for t in pt_terms if t in ("Kim Jong-un", "Coreia do Norte")]
    row = rows[pt_terms.index("assistência mútua")]
    button = row.find_element(By.CSS_SELECTOR, "button.open")
    assert button.get_attribute("aria-expanded") == "false"
    button.click()
    detail = page.find_element(By.CSS_SELECTOR, "#glossary-table tr.detail")
    for lang, term in (("pt", "assistência mútua"), ("es", "asistencia mutua")):
        lines = detail.find_elements(By.CSS_SELECTOR, f"ol[lang={lang}] li")
        assert lines, lang
        for line in lines:
            marks = [fold(m.text) for m in line.find_elements(By.TAG_NAME, "mark")]
            assert fold(term) in marks
    opened = page.find_element(By.CSS_SELECTOR, "button.open[aria-expanded=true]")
    assert opened == page.switch_to.active_element  # focus stays on the entry's button
    assert problems(page) == []


def test_keyboard_moves_from_the_filter_through_the_table(page: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    field = page.find_element(By.ID, "filter")
    field.click()
    buttons = page.find_elements(By.CSS_SELECTOR, "#glossary-table button.open")
    field.send_keys(Keys.ARROW_DOWN)
    assert page.switch_to.active_element == buttons[0]
    page.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    assert page.switch_to.active_element == buttons[1]
    page.switch_to.active_element.send_keys(Keys.ENTER)
    active = page.switch_to.active_element
    assert active.get_attribute("aria-expanded") == "true"
    assert len(page.find_elements(By.CSS_SELECTOR, "#glossary-table tr.detail")) == 1
    active.send_keys(Keys.ARROW_UP)
    page.switch_to.active_element.send_keys(Keys.ARROW_UP)
    assert page.switch_to.active_element == page.find_element(By.ID, "filter")
    field.send_keys("zzzz-no-such-term")
    assert "No entry matches" in page.find_element(By.ID, "glossary-count").text
    field.send_keys(Keys.ESCAPE)
    assert field.get_attribute("value") == ""
    assert problems(page) == []


def test_sorting_by_frequency_is_stated_in_text(page: Any) -> None:
    from selenium.webdriver.common.by import By

    header = page.find_element(By.CSS_SELECTOR, "th[data-sort=es_freq]")
    header.find_element(By.TAG_NAME, "button").click()
    assert header.get_attribute("aria-sort") == "descending"
    freqs = [int(text) for text in column(page, 7)]
    assert freqs == sorted(freqs, reverse=True) and freqs[0] > freqs[-1]
    header.find_element(By.TAG_NAME, "button").click()
    assert header.get_attribute("aria-sort") == "ascending"


@pytest.mark.parametrize(("select", "value", "index", "expected"),
                         [("type-filter", "acronym", 3, 4), ("status-filter", "unpaired", 4, 39)])  # fmt: skip
def test_type_and_status_filters(
    page: Any, select: str, value: str, index: int, expected: int
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(page.find_element(By.ID, select)).select_by_value(value)
    assert set(column(page, index)) == {value}
    assert f"of {expected} matching" in page.find_element(By.ID, "glossary-count").text


def test_glossary_pages(page: Any) -> None:
    from selenium.webdriver.common.by import By

    count = page.find_element(By.ID, "glossary-count")
    pager = page.find_element(By.ID, "glossary-pager")
    assert "Page 1 of 3" in pager.text
    pager.find_elements(By.TAG_NAME, "button")[1].click()
    assert count.text.startswith("Entries 51–100 of 132 matching")
    assert "Page 2 of 3" in page.find_element(By.ID, "glossary-pager").text
    page.find_element(By.ID, "filter").send_keys("a")  # a new filter starts at page 1
    assert count.text.startswith("Entries 1–")


def test_hovering_a_word_marks_its_links(page: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    pair = page.find_element(By.CSS_SELECTOR, "#pairs-list article.pair")
    token = pair.find_element(By.CSS_SELECTOR, ".tok.has-link[data-side='0']")
    ActionChains(page).move_to_element(token).perform()
    assert "active" in token.get_attribute("class")
    linked = pair.find_elements(By.CSS_SELECTOR, ".tok.linked[data-side='1']")
    assert linked and token.get_attribute("title").startswith("↔ ")
    ActionChains(page).move_to_element(page.find_element(By.TAG_NAME, "h1")).perform()
    assert not pair.find_elements(By.CSS_SELECTOR, ".tok.linked")


@pytest.mark.parametrize("section", SECTIONS)
def test_each_section_screenshot_is_not_blank(page: Any, section: str) -> None:
    from selenium.webdriver.common.by import By

    element = page.find_element(By.ID, section)
    page.execute_script("arguments[0].scrollIntoView()", element)
    colours = png_colours(element.screenshot_as_png)
    assert len(colours) > 5, section


def test_hostile_text_renders_as_text(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    out = tmp_path / "report.html"
    write_report(hostile_seed(tmp_path), out)
    browser.get(out.as_uri())
    assert browser.title.endswith("alinea report")  # no injected script renamed the page
    first = browser.find_element(By.CSS_SELECTOR, "#pairs-list article.pair")
    assert HOSTILE[2] in first.find_element(By.CSS_SELECTOR, ".side").text  # its tokens
    browser.find_element(By.ID, "filter").send_keys("<b>x")
    [row] = browser.find_elements(By.CSS_SELECTOR, "#glossary-table tbody tr")
    row.find_element(By.CSS_SELECTOR, "button.open").click()
    lines = browser.find_elements(By.CSS_SELECTOR, "#glossary-table tr.detail ol[lang=pt] li")
    assert any(HOSTILE[0] in line.text for line in lines)
    assert [m.text for m in lines[0].find_elements(By.TAG_NAME, "mark")] == ["<b>x</b>"]
    assert not browser.find_elements(By.CSS_SELECTOR, "main b")
    assert problems(browser) == []


def test_empty_dataset_page_has_no_errors(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    out = tmp_path / "report.html"
    write_report(empty_seed(tmp_path), out)
    browser.get(out.as_uri())
    assert "no sentence pairs" in browser.find_element(By.ID, "pairs-list").text
    assert browser.find_element(By.ID, "glossary-count").text == "No entry matches (0 in all)."
    assert problems(browser) == []
