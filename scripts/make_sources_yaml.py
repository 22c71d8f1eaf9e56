"""Refresh the file lists of data/sources.yaml from a mirror (a folder holding raw/<source>/).

The source metadata (repo, commit, mirror, home, licence, citation) is kept as written; every
file found under the source's folder (raw/<source>/ in the mirror, or the folder `mirror`
names; for data of our own, the repository folder `home`) is listed with its sha256 and size,
sorted by path, so the output is the same bytes for the same mirror. A source whose entry
names a `manifest` (a CSV path relative to the registry, for sources with thousands of
files) gets its list written there instead.

    python scripts/make_sources_yaml.py /work/shared/data
"""
from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import pandas as pd
import yaml

from openness import paths
from openness.core.io import atomic_path

HEADER = """\
# Pinned raw sources: where each file comes from (upstream repo at a commit), its licence,
# how to cite it, and every file with its sha256 and size. `openness data fetch` downloads
# https://raw.githubusercontent.com/<repo>/<commit>/<path> into data/raw/<id>/<path>.
# File lists are generated: python scripts/make_sources_yaml.py MIRROR
"""
METADATA = ("id", "repo", "commit", "mirror", "home", "licence", "citation")
OPTIONAL = ("mirror", "home")


def list_files(folder: Path) -> list[dict]:
    """Every file below `folder`, upstream layout, sorted by its posix path."""
    if not folder.is_dir():
        raise SystemExit(f"{folder}: no such folder in the mirror")
    found = []
    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
        with file.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        found.append({"path": file.relative_to(folder).as_posix(), "sha256": digest, "size": file.stat().st_size})
    return sorted(found, key=lambda f: f["path"])


def folder(entry: dict, mirror: Path) -> Path:
    if "home" in entry:
        return paths.ROOT / entry["home"]
    return mirror / entry.get("mirror", f"raw/{entry['id']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mirror", type=Path, help="folder holding raw/<source>/")
    parser.add_argument("--registry", type=Path, default=paths.DATA / "sources.yaml")
    args = parser.parse_args()
    entries = yaml.safe_load(args.registry.read_text(encoding="utf-8"))["sources"]
    sources = []
    for entry in sorted(entries, key=lambda e: e["id"]):
        metadata = {key: entry[key] for key in METADATA if key in entry or key not in OPTIONAL}
        files = list_files(folder(entry, args.mirror))
        if "manifest" in entry:
            with atomic_path(args.registry.parent / entry["manifest"]) as tmp:
                pd.DataFrame(files, columns=["path", "sha256", "size"]).to_csv(tmp, index=False, lineterminator="\n")
            sources.append({**metadata, "manifest": entry["manifest"]})
        else:
            sources.append({**metadata, "files": files})
    # File entries on one line each ({path: ..., sha256: ..., size: ...}); an entry without files in block style.
    body = "sources:\n" + "".join(
        yaml.safe_dump([source], sort_keys=False, allow_unicode=True, width=10_000,
                       default_flow_style=None if "files" in source else False)
        for source in sources)
    with atomic_path(args.registry) as tmp:
        tmp.write_text(HEADER + body, encoding="utf-8", newline="\n")


if __name__ == "__main__":
    main()
