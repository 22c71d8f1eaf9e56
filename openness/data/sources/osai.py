"""European Open Source AI Index (source id `osai-index`): experts' openness ratings of
generative AI models, one YAML file per model, each dimension rated open / partial / closed
with an evidence link and notes. The dimensions and their groups come from the index's own
`_parameters.yml`, so a renamed or added dimension is read, not guessed.

`ratings()`, one row per model x dimension (every dimension of `_parameters.yml` for every
file, plus any extra rating-like entry a file carries):

column | meaning
---|---
model | file stem of the model's YAML (unique id)
name | `system.name` as published
org | `org.name` as published
lab | lab ids found in `org` (`openness.core.labs.find_labs`, or `LAB_OVERRIDES`), ';'-joined; '' if none
type | `system.type` (text, code, image, ...)
release_date | `system.releasedate` (YYYY-MM)
group | availability / documentation / access (from `_parameters.yml`)
dimension | field name, e.g. weights_endmodel, licenses
class | open / partial / closed; '' = not rated (the index's NA); any other value is kept and flagged
link | evidence URL(s), space-separated when several
notes | the experts' evidence notes: for validation only, never written to committed tables
flag_reason | why the row is odd ('' when it is not)

`models()`, one row per YAML file: model, name, link, type, performance_class, base_model,
end_model, end_model_license, release_date, org, org_link, lab, n_open, n_partial, n_closed
(counts over the rated dimensions), notes (system notes; same rule as above), flag_reason.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from openness.core.labs import find_labs
from openness.data.sources import Frames, SourceParser, read_yaml, source_root
from openness.vocab import LEVELS

SOURCE_ID = "osai-index"
# Organisation names that alias matching cannot resolve or resolves only in part (lab ids,
# ';'-joined): BigCode is run by Hugging Face and ServiceNow together.
LAB_OVERRIDES: dict[str, str] = {
    "BigCode": "huggingface;servicenow",
    "EleutherAI and Together Computer": "eleutherai;together",
    "Together Computer": "together",
}
# system field -> models() column; "endmodel license" is a spelling some files use.
SYSTEM_FIELDS = {
    "name": "name", "link": "link", "type": "type", "performanceclass": "performance_class",
    "basemodelname": "base_model", "endmodelname": "end_model", "endmodellicense": "end_model_license",
    "endmodel license": "end_model_license", "releasedate": "release_date", "notes": "notes",
}
RATING_KEYS = {"class", "link", "notes"}
RATING_COLUMNS = ["model", "name", "org", "lab", "type", "release_date", "group", "dimension",
                  "class", "link", "notes", "flag_reason"]
MODEL_COLUMNS = ["model", "name", "link", "type", "performance_class", "base_model", "end_model",
                 "end_model_license", "release_date", "org", "org_link", "lab", "n_open", "n_partial",
                 "n_closed", "notes", "flag_reason"]


class OsaiError(ValueError):
    """A model file that cannot be read as a model record; the message names file and line."""


def dimensions(root: Path | None = None) -> pd.DataFrame:
    """The index's dimensions in its own order: group, dimension, label."""
    folder = source_root(root, SOURCE_ID)
    groups = read_yaml(folder / "_parameters.yml", OsaiError)
    try:
        rows = [(g["ref"], p["ref"], p["name"].strip()) for g in groups for p in g["params"]]
    except (TypeError, KeyError) as error:
        raise OsaiError(f"{folder / '_parameters.yml'}: expected a list of groups with ref and params "
                        f"(each with ref and name): {error!r}") from error
    return pd.DataFrame(rows, columns=["group", "dimension", "label"])


def ratings(root: Path | None = None) -> pd.DataFrame:
    """One row per model x dimension, odd ratings flagged (see module docstring)."""
    return _tables(source_root(root, SOURCE_ID))[1]


def models(root: Path | None = None) -> pd.DataFrame:
    """One row per model file with its system and organisation fields and class counts."""
    return _tables(source_root(root, SOURCE_ID))[0]


