"""The second dev set: coded sheets become gold-shaped rows with their text from the source."""
from __future__ import annotations

import pandas as pd
import pytest

from openness import paths
from openness.analysis.coded import CUE_HIT, RANDOM, CodedSheetError
from openness.data import gold2
from openness.data.sources import audits, gold as gold_source
from openness.vocab import STANCES

# Written for this test.
PAGES = pd.DataFrame({"doc_id": ["c-1", "c-2"], "source": ["ntia-open-weights", "interconnects"],
                      "text": ["Weights should be open.  Risks are   real.", "Labs decide."]})


def sheet(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["item", "doc_id", "start", "end", "drawn", "transparency", "safety", "control",
                                       "stance", "labs", "sample"])


def test_rows_take_their_text_from_the_offsets_and_an_id_from_sheet_and_item():
    coded = sheet([(4, "c-1", 25, 43, "random", "0", "1", "0", "neutral", "", "gold2-ntia-coded"),
                   (9, "c-2", 0, 12, "random", "0", "0", "1", "neutral", "other", "gold2-interconnects-coded"),
                   (1, "c-1", 0, 24, "random", "0", "0", "0", "pro_open", "", "news-coded")])  # not gold2
    rows = gold2.sentences(coded, {"ntia-open-weights": PAGES.iloc[:1], "interconnects": PAGES.iloc[1:]})
    assert list(rows.columns) == gold2.COLUMNS
    assert rows["id"].tolist() == ["gold2-interconnects-coded-9", "gold2-ntia-coded-4"]  # sheets in name order
    assert rows["text"].tolist() == ["Labs decide.", "Risks are real."]
    assert rows["source"].tolist() == ["interconnects", "ntia-open-weights"]  # the source that holds the page
    assert rows["doc"].tolist() == ["c-2", "c-1"] and rows["safety"].tolist() == ["0", "1"]


def test_a_row_whose_page_is_not_in_its_source_names_the_sheet_and_line():
    coded = sheet([(4, "c-3", 0, 12, "random", "0", "0", "0", "neutral", "", "gold2-ntia-coded")])
    with pytest.raises(CodedSheetError, match=r"gold2-ntia-coded\.csv, line 2: page 'c-3'"):
        gold2.sentences(coded, {"ntia-open-weights": PAGES.iloc[:1], "interconnects": PAGES.iloc[1:]})


def test_the_registered_sheets_give_the_second_dev_set(mirror):
    rows = gold2.from_mirror(mirror)
    assert rows.groupby("source").size().to_dict() == {"interconnects": 303, "ntia-open-weights": 716}
    sheets = rows["id"].str.rsplit("-", n=1).str[0].value_counts()
    assert (sheets[~sheets.index.str.contains("-args")] == 150).all() and len(sheets) == 7  # three drawn at random
    drawn = audits.coded().query("sample.str.startswith('gold2-')").groupby("sample")["drawn"].agg(set)
    assert all(kinds <= {CUE_HIT, RANDOM} for name, kinds in drawn.items() if "-args" in name)  # four among cue hits
    assert rows["id"].is_unique and set(rows["stance"]) <= set(STANCES) and (rows["text"].str.len() > 0).all()
    assert (rows["stance"] != "neutral").sum() > 30  # sentences that take a side, to learn from
    gold = pd.concat([gold_source.sentences(mirror / "gold", part) for part in ("dev", "check")])
    assert not set(rows["text"]) & set(gold["text"])  # no gold sentence drawn again


def test_coder_agreement_is_one_where_the_codes_agree_and_falls_with_each_disagreement():
    dev = pd.DataFrame({"id": ["s1", "s2", "s3", "s4"], "doc": ["d1", "d1", "d2", "d3"],
                        "transparency": ["1", "0", "1", "0"], "safety": ["0", "0", "1", "1"],
                        "control": ["1", "1", "0", "0"], "stance": ["pro_open", "neutral", "pro_closed", "neutral"]})
    same = gold2.coder_agreement(dev, dev.drop(columns="doc"))
    assert same["task"].tolist() == gold2.CODES and (same["estimate"] == 1).all() and (same["n"] == 4).all()
    recoded = dev.drop(columns="doc").assign(stance=["neutral", "neutral", "pro_closed", "neutral"])
    alphas = gold2.coder_agreement(dev, recoded).set_index("task")["estimate"]
    assert alphas["stance"] < 1 and alphas[["transparency", "safety", "control"]].eq(1).all()
    with pytest.raises(ValueError, match=r"gold-dev-recoded\.csv: ids not in dev\.csv: s9"):
        gold2.coder_agreement(dev, recoded.assign(id=["s1", "s2", "s3", "s9"]))


def test_the_recoded_dev_sentences_are_dev_sentences_and_the_readme_states_their_agreement(mirror):
    recoded = pd.read_csv(gold2.RECODED, dtype=str, keep_default_na=False)
    check = gold_source.sentences(mirror / "gold", "check")
    assert len(recoded) == 119 and recoded["id"].is_unique and not set(recoded["id"]) & set(check["id"])
    alphas = gold2.coder_agreement(gold_source.sentences(mirror / "gold", "dev"), recoded).set_index("task")["estimate"]
    stated = ", ".join(f"{task} {alphas[task]:.2f}" for task in gold2.CODES)
    assert stated in " ".join((paths.ROOT / "README.md").read_text(encoding="utf-8").split())
