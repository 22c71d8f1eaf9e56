"""Charts: reproducible export, what each helper draws, the palettes, and notebook_setup."""
from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
import textwrap

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from PIL import Image

from openness import paths
from openness.present import charts
from openness.present.notebook import notebook_setup

# A small figure built the same way in this process and in a fresh interpreter.
BUILD_FIGURE = textwrap.dedent(
    """
    import pandas as pd
    from openness.present import charts

    def build_figure():
        ratings = pd.DataFrame([["open", "closed", None], ["partial", "open", "closed"]],
                               index=["model-a", "model-b"], columns=["weights", "data", "code"])
        return charts.heatmap(ratings, row_groups=["Lab X", "Lab Y"], title="Invented ratings",
                              figsize=(4.0, 2.5))
    """
)
namespace: dict = {}
exec(BUILD_FIGURE, namespace)
build_figure = namespace["build_figure"]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def digests(files) -> dict[str, str]:
    return {path.suffix: hashlib.sha256(path.read_bytes()).hexdigest() for path in files}


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """The test figure exported once, for the checks that only read the files."""
    folder = tmp_path_factory.mktemp("saved")
    figure = build_figure()
    written = charts.save(figure, "ratings", folder)
    plt.close(figure)
    return written


# ---- save -----------------------------------------------------------------------------------


def test_save_writes_png_svg_and_pdf(saved):
    folder = saved[0].parent
    assert saved == [folder / "ratings.png", folder / "ratings.svg", folder / "ratings.pdf"]
    assert sorted(p.name for p in folder.iterdir()) == ["manifest.csv", "ratings.pdf", "ratings.png", "ratings.svg"]
    assert charts.read_manifest(folder) == [{"figure": "ratings", "notebook": "", "caption": ""}]
    png, svg, pdf = saved
    assert png.read_bytes().startswith(b"\x89PNG")
    assert svg.read_bytes().startswith(b"<?xml")
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.fixture
def repo_figures(tmp_path, monkeypatch):
    """paths.FIGURES moved to a temporary folder, and no folder named by `openness report`."""
    monkeypatch.setattr(paths, "FIGURES", tmp_path / "repo-figures")
    monkeypatch.delenv(charts.FIGURES_VARIABLE, raising=False)
    return tmp_path / "repo-figures"


def test_save_defaults_to_the_repository_figures_only_in_its_notebooks_folder(repo_figures, tmp_path, monkeypatch):
    monkeypatch.chdir(paths.NOTEBOOKS)  # where `openness report`, make reproduce and nbval run the notebooks
    assert charts.default_folder() == repo_figures
    written = charts.save(build_figure(), "default-folder", caption="In the repository.")
    assert [p.parent for p in written] == [repo_figures] * 3
    assert [row["figure"] for row in charts.read_manifest()] == ["default-folder"]
    link = tmp_path / "linked-notebooks"  # the same folder under another name counts
    link.symlink_to(paths.NOTEBOOKS, target_is_directory=True)
    monkeypatch.chdir(link)
    assert charts.default_folder() == repo_figures


def test_save_elsewhere_defaults_to_figures_in_the_working_directory(repo_figures, tmp_path, monkeypatch):
    """A notebook copied out of notebooks/ (or any script) leaves the committed charts alone."""
    elsewhere = tmp_path / "my-copy"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert charts.default_folder() == elsewhere / "figures"
    written = charts.save(build_figure(), "mine", caption="My edited chart.")
    assert [p.parent for p in written] == [elsewhere / "figures"] * 3  # made on the first save
    assert not repo_figures.exists()
    assert charts.read_manifest() == [{"figure": "mine", "notebook": "", "caption": "My edited chart."}]
    assert charts.read_manifest(repo_figures) == []
    charts.forget("")  # forget's default folder is the same one
    assert charts.read_manifest(elsewhere / "figures") == []
    for folder in (paths.ROOT, paths.ROOT / "reports", paths.NOTEBOOKS.parent / "docs"):
        monkeypatch.chdir(folder)  # the repository, but not its notebooks folder
        assert charts.default_folder() == folder / "figures"


def test_the_folder_openness_report_names_and_an_explicit_folder_win(repo_figures, tmp_path, monkeypatch):
    monkeypatch.chdir(paths.NOTEBOOKS)
    monkeypatch.setenv(charts.FIGURES_VARIABLE, str(tmp_path / "report-figures"))
    assert charts.default_folder() == tmp_path / "report-figures"
    written = charts.save(build_figure(), "named", caption="Where the report said.")
    assert [p.parent for p in written] == [tmp_path / "report-figures"] * 3
    written = charts.save(build_figure(), "explicit", tmp_path / "mine")
    assert [p.parent for p in written] == [tmp_path / "mine"] * 3
    assert [row["figure"] for row in charts.read_manifest()] == ["named"]
    assert not repo_figures.exists()


