"""Regional reference data (`data/regions.yaml`): each region's own centres, the CEP operator dated by public
market, and the placeholders (`{region.cep.url}`...) that catalogue texts fill from them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import Field, HttpUrl, field_validator, model_validator

from .profile import REGIONS
from .rules import Source, https_only
from .texts import Frozen, Text

PHONE = re.compile(r"^[0-9][0-9 ]{2,15}[0-9]$")
PHONE_OR_PLACEHOLDER = r"^([0-9][0-9 ]{2,15}[0-9]|\{region\.(cep|carif_oref|transitions_pro)\.phone\})$"
PLACEHOLDER = re.compile(r"\{region\.([a-z_]+)(?:\.([a-z_]+))?\}")


class RegionalCentre(Frozen):
    """One region's own centre for a service (CEP operator, Carif-Oref, Transitions Pro); a CEP operator says from
    when it serves (`valid_from`), a generic one is named in every language."""

    name: Annotated[str, Field(min_length=2)] | Text
    url: HttpUrl
    phone: str | None = Field(default=None, pattern=PHONE.pattern)
    valid_from: dt.date | None = None

    _https_url = field_validator("url")(https_only)

    def name_in(self, lang: str) -> str:
        """The centre's name in `lang` (a proper name is the same in every language)."""
        return self.name if isinstance(self.name, str) else self.name(lang)


class Region(Frozen):
    """An INSEE region and its regional centres; the CEP operator for employed people changes with each public
    market (`cep`, newest first, each from its `valid_from`; the oldest has none and covers every earlier date)."""

    code: str
    name: Text
    overseas: bool
    cep: tuple[RegionalCentre, ...] = Field(min_length=1)
    carif_oref: RegionalCentre
    transitions_pro: RegionalCentre

    @field_validator("cep")
    @classmethod
    def _dated_newest_first(cls, periods: tuple[RegionalCentre, ...]) -> tuple[RegionalCentre, ...]:
        """Every period but the oldest has a start, later periods come first, the oldest is open-ended."""
        starts = [p.valid_from for p in periods]
        if starts[-1] is not None or any(s is None for s in starts[:-1]):
            raise ValueError("every CEP operator but the last (the oldest, covering earlier dates) needs a valid_from")
        dated = [s for s in starts if s is not None]
        if dated != sorted(dated, reverse=True) or len(set(dated)) != len(dated):
            raise ValueError("CEP operators must be listed newest first, each with its own valid_from")
        return periods

    def cep_at(self, as_of: dt.date | None) -> RegionalCentre:
        """The CEP operator serving employed people on `as_of` (today's when no date is given)."""
        if as_of is None:
            return self.cep[0]
        return next(p for p in self.cep if p.valid_from is None or p.valid_from <= as_of)

    @field_validator("code")
    @classmethod
    def _known(cls, code: str) -> str:
        """Only the 18 INSEE region codes."""
        if code not in REGIONS:
            raise ValueError(f"unknown region code '{code}'; allowed: {', '.join(REGIONS)}")
        return code


class Regions(Frozen):
    """The regions file."""

    last_verified: dt.date
    source: Source
    earlier_cep: tuple[RegionalCentre, ...] = ()  # the periods many regions share, named once (YAML anchors)
    regions: tuple[Region, ...]

    @model_validator(mode="after")
    def _all_regions_once(self) -> Regions:
        """Every region appears exactly once."""
        codes = [region.code for region in self.regions]
        missing, doubled = set(REGIONS) - set(codes), {c for c in codes if codes.count(c) > 1}
        if missing or doubled:
            raise ValueError(f"every region exactly once: missing {sorted(missing)}, repeated {sorted(doubled)}")
        return self


def fill(text: str | None, region: Region | None, lang: str, as_of: dt.date | None = None) -> str | None:
    """Replace `{region.carif_oref.url}`-style placeholders with the region's data on `as_of` (today's if None)."""
    if text is None or "{" not in text or region is None:
        return text

    def value(match: re.Match[str]) -> str:
        """The region's value for one placeholder."""
        attribute, detail = match.group(1), match.group(2)
        if attribute == "name" and detail is None:
            return region.name(lang)
        if attribute not in ("cep", "carif_oref", "transitions_pro") or detail not in ("name", "url", "phone"):
            raise KeyError(match.group(0))
        centre: RegionalCentre = region.cep_at(as_of) if attribute == "cep" else getattr(region, attribute)
        found = centre.name_in(lang) if detail == "name" else getattr(centre, detail)
        return str(found).rstrip("/") if found is not None else ""

    return PLACEHOLDER.sub(value, text)
