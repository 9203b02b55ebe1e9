"""Regenerate the README's images from ``sample_data``: the chart, and the page on a phone.

Usage (from the repository's root, with the dev extra and Debian's chromium and
chromium-driver installed)::

    python docs/images/regenerate.py

Runs ``loadwatch analyze sample_data --out`` into a temporary folder with the sample's own
as-of day, copies its ``weekly-risk.png`` here, and photographs its ``index.html`` in headless
chromium at a phone's width (390 CSS pixels, the first screen: ``page-phone.png``) and at a
laptop's (1280 pixels: ``page-laptop.png``). Nothing reaches the network: the page is opened
from disk and Selenium is told the driver's path (``SE_OFFLINE``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
#: The last day of the sample's sixteenth and newest week (sample_data/README.txt).
AS_OF = "2026-09-20"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
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
    "--hide-scrollbars",
)
#: Each screenshot: its file, the window's width and height in CSS pixels.
SHOTS = (("page-phone.png", 390, 844), ("page-laptop.png", 1280, 900))


def _analyse(out: Path, cache: Path) -> None:
    command = [sys.executable, "-m", "loadwatch", "analyze", "sample_data", "--out", str(out)]
    command += ["--as-of", AS_OF, "--cache", str(cache), "-q"]
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def _photograph(page: Path, profile: Path) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"
    options = Options()
    options.binary_location = CHROMIUM
    for switch in (*SWITCHES, f"--user-data-dir={profile}"):
        options.add_argument(switch)
    browser = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        for name, width, height in SHOTS:
            browser.set_window_size(width, height)
            inner = browser.execute_script("return window.innerWidth")
            browser.set_window_size(2 * width - inner, height)
            browser.get(page.as_uri())
            browser.save_screenshot(str(HERE / name))
            print(f"wrote {HERE / name}")
    finally:
        browser.quit()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="loadwatch-images-") as scratch:
        work = Path(scratch)
        _analyse(work / "out", work / "cache.sqlite3")
        shutil.copyfile(work / "out" / "weekly-risk.png", HERE / "weekly-risk.png")
        print(f"wrote {HERE / 'weekly-risk.png'}")
        _photograph(work / "out" / "index.html", work / "chromium")


if __name__ == "__main__":
    main()
