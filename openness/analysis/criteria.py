"""Precision and recall of each criterion of the rubric against the coded gold sentences.

A theme's F1 hides which of its criteria carry it to unseen text and which add false hits.
Per set (dev, gold2, check) and theme: a criterion *hits* a sentence when one of its cues
matches there (negated or not, as the theme's count takes it); its precision is the share of
the sentences it hits that the coders gave the theme, its recall the share of the coded
sentences it hits. Criterion `all` is the theme itself (the precision and recall behind its
F1). Coders code themes, not criteria, so a criterion's recall is its share of the theme.
Intervals are Wilson intervals over sentences (95%).
"""
from __future__ import annotations

import pandas as pd

from openness.analysis.audit import share_interval
from openness.core.rubric import load_rubric
from openness.core.scoring import score_rows
from openness.vocab import THEMES

ALL = "all"
COLUMNS = ["set", "theme", "criterion", "label", "coded", "hits", "true_hits",
           "precision", "precision_lo", "precision_hi", "recall", "recall_lo", "recall_hi"]


def criterion_table(sets: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per set x theme x criterion (`ALL` first, then the rubric's criteria in order)
    for gold sentences with columns `id`, `text` and the theme codes (0/1); each sentence is
    scored as one document, as `openness score --unit document` scores it."""
    criteria = load_rubric().criteria
    rows = []
    for name, gold in sets.items():
        ids = gold["id"].astype(str)  # the scorer's doc_ids are strings
        evidence = score_rows(pd.DataFrame({"doc_id": ids.to_numpy(), "text": gold["text"].to_numpy()})).evidence
        for theme in THEMES:
            coded = set(ids[gold[theme].astype(int) > 0])
            hits = evidence[evidence["theme"] == theme]
            units = [(ALL, theme, set(hits["doc_id"]))]
            units += [(criterion, label, set(hits.loc[hits["criterion"] == criterion, "doc_id"]))
                      for criterion, (owner, label) in criteria.items() if owner == theme]
            for criterion, label, hit in units:
                true_hits = len(hit & coded)
                rows.append([name, theme, criterion, label, len(coded), len(hit), true_hits,
                             *share_interval(true_hits, len(hit)), *share_interval(true_hits, len(coded))])
    return pd.DataFrame(rows, columns=COLUMNS)
