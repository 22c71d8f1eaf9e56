"""An explorer for JupyterLab: from counts to the sentences behind them. Linked controls
(source, lab or lab group, stance, dates; theme, criterion, cue, negated), a table of counts
and shares per lab or group that follows them, a sortable list of the matching sentences,
and the sentence picked, highlighted as `Scores.explain` does, with its evidence rows. A
reader can mark a sentence or a hit as scored wrongly and export the marks (gold format,
no text), the count table (CSV) and its chart (png/svg/pdf via `charts.save`), into
`default_exports()` unless told otherwise.

The widgets only read controls and show results: the logic is in
`openness.analysis.selection` and `openness.analysis.corrections`. Text is shown only when
it is here (a scored corpus, or the raw sources fetched); a sentence appears only after a
reader picks one, so an executed notebook stores none, and the explorer's plain-text form
(what a notebook file keeps when the widgets are not rendered) is one fixed line.

    explore(openness.score(corpus))    # or scores.explore()
    project()                          # the committed tables of data/processed
"""
from __future__ import annotations

import html
import textwrap
from collections.abc import Callable
from pathlib import Path

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from openness import paths
from openness.analysis.corrections import Corrections
from openness.analysis.selection import ALL, SORTS, Filters, Tables, count_table, matching_sentences, select, sentence_records
from openness.core.io import write_csv
from openness.core.scoring import Explanation
from openness.data import texts as raw_texts
from openness.present import charts
from openness.vocab import STANCES, THEMES

ANY = "(any)"
LIST_LIMIT = 200  # sentences listed at once; the count table counts them all
# Bootstrap replicates of the explorer's intervals: fewer than the notebooks' N_BOOT, so a
# filter change stays under half a second on the committed tables (benchmarks/explore.py).
EXPLORER_N_BOOT = 500
EXPORTS = paths.ROOT / "build" / "explore"  # exports when run from the repository (git-ignored)
LOCAL_EXPORTS = "explore-exports"  # exports when run anywhere else, in the working directory
# Characters of the house title (13 pt bold) per inch of figure width, less the axis labels' margin
TITLE_CHARACTERS_PER_INCH = 7

TextLookup = Callable[[str, str], "str | None"]  # (doc_id, source) -> the document's text, or None
StanceReason = Callable[[str, int], str]  # (doc_id, sentence) -> what decided the sentence's stance


def _options(values) -> list:
    return [(ANY, "")] + [(str(v), v) for v in values]


def default_exports() -> Path:
    """Where an explorer exports without `exports=`: the repository's build/explore/
    (git-ignored) when the working directory is the repository's root or its notebooks/
    folder (notebooks/09-explore.ipynb runs there), else explore-exports/ in the working
    directory, beside the user's own notebook or script. Made on the first export."""
    if paths.working_in(paths.ROOT, paths.NOTEBOOKS):
        return EXPORTS
    return Path.cwd() / LOCAL_EXPORTS


def _chosen(control: widgets.Dropdown):
    """A dropdown's value, None for (any): a Dropdown shows None as no choice at all."""
    return None if control.value == "" else control.value


