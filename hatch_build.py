"""Wheel build hook: ship the folders that live beside the package in a checkout, inside it, in regular wheels."""

from __future__ import annotations

from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

FOLDERS = ("rules", "data", "templates", "translations", "migrations")
HTMX = "node_modules/htmx.org/dist/htmx.min.js"  # installed by `npm ci`
SHIPPED = "recommender/_shipped"  # where recommender/settings.py and domain/i18n.py look when installed


class CustomBuildHook(BuildHookInterface):
    """Force-includes FOLDERS and htmx under recommender/_shipped/ (an editable install reads the checkout)."""

    def initialize(self, version: str, build_data: dict) -> None:
        """Regular wheels only; htmx when node_modules holds it at build time."""
        if version != "standard":
            return
        root = Path(self.root)
        for folder in FOLDERS:
            build_data["force_include"][str(root / folder)] = f"{SHIPPED}/{folder}"
        if (root / HTMX).is_file():
            build_data["force_include"][str(root / HTMX)] = f"{SHIPPED}/{HTMX}"
        else:
            self.app.display_warning(f"{HTMX} is missing (run `npm ci`): the wheel ships without htmx")
