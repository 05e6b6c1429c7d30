"""`rules check`: the shipped rules pass, and each kind of mistake is caught with its file and line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from recommender import BrokenData, create_app
from recommender.settings import ROOT


def test_shipped_rules_pass_the_check_and_report_the_whole_answer_space(runner):
    result = runner.invoke(args=["rules", "check"])
    assert result.exit_code == 0, result.output
    assert "260,064 profiles" in result.output
    assert "0 errors" in result.output


@pytest.fixture()
def copy(tmp_path: Path):
    """A private copy of the rules and data to break."""
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path


def break_file(path: Path, old: str, new: str) -> int:
    """Replace the first `old` with `new`; return the line where it happened."""
    text = path.read_text()
    index = text.index(old)
    path.write_text(text[:index] + new + text[index + len(old):])
    return text[:index].count("\n") + 1


def refusal(copy: Path) -> str:
    with pytest.raises(BrokenData) as raised:
        create_app({"RULES_DIR": copy / "rules", "DATA_DIR": copy / "data"})
    return str(raised.value)


def test_unknown_key_is_refused_with_file_and_line(copy):
    line = break_file(copy / "rules" / "cep.yaml", "          min: 16", "          minimum: 16")
    message = refusal(copy)
    assert f"cep.yaml:{line}:" in message and "unknown field" in message


def test_unknown_value_is_refused_with_the_allowed_values(copy):
    line = break_file(copy / "rules" / "cep.yaml", "in: [student, apprentice", "in: [retired, apprentice")
    message = refusal(copy)
    assert f"cep.yaml:{line}:" in message and "retired" in message and "job_seeker" in message


def test_min_greater_than_max_is_refused(copy):
    line = break_file(copy / "rules" / "cep.yaml", "          min: 16", "          min: 40\n          max: 20")
    message = refusal(copy)
    assert f"cep.yaml:{line + 1}:" in message and "min (40) is greater than max (20)" in message


def test_rule_for_an_unknown_service_is_refused(copy):
    shutil.copy(copy / "rules" / "cep.yaml", copy / "rules" / "cep-bis.yaml")
    line = (copy / "rules" / "cep.yaml").read_text().splitlines().index("service: cep") + 1
    message = refusal(copy)
    assert f"cep-bis.yaml:{line}: service: the file should be named cep.yaml" in message
    assert f"/cep.yaml:{line}: service: 'cep' already has a rule file" in message


def test_rule_naming_a_service_missing_from_the_catalogue_is_refused(copy):
    line = break_file(copy / "rules" / "cep.yaml", "service: cep", "service: ghost")
    message = refusal(copy)
    assert f"cep.yaml:{line}:" in message and "unknown service id 'ghost'" in message


def test_yaml_syntax_error_names_the_line(copy):
    # A French text with an unquoted " : " is the likeliest slip: YAML reads a second key on the same line.
    line = break_file(copy / "rules" / "cep.yaml", "Vous avez l'âge de travailler (16 ans ou plus).", "Vous avez l'âge de travailler : 16 ans ou plus.")
    message = refusal(copy)
    assert f"cep.yaml:{line}: not valid YAML: mapping values are not allowed" in message, message


def test_rule_that_can_never_match_fails_the_check(copy):
    break_file(copy / "rules" / "cep.yaml", "          min: 16", "          max: 15")
    break_file(copy / "rules" / "cep.yaml", "        - field: status", "        - field: age\n          min: 60\n          holds: {fr: a, en: a}\n          fails: {fr: b, en: b}\n        - field: status")
    app = create_app({"RULES_DIR": copy / "rules", "DATA_DIR": copy / "data"})
    result = app.test_cli_runner().invoke(args=["rules", "check"])
    assert result.exit_code == 1
    assert "cep.yaml (version 1): the rule can never match" in result.output


EMPLOYEES_ONLY = """
service: {service}
versions:
  - legal_basis: [{{ref: test rule}}]
    last_verified: 2026-11-23
    source: {{name: test rule}}
    eligible_when:
      field: status
      in: [employee]
      holds: {{fr: salarié, en: employee}}
      fails: {{fr: pas salarié, en: not an employee}}
examples:
  - profile: {{age: 30, status: employee, region: "11", disability: none, education_level: none}}
    expect: eligible
  - profile: {{age: 30, status: pupil, region: "11", disability: none, education_level: none}}
    expect: ineligible
"""


def test_profiles_left_with_nothing_fail_the_check(copy):
    for path in (copy / "rules").glob("*.yaml"):
        path.write_text(EMPLOYEES_ONLY.format(service=path.stem))
    app = create_app({"RULES_DIR": copy / "rules", "DATA_DIR": copy / "data"})
    result = app.test_cli_runner().invoke(args=["rules", "check"])
    assert result.exit_code == 1
    assert "no eligible service at all for {'age': 14, 'status': 'pupil'" in result.output


def test_the_real_command_refuses_a_broken_file_and_exits_non_zero(copy):
    line = break_file(copy / "rules" / "cep.yaml", "          min: 16", "          min: sixteen")
    env = {**os.environ, "PATHWAYS_RULES_DIR": str(copy / "rules"), "PATHWAYS_DATA_DIR": str(copy / "data")}
    flask = Path(sys.executable).with_name("flask")
    done = subprocess.run([str(flask), "--app", "recommender", "rules", "check"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert f"cep.yaml:{line}:" in done.stderr and "Traceback" not in done.stderr


def test_a_confirm_that_names_no_fact_fails_the_check(copy):
    path = copy / "rules" / "vae.yaml"
    text = path.read_text()
    reason = next(line for line in text.splitlines() if line.strip().startswith("unaskable:"))
    path.write_text(text.replace(reason + "\n", "", 1))
    app = create_app({"RULES_DIR": copy / "rules", "DATA_DIR": copy / "data"})
    result = app.test_cli_runner().invoke(args=["rules", "check"])
    assert result.exit_code == 1
    assert "rules/vae.yaml (version 1): the confirm" in result.output and "names no fact" in result.output


def test_the_check_reports_the_facts_the_rules_test_and_the_space_with_them(runner):
    output = runner.invoke(args=["rules", "check"]).output
    assert "with the optional answers (executive, retired, nationality" in output
    assert "follow-up facts the rules test: executive, retired, nationality, recognition, benefits, contract, seniority" in output