def test_a_copied_notebook_run_elsewhere_writes_beside_itself(tmp_path, monkeypatch):
    """As a newcomer runs an edited copy (`jupyter nbconvert --execute /tmp/x/my-04.ipynb`):
    the kernel starts in the copy's folder, and the repository's figures stay as they are."""
    import nbclient
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    monkeypatch.delenv(charts.FIGURES_VARIABLE, raising=False)
    monkeypatch.delenv(charts.NOTEBOOK_VARIABLE, raising=False)
    manifest = paths.FIGURES / charts.MANIFEST
    before = manifest.read_bytes() if manifest.is_file() else None
    copy = tmp_path / "x" / "my-04.ipynb"
    copy.parent.mkdir()
    nb = new_notebook(cells=[new_code_cell(
        "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\nfrom openness.present import charts\n"
        "fig, ax = plt.subplots(figsize=(2, 1))\ncharts.save(fig, 't-copied-notebook', caption='Edited.')")])
    nbformat.write(nb, copy)
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(copy.parent)}}).execute()
    assert sorted(p.name for p in (copy.parent / "figures").iterdir()) == [
        "manifest.csv", "t-copied-notebook.pdf", "t-copied-notebook.png", "t-copied-notebook.svg"]
    assert (manifest.read_bytes() if manifest.is_file() else None) == before


def test_same_code_gives_same_bytes_in_fresh_figures(saved, tmp_path):
    again = digests(charts.save(build_figure(), "ratings", tmp_path))
    assert again == digests(saved)
    assert set(again) == {".png", ".svg", ".pdf"}


def test_same_bytes_in_a_fresh_interpreter_with_other_hash_seed(saved, tmp_path):
    script = BUILD_FIGURE + textwrap.dedent(
        f"""
        import hashlib, json
        files = charts.save(build_figure(), "ratings", {str(tmp_path)!r})
        print(json.dumps({{p.suffix: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}}))
        """
    )
    env = dict(os.environ, PYTHONHASHSEED="12345", MPLBACKEND="Agg")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True,
                            cwd=paths.ROOT)
    assert json.loads(result.stdout) == digests(saved)


def test_png_is_high_resolution_without_version_strings(saved):
    with Image.open(saved[0]) as image:
        assert round(image.info["dpi"][0]) >= 200
        # figsize (4.0, 2.5) inches at PNG_DPI, uncropped
        assert image.size == (4 * charts.PNG_DPI, round(2.5 * charts.PNG_DPI))
        assert "Matplotlib" not in image.info.get("Software", "")


def test_pdf_and_svg_hold_no_dates(saved):
    _, svg, pdf = saved
    assert b"CreationDate" not in pdf.read_bytes()
    assert b"ModDate" not in pdf.read_bytes()
    assert b"<dc:date>" not in svg.read_bytes()
    assert b"<text" not in svg.read_bytes()  # glyphs drawn as paths, independent of installed fonts


@pytest.mark.parametrize("name", ["a/b", "../escape", "a\\b", "", "chart.png", ".hidden"])
def test_bad_names_raise_and_write_nothing(tmp_path, name):
    with pytest.raises(ValueError, match="plain file name"):
        charts.save(build_figure(), name, tmp_path)
    assert list(tmp_path.iterdir()) == []


# ---- helpers --------------------------------------------------------------------------------


def bars_table() -> pd.DataFrame:
    # closed listed first on purpose: bars must still follow the palette order open, mixed, closed
    return pd.DataFrame({
        "theme": ["safety", "safety", "safety", "control", "control", "control"],
        "group": ["closed", "open", "mixed", "closed", "open", "mixed"],
        "share": [0.5, 0.2, 0.3, 0.4, 0.6, 0.1],
        "lo": [0.4, 0.1, 0.25, 0.3, 0.5, 0.0],
        "hi": [0.7, 0.3, 0.35, 0.5, 0.65, 0.2],
    })


