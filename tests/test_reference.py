"""The lab openness reference: the grouping rule branch by branch on small frames written
here, then what it gives for a few well-known labs on the real indices."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from openness.core.labs import load_labs
from openness.data.reference import lab_reference

DIMENSIONS = {"weights_basemodel": "availability", "weights_endmodel": "availability",
              "trainingcode": "availability", "licenses": "access"}


def _ratings(model: str, lab: str, classes: dict[str, str]) -> list[dict]:
    return [{"model": model, "lab": lab, "group": DIMENSIONS[d], "dimension": d, "class": c}
            for d, c in classes.items()]


def _mot(model: str, lab: str, open_weights=False, implausible=False, closed_weights_model=False) -> dict:
    return {"model": model, "name": model, "lab": lab, "open_weights": open_weights,
            "implausible": implausible, "closed_weights_model": closed_weights_model}


@pytest.fixture(scope="module")
def small() -> pd.DataFrame:
    all_open = dict.fromkeys(DIMENSIONS, "open")
    ratings = pd.DataFrame(
        _ratings("Open1", "ai2", all_open)
        # meta: one model with open weights and nothing else open, one with none: 2 of 8 open
        + _ratings("Half", "meta", {"weights_basemodel": "open", "weights_endmodel": "open",
                                    "trainingcode": "closed", "licenses": "closed"})
        + _ratings("Shut", "meta", {"weights_basemodel": "closed", "weights_endmodel": "partial",
                                    "trainingcode": "closed", "licenses": "closed"})
        + _ratings("Mostly", "openai", all_open)
        + _ratings("Joint", "eleutherai;together", all_open)
        + [{"model": "Odd", "lab": "ai2", "group": "", "dimension": "extra", "class": "closed"}])
    models = pd.DataFrame({"model": ["Open1", "Half", "Shut", "Mostly", "Joint", "Odd"],
                           "name": ["Open One", "Half Open", "Shut", "Mostly Open", "Joint", "Odd"],
                           "lab": ["ai2", "meta", "meta", "openai", "eleutherai;together", "ai2"]})
    totals = pd.DataFrame({"edition": ["2025-12", "2025-12", "2024-05", "2024-05"],
                           "lab": ["anthropic", "xai", "anthropic", "anthropic"], "total": [46, 14, 51, 40]})
    mot = pd.DataFrame([
        _mot("Claude-9", "anthropic", open_weights=True, implausible=True, closed_weights_model=True),
        _mot("GPT-9", "openai", closed_weights_model=True),
        _mot("Grokish", "xai", open_weights=True),
    ])
    return lab_reference(models, ratings, totals, mot, load_labs(), mentioned=["nomic", "not-a-lab"]).set_index("lab")


def test_open_needs_weights_and_half_of_the_rated_dimensions_open(small):
    assert small.loc["ai2", "openness_group"] == "open"
    assert small.loc["ai2", "osai_open_share"] == 1.0  # the ungrouped 'extra' rating does not count
    assert small.loc["ai2", "osai_models"] == 2
    assert small.loc["ai2", "group_reason"].startswith("open: releases weights (OSAI: Open One")


def test_mixed_when_less_than_half_is_open(small):
    row = small.loc["meta"]
    assert row.openness_group == "mixed"
    assert row.osai_open_share == pytest.approx(2 / 8)
    assert (row.osai_open_weights, row.osai_open_weights_models) == (True, 1)  # 'partial' weights do not count
    assert "25% of OSAI-rated dimensions open" in row.group_reason


def test_mixed_when_a_never_released_model_is_listed_even_if_osai_looks_open(small):
    row = small.loc["openai"]
    assert (row.osai_open_share, row.openness_group) == (1.0, "mixed")
    assert "never-released GPT-9" in row.group_reason


def test_mixed_when_only_mot_shows_open_weights(small):
    row = small.loc["xai"]
    assert (row.openness_group, row.mot_open_weights, row.fmti_2025_12) == ("mixed", 1, 14)
    assert pd.isna(row.osai_open_share)
    assert "OSAI does not rate its models" in row.group_reason
    assert row.group_reason.endswith("FMTI 2025-12 total 14/100")


def test_closed_when_no_weights_and_implausible_entries_are_ignored(small):
    row = small.loc["anthropic"]
    assert (row.openness_group, row.mot_models, row.mot_open_weights) == ("closed", 1, 0)
    assert row.fmti_2024_05 == 51  # rated twice in one edition: the higher total
    assert pd.isna(row.fmti_2023_10)


def test_joint_models_count_for_every_lab_and_unrated_labs_are_listed_only_when_registered(small):
    assert small.loc["eleutherai", "openness_group"] == small.loc["together", "openness_group"] == "open"
    assert small.loc["nomic", "openness_group"] == "unrated"
    assert "not-a-lab" not in small.index
    assert list(small.index) == sorted(small.index)


@pytest.fixture(scope="module")
def real(mirror: Path) -> pd.DataFrame:
    from openness.data.sources import fmti, mot, osai
    raw = mirror / "raw"
    return lab_reference(osai.models(raw / "osai-index"), osai.ratings(raw / "osai-index"),
                         fmti.totals(raw / "fmti"), mot.models(raw / "mot"), load_labs()).set_index("lab")


def test_real_data_xai_is_mixed(real):
    # OSAI rates Grok 2's end-model weights open and everything else (licence included) closed,
    # so it releases weights but 1 of 12 dimensions is open; FMTI Dec 2025 rates xAI 14/100.
    row = real.loc["xai"]
    assert (row.openness_group, row.fmti_2025_12, row.osai_open_share) == ("mixed", 14, pytest.approx(1 / 12))
    assert "Grok 2 [end-model weights; licence closed]" in row.group_reason


def test_real_data_well_known_labs(real):
    # Anthropic: MOT's Claude entries with "open" weights are flagged implausible, nothing else -> closed.
    assert real.loc["anthropic", "openness_group"] == "closed"
    # Ai2: OLMo and friends are open on most OSAI dimensions -> open.
    assert real.loc["ai2", "openness_group"] == "open"
    # Meta: Llama weights are only 'partial' in OSAI, but smaller models (MusicGen, ...) are open,
    # and under half of what OSAI rates is open -> mixed.
    assert real.loc["meta", "openness_group"] == "mixed"
    assert real.loc["meta", "osai_open_share"] < 0.5
    # OpenAI: gpt-oss and Whisper are open on over half the OSAI dimensions, but MOT lists
    # GPT-4 and others whose weights were never published -> mixed, not open.
    assert real.loc["openai", "osai_open_share"] >= 0.5
    assert real.loc["openai", "openness_group"] == "mixed"
