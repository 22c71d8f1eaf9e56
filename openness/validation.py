"""Agreement of the rubric (and of the supervised classifier) with human and expert coding.

`agreement` gives per-class precision, recall, F1 and support, and overall macro-F1,
accuracy, Cohen's kappa, Krippendorff's alpha (nominal) and coverage, each with a
percentile bootstrap 95% interval (units resampled, or whole groups: a cluster bootstrap).
Point estimates come from scikit-learn and the `krippendorff` package; the bootstrap
recomputes the same quantities from resampled confusion matrices in one vectorised pass
(integer arithmetic, so the same seed gives the same bytes everywhere).

`validation_tables` runs the benchmarks the build writes to data/processed/validation*.csv:
- gold: the project's coded dev sentences (../shared/data/gold/dev.csv), one sentence = one
  document as in tests/test_gold.py; themes (present when count > 0), stance, lab mentions
  (micro P/R/F1 over the codebook ids, `other` ignored). Bootstrap by document (`doc`):
  sentences of one document are not independent.
- claims: the OSAI experts' class of each rated dimension against the level the claims
  rules (`openness.claims.classify_dimension`) and the claims model (`openness.claims_model`,
  cross-validated with whole organisations held out) read from the experts' notes;
  bootstrap by model. `validation_claims` adds resubstitution and a by-period split.
- aiaaic: themes of AIAAIC headlines against the human-coded issues, mapped by
  `ISSUE_THEMES`; plus, per issue, how many of its incidents the rubric finds.
Next to the rubric: `openness.classify` under grouped 5-fold cross-validation, with the
rubric's cue counts among its features and with words only (how much a model learns from
the labelled text alone), and the coders' own published agreement (`HUMAN_BENCHMARK`).
Overall metrics have class "overall"; lab mentions have class "micro".
"""
from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, cohen_kappa_score, f1_score, precision_recall_fscore_support

from openness import paths
from openness.classify import (
    SEED, STANCE_LABELS, THEME_LABELS, cross_validate, cross_validate_gold, gold_targets,
)
from openness.rubric import THEMES
from openness.scoring import score
from openness.sources import aiaaic, osai

N_BOOT = 1000
RUBRIC = "rubric"
CLASSIFIER = "classifier (grouped 5-fold CV)"
WORDS_ONLY = "classifier, words only (grouped 5-fold CV)"
CLASSIFIERS = {CLASSIFIER: True, WORDS_ONLY: False}  # method -> with the rubric's cue counts as features
HUMAN = "human (two coders)"
OVERALL = "overall"
ABSTAIN = "(none)"  # the rubric gave no level
AGREEMENT_COLUMNS = ["task", "metric", "class", "estimate", "lo", "hi", "n"]
VALIDATION_COLUMNS = ["task", "method", "metric", "class", "estimate", "lo", "hi", "n"]
CLAIMS_PROTOCOL_COLUMNS = ["protocol", "task", "method", "metric", "class", "estimate", "lo", "hi", "n"]
CONFUSION_COLUMNS = ["task", "method", "reference", "predicted", "count"]
ISSUE_COLUMNS = ["issue", "theme", "incidents", "rubric_detected", "rubric_recall",
                 "classifier_detected", "classifier_recall"]
NO_ISSUE = "(none coded)"

# The lab ids of gold/codebook.md, section 3 (the same list as tests/test_gold.py).
CODEBOOK_LABS = frozenset({
    "xai", "openai", "anthropic", "google", "meta", "mistral", "microsoft", "ai2", "eleutherai",
    "huggingface", "deepseek", "alibaba", "stability", "ibm", "cohere", "nvidia", "amazon",
})

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

