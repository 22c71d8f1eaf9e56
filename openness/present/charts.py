"""House style, the recurring charts, and byte-for-byte reproducible export.

Every helper draws in the house style whether or not `use_style()` was called, takes a
tidy DataFrame with named columns and returns the Figure (never shows or closes it), so
a notebook re-run gives the same picture and `save()` gives the same bytes.
"""
from __future__ import annotations

import csv
import functools
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap, to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from openness import paths
from openness.core.io import atomic_path
from openness.vocab import GROUPS, LEVELS, STANCES, THEMES

MANIFEST = "manifest.csv"  # beside the figures: one row per figure saved
MANIFEST_COLUMNS = ["figure", "notebook", "caption"]
NOTEBOOK_VARIABLE = "OPENNESS_NOTEBOOK"  # the notebook `openness report` is running, for the manifest
FIGURES_VARIABLE = "OPENNESS_FIGURES"  # the figures folder `openness report` gives the notebook it runs
LOCAL_FIGURES = "figures"  # the default folder, in the working directory, outside the repository's notebooks/

# Okabe & Ito (2008) and Paul Tol's schemes: distinguishable with the common colour-vision
# deficiencies. Groups, themes and stances may share a chart, so no colour repeats among them.
GROUP_COLOURS: dict[str, str] = dict(zip(GROUPS, ("#0072B2", "#CC79A7", "#D55E00")))
THEME_COLOURS: dict[str, str] = dict(zip(THEMES, ("#88CCEE", "#117733", "#882255")))
STANCE_COLOURS: dict[str, str] = dict(zip(reversed(STANCES), ("#56B4E9", "#999999", "#E69F00")))  # pro-open first
# Text sources of the corpus (Okabe-Ito), in the order notebooks list them; the seed is one post.
SOURCE_COLOURS: dict[str, str] = {"ntia-open-weights": "#0072B2", "interconnects": "#E69F00", "aiaaic": "#009E73",
                                  "news-scrape": "#CC79A7", "seed": "#000000"}
# Ordered ratings on a diverging blue-to-red scale, for heatmap cells.
LEVEL_COLOURS: dict[str, str] = dict(zip(LEVELS, ("#4A7BB7", "#EAECCC", "#DD3D2D")))
# Fallback cycle for categories without a fixed colour.
OKABE_ITO: tuple[str, ...] = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")
PAIR_COLOURS: tuple[str, str] = ("#E69F00", "#0072B2")
# Per line of a time series: hollow markers of different shapes and dashes, so lines that run
# on the same values (equal shares in a year) show through each other.
SERIES_MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P")
SERIES_LINESTYLES: tuple[str, ...] = ("-", "--", ":", "-.")
_KNOWN_PALETTES = (GROUP_COLOURS, THEME_COLOURS, STANCE_COLOURS, LEVEL_COLOURS)

PNG_DPI = 300
FORMATS = ("png", "svg", "pdf")
_CREATOR = "openness"
_METADATA: dict[str, dict[str, str | None]] = {
    "png": {"Software": _CREATOR},
    "svg": {"Date": None, "Creator": _CREATOR},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": _CREATOR, "Creator": _CREATOR},
}
# Settings read at save time that decide the bytes: glyphs as paths (no dependence on
# installed fonts), fixed SVG ids, embedded TrueType in PDF.
_EXPORT_RC: dict[str, Any] = {"svg.fonttype": "path", "svg.hashsalt": _CREATOR, "pdf.fonttype": 42}

STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",  # ships with matplotlib: the same glyphs on every machine
    "font.size": 11,
    "axes.titlesize": 13,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "legend.title_fontsize": 10,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#444444",
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#E3E3E3",
    "grid.linewidth": 0.8,
    "axes.prop_cycle": mpl.cycler(color=list(OKABE_ITO)),
    "lines.linewidth": 2.0,
    "figure.constrained_layout.use": True,
    "figure.facecolor": "white",
    "figure.dpi": 100,
    "savefig.dpi": PNG_DPI,
    "savefig.facecolor": "white",
    **_EXPORT_RC,
}


def use_style() -> None:
    """Apply the house style globally (notebook_setup does this in a notebook's first cell)."""
    mpl.rcParams.update(STYLE)


