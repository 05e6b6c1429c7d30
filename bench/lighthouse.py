"""Lighthouse scores of the start page and a results page, on a phone (390x844) and a desktop, in French.

    npm ci                                  # lighthouse 12.2.3 is a devDependency (package.json)
    .venv/bin/python -m bench.lighthouse [--json FILE]

The app runs under gunicorn with the project's gunicorn.conf.py on a free loopback port (a throw-away SQLite
database); Lighthouse drives Debian's Chromium (CHROME_PATH=/usr/bin/chromium, never a downloaded browser). Targets
(issue 14): performance, accessibility and best practices at least 95, SEO 100. Exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from . import serve
from .reading import YOUNG_JOB_SEEKER
from .serve import ROOT

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
PAGES = {"start": "/?lang=fr", "results": f"/results?{urlencode({**YOUNG_JOB_SEEKER, 'lang': 'fr'})}"}
FORMS = {
    "phone": ["--form-factor=mobile", "--screenEmulation.mobile", "--screenEmulation.width=390", "--screenEmulation.height=844",
              "--screenEmulation.deviceScaleFactor=3"],
    "desktop": ["--preset=desktop"],
}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 95, "accessibility": 95, "best-practices": 95, "seo": 100}


def scores(url: str, form: str, work: Path) -> dict[str, int]:
    """One Lighthouse run: each category's score out of 100."""
    report = work / f"{form}.json"
    command = [str(LIGHTHOUSE), url, "--output=json", f"--output-path={report}", "--quiet", f"--only-categories={','.join(CATEGORIES)}",
               "--chrome-flags=--headless=new --no-sandbox --disable-gpu", *FORMS[form]]
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"}, timeout=300)
    categories = json.loads(report.read_text())["categories"]
    return {name: round(categories[name]["score"] * 100) for name in CATEGORIES}


def database_env(work: Path) -> dict:
    """A throw-away SQLite database with the current schema."""
    url = f"sqlite:///{work / 'lighthouse.sqlite3'}"
    subprocess.run([sys.executable, "-m", "flask", "--app", "recommender", "db", "upgrade"], cwd=ROOT, check=True,
                   env={**os.environ, "DATABASE_URL": url}, capture_output=True)
    return {"DATABASE_URL": url}


def main(argv: list[str] | None = None) -> int:
    """Run every page in every form, print the table, exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the scores to this file")
    options = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        print(f"missing {LIGHTHOUSE}: run `npm ci`", file=sys.stderr)
        return 2
    rows = []
    with tempfile.TemporaryDirectory(prefix="pathways-lighthouse-") as folder:
        work = Path(folder)
        ready = serve.json_body({key: value for key, value in YOUNG_JOB_SEEKER.items() if key not in ("executive", "goals")})
        with serve.served("recommender:create_app()", workers=2, env=database_env(work), log=work / "server.log", ready_body=ready) as (port, _process):
            for page, path in PAGES.items():
                for form in FORMS:
                    rows.append({"page": page, "form": form, **scores(f"http://127.0.0.1:{port}{path}", form, work)})
    print(f"{'page':8} {'form':8} " + " ".join(f"{name:>14}" for name in CATEGORIES))
    for row in rows:
        print(f"{row['page']:8} {row['form']:8} " + " ".join(f"{row[name]:14}" for name in CATEGORIES))
    if options.json:
        options.json.write_text(json.dumps(rows, indent=2) + "\n")
    missed = [f"{row['page']}/{row['form']} {name} {row[name]} < {TARGETS[name]}" for row in rows for name in CATEGORIES if row[name] < TARGETS[name]]
    for line in missed:
        print(f"NOT MET: {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