# AIAAIC issue (as coded, qualifier after " - " dropped) -> our theme, judged against the
# definitions in gold/codebook.md; None = no theme of the codebook covers it.
ISSUE_THEMES: dict[str, str | None] = {
    # transparency: what is disclosed or inspectable about systems and their makers
    "Transparency": "transparency",  # the codebook's theme by name: disclosure, explainability, audits
    # safety: harm, risk, protection, misuse, reliability failures, alignment
    "Safety": "safety",  # by name
    "Security": "safety",  # cyber misuse, vulnerabilities, security of systems: listed under safety
    "Mis/disinformation": "safety",  # disinformation is a listed misuse
    "Dual use": "safety",  # misuse of a system built for another purpose
    "Dual/multi-use": "safety",  # the same category, later spelling
    "Alignment": "safety",  # alignment is listed under safety
    "Accuracy/reliability": "safety",  # the codebook lists "reliability failures" under safety
    "Robustness": "safety",  # reliability failures under perturbation
    "Authenticity/integrity": "safety",  # deepfakes and synthetic media passed off as real: listed misuse
    "Fraud": "safety",  # fraud is a listed misuse
    "Sexualisation": "safety",  # sexualised deepfakes / CSAM: listed misuse
    "Autonomous weapons": "safety",  # harm from military misuse
    "Lethal autonomous weapons": "safety",  # the same, other spelling
    "Risk management": "safety",  # safeguards and risk processes
    # control: who holds power over AI and on what terms (governance, oversight, liability, competition)
    "Accountability": "control",  # AIAAIC: answerability, redress, liability of deployers = the codebook's liability/oversight
    "Ownership/accountability": "control",  # the same, with ownership of the system
    "Liability": "control",  # liability is listed under control
    "Governance": "control",  # governance is listed under control
    "Oversight/review": "control",  # oversight is listed under control
    "Complaints/appeals": "control",  # redress against the deployer: accountability
    "Competition/monopolisation": "control",  # market dominance, monopoly: listed under control
    "Competition/collusion": "control",  # competition: listed under control
    # no theme: harms and values the codebook does not name
    "Privacy/surveillance": None,  # privacy has no criterion in the codebook
    "Privacy": None,  # idem
    "Surveillance": None,  # idem (state or workplace monitoring, not control over AI)
    "Confidentiality": None,  # leaks of personal or business data: privacy, not a listed harm
    "Fairness": None,  # bias and discrimination have no criterion in the codebook
    "Diversity/inclusion": None,  # idem
    "Representation": None,  # idem (who appears in outputs)
    "Employment": None,  # labour effects: not a theme
    "Human rights/civil liberties": None,  # rights in general: not a theme
    "Freedom of expression": None,  # idem
    "Copyright": None,  # ownership of works used or produced; the codebook's licences are about model access
    "Cheating/plagiarism": None,  # academic integrity: not a listed misuse
    "Plagiarism": None,  # idem
    "Ethics/values": None,  # too general to assign
    "Anthropomorphism": None,  # human-factors issue the codebook does not name
    "Automation bias": None,  # idem
    "Over-reliance": None,  # idem
    "Autonomy/agency": None,  # human autonomy (manipulation), not AI autonomy or alignment
    "Autonomy": None,  # idem
    "Environment": None,  # environmental cost: not a theme
    "Normalisation": None,  # normalisation of surveillance and automation: not a theme
    "Scope creep/normalisation": None,  # idem
    "Effectiveness/value": None,  # whether a system is worth its cost: model quality, coded 0
    "Accessibility": None,  # disability access, not the codebook's access for small firms/countries
    "Hype": None,  # claims about capability: model quality, coded 0
    "Appropriation": None,  # cultural appropriation: not a theme
    "Revisionism": None,  # historical distortion in outputs: not a listed misuse
    "Business model": None,  # monetisation choices: not a theme
    "Legal": None,  # lawfulness of a use in general: too vague to assign
    "Information degradation": None,  # pollution of the information space without intent: not disinformation
    "Supply chain management": None,  # not a theme
    "Appropriateness/need": None,  # whether AI should be used at all: not a theme
    "Prioritisation": None,  # not a theme
    "Proportionality": None,  # not a theme
    "Demonetisation": None,  # platform payments: not a theme
    "Involvement/participation": None,  # stakeholder involvement: not a theme
    "Robot rights": None,  # not a theme
}
# Labels as written in the export that are misspellings or joined labels -> the issues meant.
ISSUE_SPELLINGS: dict[str, tuple[str, ...]] = {
    "Accuracy/reliablity": ("Accuracy/reliability",),
    "Accuracy/reliabiity": ("Accuracy/reliability",),
    "Accountabiity": ("Accountability",),
    "Compeititon/monopolisation": ("Competition/monopolisation",),
    "Privacy/surveillance/surveillance": ("Privacy/surveillance",),
    "Surveillanc": ("Surveillance",),
    "Copyright: Mis/disinformation": ("Copyright", "Mis/disinformation"),
}