class Explorer:
    """A JupyterLab explorer of scored sentences: from counts to the sentences behind them.

    Open one with `scores.explore()` (any `openness.score(...)`; `documents=corpus.docs` adds
    the source and date filters) or `openness.present.explore.project()` (the committed tables
    of data/processed; text only when the raw sources are here), as the last line of a cell.
    `print(explorer)` says what it holds, which filters are set and where it exports.

    Filters pick which sentences (source, lab or lab group, stance, dates) and which cue hits
    (theme, criterion, cue, negated); `counts` (per group or per lab: sentences, matching
    sentences and their share with a 95% interval clustered by document, hits per 1,000
    words), `matches` (the first LIST_LIMIT matching sentences) and `selection` follow them,
    and `filters()` reads them. Pick a sentence to read it with its hits highlighted.

    Without a browser (a script, a notebook run headless) each control is an attribute whose
    `.value` does what a click does: `explorer.theme.value = "safety"`, `explorer.lab.value =
    ("group", "closed")` (or `("lab", "meta")`), `explorer.by.value = "lab"`; then read
    `explorer.counts` and `explorer.matches`, pick a sentence with `explorer.list.value =
    explorer.list.options[0][1]` and read `explorer.detail.value` (HTML), and press a button
    with `explorer.export_view.click()` or `explorer.export_marks.click()`.

    Exports go to `exports` (default `default_exports()`: the repository's build/explore/ when
    run from the repository's root or notebooks/ folder, else explore-exports/ in the working
    directory), each replacing the previous one of its name:
    "Export table and chart" writes explore.csv (the count table) and explore.png, .svg and
    .pdf (its chart, listed in the folder's manifest.csv by `charts.save`); "Export marks
    (CSV)" writes corrections.csv, the sentences and hits marked as scored wrongly, in the
    gold file's format with offsets and no text
    (`openness.analysis.corrections.read_corrections` reads them back as labelled sentences).

    Arguments: `tables` (`openness.analysis.selection.Tables`), `text_of(doc_id, source)`
    (the document's text or None), `missing_text` (the line shown when it is None), `n_boot`
    (bootstrap replicates of the intervals), `exports` (the folder above), `stance_reason(doc_id,
    sentence)` (what decided a sentence's stance, shown with it; `explore` passes one for scores
    with the stance model's stance)."""

    def __init__(self, tables: Tables, text_of: TextLookup, missing_text: str = raw_texts.HOW_TO_GET_THEM,
                 n_boot: int = EXPLORER_N_BOOT, exports: str | Path | None = None,
                 stance_reason: StanceReason | None = None):
        self.tables, self.text_of, self.missing_text, self.n_boot = tables, text_of, missing_text, n_boot
        self.stance_reason = stance_reason
        self.exports = Path(exports) if exports is not None else default_exports()
        self.corrections = Corrections()
        options = tables.options()
        layout = widgets.Layout(width="250px")
        drop = lambda name, values, description: widgets.Dropdown(  # noqa: E731
            options=_options(values), value="", description=description, layout=layout)
        self.source = drop("source", options["source"], "Source")
        self.lab = widgets.Dropdown(options=[(ANY, "")] + [(f"group: {g}", ("group", g)) for g in options["group"]]
                                    + [(lab, ("lab", lab)) for lab in options["lab"]],
                                    value="", description="Lab", layout=layout)
        self.stance = drop("stance", [s for s in STANCES if s in options["stance"]], "Stance")
        self.theme = drop("theme", [t for t in THEMES if t in options["theme"]], "Theme")
        self.criterion = drop("criterion", options["criterion"], "Criterion")
        self.cue = drop("cue", options["cue"], "Cue")
        self.negated = widgets.Dropdown(options=[(ANY, ""), ("negated", True), ("not negated", False)],
                                        value="", description="Negated", layout=layout)
        dates = tables.date_range()
        self.start = widgets.DatePicker(description="From", layout=layout, disabled=dates is None)
        self.end = widgets.DatePicker(description="To", layout=layout, disabled=dates is None)
        self.by = widgets.ToggleButtons(options=[("per group", "group"), ("per lab", "lab")], value="group")
        self.sort = widgets.Dropdown(options=list(SORTS), value="hits", description="Sort by", layout=layout)
        self.counts_view = widgets.HTML()
        self.list = widgets.Select(options=[], value=None, rows=10, layout=widgets.Layout(width="100%"))
        self.detail = widgets.HTML()
        self.hit = widgets.Dropdown(options=[], description="Hit", layout=widgets.Layout(width="420px"))
        self.right_themes = {t: widgets.Checkbox(description=t, indent=False, layout=widgets.Layout(width="120px"))
                             for t in THEMES}
        self.right_stance = widgets.Dropdown(options=list(STANCES), description="Stance", layout=layout)
        self.right_labs = widgets.Text(description="Labs", placeholder="lab ids; separated", layout=layout)
        wide = widgets.Layout(width="auto")
        self.mark_hit = widgets.Button(description="Hit is wrong theme", layout=wide, icon="times")
        self.mark_sentence = widgets.Button(description="Save corrected labels", layout=wide, icon="flag")
        self.export_marks = widgets.Button(description="Export marks (CSV)", layout=wide, icon="download")
        self.export_view = widgets.Button(description="Export table and chart", layout=wide, icon="download")
        self.status = widgets.HTML()
        for control in (self.source, self.lab, self.stance, self.theme, self.criterion, self.cue, self.negated,
                        self.start, self.end, self.by, self.sort):
            control.observe(self._refresh, names="value")
        self.list.observe(self._show, names="value")
        self.mark_hit.on_click(lambda _: self._mark(hit=True))
        self.mark_sentence.on_click(lambda _: self._mark(hit=False))
        self.export_marks.on_click(lambda _: self._export_marks())
        self.export_view.on_click(lambda _: self._export_view())
        for name, widget in self._named().items():
            widget.add_class(f"openness-{name}")  # stable handles for a browser test
        self.widget = self._layout(dates)
        self.widget.add_class("openness-explorer")
        self._refresh()

    # ---- state ----------------------------------------------------------------------------

    def filters(self) -> Filters:
        kind, value = _chosen(self.lab) or (None, None)
        return Filters(source=_chosen(self.source), lab=value if kind == "lab" else None,
                       group=value if kind == "group" else None, stance=_chosen(self.stance),
                       start=self.start.value, end=self.end.value, theme=_chosen(self.theme),
                       criterion=_chosen(self.criterion), cue=_chosen(self.cue), negated=_chosen(self.negated))

    def _refresh(self, _change=None) -> None:
        self.selection = select(self.tables, self.filters())
        self.counts = count_table(self.tables, self.selection, by=self.by.value, n_boot=self.n_boot)
        self.counts_view.value = _counts_html(self.counts, self.by.value, self.selection.filters.describe())
        self.matches = matching_sentences(self.tables, self.selection, sort=self.sort.value, limit=LIST_LIMIT)
        self.list.options = [(_label(row), (row.doc_id, int(row.sentence))) for row in self.matches.itertuples()]
        self.list.value = None  # nothing shown until a reader picks a sentence
        self._show()

    def _show(self, _change=None) -> None:
        picked = self.list.value
        if picked is None:
            self.detail.value = '<p class="openness-empty"><i>Pick a sentence in the list to read it with its evidence.</i></p>'
            self.hit.options = []
            return
        row, evidence, mentions = sentence_records(self.tables, *picked)
        self.picked = (row, evidence)
        reason = self.stance_reason(row["doc_id"], int(row["sentence"])) if self.stance_reason else None
        self.detail.value = _sentence_html(row, evidence, mentions, self.text_of(row["doc_id"], row["source"]),
                                           self.missing_text, reason)
        self.hit.options = [(f"{h.cue} ({h.theme}, {h.start}-{h.end})", i) for i, h in enumerate(evidence.itertuples())]
        for theme, box in self.right_themes.items():
            box.value = bool(row[theme] > 0)
        self.right_stance.value = row["stance"]
        self.right_labs.value = row["labs"]

    # ---- flags and exports -----------------------------------------------------------------

    def _mark(self, hit: bool) -> None:
        if self.list.value is None:
            self._say("Pick a sentence first.")
            return
        row, evidence = self.picked
        try:
            if hit:
                if self.hit.value is None:
                    raise ValueError("pick the hit that is wrong first" if self.hit.options
                                     else "this sentence has no cue hit to mark")
                mark = self.corrections.mark(row, evidence, hit=self.hit.value)
            else:
                mark = self.corrections.mark(
                    row, evidence, themes={t: int(b.value) for t, b in self.right_themes.items()},
                    stance=self.right_stance.value, labs=[lab.strip() for lab in self.right_labs.value.split(";")
                                                          if lab.strip()])
        except ValueError as error:
            self._say(str(error))
            return
        self._say(f"Marked {mark['id']} (wrong {mark['wrong']}); {len(self.corrections)} mark(s) so far.")

    def _export_marks(self) -> None:
        if not len(self.corrections):
            self._say("No marks to export yet.")
            return
        path = self.corrections.export(self.exports / "corrections.csv")
        self._say(f"{len(self.corrections)} mark(s) written to {path} (gold format, offsets, no text).")

    def _export_view(self) -> None:
        written = export_view(self.counts, self.by.value, self.selection.filters.describe(), self.exports)
        self._say("Written: " + ", ".join(str(p) for p in written))

    def _say(self, message: str) -> None:
        self.status.value = f'<span class="openness-message">{html.escape(message)}</span>'

    # ---- display ---------------------------------------------------------------------------

    def _named(self) -> dict[str, widgets.Widget]:
        return {"source": self.source, "lab": self.lab, "stance": self.stance, "theme": self.theme,
                "criterion": self.criterion, "cue": self.cue, "negated": self.negated, "counts": self.counts_view,
                "list": self.list, "detail": self.detail, "status": self.status}

    def _layout(self, dates) -> widgets.Widget:
        period = (f"Dates {dates[0]:%Y-%m-%d} to {dates[1]:%Y-%m-%d}" if dates is not None
                  else "No dates in these sources")
        sentences = widgets.VBox([widgets.HTML("<b>Which sentences</b>"), self.source, self.lab, self.stance,
                                  self.start, self.end, widgets.HTML(f"<small>{period}</small>")])
        hits = widgets.VBox([widgets.HTML("<b>Which cue hits</b>"), self.theme, self.criterion, self.cue, self.negated])
        flag = widgets.VBox([widgets.HTML("<b>Scored wrongly?</b>"), widgets.HBox([self.hit, self.mark_hit]),
                             widgets.HBox(list(self.right_themes.values())),
                             widgets.HBox([self.right_stance, self.right_labs, self.mark_sentence])])
        return widgets.VBox([
            widgets.HBox([sentences, hits]),
            widgets.HBox([self.by, self.export_view]), self.counts_view,
            widgets.HBox([widgets.HTML(f"<b>Matching sentences</b> (first {LIST_LIMIT})"), self.sort]), self.list,
            self.detail, flag, widgets.HBox([self.export_marks, self.status]),
        ])

    def __repr__(self) -> str:
        sentences = self.tables.sentences
        return (f"<openness Explorer: {sentences['doc_id'].nunique():,} documents, {len(sentences):,} sentences; "
                f"filters: {self.selection.filters.describe()}; {int(self.selection.matching.sum()):,} sentences "
                f"matching; counts per {self.by.value}; exports to {self.exports}>")

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = (f"openness explorer of {len(self.tables.sentences):,} sentences "
                                "(run the notebook in JupyterLab to use it)")
        return bundle


