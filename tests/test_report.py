"""The report page: figures from the manifest charts.save writes, each notebook's findings
(the Markdown its `findings` cells computed), a deterministic static page, safe in-place
execution, and the page as headless Chromium renders it."""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

import openness
from openness import paths
from openness.analysis import stats
from openness.analysis.protocol import SHIPPED_STANCE
from openness.analysis.openwashing import LEVEL_SCORE
from openness.present import charts
from openness.present.findings import compare, estimate, listing
from openness.present.report import ReportError, build_index, execute_notebook, numbered_notebooks, report

ARTEFACTS = paths.ROOT / "build" / "test-artefacts"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def write_notebook(path: Path, *cells) -> Path:
    nb = new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, path)
    return path


def save_figure(folder: Path, name: str, caption: str | None = None, notebook: str | None = None) -> None:
    """charts.save as a notebook run by `openness report` calls it (`notebook`), or by hand (None)."""
    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.bar(["a", "b"], [1, 2])
    previous = os.environ.pop(charts.NOTEBOOK_VARIABLE, None)
    try:
        if notebook is not None:
            os.environ[charts.NOTEBOOK_VARIABLE] = notebook
        charts.save(fig, name, folder=folder, caption=caption)
    finally:
        os.environ.pop(charts.NOTEBOOK_VARIABLE, None)
        if previous is not None:
            os.environ[charts.NOTEBOOK_VARIABLE] = previous
        plt.close(fig)


@pytest.fixture(scope="module")
def three_figures(tmp_path_factory) -> Path:
    """A figures folder with its manifest, drawn once for the module and copied by the tests that change it."""
    folder = tmp_path_factory.mktemp("figures")
    save_figure(folder, "t-alpha", "Alpha bars.", "01-first.ipynb")
    save_figure(folder, "t-beta", 'Beta "quoted" & more.', "01-first.ipynb")
    save_figure(folder, "t-gamma", "Gamma joined.", "02-second.ipynb")
    return folder


@pytest.fixture
def two_notebooks(tmp_path: Path, three_figures: Path) -> tuple[list[Path], Path]:
    """Two parsed-only notebooks (never executed) and their three figures in out/figures."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    first = write_notebook(
        notebooks / "01-first.ipynb",
        new_markdown_cell("Intro text before the title.\n\n# 01 · First look & <friends>\n\nQuestion."),
        new_code_cell('%matplotlib inline\nfrom openness.present import charts\ncharts.save(fig, "t-alpha", caption="Alpha bars.")'),
        new_code_cell('save(fig, name="t-beta", caption="Beta \\"quoted\\" & more.")\nfig.savefig("other.png")'),
    )
    second = write_notebook(
        notebooks / "02-second.ipynb",
        new_markdown_cell("## 02 · Second"),
        new_code_cell('import openness\nopenness.charts.save(fig, "t-gamma", None, "Gamma " "joined.")'),
    )
    out = tmp_path / "site"
    shutil.copytree(three_figures, out / "figures")
    return [first, second], out / "index.html"


# ---- the manifest ------------------------------------------------------------------------------


def test_save_records_each_figure_with_its_notebook_and_caption(three_figures, tmp_path):
    assert charts.read_manifest(three_figures) == [
        {"figure": "t-alpha", "notebook": "01-first.ipynb", "caption": "Alpha bars."},
        {"figure": "t-beta", "notebook": "01-first.ipynb", "caption": 'Beta "quoted" & more.'},
        {"figure": "t-gamma", "notebook": "02-second.ipynb", "caption": "Gamma joined."}]
    folder = tmp_path / "figures"
    shutil.copytree(three_figures, folder)
    save_figure(folder, "t-alpha", "Alpha, redrawn by hand.")  # outside the report: stays with its notebook
    assert charts.read_manifest(folder)[1] == {"figure": "t-alpha", "notebook": "01-first.ipynb",
                                               "caption": "Alpha, redrawn by hand."}
    with pytest.raises(ValueError, match="figure 't-alpha' is saved by 01-first.ipynb already"):
        save_figure(folder, "t-alpha", "A twin.", "02-second.ipynb")
    save_figure(folder, "t-early", "Saved after 02's figure, listed with 01's.", "01-first.ipynb")
    assert [row["figure"] for row in charts.read_manifest(folder)] == ["t-beta", "t-alpha", "t-early", "t-gamma"]
    charts.forget("01-first.ipynb", folder)
    assert [row["figure"] for row in charts.read_manifest(folder)] == ["t-gamma"]


def test_a_computed_caption_reaches_the_page(two_notebooks):
    notebooks, out = two_notebooks
    count = 7
    save_figure(out.parent / "figures", "t-beta", f"At least {count} items.", "01-first.ipynb")
    page = build_index(notebooks, out).read_text()
    assert '<img src="figures/t-beta.png" alt="At least 7 items.">' in page


# ---- build_index -------------------------------------------------------------------------------


class PageParts(HTMLParser):
    """Tags, image (src, alt) pairs and every link target of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.images: list[tuple[str, str]] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.add(tag)
        if tag == "img":
            self.images.append((attributes["src"], attributes["alt"]))
        self.links += [value for key, value in attrs if key in ("href", "src")]