def _house_style(draw: Callable[..., Figure]) -> Callable[..., Figure]:
    """Draw under the house style, so a chart does not depend on the caller's rcParams."""

    @functools.wraps(draw)
    def wrapper(*args: Any, **kwargs: Any) -> Figure:
        with mpl.rc_context(STYLE):
            return draw(*args, **kwargs)

    return wrapper


# ---- input checks and colours -------------------------------------------------------------


def _require(df: pd.DataFrame, chart: str, columns: Iterable[str | None]) -> None:
    missing = [c for c in columns if c is not None and c not in df.columns]
    if missing:
        raise ValueError(f"{chart}: the table has no column {missing}; it has {list(df.columns)}")
    if df.empty:
        raise ValueError(f"{chart}: the table is empty; nothing to plot")


def _require_unique(df: pd.DataFrame, chart: str, keys: list[str]) -> None:
    duplicated = df[df.duplicated(keys, keep=False)]
    if not duplicated.empty:
        first = duplicated.iloc[0]
        where = ", ".join(f"{k}={first[k]!r}" for k in keys)
        raise ValueError(f"{chart}: more than one row for {where} (rows {list(duplicated.index)}); expected one")


def _levels(values: Iterable[Any], colours: Mapping[Any, str] | None) -> list[Any]:
    """Categories in the palette's order when one covers them all, else in order of appearance."""
    present = list(pd.unique(pd.Series(list(values)).dropna()))
    for palette in ([colours] if colours is not None else []) + list(_KNOWN_PALETTES):
        if set(present) <= set(palette):
            return [key for key in palette if key in present]
    return present


def _palette(levels: Sequence[Any], colours: Mapping[Any, str] | None, what: str) -> dict[Any, str]:
    """A colour per category: the caller's, else a fixed house palette, else the Okabe-Ito cycle."""
    if colours is not None:
        missing = [level for level in levels if level not in colours]
        if missing:
            raise ValueError(f"no colour for {what} {missing}; colours has {list(colours)}")
        return {level: colours[level] for level in levels}
    for palette in _KNOWN_PALETTES:
        if set(levels) <= set(palette):
            return {level: palette[level] for level in levels}
    return {level: OKABE_ITO[i % len(OKABE_ITO)] for i, level in enumerate(levels)}


def _interval(rows: pd.DataFrame, chart: str, y: str, lo: str, hi: str, label: Callable[[int], str]) -> np.ndarray:
    """Distances below and above y; a bound on the wrong side of y is an error, not a warning."""
    values, low, high = (rows[c].to_numpy(dtype=float) for c in (y, lo, hi))
    wrong = np.flatnonzero((low > values) | (high < values))
    if wrong.size:
        i = wrong[0]
        raise ValueError(f"{chart}: interval [{low[i]}, {high[i]}] does not contain {y}={values[i]} at {label(i)}")
    return np.vstack([values - low, high - values])


def _text_colour(background: str) -> str:
    red, green, blue = to_rgb(background)
    return "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 0.5 else "white"


def _labels(ax: plt.Axes, title: str | None, xlabel: str | None, ylabel: str | None) -> None:
    ax.set_title(title or "")
    ax.set_xlabel(xlabel or "")
    ax.set_ylabel(ylabel or "")


def _grouped(df: pd.DataFrame, chart: str, x: str, y: str, group: str, lo: str | None, hi: str | None,
             colours: Mapping[Any, str] | None) -> tuple[list, dict]:
    """The checks and colours every chart of `y` per `x` and `group` (with an optional
    lo-hi interval) starts with: its groups in order and a colour for each."""
    _require(df, chart, [x, y, group, lo, hi])
    _require_unique(df, chart, [x, group])
    if (lo is None) != (hi is None):
        raise ValueError(f"{chart}: give both lo and hi, or neither")
    groups = _levels(df[group], colours)
    return groups, _palette(groups, colours, group)


# ---- charts ---------------------------------------------------------------------------------


