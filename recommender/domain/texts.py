"""Texts a person reads that live with the rules and catalogue: one key per language the service speaks."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .i18n import LANGUAGES


class Text(BaseModel):
    """One user-facing text in every language (`fr:`, `en:`, and a key for each other catalogue present).

    French and English are always spoken (French is the default, English the source), so they are fields; any other
    language is checked here, and a file that lacks one stops start-up with its file and line."""

    model_config = ConfigDict(extra="allow", frozen=True)

    fr: str = Field(min_length=1)
    en: str = Field(min_length=1)

    @model_validator(mode="after")
    def _every_language_and_no_other(self) -> Text:
        """The other languages' texts are present and not empty; an unknown key is a typo."""
        extra = self.__pydantic_extra__ or {}
        unknown = sorted(set(extra) - set(LANGUAGES))
        if unknown:
            raise ValueError(f"unknown language {', '.join(unknown)}; languages: {', '.join(LANGUAGES)}")
        missing = [lang for lang in LANGUAGES[2:] if not isinstance(extra.get(lang), str) or not extra[lang]]
        if missing:
            raise ValueError(f"the text in {', '.join(missing)} is missing (every text has one key per language: {', '.join(LANGUAGES)})")
        return self

    def __call__(self, lang: str) -> str:
        """The text in `lang` (French for a language the service does not speak)."""
        if lang == "en":
            return self.en
        if lang == "fr" or not self.__pydantic_extra__:
            return self.fr
        return self.__pydantic_extra__.get(lang, self.fr)

    def every(self) -> tuple[str, ...]:
        """The text in every language (placeholders must be checked in all of them)."""
        return (self.fr, self.en, *(self.__pydantic_extra__ or {}).values())


class Frozen(BaseModel):
    """Base for data-file models: unknown keys are mistakes, values never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)
