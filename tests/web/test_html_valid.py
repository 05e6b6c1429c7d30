"""Every page is valid HTML for the W3C's Nu HTML checker (npm vnu-jar, run with the machine's Java): a browser,
a screen reader or a partner's page never has to guess what a broken page meant."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from recommender.cli.demo import partner_site
from tests.partner_support import add_partner

from .conftest import YOUNG, query
from .test_browser import PAGES

ROOT = Path(__file__).resolve().parents[2]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Pages reached by a form sent with mistakes (the error summaries), besides those any address opens.
POSTED = {
    "step-with-error": ("/questions/age", {"age": "thirty", "lang": "en"}),
    "report-with-errors": ("/report", {**YOUNG, "service": "cep", "comment": "", "lang": "fr"}),
    "feedback-refused": ("/feedback", {**YOUNG, "service_id": "nope", "useful": "yes", "lang": "en"}),
}
OTHERS = {"api-docs": "/api/v1/docs", "stats": "/stats", "widget-results": f"/embed/{{slug}}/results?{query(YOUNG)}"}


@pytest.fixture(scope="module")
def partner(app) -> str:
    """A partner whose widget pages are checked too."""
    add_partner(app, "html-check", "https://html-check.example")
    return "html-check"


def nu_errors(files: list[Path]) -> list[str]:
    """The checker's errors for these files, one line each (file, line, message)."""
    java = shutil.which("java")
    if java is None or not VNU.is_file():
        pytest.fail("the Nu HTML checker needs Java (apt-get install default-jre-headless) and `npm ci` (vnu-jar)")
    done = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout", *map(str, files)],
                          capture_output=True, text=True, timeout=300)
    messages = json.loads(done.stdout or "{}").get("messages", [])
    return [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')} [{m.get('extract', '').strip()[:80]}]" for m in messages]


def test_every_page_is_valid_html(client, tmp_path, partner):
    pages = {f"{name}-{lang}": client.get(f"{path}{'&' if '?' in path else '?'}lang={lang}") for name, path in PAGES.items() for lang in ("fr", "en")}
    pages |= {name: client.post(path, data=form) for name, (path, form) in POSTED.items()}
    pages |= {name: client.get(path.format(slug=partner)) for name, path in OTHERS.items()}
    site = partner_site("http://127.0.0.1:5000", partner).test_client()
    pages |= {"demo-partner-fr": site.get("/"), "demo-partner-en": site.get("/?lang=en")}
    files = []
    for name, response in pages.items():
        assert "<html" in response.get_data(as_text=True), name
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(response.data)
    assert nu_errors(files) == []
