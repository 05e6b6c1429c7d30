"""Take the README's screenshot of the results page: .venv/bin/python docs/screenshots/take.py

Serves the app on a free local port and photographs it with Debian's Chromium (apt-get install chromium).
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from recommender import create_app  # noqa: E402
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, query  # noqa: E402

PERSON = {"age": "24", "status": "job_seeker", "region": "84", "disability": "unrecognised", "education_level": "level4", "executive": "false", "goals": ["find_job", "train"]}


def main() -> None:
    """Results for a 24-year-old job seeker in Auvergne-Rhône-Alpes, in English, 1024 px wide."""
    server = make_server("127.0.0.1", 0, create_app({"DATABASE_URL": "sqlite://"}), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1024, "height": 1300})
        page.goto(f"http://127.0.0.1:{server.server_port}/results?{query(PERSON, lang='en')}")
        page.screenshot(path=str(Path(__file__).with_name("results.png")))
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