@_house_style
def grouped_bars(
    df: pd.DataFrame,
    x: str,
    y: str,
    group: str,
    lo: str | None = None,
    hi: str | None = None,
    colours: Mapping[Any, str] | None = None,
    *,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    legend_title: str | None = None,
    figsize: tuple[float, float] = (7.0, 4.0),
    horizontal: bool = False,
    missing: str | None = None,
) -> Figure:
    """Bars of `y` per `x`, one bar per `group`, with interval whiskers from `lo` to `hi`.
    `horizontal` lays the bars along the x axis, categories top to bottom (for long category
    names); `xlabel` and `ylabel` stay the labels of the figure's x and y axes. A value of 0
    gets a short stroke at 0 so it does not look missing; with `missing`, a missing value gets
    that text ("no data") in its place. One group draws no legend."""
    groups, palette = _grouped(df, "grouped_bars", x, y, group, lo, hi, colours)
    xs = list(pd.unique(df[x]))
    fig, ax = plt.subplots(figsize=figsize)
    width = 0.8 / len(groups)
    for i, level in enumerate(groups):
        rows = df[df[group] == level].set_index(x).reindex(xs)
        errors = None
        if lo is not None and hi is not None:
            errors = _interval(rows, "grouped_bars", y, lo, hi, lambda j: f"{x}={xs[j]!r}, {group}={level!r}")
        positions = np.arange(len(xs)) + (i - (len(groups) - 1) / 2) * width
        values = rows[y].to_numpy(dtype=float)
        style = dict(color=palette[level], label=str(level), capsize=3, error_kw={"elinewidth": 1.2, "ecolor": "#333333"})
        if horizontal:
            ax.barh(positions, values, width * 0.92, xerr=errors, **style)
        else:
            ax.bar(positions, values, width * 0.92, yerr=errors, **style)
        for position, value in zip(positions, values):
            along = [position - width * 0.46, position + width * 0.46]
            if value == 0:
                ax.plot(*(([0, 0], along) if horizontal else (along, [0, 0])), color=palette[level], linewidth=3.5,
                        solid_capstyle="butt", clip_on=False, zorder=3)
            elif np.isnan(value) and missing:
                ax.text(*((0, position) if horizontal else (position, 0)), f" {missing}", fontsize=8, color="#444444",
                        ha="left", va="center" if horizontal else "bottom", rotation=0 if horizontal else 90)
    if horizontal:
        ax.set_yticks(np.arange(len(xs)), [str(v) for v in xs])
        ax.set_ylim(len(xs) - 0.5, -0.5)
        ax.grid(axis="y", visible=False)
    else:
        ax.set_xticks(np.arange(len(xs)), [str(v) for v in xs])
        ax.grid(axis="x", visible=False)
    if len(groups) > 1:
        ax.legend(title=legend_title if legend_title is not None else group, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    default_x, default_y = (y, x) if horizontal else (x, y)
    _labels(ax, title, xlabel if xlabel is not None else default_x, ylabel if ylabel is not None else default_y)
    return fig


@_house_style
def heatmap(
    matrix_df: pd.DataFrame,
    cmap: str = "viridis",
    annotate: bool = True,
    fmt: str = ".2f",
    colours: Mapping[str, str] | None = None,
    row_groups: Sequence[Any] | pd.Series | None = None,
    *,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    colorbar_label: str | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """Cells coloured by value: numbers on `cmap` with a colour bar, or labels such as
    open/partial/closed through `colours` (default LEVEL_COLOURS) with a legend. Empty
    cells show a dash. `row_groups` (one value per row) draws a rule where the group changes."""
    if matrix_df.empty:
        raise ValueError("heatmap: the matrix is empty; nothing to plot")
    cells = matrix_df.to_numpy(dtype=object)
    present = ~pd.isna(cells)
    textual = np.vectorize(lambda v: isinstance(v, str))(cells) & present
    n_rows, n_cols = cells.shape
    fig, ax = plt.subplots(figsize=figsize or (max(4.0, 2.8 + 0.75 * n_cols), max(2.5, 1.0 + 0.36 * n_rows)))
    edges = dict(edgecolors="white", linewidth=1.5)
    if textual.any():
        if (present & ~textual).any():
            r, c = np.argwhere(present & ~textual)[0]
            raise ValueError(f"heatmap: cell ({matrix_df.index[r]!r}, {matrix_df.columns[c]!r}) holds "
                             f"{cells[r, c]!r} among text labels; use labels only or numbers only")
        labels = set(cells[present])
        mapping = LEVEL_COLOURS if colours is None and labels <= set(LEVEL_COLOURS) else colours
        levels = _levels(cells[present], mapping)
        palette = _palette(levels, mapping, "heatmap value")
        codes = np.full(cells.shape, np.nan)
        for r, c in np.argwhere(present):
            codes[r, c] = levels.index(cells[r, c])
        ax.pcolormesh(np.ma.masked_invalid(codes), cmap=ListedColormap(list(palette.values())),
                      vmin=-0.5, vmax=len(levels) - 0.5, **edges)
        shown = {(r, c): (str(cells[r, c]), palette[cells[r, c]]) for r, c in np.argwhere(present)}
        fig.legend(handles=[Patch(facecolor=palette[level], edgecolor="#999999", label=str(level)) for level in levels],
                   loc="outside lower center", ncols=len(levels))
    else:
        numbers = matrix_df.astype(float).to_numpy()
        mesh = ax.pcolormesh(np.ma.masked_invalid(numbers), cmap=cmap, vmin=vmin, vmax=vmax, **edges)
        fig.colorbar(mesh, ax=ax, label=colorbar_label or "", shrink=0.9)
        shown = {(r, c): (format(numbers[r, c], fmt), to_hex(mesh.to_rgba(numbers[r, c])))
                 for r, c in np.argwhere(present)}
    if annotate:
        for (r, c), (text, background) in shown.items():
            ax.text(c + 0.5, r + 0.5, text, ha="center", va="center", fontsize=9, color=_text_colour(background))
        for r, c in np.argwhere(~present):
            ax.text(c + 0.5, r + 0.5, "–", ha="center", va="center", fontsize=9, color="#999999")
    ax.set_xlim(0, n_cols)
    ax.set_ylim(n_rows, 0)  # first row on top, as in the table
    rotate = max(len(str(c)) for c in matrix_df.columns) > 4
    ax.set_xticks(np.arange(n_cols) + 0.5, [str(c) for c in matrix_df.columns], rotation=35 if rotate else 0,
                  ha="right" if rotate else "center", rotation_mode="anchor")
    ax.set_yticks(np.arange(n_rows) + 0.5, [str(r) for r in matrix_df.index])
    ax.tick_params(length=0)
    ax.grid(False)
    ax.spines[:].set_visible(False)
    if row_groups is not None:
        _separate_rows(ax, matrix_df.index, row_groups, n_cols)
    _labels(ax, title, xlabel, ylabel)
    return fig


def _separate_rows(ax: plt.Axes, index: pd.Index, row_groups: Sequence[Any] | pd.Series, n_cols: int) -> None:
    """A rule between consecutive runs of the same group, and the group's name beside its run."""
    groups = list(row_groups.reindex(index)) if isinstance(row_groups, pd.Series) else list(row_groups)
    if len(groups) != len(index):
        raise ValueError(f"heatmap: row_groups has {len(groups)} values for {len(index)} rows")
    starts = [i for i in range(len(groups)) if i == 0 or groups[i] != groups[i - 1]]
    for start, end in zip(starts, starts[1:] + [len(groups)]):
        if start:
            ax.plot([0, n_cols], [start, start], color="#222222", linewidth=1.6, clip_on=False)
        ax.annotate(str(groups[start]), xy=(1.0, (start + end) / 2), xycoords=("axes fraction", "data"),
                    xytext=(6, 0), textcoords="offset points", va="center", ha="left", fontsize=9, color="#444444")


@_house_style
def keyness(
    df: pd.DataFrame,
    term: str,
    score: str,
    side: str,
    n: int = 15,
    colours: Mapping[Any, str] | None = None,
    *,
    title: str | None = None,
    xlabel: str | None = None,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """Diverging bars of the `n` strongest terms on each of the two `side`s: the first side
    (in palette order, e.g. open before closed) to the left, the other to the right."""
    _require(df, "keyness", [term, score, side])
    sides = _levels(df[side], colours)
    if len(sides) != 2:
        raise ValueError(f"keyness: column {side!r} must hold exactly two sides, found {sides}")
    palette = _palette(sides, colours, side)
    strength = df[score].astype(float).abs()
    top = [df.assign(_strength=strength)[df[side] == s].nlargest(n, "_strength", keep="first") for s in sides]
    # Left side from the bottom up (strongest at the bottom), right side on top (strongest at the top).
    rows = pd.concat([top[0].assign(_x=-top[0]["_strength"]), top[1].assign(_x=top[1]["_strength"])[::-1]])
    fig, ax = plt.subplots(figsize=figsize or (7.0, max(3.0, 0.9 + 0.24 * len(rows))))
    positions = np.arange(len(rows))
    ax.barh(positions, rows["_x"], height=0.75, color=[palette[s] for s in rows[side]])
    for y_position, (x_value, text) in enumerate(zip(rows["_x"], rows[term])):
        gap = (-0.015 if x_value > 0 else 0.015) * rows["_strength"].max()
        ax.text(gap, y_position, str(text), ha="right" if x_value > 0 else "left", va="center", fontsize=9)
    limit = 1.05 * rows["_strength"].max()
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.axvline(0, color="#444444", linewidth=0.8)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{abs(v):g}"))
    ax.legend(handles=[Patch(color=palette[s], label=f"more {s}") for s in sides], loc="upper left",
              bbox_to_anchor=(1.0, 1.0))
    _labels(ax, title, xlabel if xlabel is not None else f"{score} (strength)", None)
    return fig


@_house_style
def time_series(
    df: pd.DataFrame,
    x: str,
    y: str,
    group: str,
    lo: str | None = None,
    hi: str | None = None,
    colours: Mapping[Any, str] | None = None,
    *,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    legend_title: str | None = None,
    figsize: tuple[float, float] = (7.0, 4.0),
    step: str | int | None = None,
) -> Figure:
    """One line per `group` over `x`, with a shaded band from `lo` to `hi` when given. With
    `step`, the spacing of `x` (a pandas frequency such as "QS" for dates, or 1 for years),
    the line and band break where a step has no row, so a period left out shows as a gap.
    Each line has its own hollow marker and dash, so lines with equal values stay visible."""
    groups, palette = _grouped(df, "time_series", x, y, group, lo, hi, colours)
    fig, ax = plt.subplots(figsize=figsize)
    for i, level in enumerate(groups):
        rows = df[df[group] == level].sort_values(x)
        if lo is not None and hi is not None:
            _interval(rows, "time_series", y, lo, hi, lambda j: f"{x}={rows[x].iloc[j]!r}, {group}={level!r}")
        if step is not None:
            rows = _every_step(rows, x, step)
        if lo is not None and hi is not None:
            ax.fill_between(rows[x], rows[lo].astype(float), rows[hi].astype(float), color=palette[level],
                            alpha=0.18, linewidth=0)
        marker, linestyle = SERIES_MARKERS[i % len(SERIES_MARKERS)], SERIES_LINESTYLES[i % len(SERIES_LINESTYLES)]
        ax.plot(rows[x], rows[y].astype(float), color=palette[level], marker=marker, markersize=6,
                markerfacecolor="none", markeredgewidth=1.5, linestyle=linestyle, label=str(level))
    if pd.api.types.is_integer_dtype(df[x]):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(title=legend_title if legend_title is not None else group, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    _labels(ax, title, xlabel if xlabel is not None else x, ylabel if ylabel is not None else y)
    return fig


def _every_step(rows: pd.DataFrame, x: str, step: str | int) -> pd.DataFrame:
    """`rows` with an empty row at every step of `x` between its first and last value that has none."""
    first, last = rows[x].min(), rows[x].max()
    full = pd.date_range(first, last, freq=step) if isinstance(step, str) else np.arange(first, last + step, step)
    missing = pd.Index(full).difference(pd.Index(rows[x]))
    if len(missing) == 0:
        return rows
    return pd.concat([rows, pd.DataFrame({x: missing})], ignore_index=True).sort_values(x, ignore_index=True)


@_house_style
def dumbbell(
    df: pd.DataFrame,
    label: str,
    left: str,
    right: str,
    left_label: str | None = None,
    right_label: str | None = None,
    colours: tuple[str, str] = PAIR_COLOURS,
    *,
    title: str | None = None,
    xlabel: str | None = None,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """Two values per row joined by a line (e.g. what a lab claims vs how it is rated);
    rows top to bottom in the table's order. The left value is a filled dot, the right a
    larger ring around its place, so two equal values show as a dot in a ring."""
    _require(df, "dumbbell", [label, left, right])
    fig, ax = plt.subplots(figsize=figsize or (6.5, max(2.5, 1.2 + 0.38 * len(df))))
    positions = np.arange(len(df))
    lefts, rights = df[left].to_numpy(dtype=float), df[right].to_numpy(dtype=float)
    for y_position, a, b in zip(positions, lefts, rights):
        ax.plot([a, b], [y_position, y_position], color="#BBBBBB", linewidth=2.5, zorder=1)
    ax.scatter(lefts, positions, s=45, color=colours[0], zorder=3, label=left_label or left)
    ax.scatter(rights, positions, s=130, facecolors="white", edgecolors=colours[1], linewidths=2.0, zorder=2,
               label=right_label or right)
    ax.set_yticks(positions, [str(v) for v in df[label]])
    ax.set_ylim(len(df) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    _labels(ax, title, xlabel, None)
    return fig


# ---- export ---------------------------------------------------------------------------------

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def default_folder() -> Path:
    """Where `save`, `read_manifest` and `forget` go without `folder=`: the folder `openness
    report` names for the notebook it runs (OPENNESS_FIGURES); else the repository's
    reports/figures (paths.FIGURES) when the working directory is the repository's notebooks/
    folder, where `openness report`, `make reproduce`, the nbval tests and JupyterLab run the
    committed notebooks; else figures/ in the working directory (made on the first save), so
    a notebook copied out of notebooks/ does not overwrite the committed charts or manifest."""
    named = os.environ.get(FIGURES_VARIABLE)
    if named:
        return Path(named)
    if paths.working_in(paths.NOTEBOOKS):
        return paths.FIGURES
    return Path.cwd() / LOCAL_FIGURES


_CAPTION_KEY = {"png": "Description", "svg": "Description", "pdf": "Subject"}


def save(fig: Figure, name: str, folder: str | os.PathLike | None = None, caption: str | None = None) -> list[Path]:
    """Write `<folder>/<name>.png|.svg|.pdf` (default: `default_folder()`) atomically and
    reproducibly: no dates, no version strings, fixed SVG ids, so an unchanged chart gives
    unchanged files in git. The caption travels inside each file's metadata, and the figure,
    its caption and the notebook saving it go to the folder's manifest, which the report
    page is built from. The figure stays open."""
    if not isinstance(name, str) or not _NAME.fullmatch(name) or name.lower().endswith(tuple(f".{f}" for f in FORMATS)):
        raise ValueError(f"figure name {name!r} must be a plain file name without folder or extension "
                         "(letters, digits, '.', '_', '-')")
    target_folder = Path(folder) if folder is not None else default_folder()
    written = []
    with mpl.rc_context(_EXPORT_RC):
        for fmt in FORMATS:
            target = target_folder / f"{name}.{fmt}"
            with atomic_path(target) as tmp:
                metadata = dict(_METADATA[fmt], **({_CAPTION_KEY[fmt]: caption} if caption else {}))
                fig.savefig(tmp, format=fmt, dpi=PNG_DPI, metadata=metadata)
            written.append(target)
    _record(target_folder, name, caption or "")
    return written


def read_manifest(folder: str | os.PathLike | None = None) -> list[dict[str, str]]:
    """The figures saved into `folder` (default: `default_folder()`), in the order saved:
    figure, notebook (the one `openness report` was running, or "" when saved elsewhere),
    caption."""
    path = Path(folder if folder is not None else default_folder()) / MANIFEST
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def forget(notebook: str, folder: str | os.PathLike | None = None) -> None:
    """Drop the manifest rows of `notebook` (before the report runs it again, so a figure the
    notebook no longer saves leaves the page); default folder: `default_folder()`."""
    folder = Path(folder if folder is not None else default_folder())
    rows = read_manifest(folder)
    kept = [row for row in rows if row["notebook"] != notebook]
    if len(kept) != len(rows):
        _write_manifest(folder, kept)


def _record(folder: Path, name: str, caption: str) -> None:
    """One manifest row per figure name; a name is owned by the notebook that saved it first."""
    rows = read_manifest(folder)
    notebook = os.environ.get(NOTEBOOK_VARIABLE, "")
    old = next((row for row in rows if row["figure"] == name), None)
    if old is not None and notebook and old["notebook"] not in ("", notebook):
        raise ValueError(f"figure {name!r} is saved by {old['notebook']} already; give this one another name")
    if old is not None and not notebook:
        notebook = old["notebook"]  # saved again by hand: it stays with its notebook
    rows = [row for row in rows if row["figure"] != name] + [{"figure": name, "notebook": notebook, "caption": caption}]
    _write_manifest(folder, rows)


def _write_manifest(folder: Path, rows: list[dict[str, str]]) -> None:
    """Rows grouped by notebook (in save order within one), so the file does not depend on
    which notebook ran last."""
    rows = sorted(rows, key=lambda row: row["notebook"])
    with atomic_path(folder / MANIFEST) as tmp, tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=MANIFEST_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
