"""The page in a real browser (Debian's chromium through Selenium), at a phone's and a desktop's
width: nothing overflows, no console error, text of 12 px or more, the card says what
``latest.json`` says, a week opens to its runs, older weeks behind their toggle, and a
``<script>`` from a file shown as text, running nothing.

The pages are built from ``sample_data`` and a generated long history by ``loadwatch analyze
--out`` and opened from disk (``file://``). The tests skip where chromium or chromedriver is
missing, except on CI (``CI=true``), where they fail: ``.ci/run`` installs both.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.pages import LONG_AS_OF, SAMPLE_DATA, SCRIPT_FILE, SCRIPT_NAME, build_page, long_history

#: Debian's packages ``chromium`` and ``chromium-driver``.
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
#: A phone's width (an iPhone 12 to 15) and a laptop's, in CSS pixels.
WIDTHS = (390, 1280)
#: The smallest text a reader should have to read, in CSS pixels.
MIN_FONT_PX = 12.0
#: Chromium's switches: headless, and nothing that reaches the network or a profile.
SWITCHES = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
)

Page = tuple[Path, dict[str, Any]]


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A headless chromium, shared by the module's tests; skips (fails on CI) without one."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    try:
        from selenium import webdriver
    except ImportError:  # pragma: no cover - the dev extra brings it
        missing.append("selenium (the dev extra)")
    if missing:  # pragma: no cover - CI and the dev machines have them
        if os.environ.get("CI"):
            pytest.fail(f"the browser tests need {', '.join(missing)} on CI (.ci/run installs it)")
        pytest.skip(f"no {', '.join(missing)}: install Debian's chromium and chromium-driver")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for switch in SWITCHES:
        options.add_argument(switch)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=str(CHROMEDRIVER))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SE_OFFLINE", "true")  # Selenium Manager never looks a driver up online
        browser = webdriver.Chrome(options=options, service=service)
        try:
            yield browser
        finally:
            browser.quit()


@pytest.fixture(scope="module")
def sample_page(tmp_path_factory: pytest.TempPathFactory) -> Page:
    """The page of ``sample_data``, and its ``latest.json``."""
    return build_page(SAMPLE_DATA, tmp_path_factory.mktemp("sample") / "out")


@pytest.fixture(scope="module")
def long_page(tmp_path_factory: pytest.TempPathFactory) -> Page:
    """The page of a 60-week history with a gap and hostile names, and its ``latest.json``."""
    folder = long_history(tmp_path_factory.mktemp("long"))
    return build_page(folder, folder.parent / "out", "--as-of", LONG_AS_OF)


def _open(driver: Any, page: Path, width: int) -> None:
    """``page`` from disk in a window ``width`` CSS pixels wide inside."""
    driver.set_window_size(width, 900)
    inner = driver.execute_script("return window.innerWidth")
    if inner != width:  # the frame's width, where a browser has one
        driver.set_window_size(2 * width - inner, 900)
    driver.get(page.as_uri())
    driver.get_log("browser")  # what an earlier page logged is not this page's
    driver.refresh()
    assert driver.execute_script("return window.innerWidth") == width


def _by_css(driver: Any, selector: str) -> Any:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, selector)


#: Visible elements whose own text is smaller than the minimum: tag, size and the text.
SMALL_TEXT = """
const small = [];
for (const el of document.body.querySelectorAll('*')) {
  const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  if (!own || el.getClientRects().length === 0) continue;
  const px = parseFloat(getComputedStyle(el).fontSize);
  if (px < arguments[0]) small.push([el.tagName, px, el.textContent.slice(0, 40)]);
}
return small;
"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("which", ["sample_page", "long_page"])
def test_fits_the_width_reads_and_logs_no_error(
    driver: Any, width: int, which: str, request: pytest.FixtureRequest
) -> None:
    """No horizontal overflow, no console error, no text under 12 px, the chart as wide as
    the page at most, with a week's runs open too."""
    page, report = request.getfixturevalue(which)
    _open(driver, page, width)
    for state in ("closed", "runs open"):
        if state == "runs open":
            _by_css(driver, "a.week-link").click()
            newest = report["weeks"][-1]["week_start"]
            assert _by_css(driver, f"#runs-{newest}").is_displayed()
        scroll = driver.execute_script("return document.documentElement.scrollWidth")
        assert scroll <= width, f"{state}: the page is {scroll} px wide in {width}"
        assert driver.execute_script(SMALL_TEXT, MIN_FONT_PX) == []
    chart = _by_css(driver, "figure img")
    assert 0 < chart.size["width"] <= width
    errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_card_shows_what_latest_json_says(driver: Any, sample_page: Page, width: int) -> None:
    """The card's runs, distance, time and next-week budget are the JSON's, at the top."""
    page, report = sample_page
    _open(driver, page, width)
    week = report["weeks"][-1]
    budget = week["next_week"]
    minutes = round(week["duration_s"] / 60)
    expected = {
        "runs": str(week["runs"]),
        "distance": f"{week['distance_km']:.1f} km",
        "time": f"{minutes // 60}:{minutes % 60:02d} h",
        "risk": f"{week['risk']} risk",
        "next-distance": f"{budget['max_km']:.1f} km",
        "next-runs": f"{budget['max_runs']} runs",
        "next-longest": f"{budget['longest_run_km']:.1f} km",
    }
    shown = {key: _by_css(driver, f"#card-{key}").text for key in expected}
    assert shown == expected
    card = _by_css(driver, "#status")
    assert card.location["y"] < 200 and card.is_displayed()  # the first thing on the page
    assert _by_css(driver, "#card-distance").location["x"] + 10 < width


