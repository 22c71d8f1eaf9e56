"""Model Openness Tool (source id `mot`): community-submitted YAML records of which of the
17 Model Openness Framework (MOF) components a model release includes and under which
licence. Submissions are partly unvetted, so licences are checked rather than trusted.

Licence of a component, as the MOT itself resolves it: the component's own `license`; else
the release's global licence for the component's category (code / data / document); else the
global `distribution` licence; else none. A licence counts as open when it is on the MOF's
list of open licences (`web/modules/mof/mof-licenses.json`) or OSI-approved in the SPDX list
(`web/modules/mof/licenses.json`), after normalising spelling ("Apache 2.0", "MIT license").

Implausible-licence rule: a model is closed-weights when its producer's lab only offers API
access (`API_ONLY_LABS`) or its release name is a known unreleased / API-only system
(`CLOSED_WEIGHTS_MODELS`: Claude, GPT-3/3.5/4, Gemini, PaLM, ...). An entry for the model
itself (`MODEL_COMPONENTS`: architecture code, final or intermediate parameters) of a
closed-weights model listed under an open licence is `implausible`: those were never published
under any licence (e.g. Claude-2 weights listed as MIT). Other components are not checked: a
closed model can have an openly licensed paper or client library. The files carry no MOF
class; none is computed.

`components()`, one row per model x MOF component (all 17, listed or not, plus any entry
whose name is not a MOF component):

column | meaning
---|---
model | file stem of the model's YAML (unique id; release names repeat)
name | `release.name`
producer | `release.producer` as published
lab | lab ids found in `producer` (`openness.core.labs.find_labs`, or `LAB_OVERRIDES`), ';'-joined
component | MOF component name
category | code / data / document ('' for a name that is not a MOF component)
included | the file lists the component
license | licence written on the component entry ('' if none)
license_effective | licence after the MOT's inheritance rule ('' if not included or none)
license_id | SPDX id of `license_effective` when recognised, else ''
open_license | `license_id` is on the MOF open list or OSI-approved
implausible | the entry breaks the implausible-licence rule above
flag_reason | why the row is odd ('' when it is not)

`models()`, one row per file: model, name, version, date, type, architecture, origin,
producer, lab, license_distribution, license_code, license_data, license_document (global
licences), n_included (MOF components listed), n_open (those under an open licence), open_weights
(final parameters included under an open licence), closed_weights_model, implausible (any
component), flag_reason.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from openness.core.labs import find_labs
from openness.data.sources import Frames, SourceParser, read_yaml, source_root

SOURCE_ID = "mot"
COMPONENTS = {  # the 17 MOF components and their category, in the MOF's order
    "Model architecture": "code", "Data preprocessing code": "code", "Training code": "code",
    "Inference code": "code", "Evaluation code": "code", "Supporting libraries and tools": "code",
    "Model parameters (Final)": "data", "Model parameters (Intermediate)": "data", "Datasets": "data",
    "Evaluation data": "data", "Model metadata": "data", "Sample model outputs": "data",
    "Model card": "document", "Data card": "document", "Technical report": "document",
    "Research paper": "document", "Evaluation results": "document",
}
MODEL_COMPONENTS = ("Model architecture", "Model parameters (Final)", "Model parameters (Intermediate)")
API_ONLY_LABS = frozenset({"anthropic", "inflection"})
CLOSED_WEIGHTS_MODELS = re.compile(  # release names of systems whose weights were never published
    r"claude\b|gpt-3(\.5)?$|gpt-4|codex$|gemini\b|palm(-2)?$|lamda$|glam$|meena$|chinchilla$|"
    r"gopher$|inflection-|jurassic-|grok-0$|ernie-3\.0|turing-nlg$", re.IGNORECASE)
# Producers that alias matching cannot resolve or resolves only in part (lab ids, ';'-joined):
# bare "Inflection" and "Writer" are ordinary words to the registry; BigCode is run by Hugging
# Face and ServiceNow together.
LAB_OVERRIDES: dict[str, str] = {
    "BigCode Project": "huggingface;servicenow", "Inflection": "inflection", "TogetherAI": "together",
    "Writer": "writer",
}
# Spellings that no SPDX id or name normalises to.
LICENSE_ALIASES = {"bsd-3": "BSD-3-Clause"}
COMPONENT_COLUMNS = ["model", "name", "producer", "lab", "component", "category", "included", "license",
                     "license_effective", "license_id", "open_license", "implausible", "flag_reason"]
MODEL_COLUMNS = ["model", "name", "version", "date", "type", "architecture", "origin", "producer", "lab",
                 "license_distribution", "license_code", "license_data", "license_document", "n_included",
                 "n_open", "open_weights", "closed_weights_model", "implausible", "flag_reason"]
LICENSE_SCOPES = ("distribution", "code", "data", "document")


class MotError(ValueError):
    """A model file that cannot be read as a MOT record; the message names file and fault."""


def components(root: Path | None = None) -> pd.DataFrame:
    """One row per model x MOF component with resolved licence and flags (see module docstring)."""
    return _tables(source_root(root, SOURCE_ID))[1]


def models(root: Path | None = None) -> pd.DataFrame:
    """One row per model file with its release fields, counts and flags."""
    return _tables(source_root(root, SOURCE_ID))[0]


def is_closed_weights(name: str, lab: str) -> bool:
    """Whether a release is of a system whose weights were never published (see the rule)."""
    return bool(set(lab.split(";")) & API_ONLY_LABS or CLOSED_WEIGHTS_MODELS.match(name.strip()))


def _tables(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(models, components) from one pass over the model files."""
    spdx_ids, open_ids = _licence_index(folder)
    files = sorted((folder / "models").glob("*.yml"), key=lambda p: p.stem)
    if not files:
        raise MotError(f"{folder / 'models'}: no model files (*.yml)")
    model_rows, component_rows = [], []
    for path in files:
        release = _load_release(path)
        model = _release_fields(path, release)
        rows = [{**{k: model[k] for k in ("model", "name", "producer", "lab")}, **row}
                for row in _component_rows(path, release, model)]
        for row in rows:
            row["license_id"] = _spdx_id(row["license_effective"], spdx_ids)
            row["open_license"] = row["license_id"] in open_ids
            row["implausible"] = (model["closed_weights_model"] and row["component"] in MODEL_COMPONENTS
                                  and row["open_license"])
            if row["implausible"]:
                reason = f"open licence {row['license_effective']!r} on a closed-weights model"
                row["flag_reason"] = "; ".join(filter(None, [row["flag_reason"], reason]))
        component_rows.extend(rows)
        included = [r for r in rows if r["included"] and r["category"]]
        model.update(
            n_included=len(included), n_open=sum(r["open_license"] for r in included),
            open_weights=any(r["open_license"] for r in included if r["component"] == "Model parameters (Final)"),
            implausible=any(r["implausible"] for r in rows))
        model_rows.append(model)
    models_table = pd.DataFrame(model_rows, columns=MODEL_COLUMNS)
    shared = models_table.groupby("name")["model"].transform("count")
    models_table["flag_reason"] = [
        "; ".join(filter(None, [flag, f"release name shared by {n} files" if n > 1 else ""]))
        for flag, n in zip(models_table["flag_reason"], shared)]
    return models_table, pd.DataFrame(component_rows, columns=COMPONENT_COLUMNS)


