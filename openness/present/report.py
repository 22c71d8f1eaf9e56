"""The report: execute every numbered notebook in place, then build one static page
(reports/index.html) showing each notebook's findings, each exported figure with its
caption, the notebook it comes from, and the rubric and data versions behind it. Which
figures a notebook saved, and their captions, come from the manifest `charts.save` writes;
the findings are the Markdown outputs of the notebook's code cells tagged `findings`, which
compute their sentences from the tables, so the page's numbers follow the data. Same
notebooks, same bytes."""
from __future__ import annotations

import html
import os
import re
import sys
import time
from pathlib import Path

import mistune
import nbclient
import nbformat
import pandas as pd

from openness import paths
from openness.core.io import atomic_path
from openness.core.rubric import load_rubric
from openness.present import charts

NOTEBOOK_NAME = re.compile(r"(\d+)-.+\.ipynb")
FIGURE_FORMATS = ("png", "svg", "pdf")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
FINDINGS_TAG = "findings"  # in a code cell's metadata.tags: its Markdown output goes on the page
MARKDOWN = "text/markdown"
_markdown_to_html = mistune.create_markdown(escape=True)  # raw HTML in a finding is shown as text


class ReportError(Exception):
    """A notebook that fails, or a figure the page cannot show; names the notebook and cell."""


def execute_notebook(path: str | os.PathLike, timeout: int = 600, figures: str | os.PathLike = paths.FIGURES) -> Path:
    """Run `path` top to bottom in its own folder with the python3 kernel and write it back
    with its outputs; the file is replaced only when every cell succeeded. Its rows of the
    manifest in `figures` are dropped first and written again by the charts it saves, which
    go to `figures` (the kernel inherits it as OPENNESS_FIGURES, `charts.save`'s default)."""
    path = Path(path)
    charts.forget(path.name, figures)
    nb = nbformat.read(path, as_version=4)
    current: dict[str, int] = {}
    client = nbclient.NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        store_widget_state=False,  # widget models carry random ids, and may carry what a widget showed
        on_cell_start=lambda cell, cell_index: current.update(index=cell_index),
        # the kernel warns at every start that its local TCP sockets are unencrypted; a run of the
        # notebooks should print what went wrong in them, not eight copies of that
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    previous = {name: os.environ.get(name) for name in (charts.NOTEBOOK_VARIABLE, charts.FIGURES_VARIABLE)}
    os.environ[charts.NOTEBOOK_VARIABLE] = path.name  # the kernel inherits it: charts.save records the notebook
    os.environ[charts.FIGURES_VARIABLE] = str(Path(figures).resolve())  # and saves there
    try:
        client.execute()
    except Exception as error:  # any failure (cell error, timeout, dead kernel) leaves the file untouched
        index = current.get("index")
        where = f"cell {index + 1} ({_first_line(nb.cells[index].source)!r})" if index is not None else "kernel start"
        reason = f"{error.ename}: {error.evalue}" if isinstance(error, nbclient.exceptions.CellExecutionError) else (
            f"{type(error).__name__}: {error}")
        raise ReportError(f"{path.name}: {where} failed: {reason}; the notebook was not changed") from error
    finally:
        for name, value in previous.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = _without_widget_views(_joined_streams(cell.outputs))
    with atomic_path(path) as tmp:
        nbformat.write(nb, tmp)
    return path


def _joined_streams(outputs: list) -> list:
    """Consecutive pieces of one stream as one output: the kernel flushes printed text at
    moments of its own choosing, and the file must not depend on when."""
    joined: list = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (output.output_type == "stream" and previous is not None and previous.output_type == "stream"
                and previous.name == output.name):
            previous.text += output.text
        else:
            joined.append(output)
    return joined


def _without_widget_views(outputs: list) -> list:
    """Outputs without their live-widget views: a view names a widget model by a random id
    that lives only as long as the kernel, so the file keeps the plain-text form, the same
    on every run (the explorer's is one fixed line)."""
    for output in outputs:
        output.get("data", {}).pop(WIDGET_VIEW, None)
    return outputs