def _label(row) -> str:
    date = f" {row.published:%Y-%m-%d}" if pd.notna(row.published) else ""
    return (f"{row.doc_id} #{row.sentence} · {row.hits} hit(s): {row.themes} · {row.stance}"
            f"{' · ' + row.labs if row.labs else ''} · {row.source}{date}")


def _counts_html(counts: pd.DataFrame, by: str, described: str) -> str:
    if counts.empty:
        return f'<p class="openness-table">No sentence matches {html.escape(described)}.</p>'
    shown = counts.assign(
        share=[f"{s:.1%} [{lo:.1%}, {hi:.1%}]" if pd.notna(lo) else f"{s:.1%}"
               for s, lo, hi in zip(counts["share"], counts["lo"], counts["hi"])],
        hits_per_1000_words=counts["hits_per_1000_words"].map(lambda v: f"{v:.2f}" if pd.notna(v) else ""),
    ).drop(columns=["lo", "hi"]).rename(columns={"share": "share matching [95% CI, by document]"})
    return (f'<div class="openness-table"><small>Sentences {html.escape(described)}; '
            f"a sentence counts once for each {by} it names, once in {ALL}.</small>"
            f"{shown.to_html(index=False, escape=True, border=0)}</div>")


def _sentence_html(row: pd.Series, evidence: pd.DataFrame, mentions: pd.DataFrame, text: str | None,
                   missing_text: str, stance_reason: str | None = None) -> str:
    start, end = int(row["start"]), int(row["end"])
    if text is None:
        body = f"<p><i>{html.escape(missing_text)}</i></p>"
    else:
        shift = lambda t: t.assign(start=t["start"] - start, end=t["end"] - start)  # noqa: E731
        body = Explanation(f"{row['doc_id']} #{row['sentence']}", text[start:end], shift(evidence),
                           shift(mentions))._repr_html_()
    rows = evidence.drop(columns=["doc_id"]).to_html(index=False, border=0) if len(evidence) else "<p>No cue hit.</p>"
    return (f'<div class="openness-sentence">{body}<p><small>{html.escape(row["doc_id"])}, sentence {row["sentence"]}, '
            f"characters {start}-{end}; labs: {html.escape(row['labs'] or 'none')}; stance: {row['stance']}"
            f"{', ' + html.escape(stance_reason) if stance_reason else ''}</small></p>"
            f"{rows}</div>")


