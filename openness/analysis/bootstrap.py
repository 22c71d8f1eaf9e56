"""The one bootstrap of the project: whole clusters (the sentences of one document, the
ratings of one model, one incident) drawn with replacement `N_BOOT` times, and percentile
intervals from the replicates.

Why not `scipy.stats.bootstrap`: it resamples the observations of a sample for one statistic
per call; here clusters are resampled, and the statistics are computed for many groups or a
whole stack of confusion matrices at once from the same draws (`stats.bootstrap_ci`,
`agreement.agreement`). The draws come from numpy's default generator with the given seed,
so the same seed gives the same bytes everywhere."""
from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from openness.vocab import N_BOOT, SEED


def draws(n_clusters: int, n_boot: int = N_BOOT, seed: int | Sequence[int] = SEED) -> np.ndarray:
    """(n_boot, n_clusters) int64: the clusters (by index) drawn in each replicate."""
    return np.random.default_rng(seed).integers(0, max(n_clusters, 1), size=(n_boot, n_clusters))


def unit_counts(n_units: int, n_boot: int = N_BOOT, seed: int | Sequence[int] = SEED,
                groups: Sequence | None = None) -> np.ndarray:
    """(n_boot, n_units) int64: how often each unit is drawn in each replicate. With `groups`,
    whole groups are drawn and every unit of a group has its group's count; without, every
    unit is its own group."""
    codes = np.arange(n_units) if groups is None else pd.factorize(pd.Series(groups, dtype=object), sort=True)[0]
    if len(codes) != n_units:
        raise ValueError(f"groups has {len(codes)} entries for {n_units} units")
    n_groups = int(codes.max()) + 1 if n_units else 0
    flat = (draws(n_groups, n_boot, seed) + np.arange(n_boot)[:, None] * n_groups).ravel()
    counts = np.bincount(flat, minlength=n_boot * n_groups).reshape(n_boot, n_groups)
    return counts[:, codes]


def interval(replicates: np.ndarray, level: float = 0.95) -> np.ndarray:
    """Percentile interval (lo, hi) along the first axis; replicates that are not finite
    (a statistic undefined in that draw) are left out, nan when none is left."""
    tail = 100 * (1 - level) / 2
    values = np.where(np.isfinite(replicates), replicates, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanpercentile(values, [tail, 100 - tail], axis=0)
