"""Text-source parsers (NTIA, Interconnects, AIAAIC, seed): the real mirror's counts and
values, and invented fixtures for the edge cases."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from openness.core.labs import find_labs, load_labs
from openness.data.sources import aiaaic, interconnects, ntia, seed

COMMON_COLUMNS = ["doc_id", "source", "text", "title", "published", "flags"]
NTIA_LABS = {"0158": "meta", "0211": "openai", "0233": "anthropic", "0277": "microsoft", "0180": "ibm",
             "0262": "huggingface", "0291": "eleutherai", "0245": "cohere", "0226": "databricks"}


def _check_common(table: pd.DataFrame, source: str) -> None:
    assert list(table.columns[:5]) == COMMON_COLUMNS[:5] and "flags" in table.columns
    assert table.doc_id.is_unique
    assert (table.source == source).all()
    assert pd.api.types.is_datetime64_any_dtype(table["published"])


# --- NTIA ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ntia_docs(mirror: Path) -> pd.DataFrame:
    return ntia.documents(mirror / "raw" / "ntia-open-weights")


def test_ntia_documents_are_the_52_texts_as_written(ntia_docs, mirror):
    _check_common(ntia_docs, "ntia-open-weights")
    texts = mirror / "raw" / "ntia-open-weights" / "texts"
    files = sorted(texts.glob("*.txt"))
    assert len(ntia_docs) == 52 == len(files)
    assert list(ntia_docs.doc_id) == [path.stem for path in files]
    # the mirror's files have LF endings and no BOM, so the text is the file, character for character
    assert all(text == path.read_text(encoding="utf-8") for text, path in zip(ntia_docs.text, files))
    assert (ntia_docs["published"] == pd.Timestamp("2024-03-27")).all()
    assert (ntia_docs["flags"] == "").all()


def test_ntia_commenters_join_metadata_and_our_coding(ntia_docs, mirror):
    metadata = json.loads((mirror / "raw" / "ntia-open-weights" / "comment_metadata.json").read_text())
    assert len(metadata) == 286
    names = {entry["ID"]: entry["Commenter"] for entry in metadata}
    assert all(names[doc] == commenter for doc, commenter in zip(ntia_docs.doc_id, ntia_docs.commenter))
    labs = dict(zip(ntia_docs.doc_id.str[-4:], ntia_docs.lab))
    assert {doc: lab for doc, lab in labs.items() if lab} == NTIA_LABS
    assert set(ntia_docs.commenter_type[ntia_docs.lab != ""]) == {"lab"}
    by_id = ntia_docs.set_index("doc_id")
    assert by_id.commenter_type["NTIA-2023-0009-0175"] == "individual"  # upstream says is_org
    assert by_id.is_org["NTIA-2023-0009-0175"]
    assert by_id.commenter_type["NTIA-2023-0009-0252"] == "investor"
    assert set(ntia_docs.commenter_type) <= set(ntia.COMMENTER_TYPES)


def test_ntia_lab_coding_agrees_with_the_lab_registry(ntia_docs):
    registry = load_labs()
    assert set(ntia_docs.lab) - {""} <= set(registry.labs)
    for commenter, lab in zip(ntia_docs.commenter, ntia_docs.lab):
        assert find_labs(commenter) == ([lab] if lab else []), commenter


def test_ntia_fixture_normalises_line_endings_and_joins(tmp_path, fixtures):
    root = tmp_path / "ntia"
    shutil.copytree(fixtures / "sources" / "ntia", root)
    (root / "texts" / "NTIA-2023-0009-9002.txt").write_bytes(b"\xef\xbb\xbfline one\r\nline two\rend\n")
    docs = ntia.documents(root, commenters_file=root / "commenters.csv")
    assert list(docs.doc_id) == ["NTIA-2023-0009-9001", "NTIA-2023-0009-9002"]
    assert docs.text[1] == "line one\nline two\nend\n"
    assert list(docs.lab) == ["openai", ""]
    assert list(docs.commenter_type) == ["lab", "individual"]
    assert list(docs.alias) == ["ExampleCo", "Jane Doe"]
    assert list(docs.is_org) == [True, False]


def test_ntia_coding_errors_name_file_and_row(tmp_path, fixtures):
    root = tmp_path / "ntia"
    shutil.copytree(fixtures / "sources" / "ntia", root)
    coding = root / "commenters.csv"
    coding.write_text("doc_id,commenter,commenter_type,lab\n"
                      "NTIA-2023-0009-9001,Example Model Company,lab,openai\n"
                      'NTIA-2023-0009-9002,"Doe, Jane",blogger,\n')
    with pytest.raises(ValueError, match=r"commenters.csv, line 3 \(NTIA-2023-0009-9002\): commenter_type 'blogger'"):
        ntia.documents(root, commenters_file=coding)
    coding.write_text("doc_id,commenter,commenter_type,lab\nNTIA-2023-0009-9001,Example Model Company,lab,openai\n")
    with pytest.raises(ValueError, match=r"NTIA-2023-0009-9002 has no row in .*commenters.csv"):
        ntia.documents(root, commenters_file=coding)


# --- Interconnects ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def posts(mirror: Path) -> pd.DataFrame:
    return interconnects.documents(mirror / "raw" / "interconnects")


def test_interconnects_keeps_all_196_posts_with_title_and_date(posts):
    _check_common(posts, "interconnects")
    assert len(posts) == 196
    assert (posts.title.str.strip() != "").all()
    assert posts["published"].notna().all()
    assert (posts.year.astype(str) == posts.path.str.split("/").str[1]).all()  # public/YYYY/...
    assert (posts.path.str.split("/").str[-1].str.removesuffix(".md") == posts.doc_id).all()


def test_interconnects_flags_the_10_broken_front_matters(posts):
    broken = posts[posts["flags"].str.contains("front matter not YAML")]
    assert len(broken) == 10
    assert (posts["flags"][~posts.index.isin(broken.index)] == "").all()
    assert broken.post_id.str.fullmatch(r"\d+\.[\w-]+").all()
    first = broken.set_index("doc_id").loc["2020-06-12-10yearsofautomationin1year"]
    # the doubled quotes upstream are one pair of YAML quotes around a quoted title
    assert first.title.startswith('"') and first.title.endswith('"') and not first.title.startswith('""')


def test_interconnects_known_post_and_plain_text(posts):
    post = posts.set_index("doc_id").loc["2024-04-18-llama3scalingopenllmstoagi"]
    assert post["published"] == pd.Timestamp("2024-04-18") and post.year == 2024
    assert post.post_id == "143712870.llama-3-and-scaling-open-llms"
    by_id = posts.set_index("doc_id")
    assert by_id.post_id["2020-12-22-2020halfyearinreview-democratizingautomation"] == "27710009.2020"  # not a float
    joined = "\n".join(posts.text)
    for markup in ("![", "](http", "<div", "</div>", "{.", "\n:::", "\n#", "**", "\n> "):
        assert markup not in joined, markup


def test_markdown_rules_on_invented_post(fixtures):
    docs = interconnects.documents(fixtures / "sources" / "interconnects").set_index("doc_id")
    assert docs.text["2021-03-04-goodpost"] == (
        "Opening words with a named link and bold and slanted text.\n\n"
        "A heading\n\n"
        "A boxed sentence with inline code & an [escaped] bracket.\n\n"
        "- first point\n"
        "- second point with tagged words\n"
        "  1. nested one\n"
        "  2. nested two\n\n"
        "3. third ordered\n"
        "4. fourth ordered\n\n"
        "A quoted remark.\n\n"
        "See a fragment and a stray (marker."
    )
    good = docs.loc["2021-03-04-goodpost"]
    assert (good.title, good.subtitle, good.post_id, good.post_type, good["flags"]) == (
        "A tidy example post", "Written for the parser tests.", "1001.2021", "newsletter", "")


def test_broken_front_matter_is_read_line_by_line_and_flagged(fixtures):
    docs = interconnects.documents(fixtures / "sources" / "interconnects").set_index("doc_id")
    broken = docs.loc["2022-05-06-brokenfront"]
    assert broken.title == '"Quoted" title of a broken post'
    assert broken.subtitle == 'A subtitle with "inner" quotes.'
    assert broken["published"] == pd.Timestamp("2022-05-06") and broken.year == 2022
    assert broken.post_type == "podcast" and broken["flags"] == "front matter not YAML"
    assert broken.text == "Body of the broken post."
    undated = docs.loc["2022-07-08-nodate"]
    assert pd.isna(undated["published"]) and pd.isna(undated.year) and undated["flags"] == "no date"


def test_front_matter_split_without_front_matter():
    fields, body, flags = interconnects.split_front_matter("Just text, no header.\n")
    assert (fields, body, flags) == ({}, "Just text, no header.\n", ["no front matter"])


# --- AIAAIC -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def incidents(mirror: Path) -> pd.DataFrame:
    return aiaaic.documents(mirror / "raw" / "aiaaic")


def _has_lab(labs: pd.Series, lab: str) -> int:
    return int(labs.str.split(";").map(lambda ids: lab in ids).sum())


def test_aiaaic_counts_and_accounting(incidents, mirror):
    _check_common(incidents, "aiaaic")
    assert len(incidents) == 2139
    with (mirror / "raw" / "aiaaic" / aiaaic.INCIDENTS_FILE).open(encoding="utf-8", newline="") as handle:
        id_rows = [row for row in list(csv.reader(handle))[3:] if row[0].strip()]
    duplicates = aiaaic.duplicates(mirror / "raw" / "aiaaic")
    assert len(id_rows) == 2140 == len(incidents) + len(duplicates)
    assert duplicates[["doc_id", "csv_row", "kept_csv_row"]].values.tolist() == [["AIAAIC2094", 133, 62]]
    kept = incidents.set_index("doc_id").loc["AIAAIC2094"]
    assert kept.year == 2025 and kept["flags"] == "duplicate id" and kept.csv_row == 62


def test_aiaaic_lab_counts(incidents):
    assert _has_lab(incidents.labs, "xai") == 41
    assert _has_lab(incidents.labs, "openai") == 221


def test_aiaaic_empty_headline_kept_and_years(incidents):
    empty = incidents[incidents.text == ""]
    assert list(empty.doc_id) == ["AIAAIC0184"] and list(empty["flags"]) == ["empty text"]
    # 172 of the 2,140 id rows have no Occurred; one of them is the set-aside AIAAIC2094 row
    assert incidents.year.isna().sum() == 171 == (incidents.occurred == "").sum()
    ranged = incidents["flags"].str.contains("year range")
    assert (ranged == incidents.occurred.str.contains("-")).all() and ranged.sum() > 0
    assert (incidents.year[ranged] == incidents.occurred[ranged].str[:4].astype(int)).all()
    assert incidents.year.dropna().between(1900, 2026).all()
    assert incidents["published"].isna().all()


def test_aiaaic_fixture_with_headers_blank_row_and_duplicate(fixtures):
    root = fixtures / "sources" / "aiaaic"
    docs = aiaaic.documents(root).set_index("doc_id")
    assert list(docs.index) == ["AIAAIC9005", "AIAAIC9004", "AIAAIC9002", "AIAAIC9001", "AIAAIC9003"]
    # AIAAIC9003: the later row has more cells filled, so it wins over the earlier one
    assert docs.loc["AIAAIC9003", ["year", "csv_row", "flags"]].tolist() == [2020, 10, "duplicate id"]
    assert aiaaic.duplicates(root)[["doc_id", "csv_row", "kept_csv_row"]].values.tolist() == [["AIAAIC9003", 7, 10]]
    assert docs.labs.tolist() == ["openai;xai", "google;xai", "meta;microsoft", "anthropic", "microsoft"]
    assert docs.developers["AIAAIC9001"] == "Anthropic"  # cell stripped of its line break
    assert docs.issues["AIAAIC9004"] == "Fairness - race, gender;Privacy;Safety"
    assert docs["flags"].tolist() == ["", "year range", "empty text;year range",
                                      "duplicate text;unreadable year", "duplicate id"]
    assert docs.year.tolist() == [2024, 2022, 2021, pd.NA, 2020]
    assert docs.text["AIAAIC9001"] == docs.text["AIAAIC9005"]  # stripped, so the repeat is seen


def test_aiaaic_row_without_id_is_an_error(tmp_path, fixtures):
    source = fixtures / "sources" / "aiaaic" / aiaaic.INCIDENTS_FILE
    target = tmp_path / aiaaic.INCIDENTS_FILE
    target.parent.mkdir(parents=True)
    target.write_text(source.read_text(encoding="utf-8") + ",Orphan headline,2020" + "," * 17 + "\n",
                      encoding="utf-8")
    with pytest.raises(ValueError, match=r"Incidents.csv, row 11: an incident row without an 'AIAAIC ID#'"):
        aiaaic.documents(tmp_path)


@pytest.mark.parametrize("cell, expected", [
    ("Safety; Transparency", "Safety;Transparency"),
    ("Transparency;  Safety ;Transparency", "Safety;Transparency"),
    ("Fairness - age, gender; Privacy", "Fairness - age, gender;Privacy"),
    ("Security, Safety", "Safety;Security"),
    ("", ""),
])
def test_normalise_issues(cell, expected):
    assert aiaaic.normalise_issues(cell) == expected


# --- seed ---------------------------------------------------------------------------------

def test_seed_is_one_titled_document(mirror):
    docs = seed.documents(mirror / "raw" / "seed")
    _check_common(docs, "seed")
    path = mirror / "raw" / "seed" / "000_27f1210e1c1ed5b0.txt"
    assert docs.doc_id.tolist() == ["000_27f1210e1c1ed5b0"]
    assert docs.text[0] == path.read_text(encoding="utf-8")
    assert docs.title[0] != "" and docs.title[0] in docs.text[0] and "xAI" in docs.title[0]
    assert len(docs.title[0].split()) >= 3 and pd.isna(docs["published"][0]) and docs["flags"][0] == ""


def test_seed_title_rule(fixtures):
    docs = seed.documents(fixtures / "sources" / "seed")
    assert docs.title.tolist() == ["A Made Up Headline About Open Models", ""]
    assert docs["flags"].tolist() == ["", "no title"]


def test_default_root_comes_from_the_data_registry(mirror, monkeypatch, tmp_path):
    monkeypatch.setattr("openness.paths.RAW", tmp_path / "raw")  # nothing fetched here
    monkeypatch.setenv("OPENNESS_MIRROR", str(mirror))
    assert seed.documents().equals(seed.documents(mirror / "raw" / "seed"))
