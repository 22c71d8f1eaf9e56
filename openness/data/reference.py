"""One row per AI lab: what the openness indices say about it, and the openness group the
project compares labs by (open / mixed / closed), with the evidence that decided.

The rule (evidence from the OSAI index and the Model Openness Tool, MOT; FMTI totals are
shown beside it but do not decide, because FMTI measures transparency, not release):

- a lab *releases weights* when OSAI rates the base- or end-model weights of one of its
  models `open`, or MOT lists final parameters under an open licence for one of its models
  (MOT entries flagged implausible, e.g. Claude-2 weights "under MIT", are ignored);
- **closed**: it releases no weights by that definition (e.g. Anthropic);
- **open**: it releases weights, at least half (>= 0.5) of the OSAI dimensions rated for
  its models are `open` (so data, code and documentation too, not only weights), and MOT
  lists none of its systems as never released (e.g. Ai2, EleutherAI);
- **mixed**: it releases weights of some models but either less than half of what OSAI
  rates is open, or OSAI does not rate it, or MOT lists a flagship whose weights were never
  published (e.g. Meta, Mistral, Google via Gemma, OpenAI via gpt-oss, xAI via Grok);
- **unrated**: no index (OSAI, MOT, FMTI) speaks about it; listed because the corpus
  mentions it.

A model made by several labs (e.g. BigCode: Hugging Face and ServiceNow) counts for each,
and so does a joint FMTI total; where one edition rates a lab twice the higher total is shown.
"""
from __future__ import annotations

from typing import Iterable

import pandas as pd

from openness.core.labs import LabRegistry, per_lab
from openness.vocab import LEVELS

OPEN_SHARE = 0.5
# each group's rule in one line, for listings (`openness labs`); the docstring above is the full rule
GROUP_RULES = {
    "open": "releases weights, at least half of what OSAI rates is open, no flagship withheld",
    "mixed": "releases the weights of some models, but less than half of what OSAI rates is open, "
             "OSAI does not rate it, or MOT lists a flagship never released",
    "closed": "releases no weights: neither OSAI nor MOT lists a model of it with open weights",
    "unrated": "no index (OSAI, MOT, FMTI) speaks about it; listed because the corpus names it",
}
WEIGHT_DIMENSIONS = ("weights_basemodel", "weights_endmodel")
FMTI_EDITIONS = ("2023-10", "2024-05", "2025-12")
MAX_NAMES = 3
COLUMNS = ["lab", "name", *(f"fmti_{e.replace('-', '_')}" for e in FMTI_EDITIONS), "osai_models",
           "osai_open_share", "osai_partial_share", "osai_closed_share", "osai_open_weights",
           "osai_open_weights_models", "mot_models", "mot_open_weights", "mot_closed_weights_models",
           "openness_group", "group_reason"]