def _tables(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(models, ratings) from one pass over the model files."""
    dims = dimensions(folder)
    group_of = dict(zip(dims.dimension, dims.group))
    model_rows, rating_rows = [], []
    for path in _model_files(folder):
        doc = _load_model(path)
        model = _model_fields(path, doc)
        model_rows.append(model)
        extras = sorted((k for k in doc if k not in ("system", "org") and k not in group_of), key=str)
        for dimension in [*group_of, *extras]:
            rating_rows.append({
                "model": model["model"], "name": model["name"], "org": model["org"], "lab": model["lab"],
                "type": model["type"], "release_date": model["release_date"],
                "group": group_of.get(dimension, ""), "dimension": str(dimension),
                **_rating(doc, dimension, dimension in group_of),
            })
    ratings_table = pd.DataFrame(rating_rows, columns=RATING_COLUMNS)
    rated = ratings_table[ratings_table["group"] != ""]
    counts = pd.crosstab(rated["model"], rated["class"]).reindex(columns=list(LEVELS), fill_value=0)
    models_table = pd.DataFrame(model_rows).merge(
        counts.add_prefix("n_").reset_index(), on="model", how="left", validate="one_to_one")
    return models_table[MODEL_COLUMNS], ratings_table


def _rating(doc: dict, dimension, known: bool) -> dict:
    """class, link, notes and flag_reason of one dimension entry."""
    entry = doc.get(dimension)
    flags = [] if known else ["not a dimension of _parameters.yml"]
    if dimension not in doc:
        flags.append("dimension missing from the file")
        entry = {}
    elif not isinstance(entry, dict):
        flags.append(f"entry is not a mapping of {'/'.join(sorted(RATING_KEYS))}")
        entry = {"notes": entry}
    elif set(entry) - RATING_KEYS:
        flags.append(f"unexpected key(s) {', '.join(sorted(map(str, set(entry) - RATING_KEYS)))}")
    rating = _text(entry.get("class"))
    if rating and rating not in LEVELS:
        flags.append(f"class {rating!r} is not one of {'/'.join(LEVELS)}")
    return {"class": rating, "link": _text(entry.get("link")), "notes": _text(entry.get("notes")),
            "flag_reason": "; ".join(flags)}


def _model_files(folder: Path) -> list[Path]:
    """Model files sorted by name (the `_parameters*` files describe the index, not models)."""
    files = sorted((p for p in folder.glob("*.yaml") if not p.name.startswith("_")), key=lambda p: p.stem)
    if not files:
        raise OsaiError(f"{folder}: no model files (*.yaml)")
    return files


def _load_model(path: Path) -> dict:
    doc = read_yaml(path, OsaiError)
    if not isinstance(doc, dict):
        raise OsaiError(f"{path}: expected a mapping with system, org and the rated dimensions, "
                        f"got {type(doc).__name__}")
    return doc


def _model_fields(path: Path, doc: dict) -> dict:
    """The model-level fields of one file, with the flags they deserve."""
    system = doc.get("system") if isinstance(doc.get("system"), dict) else {}
    org = doc.get("org") if isinstance(doc.get("org"), dict) else {}
    fields = {column: "" for column in SYSTEM_FIELDS.values()}
    flags = []
    for key, value in system.items():
        if key in SYSTEM_FIELDS:
            fields[SYSTEM_FIELDS[key]] = fields[SYSTEM_FIELDS[key]] or _text(value)
        else:
            flags.append(f"unexpected system field {key!r}")
    org_name = _text(org.get("name"))
    if not fields["name"]:
        flags.append("no system name (a submission template?)")
    if not org_name:
        flags.append("no organisation name")
    lab = LAB_OVERRIDES.get(org_name, ";".join(find_labs(org_name)) if org_name else "")
    return {"model": path.stem, **fields, "org": org_name, "org_link": _text(org.get("link")),
            "lab": lab, "flag_reason": "; ".join(flags)}


def _text(value) -> str:
    """A YAML scalar or list as one trimmed string ('' for empty); lists are space-joined."""
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(_text(v) for v in value if v is not None).strip()
    return str(value).strip()


def tables(frames: Frames) -> dict[str, pd.DataFrame]:
    """Ratings and models without the experts' notes."""
    return {"osai_ratings.csv": frames["ratings"][["model", "lab", "group", "dimension", "class", "link", "flag_reason"]]
            .sort_values(["model", "dimension"], ignore_index=True),
            "osai_models.csv": frames["models"].drop(columns="notes").sort_values("model", ignore_index=True)}


PARSER = SourceParser(id=SOURCE_ID, frames=lambda root: {"models": models(root), "ratings": ratings(root)},
                      records=("models", "model"), tables=tables, texts=("ratings.notes", "models.notes"))