def _load_release(path: Path) -> dict:
    doc = read_yaml(path, MotError)
    if not isinstance(doc, dict) or not isinstance(doc.get("release"), dict):
        raise MotError(f"{path}: expected a mapping with a 'release' mapping (see schema/mof_schema.json)")
    return doc["release"]


def _release_fields(path: Path, release: dict) -> dict:
    """Model-level fields of one release, with the flags they deserve."""
    fields = {k: _text(release.get(k)) for k in ("name", "version", "date", "type", "architecture",
                                                   "origin", "producer")}
    flags = [] if fields["producer"] else ["no producer"]
    if not fields["name"]:
        flags.append("no release name")
    licences = release.get("license") or {}
    if not isinstance(licences, dict):
        flags.append(f"release license is not a mapping: {_text(licences)!r}")
        licences = {}
    for scope in sorted(set(map(str, licences)) - set(LICENSE_SCOPES)):
        flags.append(f"unknown release license scope {scope!r}")
    for scope in LICENSE_SCOPES:
        entry = licences.get(scope)
        fields[f"license_{scope}"] = _text(entry.get("name") if isinstance(entry, dict) else entry)
    fields["lab"] = LAB_OVERRIDES.get(fields["producer"], ";".join(find_labs(fields["producer"])))
    fields["closed_weights_model"] = is_closed_weights(fields["name"], fields["lab"])
    return {"model": path.stem, **fields, "flag_reason": "; ".join(flags)}


