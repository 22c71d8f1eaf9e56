"""Agreement of the rubric (and of the supervised classifier) with human and expert coding:
the benchmarks the build writes to data/processed/validation*.csv, from tables it hands in.

- gold: the project's coded dev sentences (registered source `gold`), one sentence = one
  document as in tests/test_gold.py; themes (present when count > 0), stance, lab mentions
  (micro P/R/F1 over `vocab.CODEBOOK_LABS`, other labs ignored). Bootstrap by document
  (`doc`): sentences of one document are not independent.
- claims: the OSAI experts' class of each rated dimension against the level the claims
  rules (`openness.analysis.claims.classify_dimension`) and the claims model
  (`openness.analysis.claims_model`, cross-validated with whole organisations held out) read
  from the experts' notes; bootstrap by model. `validation_claims` adds resubstitution and a
  by-period split.
- aiaaic: themes of AIAAIC headlines against the human-coded issues, mapped to themes by the
  registered mapping `aiaaic-issue-themes` (`IssueMap`); plus, per issue, how many of its
  incidents the rubric finds.
Next to the rubric: `openness.analysis.classify` under grouped 5-fold cross-validation, with
the rubric's cue counts among its features and with words only (how much a model learns from
the labelled text alone), and the coders' own published agreement (`HUMAN_BENCHMARK`).
Metrics and intervals: `openness.analysis.agreement`.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from openness.analysis.agreement import OVERALL, agreement, confusion, micro_agreement
from openness.analysis.classify import THEME_LABELS, cross_validate, cross_validate_gold, gold_targets, presence
from openness.core.scoring import score_rows
from openness.vocab import CODEBOOK_LABS, LEVELS, N_BOOT, SEED, STANCES, THEMES

RUBRIC = "rubric"
CLASSIFIER = "classifier (grouped 5-fold CV)"
WORDS_ONLY = "classifier, words only (grouped 5-fold CV)"
CLASSIFIERS = {CLASSIFIER: True, WORDS_ONLY: False}  # method -> with the rubric's cue counts as features
HUMAN = "human (two coders)"
ABSTAIN = "(none)"  # the rubric gave no level
VALIDATION_COLUMNS = ["task", "method", "metric", "class", "estimate", "lo", "hi", "n"]
CLAIMS_PROTOCOL_COLUMNS = ["protocol", "task", "method", "metric", "class", "estimate", "lo", "hi", "n"]
CONFUSION_COLUMNS = ["task", "method", "reference", "predicted", "count"]
ISSUE_COLUMNS = ["issue", "theme", "incidents", "rubric_detected", "rubric_recall",
                 "classifier_detected", "classifier_recall"]
NO_ISSUE = "(none coded)"

# Published figures, not recomputed (the coders' separate labels are not released):
# ../shared/data/gold/README.md, agreement of the two coders before adjudication over all
# 584 coded sentences (dev + held-out): Krippendorff's alpha (nominal) per theme and for
# stance, and the F1 of lab mentions between the coders.
HUMAN_BENCHMARK = pd.DataFrame(
    [("gold:transparency", "krippendorff_alpha", OVERALL, 0.911),
     ("gold:safety", "krippendorff_alpha", OVERALL, 0.975),
     ("gold:control", "krippendorff_alpha", OVERALL, 0.940),
     ("gold:stance", "krippendorff_alpha", OVERALL, 0.930),
     ("gold:labs", "f1", "micro", 0.99)],
    columns=["task", "metric", "class", "estimate"],
).assign(method=HUMAN, lo=np.nan, hi=np.nan, n=584)


@dataclass(frozen=True)
class IssueMap:
    """AIAAIC issue -> our theme (None: no theme of the codebook covers it), and labels of the
    export that are misspellings or joined labels -> the issues meant."""

    themes: Mapping[str, str | None]
    spellings: Mapping[str, tuple[str, ...]]

    @classmethod
    def from_tables(cls, themes: pd.DataFrame, spellings: pd.DataFrame) -> IssueMap:
        """From the registered mapping's two tables (issue, theme, why; label, issues)."""
        unknown = sorted(set(themes["theme"]) - {*THEMES, ""})
        if unknown:
            raise ValueError(f"AIAAIC issue mapping: theme {unknown[0]!r} is not one of {list(THEMES)} (or empty)")
        return cls({issue: theme or None for issue, theme in zip(themes["issue"], themes["theme"])},
                   {label: tuple(issues.split(";")) for label, issues in zip(spellings["label"], spellings["issues"])})

    def canonical(self, cell: str, where: str = "") -> list[str]:
        """The issues of one `issues` cell as keys of `themes`; a label the mapping does not
        know is an error (new data must be mapped, not dropped)."""
        issues = []
        for label in filter(None, cell.split(";")):
            for issue in self.spellings.get(label, (label.split(" - ")[0].strip(),)):
                if issue not in self.themes:
                    raise KeyError(f"AIAAIC issue {label!r}{f' ({where})' if where else ''} is not in "
                                   "data/mappings/aiaaic_issue_themes.csv: map it to a theme or to none")
                issues.append(issue)
        return sorted(set(issues))

    def theme_labels(self, issues: list[str]) -> dict[str, str]:
        """Each theme as present/absent for an incident with these canonical issues."""
        found = {self.themes[issue] for issue in issues}
        return {theme: THEME_LABELS[theme in found] for theme in THEMES}