# ---------------------------------------------------------------- metrics

def bootstrap_weights(n_units: int, n_boot: int = N_BOOT, seed: int = SEED, groups: Sequence | None = None) -> np.ndarray:
    """(n_boot, n_units) int64: how often each unit is drawn in each bootstrap sample. With
    `groups`, whole groups are drawn with replacement and every unit of a group inherits
    its group's count (cluster bootstrap)."""
    codes = np.arange(n_units) if groups is None else pd.factorize(pd.Series(groups, dtype=object), sort=True)[0]
    if len(codes) != n_units:
        raise ValueError(f"groups has {len(codes)} entries for {n_units} units")
    n_groups = int(codes.max()) + 1 if n_units else 0
    draws = np.random.default_rng(seed).integers(0, max(n_groups, 1), size=(n_boot, n_groups))
    flat = (draws + np.arange(n_boot)[:, None] * n_groups).ravel()
    counts = np.bincount(flat, minlength=n_boot * n_groups).reshape(n_boot, n_groups)
    return counts[:, codes]


def _rates(conf: np.ndarray, n_labels: int) -> dict[str, np.ndarray]:
    """The metrics of a stack of confusion matrices (..., K, K), rows = reference; codes
    below `n_labels` are the scored labels, the rest other values (e.g. an abstention)."""
    conf = conf.astype(float)
    tp = np.diagonal(conf, axis1=-2, axis2=-1)
    ref, pred = conf.sum(-1), conf.sum(-2)
    total, agreed = conf.sum((-2, -1)), tp.sum(-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(pred > 0, tp / pred, 0.0)[..., :n_labels]
        recall = np.where(ref > 0, tp / ref, 0.0)[..., :n_labels]
        f1 = np.where(ref + pred > 0, 2 * tp / (ref + pred), 0.0)[..., :n_labels]
        expected = (ref * pred).sum(-1) / total**2
        # nominal alpha, two coders, no missing values: coincidences o = C + C', n = 2N
        values = 2 * total
        alpha = 1 - (values - 1) * (values - 2 * agreed) / (values**2 - ((ref + pred) ** 2).sum(-1))
        return {"precision": precision, "recall": recall, "f1": f1, "macro_f1": f1.mean(-1),
                "accuracy": agreed / total, "cohen_kappa": (agreed / total - expected) / (1 - expected),
                "krippendorff_alpha": alpha, "coverage": pred[..., :n_labels].sum(-1) / total}


def _interval(samples: np.ndarray) -> np.ndarray:
    """Percentile 95% interval along the first axis, ignoring undefined samples."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanpercentile(samples, [2.5, 97.5], axis=0)


def _codes(reference, predicted, labels) -> tuple[np.ndarray, np.ndarray, list[str], int]:
    """Integer codes of both label sequences, the values coded (the `labels` first) and how
    many of them are labels."""
    reference = np.asarray(reference, dtype=object).astype(str)
    predicted = np.asarray(predicted, dtype=object).astype(str)
    if len(reference) != len(predicted):
        raise ValueError(f"{len(reference)} reference labels but {len(predicted)} predicted labels")
    if len(reference) == 0:
        raise ValueError("no units to compare")
    labels = [str(label) for label in (sorted(set(reference)) if labels is None else labels)]
    values = labels + sorted((set(reference) | set(predicted)) - set(labels))
    index = {value: code for code, value in enumerate(values)}
    return np.array([index[v] for v in reference]), np.array([index[v] for v in predicted]), values, len(labels)


def _confusion_stack(ref: np.ndarray, pred: np.ndarray, k: int, weights: np.ndarray) -> np.ndarray:
    cells = np.zeros((len(ref), k * k), dtype=np.int64)
    cells[np.arange(len(ref)), ref * k + pred] = 1
    return (weights @ cells).reshape(-1, k, k)


def _alpha(ref: np.ndarray, pred: np.ndarray, k: int) -> float:
    try:
        return float(krippendorff.alpha(reliability_data=np.vstack([ref, pred]).astype(float),
                                        level_of_measurement="nominal", value_domain=np.arange(k, dtype=float)))
    except (ValueError, ZeroDivisionError):  # one value only: agreement beyond chance is undefined
        return float("nan")


def agreement(reference: Sequence, predicted: Sequence, labels: Sequence[str] | None = None, n_boot: int = N_BOOT,
              seed: int = SEED, groups: Sequence | None = None, task: str = "") -> pd.DataFrame:
    """Agreement of `predicted` with `reference`, one label per unit: per class (`labels`,
    default the reference's values) precision, recall, f1, support; overall macro_f1 (over
    `labels`), accuracy, cohen_kappa and krippendorff_alpha (over every value seen, so a
    prediction outside `labels` counts as its own category) and coverage (share of
    predictions within `labels`). Columns: task, metric, class, estimate, lo, hi, n."""
    ref, pred, values, n_labels = _codes(reference, predicted, labels)
    k, label_names = len(values), values[:n_labels]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # undefined kappa / precision: reported as nan / 0
        p, r, f, support = precision_recall_fscore_support(ref, pred, labels=range(n_labels), zero_division=0)
        overall = {"macro_f1": f1_score(ref, pred, labels=range(n_labels), average="macro", zero_division=0),
                   "accuracy": accuracy_score(ref, pred), "cohen_kappa": cohen_kappa_score(ref, pred),
                   "krippendorff_alpha": _alpha(ref, pred, k), "coverage": float(np.mean(pred < n_labels))}
    boot = _rates(_confusion_stack(ref, pred, k, bootstrap_weights(len(ref), n_boot, seed, groups)), n_labels)
    rows = []
    for metric, estimates in (("precision", p), ("recall", r), ("f1", f)):
        lo, hi = _interval(boot[metric])
        rows += [(metric, label, estimates[i], lo[i], hi[i]) for i, label in enumerate(label_names)]
    rows += [("support", label, float(support[i]), np.nan, np.nan) for i, label in enumerate(label_names)]
    for metric, estimate in overall.items():
        lo, hi = _interval(boot[metric])
        rows.append((metric, OVERALL, float(estimate), lo, hi))
    out = pd.DataFrame(rows, columns=["metric", "class", "estimate", "lo", "hi"]).assign(task=task, n=len(ref))
    return out[AGREEMENT_COLUMNS]


def micro_agreement(reference: Sequence[set[str]], predicted: Sequence[set[str]], n_boot: int = N_BOOT,
                    seed: int = SEED, groups: Sequence | None = None, task: str = "") -> pd.DataFrame:
    """Micro precision, recall and F1 of sets of labels per unit (e.g. labs a sentence
    names), class "micro"; support = labels in the reference. Same columns as `agreement`."""
    if len(reference) != len(predicted):
        raise ValueError(f"{len(reference)} reference sets but {len(predicted)} predicted sets")
    counts = np.array([(len(g & p), len(p - g), len(g - p)) for g, p in zip(map(set, reference), map(set, predicted))],
                      dtype=np.int64).reshape(-1, 3)

    def rates(tp, fp, fn):
        with np.errstate(divide="ignore", invalid="ignore"):
            return {"precision": np.where(tp + fp > 0, tp / (tp + fp), 0.0),
                    "recall": np.where(tp + fn > 0, tp / (tp + fn), 0.0),
                    "f1": np.where(tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), 0.0)}

    point = rates(*counts.sum(0).astype(float))
    boot = rates(*(bootstrap_weights(len(counts), n_boot, seed, groups) @ counts).T.astype(float))
    rows = [(metric, "micro", float(point[metric]), *_interval(boot[metric])) for metric in ("precision", "recall", "f1")]
    rows.append(("support", "micro", float(counts[:, [0, 2]].sum()), np.nan, np.nan))
    out = pd.DataFrame(rows, columns=["metric", "class", "estimate", "lo", "hi"]).assign(task=task, n=len(counts))
    return out[AGREEMENT_COLUMNS]


def confusion(reference: Sequence, predicted: Sequence, labels: Sequence[str] | None = None, task: str = "") -> pd.DataFrame:
    """Every (reference, predicted) cell, zeros included, over `labels` and any other value
    seen: task, reference, predicted, count."""
    ref, pred, values, _ = _codes(reference, predicted, labels)
    k = len(values)
    counts = np.bincount(ref * k + pred, minlength=k * k)
    return pd.DataFrame({"task": task, "reference": np.repeat(values, k), "predicted": np.tile(values, k),
                         "count": counts.astype(np.int64)})


# ---------------------------------------------------------------- AIAAIC issue mapping

def canonical_issues(cell: str, where: str = "") -> list[str]:
    """The issues of one `issues` cell as keys of `ISSUE_THEMES`; a label the mapping does
    not know is an error (new data must be mapped, not dropped)."""
    issues = []
    for label in filter(None, cell.split(";")):
        for issue in ISSUE_SPELLINGS.get(label, (label.split(" - ")[0].strip(),)):
            if issue not in ISSUE_THEMES:
                raise KeyError(f"AIAAIC issue {label!r}{f' ({where})' if where else ''} is not in "
                               "openness.validation.ISSUE_THEMES: map it to a theme or to None")
            issues.append(issue)
    return sorted(set(issues))


def issue_theme_labels(issues: list[str]) -> dict[str, str]:
    """Each theme as present/absent for an incident with these canonical issues."""
    themes = {ISSUE_THEMES[issue] for issue in issues}
    return {theme: THEME_LABELS[theme in themes] for theme in THEMES}


# ---------------------------------------------------------------- benchmarks

def _folders(mirror_or_raw: str | os.PathLike | None) -> tuple[Path | None, Path]:
    """(folder holding <source>/, or None for `openness.data.source_dir`; gold folder).
    Gold sentences are the project's, not a fetched source: they are looked for beside the
    raw folder, then in $OPENNESS_MIRROR/gold, then in ../shared/data/gold."""
    raw, candidates = None, []
    if mirror_or_raw is not None:
        folder = Path(mirror_or_raw)
        raw, beside = (folder / "raw", folder / "gold") if (folder / "raw").is_dir() else (folder, folder.parent / "gold")
        candidates.append(beside)
    mirror = paths.mirror()
    candidates += ([mirror / "gold"] if mirror else []) + [paths.ROOT.parent / "shared" / "data" / "gold"]
    gold = next((c for c in candidates if (c / "dev.csv").is_file()), candidates[0])
    return raw, gold


def read_gold(gold_folder: Path) -> pd.DataFrame:
    path = Path(gold_folder) / "dev.csv"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: gold sentences not found; pass the mirror folder (holding raw/ and "
                                "gold/) or set OPENNESS_MIRROR")
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _present(mask) -> np.ndarray:
    return np.asarray(THEME_LABELS, dtype=object)[np.asarray(mask, dtype=int)]


def _both(rows: list[pd.DataFrame], confusions: list[pd.DataFrame], method: str, task: str, reference, predicted,
          labels, n_boot: int, seed: int, groups) -> None:
    rows.append(agreement(reference, predicted, labels, n_boot, seed, groups, task).assign(method=method))
    confusions.append(confusion(reference, predicted, labels, task).assign(method=method))


def gold_tables(gold: pd.DataFrame, n_boot: int = N_BOOT, seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Gold themes, stance and labs: rubric, classifier (themes, stance) and the coders."""
    targets = gold_targets(gold)
    rubric = score(pd.DataFrame({"doc_id": gold["id"], "text": gold["text"]})).documents
    runs = {method: cross_validate_gold(gold, seed=seed, rubric=features) for method, features in CLASSIFIERS.items()}
    rows, confusions = [], []
    for task in (*THEMES, "stance"):
        labels = STANCE_LABELS if task == "stance" else THEME_LABELS
        predictions = {RUBRIC: rubric["stance"] if task == "stance" else _present(rubric[task] > 0)}
        predictions |= {method: cv.loc[cv["task"] == task].sort_values("row")["predicted"] for method, cv in runs.items()}
        for method, predicted in predictions.items():
            _both(rows, confusions, method, f"gold:{task}", targets[task], predicted, labels, n_boot, seed, gold["doc"])

    def lab_ids(cell: str) -> set[str]:
        return {lab for lab in cell.split(";") if lab in CODEBOOK_LABS}

    rows.append(micro_agreement([lab_ids(c) for c in gold["labs"]], [lab_ids(c) for c in rubric["labs"]],
                                n_boot, seed, gold["doc"], "gold:labs").assign(method=RUBRIC))
    rows.append(HUMAN_BENCHMARK)
    return pd.concat(rows, ignore_index=True), pd.concat(confusions, ignore_index=True)


def osai_notes(raw: Path | None) -> pd.DataFrame:
    """The rated dimensions with notes: model, org, release_date, dimension, notes, class
    (open/partial/closed)."""
    ratings = osai.ratings(None if raw is None else raw / osai.SOURCE_ID)
    rated = ratings[(ratings["group"] != "") & ratings["class"].isin(osai.CLASSES) & (ratings["notes"] != "")]
    return rated[["model", "org", "release_date", "dimension", "notes", "class"]].sort_values(
        ["model", "dimension"], ignore_index=True)


def claims_tables(notes: pd.DataFrame, n_boot: int = N_BOOT, seed: int = SEED) -> tuple[pd.DataFrame, ...]:
    """The experts' class per dimension and overall, against the rules alone (`RUBRIC`)
    and the claims model with and without the rules' verdict, cross-validated with whole
    organisations held out (`CLASSIFIER`, `WORDS_ONLY`); bootstrap by model. Third table:
    every method under every protocol of `openness.claims_model.claims_protocol`, bootstrap
    by organisation (`claims_protocol_table`)."""
    from openness import claims_model  # imported late so tests can stand in for it

    protocol = claims_model.claims_protocol(notes.reset_index(drop=True), seed=seed)
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
            _both(rows, confusions, method, task, notes.loc[index, "class"], predicted[index], osai.CLASSES,
                  n_boot, seed, notes.loc[index, "model"])
    return (pd.concat(rows, ignore_index=True), pd.concat(confusions, ignore_index=True),
            claims_protocol_table(protocol, n_boot, seed))


def claims_protocol_table(protocol: pd.DataFrame, n_boot: int = N_BOOT, seed: int = SEED) -> pd.DataFrame:
    """Agreement with the experts per protocol and method (`claims_protocol` rows): every
    metric over all dimensions, the overall metrics per dimension; bootstrap by organisation."""
    rows = []
    for (name, method), run in protocol.groupby(["protocol", "method"], sort=True):
        for task, part in [("claims:all", run), *((f"claims:{d}", p) for d, p in run.groupby("dimension", sort=True))]:
            table = agreement(part["reference"], part["predicted"], osai.CLASSES, n_boot, seed, part["org"], task)
            kept = table if task == "claims:all" else table[table["class"] == OVERALL]
            rows.append(kept.assign(protocol=name, method=method))
    table = pd.concat(rows, ignore_index=True)[CLAIMS_PROTOCOL_COLUMNS]
    return table.astype({"n": "int64"}).sort_values(["protocol", "method", "task", "class", "metric"], ignore_index=True)


def aiaaic_incidents(raw: Path | None) -> pd.DataFrame:
    """Incidents with their headline, canonical issues and issue-derived themes;
    incidents without any coded issue are kept with `issues` empty (left out of the scores)."""
    docs = aiaaic.documents(None if raw is None else raw / aiaaic.SOURCE)
    out = docs[["doc_id", "text"]].copy()
    out["issues"] = [canonical_issues(cell, f"{doc_id}, CSV row {row}")
                     for cell, doc_id, row in zip(docs["issues"], docs["doc_id"], docs["csv_row"])]
    themes = pd.DataFrame([issue_theme_labels(issues) for issues in out["issues"]], index=out.index, columns=list(THEMES))
    return pd.concat([out, themes], axis=1)


def aiaaic_tables(incidents: pd.DataFrame, n_boot: int = N_BOOT, seed: int = SEED) -> tuple[pd.DataFrame, ...]:
    """Headline themes against the coded issues (rubric and classifier), and per issue the
    incidents whose mapped theme each method finds (counts only, no headline text)."""
    coded = incidents[incidents["issues"].map(len) > 0].reset_index(drop=True)
    rubric = score(coded[["doc_id", "text"]]).documents
    rows, confusions, found = [], [], {}
    for theme in THEMES:
        predictions = {RUBRIC: _present(rubric[theme] > 0)}
        predictions |= {method: cross_validate(coded, theme, "doc_id", seed=seed, rubric=features)["predicted"]
                        for method, features in CLASSIFIERS.items()}
        for method, predicted in predictions.items():
            found[method, theme] = np.asarray(predicted) == THEME_LABELS[1]
            _both(rows, confusions, method, f"aiaaic:{theme}", coded[theme], predicted, THEME_LABELS, n_boot, seed, None)
    per_issue = coded[["issues"]].assign(row=np.arange(len(coded))).explode("issues")
    issue_rows = []
    for issue, part in per_issue.groupby("issues", sort=True):
        theme = ISSUE_THEMES[issue]
        detected = {m: int(found[m, theme][part["row"]].sum()) if theme else pd.NA for m in (RUBRIC, CLASSIFIER)}
        issue_rows.append((issue, theme or "", len(part), detected[RUBRIC], detected[CLASSIFIER]))
    issue_rows.append((NO_ISSUE, "", int((incidents["issues"].map(len) == 0).sum()), pd.NA, pd.NA))
    issues = pd.DataFrame(issue_rows, columns=["issue", "theme", "incidents", "rubric_detected", "classifier_detected"])
    for method in ("rubric", "classifier"):
        issues[f"{method}_detected"] = issues[f"{method}_detected"].astype("Int64")
        issues[f"{method}_recall"] = (issues[f"{method}_detected"] / issues["incidents"]).astype("Float64")
    issues = issues[ISSUE_COLUMNS].sort_values(["theme", "issue"], ignore_index=True)
    return pd.concat(rows, ignore_index=True), pd.concat(confusions, ignore_index=True), issues


def validation_tables(mirror_or_raw: str | os.PathLike | None = None, n_boot: int = N_BOOT,
                      seed: int = SEED) -> dict[str, pd.DataFrame]:
    """Every benchmark as a table to write to data/processed/<name>.csv: `validation`
    (task, method, metric, class, estimate, lo, hi, n), `validation_confusion` (task,
    method, reference, predicted, count), `validation_aiaaic_issues` (per AIAAIC issue:
    theme, incidents, and how many each method finds) and `validation_claims` (protocol,
    task, method, metric, class, estimate, lo, hi, n: the claims readers under each protocol). `mirror_or_raw` is the mirror
    (holding raw/ and gold/) or a raw folder (holding <source>/, gold/ beside it)."""
    raw, gold_folder = _folders(mirror_or_raw)
    gold_rows, gold_confusion = gold_tables(read_gold(gold_folder), n_boot, seed)
    claim_rows, claim_confusion, claim_protocol = claims_tables(osai_notes(raw), n_boot, seed)
    aiaaic_rows, aiaaic_confusion, issues = aiaaic_tables(aiaaic_incidents(raw), n_boot, seed)
    metrics = pd.concat([gold_rows, claim_rows, aiaaic_rows], ignore_index=True)[VALIDATION_COLUMNS]
    matrices = pd.concat([gold_confusion, claim_confusion, aiaaic_confusion], ignore_index=True)[CONFUSION_COLUMNS]
    return {
        "validation": metrics.astype({"n": "int64"}).sort_values(["task", "method", "class", "metric"], ignore_index=True),
        "validation_confusion": matrices.sort_values(["task", "method", "reference", "predicted"], ignore_index=True),
        "validation_aiaaic_issues": issues,
        "validation_claims": claim_protocol,
    }
