"""How much a person has to read on a results page: words shown and phone screens, JavaScript on and off, FR and EN.

    .venv/bin/python -m bench.reading [--json FILE]

The page is served by the app in this process (a throw-away SQLite database) and read by Debian's Chromium through
Playwright at 390x844 (a phone) and 1280x800. "Words" are those of the main area's rendered text (closed <details>
are not rendered, so what is folded does not count); "screens" are the page's height divided by the window's; "to end of services" how far down the last service line
ends, "pathway and list" the height of the pathway and of the list of other services together (issue 14's target: at
most 2 on a phone).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

# The person issue 14 measures: 19, looking for work, no diploma (Hauts-de-France, looking for a job).
YOUNG_JOB_SEEKER = {"age": 19, "status": "job_seeker", "region": "32", "disability": "none", "education_level": "none",
                    "executive": "false", "goals": "find_job"}
VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 800)}
CHROMIUM = "/usr/bin/chromium"
MEASURE = """() => ({
  words: document.querySelector('main').innerText.split(/\\s+/).filter(Boolean).length,
  height: document.documentElement.scrollHeight,
  first_services: (document.querySelector('#pathway, #first-services') || {getBoundingClientRect: () => ({height: 0})}).getBoundingClientRect().height,
  other_services: (document.querySelector('#other-services') || {getBoundingClientRect: () => ({height: 0})}).getBoundingClientRect().height,
  end_of_services: Math.max(...[...document.querySelectorAll('#other-services, #recommendations')].map(e => e.getBoundingClientRect().bottom + scrollY), 0),
})"""


@contextmanager
def served():
    """The app on a free loopback port, in a thread, until the block ends."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    WSGIRequestHandler.log_request = lambda *args, **kwargs: None  # one line per request would bury the table

    with tempfile.TemporaryDirectory(prefix="pathways-reading-") as work:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(work) / 'reading.sqlite3'}"
        from recommender import create_app

        app = create_app({"RATELIMIT_ENABLED": False})
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            thread.join(timeout=5)
            app.extensions["pathways_store"].close()  # before its database file goes


def measure(base: str) -> list[dict]:
    """Words and screens for each viewport, language and JavaScript setting."""
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for name, (width, height) in VIEWPORTS.items():
            for lang in ("fr", "en"):
                for javascript in (True, False):
                    context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=javascript)
                    page = context.new_page()
                    page.goto(f"{base}/results?{urlencode({**YOUNG_JOB_SEEKER, 'lang': lang})}", wait_until="networkidle")
                    found = page.evaluate(MEASURE)
                    context.close()
                    rows.append({"viewport": name, "lang": lang, "javascript": javascript, "words": found["words"],
                                 "screens": round(found["height"] / height, 1),
                                 "screens_to_end_of_services": round(found["end_of_services"] / height, 2),
                                 "pathway_and_list_screens": round((found["first_services"] + found["other_services"]) / height, 2),
                                 "first_services_screens": round(found["first_services"] / height, 1),
                                 "other_services_screens": round(found["other_services"] / height, 1)})
        browser.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    """Print the table (and write it as JSON when asked)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    options = parser.parse_args(argv)
    with served() as base:
        rows = measure(base)
    print(f"{'viewport':8} {'lang':4} {'JS':3} {'words':>6} {'screens':>8} {'to end of services':>19} {'pathway and list':>17} {'first services':>15} {'other services':>15}")
    for row in rows:
        print(f"{row['viewport']:8} {row['lang']:4} {'on' if row['javascript'] else 'off':3} {row['words']:6} {row['screens']:8} "
              f"{row['screens_to_end_of_services']:19} {row['pathway_and_list_screens']:17} {row['first_services_screens']:15} {row['other_services_screens']:15}")
    if options.json:
        options.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