def _both(rows: list[pd.DataFrame], confusions: list[pd.DataFrame], method: str, task: str, reference, predicted,
          labels, n_boot: int, seed: int, groups) -> None:
    rows.append(agreement(reference, predicted, labels, n_boot, seed, groups, task).assign(method=method))
    confusions.append(confusion(reference, predicted, labels, task).assign(method=method))


def gold_tables(gold: pd.DataFrame, n_boot: int = N_BOOT, seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Gold themes, stance and labs: rubric, classifier (themes, stance) and the coders."""
    targets = gold_targets(gold)
    rubric = score_rows(pd.DataFrame({"doc_id": gold["id"], "text": gold["text"]})).documents
    runs = {method: cross_validate_gold(gold, rubric=features) for method, features in CLASSIFIERS.items()}
    rows, confusions = [], []
    for task in (*THEMES, "stance"):
        labels = STANCES if task == "stance" else THEME_LABELS
        predictions = {RUBRIC: rubric["stance"] if task == "stance" else presence(rubric[task] > 0)}
        predictions |= {method: cv.loc[cv["task"] == task].sort_values("row")["predicted"] for method, cv in runs.items()}
        for method, predicted in predictions.items():
            _both(rows, confusions, method, f"gold:{task}", targets[task], predicted, labels, n_boot, seed, gold["doc"])

    def lab_ids(cell: str) -> set[str]:
        return {lab for lab in cell.split(";") if lab in CODEBOOK_LABS}

    rows.append(micro_agreement([lab_ids(c) for c in gold["labs"]], [lab_ids(c) for c in rubric["labs"]],
                                n_boot, seed, gold["doc"], "gold:labs").assign(method=RUBRIC))
    rows.append(HUMAN_BENCHMARK)
    return pd.concat(rows, ignore_index=True), pd.concat(confusions, ignore_index=True)


def osai_notes(ratings: pd.DataFrame) -> pd.DataFrame:
    """The rated dimensions with notes, from the OSAI ratings (with their notes): model, org,
    release_date, dimension, notes, class (open/partial/closed)."""
    rated = ratings[(ratings["group"] != "") & ratings["class"].isin(LEVELS) & (ratings["notes"] != "")]
    return rated[["model", "org", "release_date", "dimension", "notes", "class"]].sort_values(
        ["model", "dimension"], ignore_index=True)


def claims_tables(notes: pd.DataFrame, n_boot: int = N_BOOT, seed: int = SEED) -> tuple[pd.DataFrame, ...]:
    """The experts' class per dimension and overall, against the rules alone (`RUBRIC`)
    and the claims model with and without the rules' verdict, cross-validated with whole
    organisations held out (`CLASSIFIER`, `WORDS_ONLY`); bootstrap by model. Third table:
    every method under every protocol of `claims_model.claims_protocol`, bootstrap
    by organisation (`claims_protocol_table`)."""
    from openness.analysis import claims_model  # imported late so tests can stand in for it

    protocol = claims_model.claims_protocol(notes.reset_index(drop=True))  # folds: the classifier's seed
    by_org = protocol[protocol["protocol"] == "by organisation"]

    def levels(method: str) -> pd.Series:
        chosen = by_org[by_org["method"] == method].set_index("row")["predicted"].sort_index()
        return pd.Series(chosen.replace(claims_model.UNDECIDED, ABSTAIN).to_numpy(), index=notes.index)

    predictions = {RUBRIC: levels("rules"), CLASSIFIER: levels("model"), WORDS_ONLY: levels("words only")}
    rows, confusions = [], []
    subsets = [("claims:all", notes.index)] + [
        (f"claims:{dimension}", part.index) for dimension, part in notes.groupby("dimension", sort=True)]
    for task, index in subsets:
        for method, predicted in predictions.items():
            _both(rows, confusions, method, task, notes.loc[index, "class"], predicted[index], LEVELS,
                  n_boot, seed, notes.loc[index, "model"])
    return (pd.concat(rows, ignore_index=True), pd.concat(confusions, ignore_index=True),
            claims_protocol_table(protocol, n_boot, seed))


def claims_protocol_table(protocol: pd.DataFrame, n_boot: int = N_BOOT, seed: int = SEED) -> pd.DataFrame:
    """Agreement with the experts per protocol and method (`claims_protocol` rows): every
    metric over all dimensions, the overall metrics per dimension; bootstrap by organisation."""
    rows = []
    for (name, method), run in protocol.groupby(["protocol", "method"], sort=True):
        for task, part in [("claims:all", run), *((f"claims:{d}", p) for d, p in run.groupby("dimension", sort=True))]:
            table = agreement(part["reference"], part["predicted"], LEVELS, n_boot, seed, part["org"], task)
            kept = table if task == "claims:all" else table[table["class"] == OVERALL]
            rows.append(kept.assign(protocol=name, method=method))
    table = pd.concat(rows, ignore_index=True)[CLAIMS_PROTOCOL_COLUMNS]
    return table.astype({"n": "int64"}).sort_values(["protocol", "method", "task", "class", "metric"], ignore_index=True)


def aiaaic_incidents(docs: pd.DataFrame, mapping: IssueMap) -> pd.DataFrame:
    """The AIAAIC documents (doc_id, text, issues, csv_row) with their canonical issues and
    issue-derived themes; incidents without any coded issue are kept with `issues` empty
    (left out of the scores)."""
    out = docs[["doc_id", "text"]].copy()
    out["issues"] = [mapping.canonical(cell, f"{doc_id}, CSV row {row}")
                     for cell, doc_id, row in zip(docs["issues"], docs["doc_id"], docs["csv_row"])]
    themes = pd.DataFrame([mapping.theme_labels(issues) for issues in out["issues"]], index=out.index,
                          columns=list(THEMES))
    return pd.concat([out, themes], axis=1)


def aiaaic_tables(incidents: pd.DataFrame, mapping: IssueMap, n_boot: int = N_BOOT,
                  seed: int = SEED) -> tuple[pd.DataFrame, ...]:
    """Headline themes against the coded issues (rubric and classifier), and per issue the
    incidents whose mapped theme each method finds (counts only, no headline text)."""
    coded = incidents[incidents["issues"].map(len) > 0].reset_index(drop=True)
    rubric = score_rows(coded[["doc_id", "text"]]).documents
    rows, confusions, found = [], [], {}
    for theme in THEMES:
        predictions = {RUBRIC: presence(rubric[theme] > 0)}
        predictions |= {method: cross_validate(coded, theme, "doc_id", rubric=features)["predicted"]
                        for method, features in CLASSIFIERS.items()}
        for method, predicted in predictions.items():
            found[method, theme] = np.asarray(predicted) == THEME_LABELS[1]
            _both(rows, confusions, method, f"aiaaic:{theme}", coded[theme], predicted, THEME_LABELS, n_boot, seed, None)
    per_issue = coded[["issues"]].assign(row=np.arange(len(coded))).explode("issues")
    issue_rows = []
    for issue, part in per_issue.groupby("issues", sort=True):
        theme = mapping.themes[issue]
        detected = {m: int(found[m, theme][part["row"]].sum()) if theme else pd.NA for m in (RUBRIC, CLASSIFIER)}
        issue_rows.append((issue, theme or "", len(part), detected[RUBRIC], detected[CLASSIFIER]))
    issue_rows.append((NO_ISSUE, "", int((incidents["issues"].map(len) == 0).sum()), pd.NA, pd.NA))
    issues = pd.DataFrame(issue_rows, columns=["issue", "theme", "incidents", "rubric_detected", "classifier_detected"])
    for method in ("rubric", "classifier"):
        issues[f"{method}_detected"] = issues[f"{method}_detected"].astype("Int64")
        issues[f"{method}_recall"] = (issues[f"{method}_detected"] / issues["incidents"]).astype("Float64")
    issues = issues[ISSUE_COLUMNS].sort_values(["theme", "issue"], ignore_index=True)
    return pd.concat(rows, ignore_index=True), pd.concat(confusions, ignore_index=True), issues


def validation_tables(gold: pd.DataFrame, osai_ratings: pd.DataFrame, aiaaic_documents: pd.DataFrame,
                      mapping: IssueMap, n_boot: int = N_BOOT, seed: int = SEED) -> dict[str, pd.DataFrame]:
    """Every benchmark as a table to write to data/processed/<name>.csv: `validation`
    (task, method, metric, class, estimate, lo, hi, n), `validation_confusion` (task,
    method, reference, predicted, count) and `validation_aiaaic_issues` (per AIAAIC issue:
    theme, incidents, and how many each method finds) and `validation_claims` (protocol,
    task, method, metric, class, estimate, lo, hi, n: the claims readers under each
    protocol). Inputs: the gold dev sentences, the OSAI ratings with their notes, the AIAAIC
    documents and the issue mapping."""
    gold_rows, gold_confusion = gold_tables(gold, n_boot, seed)
    claim_rows, claim_confusion, claim_protocol = claims_tables(osai_notes(osai_ratings), n_boot, seed)
    aiaaic_rows, aiaaic_confusion, issues = aiaaic_tables(aiaaic_incidents(aiaaic_documents, mapping), mapping,
                                                          n_boot, seed)
    metrics = pd.concat([gold_rows, claim_rows, aiaaic_rows], ignore_index=True)[VALIDATION_COLUMNS]
    matrices = pd.concat([gold_confusion, claim_confusion, aiaaic_confusion], ignore_index=True)[CONFUSION_COLUMNS]
    return {
        "validation": metrics.astype({"n": "int64"}).sort_values(["task", "method", "class", "metric"], ignore_index=True),
        "validation_confusion": matrices.sort_values(["task", "method", "reference", "predicted"], ignore_index=True),
        "validation_aiaaic_issues": issues,
        "validation_claims": claim_protocol,
    }
