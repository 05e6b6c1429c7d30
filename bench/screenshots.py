"""Take the README's screenshots of the results page: .venv/bin/python -m bench.screenshots

The 19-year-old job seeker without a diploma in Hauts-de-France (issue 14's person), in French, on a phone (390x844:
its first two screens, where the pathway and the list of the other services must fit) and on a desktop (1280x800).
The app is served in this process (bench/reading.py's throw-away database) and photographed by Debian's Chromium.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from .reading import CHROMIUM, VIEWPORTS, YOUNG_JOB_SEEKER, served

FOLDER = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
SHOTS = {"phone": ("results-phone.png", 2), "desktop": ("results.png", 1)}  # file, screens shown


def main() -> int:
    """Write docs/screenshots/results-phone.png and results.png."""
    from playwright.sync_api import sync_playwright

    with served() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for name, (file, screens) in SHOTS.items():
            width, height = VIEWPORTS[name]
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(f"{base}/results?{urlencode({**YOUNG_JOB_SEEKER, 'lang': 'fr'})}", wait_until="networkidle")
            page.screenshot(path=str(FOLDER / file), clip={"x": 0, "y": 0, "width": width, "height": height * screens}, full_page=True)
            page.close()
            print(FOLDER / file)
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
