"""Pages that say who stands behind the service: the legal notice and the accessibility statement.

Who publishes and hosts a copy of Pathways is known only to whoever runs it: the settings say it (PATHWAYS_PUBLISHER,
PATHWAYS_CONTACT...), and what is not set is shown as "to be set by whoever runs this service", never invented.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, current_app

from .keep import site_address
from .pages import render
from .questionnaire import bp

# The settings of the legal notice, in the order the page lists them (LCEN, art. 6-III: publisher, director, host).
STATEMENT_DATE = "2026-12-01"  # when the accessibility statement was last drawn up from the measured results
OPERATOR_SETTINGS = ("PUBLISHER", "PUBLISHER_ADDRESS", "PUBLICATION_DIRECTOR", "CONTACT", "HOST", "HOST_ADDRESS")


@dataclass(frozen=True)
class Operator:
    """Who runs this copy of the service, as its settings say ("" for what is not set)."""

    publisher: str
    publisher_address: str
    publication_director: str
    contact: str
    host: str
    host_address: str

    @property
    def complete(self) -> bool:
        """Whether every item of the legal notice was set by whoever runs the service."""
        return all((self.publisher_address, self.publication_director, self.contact, self.host, self.host_address))

    @property
    def contact_href(self) -> str | None:
        """A link for the contact: mailto: for an address, the web address itself, or None."""
        if "@" in self.contact and " " not in self.contact:
            return f"mailto:{self.contact}"
        return self.contact if self.contact.startswith(("https://", "http://")) else None


def operator() -> Operator:
    """The operator's details from the settings."""
    config = current_app.config
    return Operator(*(str(config.get(name) or "").strip() for name in OPERATOR_SETTINGS))


@bp.app_context_processor
def _operator_helper() -> dict:
    """Every page may name who maintains the information (results, footer)."""
    return {"operator": operator}


@bp.get("/legal")
def legal() -> Response:
    """The legal notice: publisher, publication director, contact, host."""
    return render("questionnaire/legal.html", details=operator())


@bp.get("/accessibility")
def accessibility() -> Response:
    """The accessibility statement, in the RGAA's form, with what was measured and what is not yet compliant."""
    return render("questionnaire/accessibility.html", details=operator(), site=site_address(),
                  statement_date=STATEMENT_DATE)
