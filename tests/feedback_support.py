"""Feedback tokens as a client gets them: from the API's answer, or from the form of a results page."""

from __future__ import annotations

import re
from urllib.parse import urlencode

PROFILE_FIELDS = ("age", "status", "region", "disability", "education_level", "executive", "goals")


def api_token(client, body: dict, **headers) -> str:
    """The feedback_token of a recommendations answer for the profile in `body`."""
    profile = {key: value for key, value in body.items() if key in PROFILE_FIELDS}
    answer = client.post("/api/v1/recommendations", json=profile, headers=headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()["feedback_token"]


def page_token(client, answers: dict, prefix: str = "") -> str:
    """The token in the feedback forms of a results page (site, or a widget under `prefix`)."""
    page = client.get(f"{prefix}/results?{urlencode(answers, doseq=True)}")
    assert page.status_code == 200, page.status_code
    found = re.search(r'name="token" value="([^"]+)"', page.get_data(as_text=True))
    assert found, "the results page offers no feedback form"
    return found.group(1)
