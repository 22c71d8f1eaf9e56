"""Install every dependency at its declared floor and run the fast tests: a floor that is too
low (an API the code uses is newer, or no wheel for this Python) fails here, not on a user's
machine.

    python scripts/min_versions.py            # or: make test-min; other options go to pytest

Every requirement of pyproject.toml (the dependencies and the dev and dask extras) with a
`>=` floor is pinned `==floor` in a constraints file; the project is installed with them into
a separate venv (`.venv-min`) with the pip of the Python running this script, not upgraded;
then pytest runs over tests/ without the notebooks and the browser tests.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXTRAS = "dev,dask"
# the notebooks (nbval) and the pages checked in Chromium are not fast tests
SKIPPED = ("tests/test_explore_browser.py", "tests/test_report.py")


def floors(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """`name==floor` (with the requirement's environment marker) for every requirement of the
    project and of its extras that declares a `>=` floor."""
    project = tomllib.loads(pyproject.read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in EXTRAS.split(","):
        requirements += project["optional-dependencies"][extra]
    pins = []
    for requirement in requirements:
        spec, _, marker = requirement.partition(";")
        found = re.match(r"\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(.*)", spec)
        name, versions = found.group(1), found.group(2)
        floor = re.search(r">=\s*([\w.]+)", versions)
        if floor:
            pins.append(f"{name}=={floor.group(1)}" + (f"; {marker.strip()}" if marker.strip() else ""))
    return pins


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, default=ROOT / ".venv-min")
    options, pytest_args = parser.parse_known_args()  # the rest goes to pytest, e.g. -k or --deselect
    venv, python = options.venv, options.venv / "bin" / "python"
    constraints = venv / "constraints.txt"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    constraints.write_text("\n".join(floors()) + "\n")
    print(f"pinned {len(floors())} floors in {constraints}", flush=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-c", str(constraints), "-e", f".[{EXTRAS}]"],
                   cwd=ROOT, check=True)
    env = {key: value for key, value in os.environ.items() if key != "OPENNESS_REQUIRE_CHROMIUM"}
    command = [str(python), "-m", "pytest", "tests", "-q", "-x", "-p", "no:cacheprovider", "-o", "addopts=-ra",
               *[f"--ignore={path}" for path in SKIPPED], *pytest_args]
    return subprocess.run(command, cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