def _component_rows(path: Path, release: dict, model: dict) -> list[dict]:
    """All 17 MOF components (listed or not) plus unknown entries, with resolved licences."""
    listed = release.get("components") or []
    if not isinstance(listed, list):
        raise MotError(f"{path}: release.components must be a list, got {type(listed).__name__}")
    entries: dict[str, list[dict]] = {}
    for position, entry in enumerate(listed, start=1):
        if not isinstance(entry, dict):
            entry = {"name": f"(entry {position}: {_text(entry)})"}
        entries.setdefault(_text(entry.get("name")), []).append(entry)
    rows = []
    for name in [*COMPONENTS, *sorted(set(entries) - set(COMPONENTS))]:
        category = COMPONENTS.get(name, "")
        found = entries.get(name) or [None]
        for entry in found:
            flags = [] if category else ["not a MOF component"]
            if len(found) > 1:
                flags.append(f"listed {len(found)} times")
            own = _text(entry.get("license")) if entry else ""
            inherited = model.get(f"license_{category}") or model["license_distribution"]
            rows.append({"component": name, "category": category, "included": entry is not None,
                         "license": own, "license_effective": (own or inherited) if entry else "",
                         "flag_reason": "; ".join(flags)})
    return rows


def _license_key(text: str) -> str:
    """A licence spelling reduced for matching: lower case, no 'license'/'the', '-' between parts."""
    words = re.sub(r"[^a-z0-9]+", " ", text.lower()).split()
    return "-".join(w for w in words if w not in ("license", "licence", "the"))


def _spdx_id(text: str, spdx_ids: dict[str, str]) -> str:
    """The SPDX id a licence text names ('' if none is recognised)."""
    key = _license_key(text)
    return spdx_ids.get(_license_key(LICENSE_ALIASES.get(key, key)), "") if key else ""


def _licence_index(root: Path) -> tuple[dict[str, str], frozenset[str]]:
    """(normalised SPDX id or name -> SPDX id, ids that count as open: the MOF's list plus
    OSI-approved licences), from the two licence lists the MOT ships."""
    spdx, mof = _licence_list(root, "licenses.json"), _licence_list(root, "mof-licenses.json")
    lookup: dict[str, str] = {}
    for licence in spdx + mof:
        for text in (licence["name"], licence["licenseId"]):
            lookup.setdefault(_license_key(text), licence["licenseId"])
    open_ids = {licence["licenseId"] for licence in mof}
    open_ids |= {licence["licenseId"] for licence in spdx if licence.get("isOsiApproved")}
    return lookup, frozenset(open_ids)


def _licence_list(root: Path, name: str) -> list[dict]:
    path = root / "web" / "modules" / "mof" / name
    try:
        return json.loads(path.read_text(encoding="utf-8"))["licenses"]
    except (OSError, ValueError, KeyError) as error:
        raise MotError(f"{path}: cannot read the licence list: {error!r}") from error


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def tables(frames: Frames) -> dict[str, pd.DataFrame]:
    return {"mot_components.csv": frames["components"].sort_values(["model", "component"], ignore_index=True, kind="stable"),
            "mot_models.csv": frames["models"].sort_values("model", ignore_index=True)}


PARSER = SourceParser(id=SOURCE_ID, frames=lambda root: {"models": models(root), "components": components(root)},
                      records=("models", "model"), tables=tables)
