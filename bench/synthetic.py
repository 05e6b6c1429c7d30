"""A synthetic catalogue and rule book of any size, shaped like the real one.

Every synthetic service is a variant of one of the real services: the same texts,
operators and condition tree, with age limits shifted by a year or two, field
lists that gain or lose a value, another priority and a slightly different
audience. Worked examples keep the real profiles; their expected verdicts are
recomputed for the variant's rule so that `rules check` stays meaningful. The
real services keep their ids (so the expert ranking cases still apply) and
come first; a catalogue smaller than the real one keeps its first services.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
import shutil
from pathlib import Path
from typing import get_args

import yaml

from recommender.domain.catalogue import Help, Public, Theme
from recommender.domain.eligibility import verdict
from recommender.domain.profile import DISABILITIES, EDUCATION_LEVELS, MAX_AGE, MIN_AGE, REGIONS, STATUSES
from recommender.domain.rules import ServiceRules
from recommender.settings import from_environment

SIZES = (25, 250, 2_500, 10_000)
VALUES = {"status": STATUSES, "region": REGIONS, "disability": DISABILITIES, "education_level": EDUCATION_LEVELS}
PUBLICS, THEMES, HELPS = get_args(Public), get_args(Theme), get_args(Help)
Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def real_sources(rules_dir: Path | None = None, data_dir: Path | None = None) -> tuple[list[dict], list[dict], Path]:
    """The shipped rule and service files as plain data, in id order, and the data folder."""
    settings = from_environment()
    rules_dir, data_dir = rules_dir or settings["RULES_DIR"], data_dir or settings["DATA_DIR"]
    rules = [yaml.load(p.read_text(encoding="utf-8"), Loader=Loader) for p in sorted(rules_dir.glob("*.yaml"))]
    services = [yaml.load(p.read_text(encoding="utf-8"), Loader=Loader) for p in sorted((data_dir / "services").glob("*.yaml"))]
    return rules, services, data_dir


def generate(size: int, target: Path, seed: int = 7) -> tuple[Path, Path]:
    """Write `size` services and their rules under `target`; return (rules_dir, data_dir) for create_app."""
    rules, services, data_dir = real_sources()
    by_id = {r["service"]: r for r in rules}
    rng = random.Random(seed)
    rules_out, data_out = target / "rules", target / "data"
    (data_out / "services").mkdir(parents=True, exist_ok=True)
    rules_out.mkdir(parents=True, exist_ok=True)
    shutil.copy(data_dir / "regions.yaml", data_out / "regions.yaml")
    kept: set[str] = set()
    for index in range(size):
        template = services[index % len(services)]
        if index < len(services):
            service, rule = template, by_id[template["id"]]
        else:
            service, rule = _variant(template, by_id[template["id"]], index, rng)
        kept.add(service["id"])
        _write(data_out / "services" / f"{service['id']}.yaml", service)
        _write(rules_out / f"{service['id']}.yaml", rule)
    _write_cases(data_dir / "ranking_cases.yaml", data_out / "ranking_cases.yaml", kept)
    return rules_out, data_out


def _write(path: Path, data: dict) -> None:
    path.write_text(yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _write_cases(source: Path, target: Path, kept: set[str]) -> None:
    """The expert cases, with grades only for services the synthetic catalogue keeps."""
    data = yaml.load(source.read_text(encoding="utf-8"), Loader=Loader)
    for case in data["cases"]:
        case["expert"] = {sid: grade for sid, grade in case["expert"].items() if sid in kept}
    _write(target, data)


def _variant(service: dict, rule: dict, index: int, rng: random.Random) -> tuple[dict, dict]:
    """A new service and rule derived from a real pair."""
    new_id = f"{service['id']}-v{index:05d}"
    service = copy.deepcopy(service)
    service["id"] = new_id
    service["name"] = {"fr": f"{service['name']['fr']} (variante {index})", "en": f"{service['name']['en']} (variant {index})"}
    service["priority"] = rng.randint(1, 1000)
    service["audience"] = _audience(service["audience"], rng)
    rule = copy.deepcopy(rule)
    rule["service"] = new_id
    for version in rule["versions"]:
        _perturb(version["eligible_when"], rng)
    rule["examples"] = _recomputed_examples(rule)
    return service, rule


def _audience(audience: dict, rng: random.Random) -> dict:
    """The same audience with one public, theme and kind of help swapped at random."""
    out = {}
    for key, vocabulary in (("publics", PUBLICS), ("themes", THEMES), ("help", HELPS)):
        values = list(audience[key])
        values[rng.randrange(len(values))] = rng.choice(vocabulary)
        out[key] = list(dict.fromkeys(values))
    return out


def _perturb(node: dict, rng: random.Random) -> None:
    """Shift age limits and edit value lists, in place, keeping every test well-formed."""
    for key in ("all", "any"):
        for part in node.get(key, ()):
            _perturb(part, rng)
    if "not" in node:
        _perturb(node["not"], rng)
    if node.get("field") == "age":
        low, high = node.get("min"), node.get("max")
        if low is not None:
            node["min"] = low = max(MIN_AGE, min(MAX_AGE, low + rng.randint(-2, 2)))
        if high is not None:
            node["max"] = max(low or MIN_AGE, min(MAX_AGE, high + rng.randint(-2, 2)))
    elif node.get("field") in VALUES and rng.random() < 0.5:
        values, vocabulary = list(node["in"]), VALUES[node["field"]]
        missing = [v for v in vocabulary if v not in values]
        if missing and (len(values) == 1 or rng.random() < 0.5):
            values.append(rng.choice(missing))
        elif len(values) > 1:
            values.remove(rng.choice(values))
        node["in"] = values


def _recomputed_examples(rule: dict) -> list[dict]:
    """The real examples' profiles, with the verdict the variant's rule gives them."""
    parsed = ServiceRules.model_validate(rule)
    examples = []
    for example, checked in zip(rule["examples"], parsed.examples):
        day = checked.as_of or dt.date.today()
        examples.append({**example, "expect": verdict(parsed, checked.profile, day)})
    return examples
