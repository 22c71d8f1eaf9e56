"""Print whether a word model adds, on news, the themes the rubric's cues miss: for each news
dev sheet in turn, the classifier of `openness.analysis.classify` (TF-IDF of words and word
pairs, no rubric features) is fitted on the gold dev sentences, gold2 and the other news dev
sheets, and may add a theme to a sentence of the held-out sheet where no cue found it, when
its probability passes a threshold (every threshold of `THRESHOLDS` is printed: one picked
from them would be picked on these sheets). The rubric's figures are training figures where
its cues were written from the sheet (all but news9); the added sentences are out of sheet.
The held-out news check sentences are not read.

    python scripts/news_theme_model.py /work/shared/data
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score

from openness.analysis.classify import make_pipeline
from openness.analysis.coded import coding_view, predictions
from openness.data import gold2
from openness.data.sources import audits, gold, news
from openness.vocab import THEMES

THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)


def news_dev(mirror: Path) -> pd.DataFrame:
    """The news dev sheets (`news*-coded`) with each sentence's text, `sample` = the sheet."""
    pages = news.PARSER.frames(mirror / "raw" / news.SOURCE)["scraped"].set_index("doc_id")["raw"]
    coded = audits.coded()
    sheets = coded[coded["sample"].str.startswith("news") & coded["sample"].str.endswith("-coded")]
    return pd.concat([coding_view(sheet, pages, f"data/validation/{stem}.csv")
                      for stem, sheet in sheets.groupby("sample", sort=True)], ignore_index=True)


def out_of_sheet(training: pd.DataFrame, sheets: pd.DataFrame, theme: str) -> np.ndarray:
    """The probability of `theme` for each row of `sheets`, from a model fitted on `training`
    and the other sheets."""
    probability = np.zeros(len(sheets))
    for sample in sorted(sheets["sample"].unique()):
        held = (sheets["sample"] == sample).to_numpy()
        fit_on = pd.concat([training, sheets[~held]], ignore_index=True)
        labels = np.where(fit_on[theme].astype(int) > 0, "present", "absent")
        model = make_pipeline(rubric=False).fit(fit_on[["text"]], labels)
        probability[held] = model.predict_proba(sheets.loc[held, ["text"]])[:, list(model.classes_).index("present")]
    return probability


if __name__ == "__main__":
    mirror = Path(sys.argv[1])
    training = pd.concat([gold.sentences(mirror / "gold", "dev"), gold2.from_mirror(mirror)], ignore_index=True)
    sheets = news_dev(mirror)
    rubric = predictions(sheets)
    print(f"{len(sheets)} news dev sentences; training: {len(training)} gold sentences + the other sheets")
    for theme in THEMES:
        coded, found = sheets[theme].astype(int).to_numpy() > 0, rubric[theme].to_numpy() > 0
        probability = out_of_sheet(training, sheets, theme)
        cells = [f"{theme}: {coded.sum()} coded, rubric F1 {f1_score(coded, found):.3f}, "
                 f"model alone {f1_score(coded, probability > 0.5):.3f}"]
        for threshold in THRESHOLDS:
            added = (probability > threshold) & ~found
            cells.append(f"rubric or model > {threshold}: {f1_score(coded, found | added):.3f} "
                         f"({added.sum()} added, {(added & coded).sum()} coded)")
        print("\n  ".join(cells))