def test_grouped_bars_draws_one_bar_per_cell_with_intervals():
    fig = charts.grouped_bars(bars_table(), "theme", "share", "group", lo="lo", hi="hi")
    ax = fig.axes[0]
    assert len(ax.patches) == 6
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["open", "mixed", "closed"]
    closed = [c for c in ax.containers if isinstance(c, mpl.container.BarContainer)][2]
    assert [to_hex(bar.get_facecolor()) for bar in closed] == [charts.GROUP_COLOURS["closed"].lower()] * 2
    assert [bar.get_height() for bar in closed] == [0.5, 0.4]  # safety, control
    whiskers = closed.errorbar.lines[2][0].get_segments()
    assert [(segment[0][1], segment[1][1]) for segment in whiskers] == [(0.4, 0.7), (0.3, 0.5)]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["safety", "control"]


def test_grouped_bars_horizontal_lays_bars_along_x_with_categories_top_down():
    fig = charts.grouped_bars(bars_table(), "theme", "share", "group", lo="lo", hi="hi", horizontal=True,
                              xlabel="share", ylabel="")
    ax = fig.axes[0]
    closed = [c for c in ax.containers if isinstance(c, mpl.container.BarContainer)][2]
    assert [bar.get_width() for bar in closed] == [0.5, 0.4]  # values along x
    assert [t.get_text() for t in ax.get_yticklabels()] == ["safety", "control"]
    assert ax.get_ylim()[0] > ax.get_ylim()[1]  # first category on top
    assert ax.get_xlabel() == "share"


def test_grouped_bars_marks_a_zero_and_names_a_missing_value():
    table = bars_table()
    table.loc[1, ["share", "lo", "hi"]] = 0.0  # safety, open
    table.loc[3, ["share", "lo", "hi"]] = np.nan  # control, closed
    ax = charts.grouped_bars(table, "theme", "share", "group", lo="lo", hi="hi", missing="no data").axes[0]
    strokes = [line for line in ax.lines if list(line.get_ydata()) == [0, 0]]
    assert len(strokes) == 1 and to_hex(strokes[0].get_color()) == charts.GROUP_COLOURS["open"].lower()
    assert [t.get_text().strip() for t in ax.texts] == ["no data"]


def test_grouped_bars_with_one_group_draws_no_legend():
    one = bars_table()[lambda t: t.group == "open"]
    assert charts.grouped_bars(one, "theme", "share", "group").axes[0].get_legend() is None


def test_grouped_bars_rejects_an_interval_that_misses_the_value():
    table = bars_table()
    table.loc[4, "hi"] = 0.55  # below share 0.6 for control/open
    with pytest.raises(ValueError, match="theme='control', group='open'"):
        charts.grouped_bars(table, "theme", "share", "group", lo="lo", hi="hi")


def test_helpers_name_a_missing_column():
    with pytest.raises(ValueError, match="no column \\['score'\\]"):
        charts.grouped_bars(bars_table(), "theme", "score", "group")


def test_helpers_draw_in_house_style_without_use_style():
    with mpl.rc_context(mpl.rcParamsDefault):
        ax = charts.grouped_bars(bars_table(), "theme", "share", "group").axes[0]
        assert not ax.spines["top"].get_visible()
        assert ax.title.get_fontfamily() == ["DejaVu Sans"]
        assert not mpl.rcParams["figure.constrained_layout.use"]  # the caller's settings are left alone


def test_categorical_heatmap_colours_labels_and_group_rules():
    ratings = pd.DataFrame([["open", "closed"], ["partial", None], ["closed", "open"]],
                           index=["m1", "m2", "m3"], columns=["weights", "data"])
    fig = charts.heatmap(ratings, row_groups=["Lab X", "Lab X", "Lab Y"])
    ax = fig.axes[0]
    cell_texts = [t for t in ax.texts if not isinstance(t, mpl.text.Annotation)]
    cells = {(t.get_position(), t.get_text()) for t in cell_texts}
    assert ((0.5, 0.5), "open") in cells and ((1.5, 1.5), "–") in cells and ((0.5, 1.5), "partial") in cells
    assert len(cell_texts) == 6
    assert len(ax.collections) == 1
    assert len(ax.lines) == 1  # one rule, between m2 (Lab X) and m3 (Lab Y)
    assert ax.lines[0].get_ydata().tolist() == [2, 2]
    assert [a.get_text() for a in ax.get_children() if isinstance(a, mpl.text.Annotation)] == ["Lab X", "Lab Y"]
    legend = fig.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == ["open", "partial", "closed"]
    assert [to_hex(p.get_facecolor()) for p in legend.get_patches()] == [
        charts.LEVEL_COLOURS[k].lower() for k in ("open", "partial", "closed")]


def test_heatmap_labels_outside_the_rating_levels_get_the_fallback_cycle():
    answers = pd.DataFrame([["yes", "no"]], index=["m1"], columns=["weights", "data"])
    legend = charts.heatmap(answers).legends[0]
    assert [to_hex(p.get_facecolor()) for p in legend.get_patches()] == [c.lower() for c in charts.OKABE_ITO[:2]]