def export_view(counts: pd.DataFrame, by: str, described: str, folder: str | Path, name: str = "explore") -> list[Path]:
    """The count table as CSV and its chart (share matching per lab or group, with the
    interval) as png/svg/pdf through `charts.save`, into `folder`."""
    folder = Path(folder)
    written = [write_csv(counts, folder / f"{name}.csv")]
    fig = view_chart(counts, by, described)
    if fig is None:
        return written
    try:
        written += charts.save(fig, name, folder=folder,
                               caption=f"Share of sentences matching {described}, per {by}, with 95% intervals "
                                       f"clustered by document; a sentence counts once for each {by} it names, "
                                       f"so every {by} named in the matching sentences has a bar.")
    finally:
        plt.close(fig)
    return written


def view_chart(counts: pd.DataFrame, by: str, described: str) -> Figure | None:
    """The chart of a count table: share matching per lab or group, with the interval (None
    when no row has a share). The title, which names every filter set, is wrapped to the
    figure's width: on one line a few filters pushed it off the picture, and the layout
    shrank the bars to a sliver to make room for it."""
    rows = counts.dropna(subset=["share"]).assign(selection="matching")
    if rows.empty:
        return None
    width = max(5.0, 0.6 * len(rows) + 2)
    title = textwrap.fill(f"Sentences matching: {described}", width=int(TITLE_CHARACTERS_PER_INCH * width))
    return charts.grouped_bars(rows.assign(share=rows["share"] * 100, lo=rows["lo"] * 100, hi=rows["hi"] * 100),
                               x=by, y="share", group="selection", lo="lo", hi="hi", title=title, xlabel=by,
                               ylabel="% of sentences", figsize=(width, 4.0 + 0.25 * title.count("\n")))


