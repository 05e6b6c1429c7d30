"""Take the README's screenshot of the widget on the demo partner's page: .venv/bin/python docs/screenshots/widget.py

Serves Pathways and the demo partner's site (recommender/cli/demo.py) on two local ports, as `flask --app recommender demo`
does, answers the questions inside the widget and photographs the page with Debian's Chromium (apt-get install chromium).
"""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from recommender import create_app  # noqa: E402
from recommender.cli.demo import partner_site  # noqa: E402
from recommender.storage import db, partners  # noqa: E402
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

ANSWERS = ("Looking for work", "Hauts-de-France", "No", "No diploma", "No")


def serve(app) -> tuple[str, object]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def main() -> None:
    """A 19-year-old job seeker's results, in English, in the widget on the demo town hall's page, 1280 px wide."""
    app = create_app({"DATABASE_URL": f"sqlite:///{Path(tempfile.mkdtemp()) / 'pathways.sqlite3'}"})
    pathways_url, pathways = serve(app)
    partner_url, partner = serve(partner_site(pathways_url, "demo"))
    with db.store(app).session() as session:
        partners.add(session, slug="demo", name="Mairie de Saint-Exemple (démo)", origins=[partner_url], accent="#5b2a86")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(f"{partner_url}/?lang=en")
        frame = page.frame_locator("iframe")
        frame.get_by_role("link", name="Start now").click()
        frame.get_by_label("How old are you?").fill("19")
        frame.get_by_role("button", name="Continue").click()
        for label in ANSWERS:
            frame.get_by_label(label, exact=True).check()
            frame.get_by_role("button", name="Continue").click()
        frame.get_by_label("Find a job").check()
        frame.get_by_role("button", name="Continue").click()
        frame.get_by_role("link", name="See my results").click()
        page.wait_for_function("() => window.pathwaysEvents.some(e => e.type === 'pathways:results')")
        page.evaluate("() => window.scrollTo(0, 0)")  # the partner's own header in view, above the widget
        page.wait_for_timeout(300)
        page.screenshot(path=str(Path(__file__).with_name("widget.png")))
        browser.close()
    pathways.shutdown()
    partner.shutdown()


if __name__ == "__main__":
    main()