def _first_line(source: str) -> str:
    return next((line.strip() for line in source.splitlines() if line.strip()), "")


def build_index(notebooks: list[Path], out: str | os.PathLike = paths.REPORTS / "index.html") -> Path:
    """One static page (no script, no external resource): a section per notebook with its
    findings and each figure its manifest lists for it, with its caption, and the rubric and
    data versions. Figures are linked from `figures/` beside `out` and must exist there."""
    out = Path(out)
    figures = out.parent / "figures"
    manifest = charts.read_manifest(figures)
    names = {Path(notebook).name for notebook in notebooks}
    stray = next((row for row in manifest if row["notebook"] not in names), None)
    if stray is not None:
        owner = f"notebook {stray['notebook']}, which is not among the notebooks" if stray["notebook"] else "no notebook"
        raise ReportError(f"{figures / charts.MANIFEST}: figure {stray['figure']!r} was saved by {owner}; "
                          "run `openness report` to execute the notebooks")
    sections = []
    for notebook in notebooks:
        notebook = Path(notebook)
        items = []
        for row in (row for row in manifest if row["notebook"] == notebook.name):
            name = row["figure"]
            missing = [f"{name}.{fmt}" for fmt in FIGURE_FORMATS if not (figures / f"{name}.{fmt}").is_file()]
            if missing:
                raise ReportError(f"{notebook.name} saves figure {name!r} but {figures} has no {', '.join(missing)}; "
                                  "run `openness report` to execute the notebooks")
            if not row["caption"].strip():
                raise ReportError(f"{notebook.name} saves figure {name!r} without a caption; "
                                  "give charts.save a caption=\"One sentence ...\"")
            items.append(_figure_html(name, row["caption"], notebook, out.parent))
        sections.append(_section_html(notebook, _findings_html(notebook), items, out.parent))
    page = _PAGE.format(css=_CSS, versions=_versions_html(), toc=_toc_html(notebooks), sections="\n".join(sections))
    with atomic_path(out) as tmp:
        tmp.write_text(page, encoding="utf-8", newline="\n")
    return out


def _findings_html(notebook: Path) -> str:
    """The Markdown outputs of the notebook's `findings` cells, as HTML in cell order; a
    findings cell without one (not executed, or showing something else) is an error."""
    parts = []
    for index, cell in enumerate(nbformat.read(notebook, as_version=4).cells):
        if cell.cell_type != "code" or FINDINGS_TAG not in cell.metadata.get("tags", []):
            continue
        texts = [_text(output["data"][MARKDOWN]) for output in cell.get("outputs", [])
                 if MARKDOWN in output.get("data", {})]
        if not texts:
            raise ReportError(f"{notebook.name}: cell {index + 1} ({_first_line(cell.source)!r}) is tagged "
                              f"{FINDINGS_TAG!r} but has no Markdown output; run `openness report` to execute the "
                              "notebooks, and display the findings with IPython.display.Markdown")
        parts += [_markdown_to_html(text).strip() for text in texts]
    return "\n".join(parts)


def _text(value: str | list[str]) -> str:
    return value if isinstance(value, str) else "".join(value)


def _title(notebook: Path) -> str:
    """The notebook's first markdown heading, else its file name."""
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return notebook.stem


def _link(target: Path, base: Path) -> str:
    return html.escape(Path(os.path.relpath(target, base)).as_posix(), quote=True)


def _figure_html(name: str, caption: str, notebook: Path, base: Path) -> str:
    alt, text, src = html.escape(caption, quote=True), html.escape(caption), html.escape(name, quote=True)
    return (f'<figure id="fig-{src}">\n<img src="figures/{src}.png" alt="{alt}">\n'
            f'<figcaption>{text}<br><span class="meta">{html.escape(name)} · from '
            f'<a href="{_link(notebook, base)}">{html.escape(notebook.name)}</a> · '
            f'<a href="figures/{src}.svg">SVG</a> · <a href="figures/{src}.pdf">PDF</a></span></figcaption>\n</figure>')