def explore(scores, documents: pd.DataFrame | None = None, labs: pd.DataFrame | None = None, **options) -> Explorer:
    """An explorer of a scored corpus (`openness.score(...)`), its text always at hand.
    `documents` (doc_id, optional source and published) adds the source and date controls;
    `labs` (lab, openness_group) defaults to the project's data/processed/labs.csv."""
    if labs is None and (paths.PROCESSED / "labs.csv").is_file():
        labs = pd.read_csv(paths.PROCESSED / "labs.csv", usecols=["lab", "openness_group"])
    tables = Tables.from_scores(scores, documents, labs)
    texts = scores.texts
    model = scores.stance_model
    reason = (lambda doc_id, sentence: model.sentence_reason(scores, doc_id, sentence)) if model is not None else None
    return Explorer(tables, lambda doc_id, source: texts.get(doc_id), stance_reason=reason, **options)


def project_tables(folder: str | Path = paths.PROCESSED) -> Tables:
    """The committed scored tables of data/processed, joined for the explorer."""
    folder = Path(folder)
    read = lambda name, **kw: pd.read_csv(folder / name, keep_default_na=False, **kw)  # noqa: E731
    return Tables(read("sentence_scores.csv", dtype={"doc_id": str, "labs": str}),
                  read("evidence.csv", dtype={"doc_id": str}), read("mentions.csv", dtype={"doc_id": str}),
                  read("documents.csv", dtype=str), pd.read_csv(folder / "labs.csv", usecols=["lab", "openness_group"]))


def project(folder: str | Path = paths.PROCESSED, **options) -> Explorer:
    """An explorer of the project's committed tables; the sentences' text is read from the
    raw sources when they are here, else one line says how to get them."""
    def text_of(doc_id: str, source: str) -> str | None:
        texts = raw_texts.source_texts(source) if source in raw_texts.TEXT_SOURCES else None
        return None if texts is None else texts.get(doc_id)

    return Explorer(project_tables(folder), text_of, **options)
