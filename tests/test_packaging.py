"""environment.yml (for conda users) must list what pyproject.toml declares."""
from __future__ import annotations

import re
import tomllib

import yaml

from openness import paths


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> dict:
    return tomllib.loads((paths.ROOT / "pyproject.toml").read_text())


def _conda_names() -> tuple[set[str], list[str]]:
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text())
    conda, pip = set(), []
    for entry in env["dependencies"]:
        if isinstance(entry, dict):
            pip.extend(entry["pip"])
        else:
            conda.add(_name(entry))
    return conda | {_name(p) for p in pip if not p.startswith("-e")}, pip


def test_environment_lists_every_declared_dependency():
    project = _pyproject()["project"]
    declared = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        declared |= {_name(r) for r in extra}
    listed, _ = _conda_names()
    listed -= {"python", "pip"}
    assert sorted(declared - listed) == [], "in pyproject.toml but not environment.yml"
    assert sorted(listed - declared) == [], "in environment.yml but not pyproject.toml"


def test_environment_installs_the_project_with_dev_extra():
    _, pip = _conda_names()
    editable = [p for p in pip if p.startswith("-e")]
    assert editable and "dev" in editable[0] and editable[0].split()[-1].startswith(".")


def test_console_script_points_at_cli_main():
    assert _pyproject()["project"]["scripts"]["openness"] == "openness.cli:main"