@pytest.mark.parametrize("width", WIDTHS)
def test_a_week_opens_to_its_runs(driver: Any, sample_page: Page, width: int) -> None:
    """Clicking a week's date shows its runs, one row each, with the JSON's distances."""
    page, report = sample_page
    _open(driver, page, width)
    week = report["weeks"][-2]["week_start"]
    runs = _by_css(driver, f"#runs-{week}")
    assert not runs.is_displayed()
    _by_css(driver, f'a[href="#runs-{week}"]').click()
    assert runs.is_displayed()
    later = [w["week_start"] for w in report["weeks"]][-1]
    mine = [a for a in report["activities"] if week <= a["start"][:10] < later]
    rows = runs.find_elements("css selector", "table.runs-table > tbody > tr")
    assert len(rows) == len(mine) > 0
    first = rows[0].text
    assert mine[0]["start"][:10] in first and f"{mine[0]['distance_km']:.2f}" in first


def test_older_weeks_wait_behind_their_toggle(driver: Any, long_page: Page) -> None:
    """On a long history the 27th week back is hidden until the toggle opens, without script."""
    page, report = long_page
    _open(driver, page, 390)
    visible = driver.execute_script(
        "return [...document.querySelectorAll('a.week-link')].filter("
        "a => a.checkVisibility()).length"
    )
    assert visible == 26
    oldest = _by_css(driver, f'a[href="#runs-{report["weeks"][0]["week_start"]}"]')
    assert not oldest.is_displayed()
    _by_css(driver, "details.older > summary").click()
    assert oldest.is_displayed()
    gap = _by_css(driver, "tbody.rest")
    assert gap.is_displayed() and "no runs for 8 weeks" in gap.text


@pytest.mark.parametrize("width", WIDTHS)
def test_a_script_from_a_file_is_text_and_runs_nothing(
    driver: Any, long_page: Page, width: int
) -> None:
    """A <script> in a GPX name and in a file name show as text; none of it runs."""
    page, report = long_page
    _open(driver, page, width)
    _by_css(driver, "a.week-link").click()
    newest = _by_css(driver, f"#runs-{report['weeks'][-1]['week_start']}")
    assert SCRIPT_NAME in newest.text and SCRIPT_FILE in newest.text
    assert driver.execute_script("return window.pwned === undefined")
    assert driver.execute_script("return document.scripts.length") == 0
    assert driver.get_log("browser") == []
