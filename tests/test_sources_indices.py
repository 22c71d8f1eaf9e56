"""Parsers of the expert indices (OSAI, FMTI, MOT): counts and values checked against the
published sources, and edge cases on invented fixtures."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from openness.core.labs import load_labs
from openness.data.sources import fmti, mot, osai

OSAI_DIMENSIONS = [
    "datasources_basemodel", "datasources_endmodel", "weights_basemodel", "weights_endmodel",
    "trainingcode", "code", "hardware_architecture", "preprint", "paper", "modelcard", "datasheet",
    "licenses",
]


@pytest.fixture(scope="module")
def osai_real(mirror: Path):
    root = mirror / "raw" / "osai-index"
    return osai.models(root), osai.ratings(root)


@pytest.fixture(scope="module")
def mot_real(mirror: Path):
    root = mirror / "raw" / "mot"
    return mot.models(root), mot.components(root)


@pytest.mark.parametrize("overrides", [osai.LAB_OVERRIDES, fmti.LAB_OVERRIDES, mot.LAB_OVERRIDES])
def test_lab_overrides_name_registered_labs(overrides):
    known = set(load_labs().labs)
    used = {lab for value in overrides.values() for lab in value.split(";")}
    assert used <= known, used - known


# --- OSAI -------------------------------------------------------------------------------

def test_osai_real_counts_and_classes(osai_real):
    models, ratings = osai_real
    assert len(models) == 194 and models["model"].is_unique and models["model"].is_monotonic_increasing
    assert list(ratings["dimension"].drop_duplicates()) == OSAI_DIMENSIONS
    assert len(ratings) == 194 * 12
    assert set(ratings["class"]) == {"open", "partial", "closed"}
    assert (ratings["flag_reason"] == "").all()
    counts = models[["n_open", "n_partial", "n_closed"]].sum(axis=1)
    assert (counts == 12).all()


def test_osai_real_grok_2(osai_real):
    _, ratings = osai_real
    grok = ratings[ratings["name"] == "Grok 2"].set_index("dimension")
    assert grok.loc["weights_endmodel", "class"] == "open"
    assert grok.loc["licenses", "class"] == "closed"
    assert set(grok["lab"]) == {"xai"}


def test_osai_real_org_to_lab(osai_real):
    models, _ = osai_real
    lab = models.set_index("name")["lab"]
    assert lab["OLMo"] == "ai2"
    assert lab["Llama 3.1"] == "meta"
    assert lab["Mistral Large 3"] == "mistral"
    assert lab["Mistral NeMo"] == "mistral;nvidia"  # "Mistral AI and NVIDIA"


def test_osai_real_odd_files_are_kept_and_flagged(osai_real):
    models, _ = osai_real
    flagged = models.set_index("model")["flag_reason"]
    assert "no system name" in flagged["a_submission_template"]
    assert "unexpected system field 'datasources_endmodel'" in flagged["koala"]
    # the four files that spell the field "endmodel license" still give the licence
    assert (models.set_index("model").loc[["GANSynth", "MusicLDM", "Rave", "StableAudio"], "end_model_license"] != "").all()


def test_osai_fixture_edge_cases(fixtures: Path):
    root = fixtures / "sources" / "osai"
    ratings = osai.ratings(root).set_index(["model", "dimension"])
    assert ratings.loc[("Quokka Chat", "trainingcode"), "link"] == "https://example.org/train https://example.org/finetune"
    assert ratings.loc[("Quokka Chat", "weights_endmodel"), "lab"] == "mistral"
    odd = ratings.loc["wombat"]
    assert odd.loc["weights_endmodel", "class"] == "half-open"
    assert "not one of open/partial/closed" in odd.loc["weights_endmodel", "flag_reason"]
    assert odd.loc["trainingcode", "flag_reason"] == "dimension missing from the file"
    assert (odd.loc["licenses", "class"], odd.loc["licenses", "flag_reason"]) == ("", "")  # unrated: NA
    assert odd.loc["bonus_dimension", "flag_reason"] == "not a dimension of _parameters.yml"
    assert len(ratings) == 2 * 3 + 1
    models = osai.models(root).set_index("model")
    assert models.loc["wombat", "end_model_license"] == "Custom"
    assert models.loc["wombat", ["n_open", "n_partial", "n_closed"]].tolist() == [0, 0, 0]
    assert models.loc["Quokka Chat", ["n_open", "n_partial", "n_closed"]].tolist() == [1, 1, 1]


def test_osai_broken_yaml_names_file_and_line(fixtures: Path, tmp_path: Path):
    shutil.copy(fixtures / "sources" / "osai" / "_parameters.yml", tmp_path)
    (tmp_path / "broken.yaml").write_text("system:\n  name: [unclosed\norg: {}\n", encoding="utf-8")
    with pytest.raises(osai.OsaiError, match=r"broken\.yaml: line \d+: invalid YAML"):
        osai.ratings(tmp_path)


# --- FMTI -------------------------------------------------------------------------------

DEC_2025_TOTALS = {
    "IBM": 95, "Writer": 72, "AI21 Labs": 66, "Anthropic": 46, "Google": 41, "Amazon": 39, "OpenAI": 35,
    "DeepSeek": 32, "Meta": 31, "Alibaba": 26, "Mistral": 18, "xAI": 14, "Midjourney": 14,
}


def test_fmti_real_totals(mirror: Path):
    totals = fmti.totals(mirror / "raw" / "fmti")
    assert totals.groupby("edition")["developer"].count().to_dict() == {"2023-10": 10, "2024-05": 14, "2025-12": 13}
    dec = totals[totals["edition"] == "2025-12"].set_index("developer")["total"].to_dict()
    assert dec == DEC_2025_TOTALS
    oct_ = totals[totals["edition"] == "2023-10"].set_index("developer")["total"]
    assert (oct_["Meta"], oct_["Amazon"]) == (54, 12)
    published = totals.dropna(subset=["published_total"])
    assert len(published) == 24 and (published["total"] == published["published_total"]).all()
    assert (totals["n_indicators"] == 100).all() and (totals["flag_reason"] == "").all()
    labs = totals.set_index(["edition", "developer"])["lab"]
    assert labs[("2025-12", "xAI")] == "xai" and labs[("2024-05", "Writer")] == "writer"
    assert labs[("2024-05", "BigCode")] == "huggingface;servicenow"


def test_fmti_real_scores_have_hierarchy(mirror: Path):
    scores = fmti.scores(mirror / "raw" / "fmti")
    assert len(scores) == (10 + 14 + 13) * 100
    assert set(scores["score"]) == {0, 1} and (scores["flag_reason"] == "").all()
    assert set(scores["domain"]) == {"Upstream", "Model", "Downstream"}
    may = scores[(scores["edition"] == "2024-05") & (scores["developer"] == "Meta")].set_index("indicator")
    assert may.loc["Data size", ["domain", "subdomain"]].tolist() == ["Upstream", "Data"]


def test_fmti_fixture_edge_cases(fixtures: Path):
    root = fixtures / "sources" / "fmti"
    scores = fmti.scores(root).set_index(["edition", "developer", "indicator"])
    assert scores.loc[("2023-10", "Meta", "Data size"), "lab"] == "meta"  # name trimmed
    # May 2024 takes its hierarchy from fmti-indicators.csv by position, despite the new name
    assert scores.loc[("2024-05", "Writer", "Risk description"), ["domain", "subdomain"]].tolist() == ["Model", "Risks"]
    assert scores.loc[("2025-12", "xAI", "Whistleblower protection"), "subdomain"] == "Accountability"
    odd = scores.loc[("2025-12", "Acme Models")]
    assert odd.loc["Whistleblower protection", "score"] == 2
    assert odd.loc["Whistleblower protection", "flag_reason"] == "score '2' is not 0 or 1"
    assert odd.loc["Energy reporting", "flag_reason"] == "domain or subdomain unknown"
    totals = fmti.totals(root).set_index(["edition", "developer"])
    assert totals.loc[("2023-10", "Acme Models"), ["total", "published_total"]].tolist() == [1, 2]
    assert "differs from the published total 2" in totals.loc[("2023-10", "Acme Models"), "flag_reason"]
    assert totals.loc[("2023-10", "Meta"), "flag_reason"] == ""
    assert totals.loc[("2024-05", "BigCode"), "lab"] == "huggingface;servicenow"


def test_fmti_position_join_needs_equal_counts(fixtures: Path, tmp_path: Path):
    shutil.copytree(fixtures / "sources" / "fmti", tmp_path, dirs_exist_ok=True)
    with (tmp_path / "fmti-indicators.csv").open("a", encoding="utf-8") as handle:
        handle.write("Downstream,Impact,Extra indicator,An extra row.\n")
    with pytest.raises(fmti.FmtiError, match=r"May2024_scores\.csv: 2 indicators, but .* lists 3"):
        fmti.scores(tmp_path)


# --- MOT --------------------------------------------------------------------------------

def test_mot_real_counts(mot_real):
    models, components = mot_real
    assert len(models) == 273 and models["model"].is_unique and models["model"].is_monotonic_increasing
    assert len(components) == 273 * 17
    assert components["component"].nunique() == 17
    assert models["n_included"].sum() == components["included"].sum()


def test_mot_real_implausible_licences(mot_real):
    models, components = mot_real
    weights = components[components["component"] == "Model parameters (Final)"].set_index("model")
    assert weights.loc["Claude-2", "license_effective"] == "MIT"
    assert bool(weights.loc["Claude-2", "implausible"])
    assert "closed-weights" in weights.loc["Claude-2", "flag_reason"]
    # gpt-oss weights are really Apache-2.0 (inherited from the distribution licence)
    assert weights.loc["gpt-oss-120b", "license_id"] == "Apache-2.0"
    assert not weights.loc["gpt-oss-120b", "implausible"]
    flagged = set(models.loc[models["implausible"], "model"])
    assert flagged == {"Claude-1", "Claude-2", "Grok-0"}
    assert {"GPT-4", "Gemini-1.5", "PaLM"} <= set(models.loc[models["closed_weights_model"], "model"])
    assert not models.set_index("model").loc["Grok-1", "closed_weights_model"]


def test_mot_real_producer_to_lab(mot_real):
    models, _ = mot_real
    lab = models.drop_duplicates("producer").set_index("producer")["lab"]
    assert lab["Allen Institute for AI"] == "ai2"
    assert lab["FAIR (Fundamental Artificial Intelligence Research)"] == "meta"
    assert lab["DeepSeek AI"] == "deepseek"
    assert lab["Inflection"] == "inflection"
    assert lab["Microsoft, NVIDIA"] == "microsoft;nvidia"


def test_mot_fixture_edge_cases(fixtures: Path):
    root = fixtures / "sources" / "mot"
    components = mot.components(root).set_index(["model", "component"])
    assert len(components) == 17 + 18 + 17
    numbat = components.loc["Numbat-1B"]
    # a component without its own licence inherits the category licence, then the distribution one
    assert numbat.loc["Model architecture", ["license_effective", "license_id", "open_license"]].tolist() == [
        "BSD-3", "BSD-3-Clause", True]
    assert numbat.loc["Model parameters (Final)", ["license_effective", "open_license"]].tolist() == [
        "CC-BY-NC-4.0", False]
    assert not numbat.loc["Training code", "included"] and numbat.loc["Training code", "license_effective"] == ""
    assert numbat.loc["Secret sauce", "flag_reason"] == "not a MOF component"
    claude = components.loc["Claude-9"]
    assert bool(claude.loc["Model parameters (Final)", "implausible"])
    assert claude.loc["Research paper", "open_license"] and not claude.loc["Research paper", "implausible"]
    models = mot.models(root).set_index("model")
    assert models.loc["Numbat-1B", ["n_included", "n_open", "open_weights"]].tolist() == [3, 2, False]
    assert models.loc["Numbat-1B-copy", "flag_reason"] == "no producer; release name shared by 2 files"
    assert models.loc["Claude-9", "lab"] == "anthropic" and models.loc["Claude-9", "implausible"]


def test_mot_bad_release_names_the_file(fixtures: Path, tmp_path: Path):
    shutil.copytree(fixtures / "sources" / "mot" / "web", tmp_path / "web")
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "Empty.yml").write_text("framework: {}\n", encoding="utf-8")
    with pytest.raises(mot.MotError, match=r"Empty\.yml: expected a mapping with a 'release' mapping"):
        mot.components(tmp_path)