def test_build_index_is_one_static_deterministic_page(two_notebooks):
    notebooks, out = two_notebooks
    first = build_index(notebooks, out).read_bytes()
    assert build_index(notebooks, out).read_bytes() == first
    page = first.decode("utf-8")
    parts = PageParts()
    parts.feed(page)
    assert parts.images == [("figures/t-alpha.png", "Alpha bars."), ("figures/t-beta.png", 'Beta "quoted" & more.'),
                            ("figures/t-gamma.png", "Gamma joined.")]
    assert not parts.tags & {"script", "link", "iframe", "object", "embed"}
    assert all(not re.match(r"[a-z]+:|//", link) for link in parts.links)  # offline: relative links only
    assert "figures/t-beta.svg" in parts.links and "figures/t-beta.pdf" in parts.links
    assert "../notebooks/02-second.ipynb" in parts.links
    # Sections in the given order, titled by the first markdown heading, figures under their notebook.
    assert page.index("<h2>01 · First look &amp; &lt;friends&gt;</h2>") < page.index("t-beta.png") < page.index(
        "<h2>02 · Second</h2>") < page.index("t-gamma.png")
    rubric = openness.load_rubric()
    assert f"<code>{rubric.hash}</code>" in page and f"<code>{rubric.id}</code>" in page
    sources = pd.read_csv(paths.PROCESSED / "sources.csv", dtype=str, keep_default_na=False)
    for source, commit in zip(sources["source"], sources["commit"]):
        assert re.search(rf"<td>{re.escape(source)}</td><td><code>{commit or '[^<]+'}</code>", page)


def test_build_index_names_a_missing_figure_file(two_notebooks):
    notebooks, out = two_notebooks
    (out.parent / "figures" / "t-gamma.pdf").unlink()
    with pytest.raises(ReportError, match=r"02-second\.ipynb saves figure 't-gamma' but .* has no t-gamma\.pdf"):
        build_index(notebooks, out)
    assert not out.exists()


def test_build_index_refuses_a_figure_without_caption_or_notebook(two_notebooks):
    notebooks, out = two_notebooks
    save_figure(out.parent / "figures", "t-gamma", None, "02-second.ipynb")
    with pytest.raises(ReportError, match=r"02-second\.ipynb saves figure 't-gamma' without a caption"):
        build_index(notebooks, out)
    save_figure(out.parent / "figures", "t-stray", "Drawn in a console.")
    with pytest.raises(ReportError, match=r"figure 't-stray' was saved by no notebook"):
        build_index(notebooks, out)


# ---- findings ----------------------------------------------------------------------------------


def findings_cell(*markdown: str, tags=("findings",)):
    """A code cell as an executed notebook holds it: tagged, with these Markdown outputs."""
    cell = new_code_cell("show(...)", execution_count=1)
    cell.metadata["tags"] = list(tags)
    cell.outputs = [new_output("display_data", data={"text/markdown": text, "text/plain": "<Markdown>"})
                    for text in markdown]
    return cell


