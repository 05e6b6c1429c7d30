"""Texts a person reads, always in French and English."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Text(BaseModel):
    """One user-facing text in both languages."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fr: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def __call__(self, lang: str) -> str:
        """The text in `lang` (French for anything else)."""
        return self.en if lang == "en" else self.fr


class Frozen(BaseModel):
    """Base for data-file models: unknown keys are mistakes, values never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)
