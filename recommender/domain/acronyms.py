"""The acronyms the texts use, with what they stand for: spelled out on their first use on a page (web/acronyms.py).

English is the source language of the expansions (`N_`, translated in the catalogues like every domain text): the
French catalogue holds the French words the acronym is made of. A text of the rules or the catalogue that uses an
acronym not listed here is caught by `tests/web/test_explanations.py`.
"""

from __future__ import annotations

from .i18n import N_, translate

ACRONYMS: dict[str, str] = {
    "AAH": N_("disability allowance for adults"),
    "AEEH": N_("education allowance for a disabled child"),
    "ASS": N_("specific solidarity allowance"),
    "BEP": N_("vocational studies certificate"),
    "BIJ": N_("youth information office"),
    "BOETH": N_("people covered by the duty to employ disabled workers"),
    "BTS": N_("advanced technician's certificate"),
    "BUT": N_("bachelor's degree in technology"),
    "CAP": N_("vocational aptitude certificate"),
    "CCI": N_("chamber of commerce and industry"),
    "CDAPH": N_("committee for the rights and autonomy of disabled people"),
    "CDD": N_("fixed-term contract"),
    "CDI": N_("permanent contract"),
    "CEJ": N_("youth commitment contract"),
    "CEP": N_("career development advice"),
    "CFA": N_("apprentice training centre"),
    "CFG": N_("certificate of general education"),
    "CIO": N_("information and guidance centre"),
    "CIR": N_("republican integration contract"),
    "CMA": N_("chamber of trades and crafts"),
    "CPF": N_("personal training account"),
    "DAEU": N_("university entrance diploma"),
    "E2C": N_("second chance school"),
    "EPIDE": N_("institution for integration into employment"),
    "FIPHFP": N_("fund for the employment of disabled people in the public service"),
    "INE": N_("national student number"),
    "JDC": N_("defence and citizenship day"),
    "LADOM": N_("overseas mobility agency"),
    "MDPH": N_("departmental centre for disabled people"),
    "MLDS": N_("mission against early school leaving"),
    "OFII": N_("French office for immigration and integration"),
    "OPCO": N_("skills operator"),
    "PACEA": N_("contractual pathway to employment and autonomy"),
    "PAP": N_("personalised support plan"),
    "PCH": N_("disability compensation benefit"),
    "PIJ": N_("youth information point"),
    "PPS": N_("personalised schooling plan"),
    "RIB": N_("bank details"),
    "RQTH": N_("recognition as a disabled worker"),
    "RSA": N_("earned income supplement"),
    "SMA": N_("adapted military service"),
    "SMV": N_("voluntary military service"),
    "SUIO": N_("university information and guidance service"),
    "VAE": N_("validation of prior learning from experience"),
    "VAPP": N_("validation of professional and personal learning"),
}


def expansion(acronym: str, lang: str) -> str:
    """What `acronym` stands for, in `lang`."""
    return translate(lang, ACRONYMS[acronym])