def _section_html(notebook: Path, findings: str, items: list[str], base: Path) -> str:
    stated = f'<div class="findings">\n<h3>Findings</h3>\n{findings}\n</div>\n' if findings else ""
    body = "\n".join(items) if items else '<p class="meta">This notebook exports no figure.</p>'
    return (f'<section id="{html.escape(notebook.stem, quote=True)}">\n<h2>{html.escape(_title(notebook))}</h2>\n'
            f'<p class="meta">Notebook: <a href="{_link(notebook, base)}">{html.escape(notebook.name)}</a></p>\n'
            f"{stated}{body}\n</section>")


def _toc_html(notebooks: list[Path]) -> str:
    entries = "".join(f'<li><a href="#{html.escape(Path(nb).stem, quote=True)}">{html.escape(_title(Path(nb)))}</a></li>'
                      for nb in notebooks)
    return f"<ol>{entries}</ol>"


def _versions_html() -> str:
    """Rubric id, version and hash, and the pinned commit of every data source."""
    rubric = load_rubric()
    sources = pd.read_csv(paths.PROCESSED / "sources.csv", dtype=str, keep_default_na=False).sort_values("source")
    rows = "".join(f"<tr><td>{html.escape(s)}</td><td><code>{html.escape(c) or '(no upstream commit)'}</code></td></tr>"
                   for s, c in zip(sources["source"], sources["commit"]))
    return (f"<p>Rubric <code>{html.escape(rubric.id)}</code> version <code>{html.escape(str(rubric.version))}</code> "
            f"(hash <code>{html.escape(rubric.hash)}</code>)</p>\n"
            f"<table><thead><tr><th>Data source</th><th>Commit</th></tr></thead><tbody>{rows}</tbody></table>")


_CSS = """body{font-family:"DejaVu Sans",Arial,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
h1{margin-bottom:.2rem}h2{border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2.5rem}
figure{margin:1.5rem 0;padding:0}img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{margin-top:.4rem}.meta{color:#666;font-size:.9rem}
table{border-collapse:collapse;font-size:.9rem}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left}
code{font-size:.85rem}.findings{background:#f6f8fa;border-left:4px solid #0072B2;padding:.2rem 1rem;margin:1rem 0}
.findings h3{margin:.6rem 0 .2rem}"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>openness: report</title>
<style>
{css}
</style>
</head>
<body>
<header>
<h1>openness: report</h1>
<p class="meta">The findings of the project's notebooks, computed from the tables when the notebooks ran, and every figure they export, with its caption and the notebook it comes from. Built by <code>openness report</code>.</p>
{versions}
<nav>
<h2>Notebooks</h2>
{toc}
</nav>
</header>
<main>
{sections}
</main>
</body>
</html>
"""


def numbered_notebooks(notebooks_dir: str | os.PathLike = paths.NOTEBOOKS) -> list[Path]:
    """`NN-*.ipynb` in numeric order."""
    found = [p for p in Path(notebooks_dir).iterdir() if NOTEBOOK_NAME.fullmatch(p.name)]
    return sorted(found, key=lambda p: (int(NOTEBOOK_NAME.fullmatch(p.name).group(1)), p.name))


def report(notebooks_dir: str | os.PathLike = paths.NOTEBOOKS, execute: bool = True,
           out: str | os.PathLike = paths.REPORTS / "index.html") -> Path:
    """Execute every numbered notebook in order (unless `execute` is False), then build the
    page. Durations go to stderr only, so no file depends on how fast the machine is."""
    notebooks = numbered_notebooks(notebooks_dir)
    if not notebooks:
        raise ReportError(f"no numbered notebooks (NN-name.ipynb) in {notebooks_dir}")
    if execute:
        start = time.perf_counter()
        figures = Path(out).parent / "figures"
        for row in charts.read_manifest(figures):  # figures of notebooks that are gone leave the page
            if row["notebook"] not in {notebook.name for notebook in notebooks}:
                charts.forget(row["notebook"], figures)
        for notebook in notebooks:
            began = time.perf_counter()
            execute_notebook(notebook, figures=figures)
            print(f"{notebook.name}: {time.perf_counter() - began:.1f} s", file=sys.stderr)
        print(f"all {len(notebooks)} notebooks: {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return build_index(notebooks, out)