def test_findings_cells_reach_their_notebooks_section_escaped_and_in_order(two_notebooks):
    notebooks, out = two_notebooks
    first = nbformat.read(notebooks[0], as_version=4)
    first.cells += [findings_cell("- **Open** labs: 32.0% [27.8%, 36.4%]\n- <script>alert(1)</script> & more"),
                    findings_cell("A plain table line.", tags=()),  # untagged: not a finding
                    findings_cell("- second cell, n = 7")]
    nbformat.write(first, notebooks[0])
    page = build_index(notebooks, out).read_text()
    section = page[page.index('<section id="01-first">'):page.index('<section id="02-second">')]
    assert "<li><strong>Open</strong> labs: 32.0% [27.8%, 36.4%]</li>" in section
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in section and "<script>" not in page
    assert "plain table line" not in page
    assert section.index("<h3>Findings</h3>") < section.index("27.8%") < section.index("n = 7") < section.index("t-alpha.png")
    assert "<h3>Findings</h3>" not in page[page.index('<section id="02-second">'):]  # no findings cell, no block
    assert build_index(notebooks, out).read_text() == page


def test_a_findings_cell_without_markdown_output_names_the_notebook_and_cell(two_notebooks):
    notebooks, out = two_notebooks
    second = nbformat.read(notebooks[1], as_version=4)
    second.cells.append(findings_cell())  # tagged but never executed
    nbformat.write(second, notebooks[1])
    with pytest.raises(ReportError, match=r"02-second\.ipynb: cell 3 \('show\(\.\.\.\)'\) is tagged 'findings' but has no "
                                          r"Markdown output; run `openness report`"):
        build_index(notebooks, out)
    assert not out.exists()


def test_findings_helpers_format_and_compare_intervals():
    assert estimate(0.32, 0.278, 0.364) == "32.0% [27.8%, 36.4%]"
    assert estimate(2.841, 2.07, 3.898, "{:.2f}") == "2.84 [2.07, 3.90]"
    assert estimate(0.5, float("nan"), 0.6) == "50.0%" and estimate(float("nan")) == "n/a"
    assert [compare((0.3, 0.4), (0.1, 0.2)), compare((0.1, 0.2), (0.3, 0.4)), compare((0.1, 0.3), (0.3, 0.4))] == [
        "above", "below", "overlapping"]
    assert listing([]) == "none" and listing(["a", "b"]) == "a, b"


def committed_section(notebook_stem: str) -> str:
    page = (paths.REPORTS / "index.html").read_text(encoding="utf-8")
    start = page.index(f'<section id="{notebook_stem}">')
    return html.unescape(page[start:page.index("</section>", start)])


def findings_of(section: str) -> str:
    return section[section.index("<h3>Findings</h3>"):section.index("</div>")]


def test_the_committed_page_carries_every_notebooks_findings():
    for notebook in numbered_notebooks(paths.NOTEBOOKS):
        findings = findings_of(committed_section(notebook.stem))
        assert re.search(r"<li>.*\d", findings), f"{notebook.name}: no finding with a number on the page"


def test_the_committed_findings_carry_numbers_of_the_current_tables():
    """Numbers recomputed here from data/processed (not the notebooks' code) are on the page:
    a rebuilt table without re-executed notebooks fails this test."""
    processed = paths.PROCESSED
    documents = pd.read_csv(processed / "documents.csv", keep_default_na=False)
    assert f"{len(documents):,} documents" in findings_of(committed_section("01-corpus"))

    table = stats.sentence_groups(pd.read_csv(processed / "sentence_scores.csv"), pd.read_csv(processed / "mentions.csv"),
                                  pd.read_csv(processed / "labs.csv"))
    open_share = (table[table.group == "open"].transparency > 0).mean()
    news_open = table[(table.group == "open") & table.doc_id.isin(documents.doc_id[documents.source == "news-scrape"])]
    framing = findings_of(committed_section("04-open-vs-closed-framing"))
    assert f"transparency open {open_share:.1%} [" in framing
    assert f"transparency open {(news_open.transparency > 0).mean():.1%} [" in framing

    claims = pd.read_csv(processed / "claims.csv", keep_default_na=False).merge(documents[["doc_id", "source"]], on="doc_id")
    news_score = claims[claims.source == "news-scrape"].level.map(LEVEL_SCORE).mean()
    assert f"news: mean claim score {news_score:.2f} [" in findings_of(committed_section("06-openwashing"))

    protocol = pd.read_csv(processed / "validation_protocol.csv").set_index(["scheme", "task", "method"])
    check = protocol.loc[("check", "stance", SHIPPED_STANCE)]
    assert f"stance model ({SHIPPED_STANCE}) {estimate(check.estimate, check.lo, check.hi, '{:.2f}')}" in findings_of(
        committed_section("08-validation"))


