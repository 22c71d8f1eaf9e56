"""The open-washing gap: how open coverage says a lab's models are, against how open the
indices rate them.

Both sides are put on one scale: open = 1, partial = 0.5, closed = 0.
- coverage_score: mean over the claims attributed to the lab (or model), from
  `openness.analysis.claims.find_claims`;
- osai_score: mean over the lab's rated OSAI dimensions (every model of the lab);
  osai_score_matched: the same over the dimensions coverage makes claims about only;
- fmti_total: the lab's total in the latest FMTI edition that scores it, divided by 100
  (transparency, not openness: shown beside, not used in the gap).

gap = coverage_score - osai_score_matched (osai_score when coverage's dimensions are not
rated). Positive: coverage calls the lab more open than the experts rate it (open-washing);
negative: coverage undersells it; 0: they agree. NaN where the index does not rate the lab.

Model rows (`model` not '', one per product of the lab named in coverage, spellings that
differ only in case, hyphens or spaces merged) use the claims whose sentence names the model, and the OSAI entries of the lab whose name starts with the
model name (case, hyphens and spacing ignored).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from openness.core.labs import default_registry, find_labs, per_lab
from openness.vocab import LEVELS

LEVEL_SCORE = dict(zip(LEVELS, (1.0, 0.5, 0.0)))
GAP_COLUMNS = [
    "lab", "lab_name", "model", "n_claims", "share_open", "share_partial", "share_closed", "n_called_open",
    "coverage_score", "osai_models", "osai_n_ratings", "osai_score", "osai_score_matched",
    "fmti_edition", "fmti_total", "gap",
]
# OSAI dimension -> FMTI (Dec 2025) subdomains or indicators that disclose the same thing.
FMTI_MATCH: dict[str, tuple[str, ...]] = {
    "datasources_basemodel": ("Data Acquisition", "Data Processing", "Data Properties"),
    "datasources_endmodel": ("Data Acquisition", "Data Processing", "Data Properties"),
    "weights_basemodel": ("Open weights",),
    "weights_endmodel": ("Open weights",),
    "trainingcode": ("Code access",),
    "code": ("Code access",),
    "hardware_architecture": ("Compute", "Basic model properties", "Deeper model properties"),
    "preprint": ("Methods", "Model information"),
    "paper": ("Methods", "Model information"),
    "modelcard": ("Model information", "Capabilities", "Risks"),
    "datasheet": ("Data Properties",),
    "licenses": ("Terms of use",),
}
SEED_COLUMNS = ["doc_id", "start", "end", "dimension", "level", "osai_model", "osai_class", "agrees",
                "fmti_edition", "fmti_n_indicators", "fmti_share_disclosed"]


def folded(names: pd.Series) -> pd.Series:
    """Names compared without case, hyphens or repeated spaces ("LLaMA-2" ~ "Llama 2")."""
    return names.astype(str).str.lower().str.replace(r"[\s\-_]+", " ", regex=True).str.strip()


def _coverage(claims: pd.DataFrame) -> dict:
    levels = claims["level"]
    return {
        "n_claims": len(claims),
        **{f"share_{level}": float((levels == level).mean()) for level in LEVEL_SCORE},
        "n_called_open": int(claims["called_open"].astype(bool).sum()),
        "coverage_score": float(levels.map(LEVEL_SCORE).mean()),
    }


def _osai(rated: pd.DataFrame, dimensions: set[str]) -> dict:
    values = rated["class"].map(LEVEL_SCORE)
    matched = values[rated["dimension"].isin(dimensions)]
    return {
        "osai_models": ";".join(sorted(rated["name"].unique())),
        "osai_n_ratings": len(rated),
        "osai_score": float(values.mean()) if len(values) else np.nan,
        "osai_score_matched": float(matched.mean()) if len(matched) else np.nan,
    }


def gap_table(claims: pd.DataFrame, ratings: pd.DataFrame, fmti_totals: pd.DataFrame) -> pd.DataFrame:
    """Per lab, and per lab x model named in coverage: what coverage claims against what
    the indices rate (columns GAP_COLUMNS; see the module docstring)."""
    registry = default_registry()
    claims = per_lab(claims[claims["level"].isin(list(LEVEL_SCORE))], "labs")
    rated = per_lab(ratings[ratings["class"].isin(list(LEVEL_SCORE))])
    latest = per_lab(fmti_totals).sort_values(["lab", "edition"]).groupby("lab").tail(1).set_index("lab")
    rows = []
    for lab, lab_claims in claims.groupby("lab", sort=True):
        lab_rated = rated[rated["lab"] == lab]
        units = [("", lab_claims, lab_rated)]
        named_models = lab_claims["models"].fillna("").astype(str).str.split(";")
        spellings = named_models.explode()
        spellings = spellings[(spellings != "") & spellings.map(lambda m: lab in find_labs(m, registry))]
        # one row per model however it is spelt ("LLaMA-2", "Llama 2"), shown in its most frequent spelling
        for key, variants in spellings.groupby(folded(spellings), sort=True):
            model = variants.value_counts().sort_index().idxmax()
            named = lab_claims[named_models.map(lambda names: key in set(folded(pd.Series(names))))]
            units.append((model, named, lab_rated[folded(lab_rated["name"]).str.startswith(key)]))
        for model, unit_claims, unit_rated in units:
            row = {"lab": lab, "lab_name": registry.labs[lab].name if lab in registry.labs else "", "model": model,
                   **_coverage(unit_claims), **_osai(unit_rated, set(unit_claims["dimension"])),
                   "fmti_edition": latest["edition"].get(lab, ""),
                   "fmti_total": latest["total"].get(lab, np.nan) / 100}
            reference = row["osai_score_matched"] if not np.isnan(row["osai_score_matched"]) else row["osai_score"]
            row["gap"] = row["coverage_score"] - reference
            rows.append(row)
    return pd.DataFrame(rows, columns=GAP_COLUMNS)


def seed_comparison(seed_claims: pd.DataFrame, ratings: pd.DataFrame, fmti_scores: pd.DataFrame,
                    lab: str = "xai", model: str = "Grok 2", edition: str = "2025-12") -> pd.DataFrame:
    """Each claim about `lab` (its sentence names the lab or one of its products) next to
    the OSAI class of `model` on that dimension and the share of the matching FMTI
    `edition` indicators (FMTI_MATCH) the lab is scored as disclosing."""
    about = seed_claims[seed_claims["labs"].fillna("").str.split(";").map(lambda labs: lab in labs)]
    entry = ratings[ratings["name"] == model].set_index("dimension")["class"]
    scored = fmti_scores[(fmti_scores["edition"] == edition)
                         & fmti_scores["lab"].fillna("").str.split(";").map(lambda labs: lab in labs)]
    rows = []
    for claim in about.itertuples(index=False):
        names = FMTI_MATCH.get(claim.dimension, ())
        matched = scored[scored["subdomain"].isin(names) | scored["indicator"].isin(names)]
        osai_class = entry.get(claim.dimension, "")
        rows.append({
            "doc_id": claim.doc_id, "start": claim.start, "end": claim.end, "dimension": claim.dimension,
            "level": claim.level, "osai_model": model if osai_class else "", "osai_class": osai_class,
            "agrees": claim.level == osai_class, "fmti_edition": edition,
            "fmti_n_indicators": len(matched),
            "fmti_share_disclosed": float(matched["score"].mean()) if len(matched) else np.nan,
        })
    return pd.DataFrame(rows, columns=SEED_COLUMNS)
