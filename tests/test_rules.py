"""The rule catalogue: the shipped files validate, and skipping that check at run time loses nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

import auditor.rules
from auditor.rules import RuleError, default_rules_dir, load_rules, validate_dir


def test_every_shipped_rule_file_validates_against_the_schema() -> None:
    """load_rules() trusts the shipped catalogue instead of validating it on every scan: this is why it may."""
    assert validate_dir(default_rules_dir()) == []
    assert len(load_rules()) == len(list(default_rules_dir().glob("*.yaml")))


def _copy_catalogue(tmp_path: Path) -> Path:
    copy = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), copy)
    return copy


def test_the_shipped_catalogue_loads_as_it_does_when_validated(tmp_path: Path) -> None:
    assert load_rules(_copy_catalogue(tmp_path)) == load_rules()


def test_a_user_rules_directory_is_still_validated_with_the_schema(tmp_path: Path) -> None:
    rules_dir = _copy_catalogue(tmp_path)
    path = rules_dir / "P101.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("severity: error", "severity: critical"), "utf-8")
    with pytest.raises(RuleError) as raised:
        load_rules(rules_dir)
    assert str(raised.value) == "\n".join(validate_dir(rules_dir))
    assert "P101.yaml: severity: 'critical' is not one of" in str(raised.value)


def _drop_message(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["message"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


BREAKAGES = {
    "missing key": _drop_message,
    "not YAML": lambda path: path.write_text("code: [P101\n", encoding="utf-8"),
    "not a mapping": lambda path: path.write_text("- P101\n", encoding="utf-8"),
    "wrong file name": lambda path: path.rename(path.with_name("P100.yaml")),
    "duplicate code": lambda path: shutil.copy(path, path.with_name("P101.yml")),
}


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_a_broken_shipped_file_fails_with_the_schema_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, breakage: str
) -> None:
    """Never a KeyError: what the unchecked path cannot read goes through the full check."""
    rules_dir = _copy_catalogue(tmp_path)
    BREAKAGES[breakage](rules_dir / "P101.yaml")
    monkeypatch.setattr(auditor.rules, "default_rules_dir", lambda: rules_dir)
    with pytest.raises(RuleError) as raised:
        load_rules()
    assert str(raised.value) == "\n".join(validate_dir(rules_dir)) != ""