def test_committed_page_is_current(tmp_path):
    """reports/index.html is what `openness report --no-execute` builds from the committed
    notebooks (same relative layout in a tmp folder, so the links match)."""
    (tmp_path / "notebooks").symlink_to(paths.NOTEBOOKS, target_is_directory=True)
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "figures").symlink_to(paths.FIGURES, target_is_directory=True)
    notebooks = [tmp_path / "notebooks" / p.name for p in numbered_notebooks(paths.NOTEBOOKS)]
    fresh = build_index(notebooks, tmp_path / "reports" / "index.html")
    assert fresh.read_bytes() == (paths.REPORTS / "index.html").read_bytes(), "run `openness report` and commit"


def test_numbered_notebooks_in_numeric_order(tmp_path):
    for name in ("10-ten.ipynb", "2-two.ipynb", "01-one.ipynb", "notes.ipynb", "03-three.py"):
        (tmp_path / name).write_text("{}")
    assert [p.name for p in numbered_notebooks(tmp_path)] == ["01-one.ipynb", "2-two.ipynb", "10-ten.ipynb"]


# ---- execution ---------------------------------------------------------------------------------


def test_report_executes_in_place_and_times_on_stderr_only(tmp_path, capsys):
    figures = tmp_path / "site" / "figures"
    draw = (f"import matplotlib.pyplot as plt\nfrom openness.present import charts\nfig, ax = plt.subplots(figsize=(2, 1))\n"
            "charts.save(fig, 't-tiny', caption=f'Tiny: {n}.')\nplt.close(fig)")  # into the report's figures
    finding = new_code_cell("from openness.present.findings import show\nshow(f'tiny finding: {n * 7}')")
    finding.metadata["tags"] = ["findings"]
    notebook = write_notebook(tmp_path / "01-tiny.ipynb", new_markdown_cell("# 01 · Tiny"),
                              new_code_cell("from pathlib import Path\nn = 1 + 2"),
                              new_code_cell("print(n, Path.cwd().name)"), new_code_cell(draw), finding)
    save_figure(figures, "t-gone", "From a notebook deleted since.", "02-gone.ipynb")
    out = report(tmp_path, execute=True, out=tmp_path / "site" / "index.html")
    assert charts.read_manifest(figures) == [{"figure": "t-tiny", "notebook": "01-tiny.ipynb", "caption": "Tiny: 3."}]
    assert not (tmp_path / "figures").exists()  # not beside the notebook: where the report said
    assert os.environ.get(charts.FIGURES_VARIABLE) is None  # named for the kernel only
    assert '<img src="figures/t-tiny.png" alt="Tiny: 3.">' in out.read_text()
    executed = nbformat.read(notebook, as_version=4)
    assert [c.execution_count for c in executed.cells[1:]] == [1, 2, 3, 4]
    assert "<li>tiny finding: 21</li>" in out.read_text()  # computed in the kernel, lifted onto the page
    assert executed.cells[2].outputs[0]["text"] == f"3 {tmp_path.name}\n"  # ran in the notebook's folder
    assert "execution" not in executed.cells[1].metadata  # record_timing=False: no timestamps in the file
    assert re.fullmatch(r"01-tiny\.ipynb: \d+\.\d s\nall 1 notebooks: \d+\.\d s\n", capsys.readouterr().err)
    assert " s<" not in out.read_text() and "<h2>01 · Tiny</h2>" in out.read_text()


def test_execute_notebook_failure_names_the_cell_and_keeps_the_file(tmp_path):
    notebook = write_notebook(tmp_path / "05-broken.ipynb", new_markdown_cell("# 05"), new_code_cell("x = 1"),
                              new_code_cell("y = x / 0"), new_code_cell("print('never')"))
    before = notebook.read_bytes()
    with pytest.raises(ReportError, match=r"05-broken\.ipynb: cell 3 \('y = x / 0'\) failed: ZeroDivisionError"):
        execute_notebook(notebook)
    assert notebook.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["05-broken.ipynb"]  # no temporary file left behind