def test_numeric_heatmap_annotates_with_format_and_adds_colour_bar():
    scores = pd.DataFrame([[0.25, 1.0], [0.5, np.nan]], index=["Lab X", "Lab Y"], columns=["safety", "control"])
    fig = charts.heatmap(scores, fmt=".1f", vmin=0, vmax=1)
    assert len(fig.axes) == 2  # heatmap and colour bar
    assert sorted(t.get_text() for t in fig.axes[0].texts) == ["0.2", "0.5", "1.0", "–"]


def test_heatmap_rejects_numbers_among_labels():
    mixed = pd.DataFrame([["open", 3]], index=["m1"], columns=["weights", "data"])
    with pytest.raises(ValueError, match="\\('m1', 'data'\\) holds 3"):
        charts.heatmap(mixed)


def test_keyness_keeps_the_top_terms_per_side_and_diverges():
    terms = pd.DataFrame({
        "term": ["a", "b", "c", "x", "y", "z"],
        "z": [1.0, 3.0, 2.0, -4.0, -0.5, -1.5],
        "side": ["closed", "closed", "closed", "open", "open", "open"],
    })
    ax = charts.keyness(terms, "term", "z", "side", n=2).axes[0]
    widths = {t.get_text(): bar.get_width() for t, bar in zip(ax.texts, ax.patches)}
    assert widths == {"x": -4.0, "z": -1.5, "c": 2.0, "b": 3.0}  # open left, closed right
    top_bar = max(ax.patches, key=lambda bar: bar.get_y())
    assert top_bar.get_width() == 3.0


def test_keyness_needs_exactly_two_sides():
    terms = pd.DataFrame({"term": ["a", "b", "c"], "z": [1.0, 2.0, 3.0], "side": ["open", "mixed", "closed"]})
    with pytest.raises(ValueError, match="exactly two sides"):
        charts.keyness(terms, "term", "z", "side")


def test_time_series_breaks_the_line_at_a_missing_step():
    quarters = pd.to_datetime(["2021-01-01", "2021-04-01", "2021-10-01"])  # 2021-07 left out
    series = pd.DataFrame({"quarter": quarters, "theme": "safety", "rate": [1.0, 2.0, 3.0],
                           "lo": [0.5, 1.5, 2.5], "hi": [1.5, 2.5, 3.5]})
    joined = charts.time_series(series, "quarter", "rate", "theme", lo="lo", hi="hi").axes[0].lines[0]
    assert len(joined.get_ydata()) == 3  # without a step the line runs straight across the gap
    broken = charts.time_series(series, "quarter", "rate", "theme", lo="lo", hi="hi", step="QS").axes[0].lines[0]
    assert np.isnan(broken.get_ydata()).tolist() == [False, False, True, False]
    years = pd.DataFrame({"year": [2019, 2020, 2023], "theme": "safety", "rate": [1.0, 2.0, 3.0]})
    line = charts.time_series(years, "year", "rate", "theme", step=1).axes[0].lines[0]
    assert line.get_xdata().tolist() == [2019, 2020, 2021, 2022, 2023] and np.isnan(line.get_ydata()).sum() == 2
    plt.close("all")


def test_time_series_draws_sorted_lines_and_bands():
    series = pd.DataFrame({
        "year": [2022, 2020, 2021, 2020, 2021, 2022],
        "theme": ["safety", "safety", "safety", "control", "control", "control"],
        "share": [0.3, 0.1, 0.2, 0.5, 0.4, 0.6],
        "lo": [0.2, 0.0, 0.1, 0.4, 0.3, 0.5],
        "hi": [0.4, 0.2, 0.3, 0.6, 0.5, 0.7],
    })
    ax = charts.time_series(series, "year", "share", "theme", lo="lo", hi="hi").axes[0]
    assert len(ax.lines) == 2 and len(ax.collections) == 2
    safety = ax.lines[0]
    assert safety.get_label() == "safety"  # theme palette order: transparency, safety, control
    assert safety.get_xdata().tolist() == [2020, 2021, 2022]
    assert safety.get_ydata().tolist() == [0.1, 0.2, 0.3]
    assert to_hex(safety.get_color()) == charts.THEME_COLOURS["safety"].lower()