def lab_reference(osai_models: pd.DataFrame, osai_ratings: pd.DataFrame, fmti_totals: pd.DataFrame,
                  mot_models: pd.DataFrame, registry: LabRegistry, mentioned: Iterable[str] = ()) -> pd.DataFrame:
    """The lab table (columns `COLUMNS`), sorted by lab id: every lab an index rates, plus the
    registry's labs in `mentioned` (lab ids the corpus names)."""
    models, ratings = per_lab(osai_models), per_lab(osai_ratings)
    totals, mot = per_lab(fmti_totals), per_lab(mot_models)
    ratings = ratings[ratings["class"].isin(LEVELS) & (ratings["group"] != "")]
    indexed = set(models.lab) | set(totals.lab) | set(mot.lab)
    labs = sorted(indexed | (set(mentioned) & set(registry.labs)))

    fmti = (totals.pivot_table(index="lab", columns="edition", values="total", aggfunc="max")
            .reindex(index=labs, columns=list(FMTI_EDITIONS)))
    weights = ratings[ratings.dimension.isin(WEIGHT_DIMENSIONS)]
    open_weights = weights[weights["class"] == "open"]
    licences = ratings[ratings.dimension == "licenses"].set_index(["lab", "model"])["class"]
    names = osai_models.drop_duplicates("model").set_index("model")["name"]
    plausible_open = mot[mot.open_weights.astype(bool) & ~mot.implausible.astype(bool)]
    never_released = mot[mot.closed_weights_model.astype(bool)]

    rows = []
    for lab in labs:
        classes = ratings.loc[ratings.lab == lab, "class"]
        shares = classes.value_counts(normalize=True).reindex(list(LEVELS), fill_value=0.0)
        ow = open_weights[open_weights.lab == lab]
        ow_models = sorted(ow.model.unique())
        details = [f"{names[m]} [{'+'.join(_weight_kind(d) for d in sorted(ow.dimension[ow.model == m]))}; "
                   f"licence {licences.get((lab, m), 'not rated')}]" for m in ow_models]
        fmti_row = fmti.loc[lab]
        row = {
            "lab": lab, "name": registry.labs[lab].name if lab in registry.labs else "",
            **{f"fmti_{e.replace('-', '_')}": fmti_row[e] for e in FMTI_EDITIONS},
            "osai_models": models.loc[models.lab == lab, "model"].nunique(),
            **({f"osai_{c}_share": shares[c] for c in LEVELS} if len(classes) else
               {f"osai_{c}_share": float("nan") for c in LEVELS}),
            "osai_open_weights": bool(ow_models), "osai_open_weights_models": len(ow_models),
            "mot_models": int((mot.lab == lab).sum()),
            "mot_open_weights": int((plausible_open.lab == lab).sum()),
            "mot_closed_weights_models": int((never_released.lab == lab).sum()),
        }
        latest = next(((e, fmti_row[e]) for e in reversed(FMTI_EDITIONS) if pd.notna(fmti_row[e])), None)
        row["openness_group"], row["group_reason"] = _decide(
            row, details, sorted(plausible_open.name[plausible_open.lab == lab]),
            sorted(never_released.name[never_released.lab == lab]), latest, lab in indexed)
        rows.append(row)
    table = pd.DataFrame(rows, columns=COLUMNS)
    fmti_columns = [c for c in COLUMNS if c.startswith("fmti_")]
    return table.astype({c: "Int64" for c in fmti_columns})


def _decide(row: dict, osai_details: list[str], mot_open: list[str], mot_closed: list[str],
            latest_fmti: tuple[str, int] | None, indexed: bool) -> tuple[str, str]:
    """(group, reason) by the rule in the module docstring; the reason names the evidence."""
    fmti = f"; FMTI {latest_fmti[0]} total {int(latest_fmti[1])}/100" if latest_fmti else ""
    if not indexed:
        return "unrated", "unrated: no OSAI, MOT or FMTI entry; listed because the corpus names it"
    share = row["osai_open_share"]
    share_text = (f"{share:.0%} of OSAI-rated dimensions open" if pd.notna(share)
                  else "OSAI does not rate its models")
    weights = "; ".join(filter(None, [f"OSAI: {_names(osai_details)}" if osai_details else "",
                                      f"MOT: {_names(mot_open)}" if mot_open else ""]))
    never = f"MOT lists never-released {_names(mot_closed)}" if mot_closed else ""
    if not weights:
        return "closed", "closed: neither OSAI nor MOT lists a model of it with open weights" + \
            (f" ({never})" if never else "") + fmti
    if pd.notna(share) and share >= OPEN_SHARE and not mot_closed:
        return "open", f"open: releases weights ({weights}) and {share_text}" + fmti
    withheld = " and ".join(filter(None, [share_text if not (pd.notna(share) and share >= OPEN_SHARE) else "", never]))
    return "mixed", f"mixed: releases weights ({weights}) but {withheld}" + fmti


def _weight_kind(dimension: str) -> str:
    return {"weights_basemodel": "base-model weights", "weights_endmodel": "end-model weights"}[dimension]


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:MAX_NAMES])
    return shown + (f" +{len(names) - MAX_NAMES} more" if len(names) > MAX_NAMES else "")
