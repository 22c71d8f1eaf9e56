"""environment.yml (for conda users) must list what pyproject.toml declares."""
from __future__ import annotations

import ast
import importlib.util
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

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


def _declared() -> set[str]:
    project = _pyproject()["project"]
    return {_name(r) for r in project["dependencies"]} | {
        _name(r) for extra in project["optional-dependencies"].values() for r in extra}


def imported_distributions(folders=("openness", "tests")) -> dict[str, str]:
    """Distribution (normalised name) -> a module that imports it, over every third-party
    import (top-level or inside a function) of the package and its tests."""
    owners = packages_distributions()
    found = {}
    for folder in folders:
        for path in sorted((paths.ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                    [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else [])
                for name in names:
                    top = name.split(".")[0]
                    if top in sys.stdlib_module_names or top in ("openness", "conftest") or top.startswith("test_"):
                        continue
                    for distribution in owners.get(top, [top]):
                        found.setdefault(_name(distribution), f"{path.relative_to(paths.ROOT)} ({name})")
    return found


def test_every_imported_library_is_declared():
    imported = imported_distributions()
    assert {"scikit-learn", "pyyaml", "lxml", "pillow"} <= set(imported)  # names mapped from sklearn, yaml, lxml, PIL
    missing = {name: where for name, where in imported.items() if name not in _declared()}
    assert missing == {}, "imported but not declared in pyproject.toml"


def test_scikit_learn_floor_has_grouped_shuffled_folds():
    """classify uses GroupKFold(shuffle=True), new in scikit-learn 1.6."""
    floor = next(r for r in _pyproject()["project"]["dependencies"] if _name(r) == "scikit-learn")
    assert tuple(int(part) for part in re.search(r">=\s*([\d.]+)", floor).group(1).split(".")) >= (1, 6)


def _floors(requirements) -> dict[str, str]:
    found = {}
    for requirement in requirements:
        floor = re.search(r">=\s*([\w.]+)", requirement.split(";")[0])
        if floor:
            found[_name(requirement)] = floor.group(1)
    return found


def test_environment_declares_the_same_floors():
    project = _pyproject()["project"]
    declared = _floors(project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra])
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text())
    listed = _floors([e for e in env["dependencies"] if isinstance(e, str)] +
                     [p for e in env["dependencies"] if isinstance(e, dict) for p in e["pip"]])
    listed.pop("python", None)
    assert listed == declared


def test_minimum_versions_run_pins_every_floor():
    """scripts/min_versions.py installs each declared floor exactly (markers kept)."""
    spec = importlib.util.spec_from_file_location("min_versions", paths.ROOT / "scripts" / "min_versions.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    pins = module.floors()
    project = _pyproject()["project"]
    declared = _floors(project["dependencies"] + project["optional-dependencies"]["dev"] +
                       project["optional-dependencies"]["dask"])
    assert {_name(pin): pin.split("==")[1].split(";")[0].strip() for pin in pins} == declared
    assert any(pin.startswith("hyperscan==") and "; platform_machine" in pin for pin in pins)


def test_hyperscan_is_the_engine_where_its_wheel_is_declared():
    """The engine-equivalence tests compare both engines only where Hyperscan runs: on the
    machines pyproject.toml installs its wheel for, it must be importable and first."""
    import platform

    from openness.core.matcher import ENGINES

    marker = next(r for r in _pyproject()["project"]["dependencies"] if _name(r) == "hyperscan").split(";")[1]
    if f"'{platform.machine()}'" in marker:
        assert ENGINES == ("hyperscan", "re")
    else:
        assert ENGINES == ("re",)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def test_constraints_pin_every_dependency_at_or_above_its_floor():
    """`make setup` installs constraints.txt's versions: each declared dependency pinned
    exactly once, none below the floor pyproject.toml promises."""
    pins = {}
    for line in (paths.ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            assert _name(name) not in pins, f"{name} pinned twice"
            pins[_name(name)] = version
    project = _pyproject()["project"]
    requirements = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    assert sorted(_declared() - set(pins)) == []
    below = {name: (pins[name], floor) for name, floor in _floors(requirements).items()
             if _version(pins[name]) < _version(floor)}
    assert below == {}