def test_time_series_lines_differ_in_marker_and_dash():
    series = pd.DataFrame({"year": [2020, 2021] * 3, "theme": ["transparency"] * 2 + ["safety"] * 2 + ["control"] * 2,
                           "share": [0.1, 0.2] * 3})  # equal values: each line must still show
    ax = charts.time_series(series, "year", "share", "theme").axes[0]
    assert len({line.get_marker() for line in ax.lines}) == 3
    assert len({line.get_linestyle() for line in ax.lines}) == 3
    assert all(line.get_markerfacecolor() == "none" for line in ax.lines)


def test_dumbbell_draws_the_right_value_as_a_ring_around_the_left_dot():
    table = pd.DataFrame({"lab": ["Lab X"], "claim": [0.5], "rating": [0.5]})  # equal: both must show
    ax = charts.dumbbell(table, "lab", "claim", "rating").axes[0]
    dots, rings = ax.collections
    assert dots.get_sizes()[0] < rings.get_sizes()[0] and dots.get_zorder() > rings.get_zorder()
    assert to_hex(rings.get_edgecolors()[0]) == charts.PAIR_COLOURS[1].lower()


def test_dumbbell_joins_each_pair_in_table_order():
    table = pd.DataFrame({"lab": ["Lab X", "Lab Y", "Lab Z"], "claim": [0.8, 0.4, 0.6], "rating": [0.5, 0.5, 0.1]})
    ax = charts.dumbbell(table, "lab", "claim", "rating", "claimed", "rated").axes[0]
    assert len(ax.lines) == 3 and len(ax.collections) == 2
    assert list(ax.lines[2].get_xdata()) == [0.6, 0.1]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Lab X", "Lab Y", "Lab Z"]
    assert ax.get_ylim()[0] > ax.get_ylim()[1]  # first row on top
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["claimed", "rated"]


# ---- palettes and style ---------------------------------------------------------------------


def test_palettes_have_fixed_keys_and_distinct_colours():
    assert list(charts.GROUP_COLOURS) == ["open", "mixed", "closed"]
    assert list(charts.THEME_COLOURS) == ["transparency", "safety", "control"]
    assert list(charts.STANCE_COLOURS) == ["pro_open", "neutral", "pro_closed"]
    assert list(charts.LEVEL_COLOURS) == ["open", "partial", "closed"]
    shared = [*charts.GROUP_COLOURS.values(), *charts.THEME_COLOURS.values(), *charts.STANCE_COLOURS.values()]
    assert len({to_hex(c) for c in shared}) == 9
    assert len({to_hex(c) for c in charts.LEVEL_COLOURS.values()}) == 3


def test_use_style_sets_the_house_rc():
    with mpl.rc_context():
        charts.use_style()
        assert mpl.rcParams["svg.fonttype"] == "path"
        assert mpl.rcParams["font.family"] == ["DejaVu Sans"]
        assert not mpl.rcParams["axes.spines.right"]
        assert mpl.rcParams["figure.constrained_layout.use"]


# ---- notebook_setup -------------------------------------------------------------------------


@pytest.fixture
def restore_globals():
    random_state, numpy_state = random.getstate(), np.random.get_state()
    with mpl.rc_context():
        yield
    random.setstate(random_state)
    np.random.set_state(numpy_state)
    pd.reset_option("^display")


def test_notebook_setup_seeds_formats_and_prints_nothing(restore_globals, capsys):
    random.seed(1)
    notebook_setup(seed=7)
    assert random.random() == random.Random(7).random()
    assert np.random.random() == np.random.RandomState(7).random_sample()
    shown = repr(pd.DataFrame({"share": [1 / 3]}))
    assert "0.333" in shown and "0.3333" not in shown
    assert mpl.rcParams["svg.hashsalt"] == "openness"
    assert capsys.readouterr() == ("", "")


def test_notebook_setup_fixes_the_inline_format_inside_ipython():
    script = textwrap.dedent(
        """
        import contextlib, io, json
        from IPython.core.interactiveshell import InteractiveShell
        shell = InteractiveShell.instance()
        from openness.present.notebook import notebook_setup
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            notebook_setup()
        import matplotlib.pyplot as plt
        fig, _ = plt.subplots(figsize=(2, 1))
        shown = shell.display_formatter.format(fig)[0]
        from matplotlib_inline.config import InlineBackend
        print(json.dumps({"printed": printed.getvalue(), "mimetypes": sorted(shown),
                          "kwargs": InlineBackend.instance().print_figure_kwargs}))
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                            cwd=paths.ROOT, env=dict(os.environ, MPLBACKEND="Agg"))
    state = json.loads(result.stdout)
    assert state["printed"] == ""
    assert state["mimetypes"] == ["image/png", "text/plain"]
    assert state["kwargs"] == {"bbox_inches": None, "dpi": 100}