# ---- the page in headless Chromium -------------------------------------------------------------

# Added to a test-only copy of the page (the page itself has no script): after load, write
# the images that failed to decode into the DOM, where --dump-dom can read them.
IMAGE_CHECK = """<script>
window.addEventListener("load", () => {
  const images = Array.from(document.images);
  const broken = images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute("src"));
  const out = document.createElement("pre");
  out.id = "image-check";
  out.textContent = JSON.stringify({total: images.length, broken: broken});
  document.body.appendChild(out);
});
</script>
</body>"""


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        if os.environ.get("OPENNESS_REQUIRE_CHROMIUM"):
            pytest.fail("chromium is not installed but OPENNESS_REQUIRE_CHROMIUM is set (.ci/run installs it)")
        pytest.skip("chromium not installed (apt-get install chromium)")
    return found


def run_chromium(chromium: str, profile: Path, *arguments: str) -> str:
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-dev-shm-usage", f"--user-data-dir={profile}", *arguments]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def image_check(chromium: str, index: Path, tmp_path: Path) -> dict:
    """Load a copy of the page with the image check added; return {total, broken}."""
    harness = index.with_name("image-check.html")
    harness.write_text(index.read_text(encoding="utf-8").replace("</body>", IMAGE_CHECK), encoding="utf-8")
    dom = run_chromium(chromium, tmp_path / "profile-check", "--run-all-compositor-stages-before-draw",
                       "--virtual-time-budget=5000", "--dump-dom", harness.as_uri())
    found = re.search(r'<pre id="image-check">(.*?)</pre>', dom, re.S)
    assert found, f"the image check did not run; DOM starts {dom[:300]!r}"
    return json.loads(html.unescape(found.group(1)))


def test_chromium_reports_a_missing_image(chromium, two_notebooks, tmp_path):
    notebooks, out = two_notebooks
    build_index(notebooks, out)
    assert image_check(chromium, out, tmp_path) == {"total": 3, "broken": []}
    (out.parent / "figures" / "t-beta.png").write_bytes(b"")  # present but not an image
    (out.parent / "figures" / "t-gamma.png").unlink()
    assert image_check(chromium, out, tmp_path) == {"total": 3, "broken": ["figures/t-beta.png", "figures/t-gamma.png"]}


def test_committed_report_page_loads_every_figure_in_chromium(chromium, tmp_path):
    """The page built from the committed notebooks and figures shows every figure; the
    screenshot is kept in build/test-artefacts/ (git-ignored)."""
    notebooks = numbered_notebooks(paths.NOTEBOOKS)
    assert notebooks, f"no numbered notebooks in {paths.NOTEBOOKS}"
    expected = [row["figure"] for row in charts.read_manifest(paths.FIGURES)]
    (tmp_path / "figures").symlink_to(paths.FIGURES, target_is_directory=True)
    index = build_index(notebooks, tmp_path / "index.html")
    for name in expected:
        assert (tmp_path / "figures" / f"{name}.png").read_bytes()[:8] == PNG_MAGIC, name
    assert image_check(chromium, index, tmp_path) == {"total": len(expected), "broken": []}
    screenshot = ARTEFACTS / "index.png"
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    screenshot.unlink(missing_ok=True)
    run_chromium(chromium, tmp_path / "profile-shot", f"--screenshot={screenshot}", "--window-size=1280,2000",
                 "--hide-scrollbars", index.as_uri())
    assert screenshot.read_bytes()[:8] == PNG_MAGIC and screenshot.stat().st_size > 10_000


def test_pieces_of_one_stream_are_joined():
    from nbformat.v4 import new_output

    from openness.present.report import _joined_streams

    pieces = [new_output("stream", name="stdout", text="a\n"), new_output("stream", name="stdout", text="b\n"),
              new_output("stream", name="stderr", text="c\n"), new_output("stream", name="stdout", text="d\n")]
    joined = _joined_streams(pieces)
    assert [(o.name, o.text) for o in joined] == [("stdout", "a\nb\n"), ("stderr", "c\n"), ("stdout", "d\n")]
