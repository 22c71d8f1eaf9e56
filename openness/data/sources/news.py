"""Mainstream news pages of 2023 (`news-scrape`): one document per article page, boilerplate removed.

Raw files, two per page `<n>`: `data/log/<n>` (title, year and url on its first three lines;
a word-frequency list follows, which is not read) and `data/log/<n>.txt` (the page's visible
text as scraped: the article wrapped in navigation, share buttons, sidebars, footers and
some script). The text the scorer sees is the page text cleaned by
`openness.boilerplate.clean_pages`, outlet by outlet, so committed offsets point into the
cleaned text, which is the same for the same raw files.

Every page read is in `pages()` with its status; only `kept` pages are documents, so pages
read = documents + pages set aside:
- `duplicate`: the cleaned text is not empty and equals that of another page (the same
  article under two urls, often scraped through a relative link such as
  `<article url>/contact`); the page with the shortest url, then the lowest number, stands
  for the group and the others name it in `duplicate_of`;
- `tag or index page` (checked on the pages left): the url is a listing, not an article: a
  path segment `tag(s)`, `category`, `author(s)`, `topic(s)`, `series`, `type`, `live`,
  `projects`, `pages` or `a`; no path, or only numbers (a date archive such as `/2023/11`);
  or a last path segment that is one word of letters (a section: `/tech`,
  `/technology/openai`, `/2023/nov/06/all`), except after `/<year>/<month number>/`
  (WIRED's dated article urls, e.g. `/1994/10/mosaic`).

`documents(root=None)` columns:

| column | meaning |
|---|---|
| doc_id | `news-<n>`, n the upstream file number |
| source | "news-scrape" |
| text | the cleaned page text (rules in `openness.boilerplate`) |
| title | first line of `data/log/<n>`, as scraped (site suffix included) |
| outlet | the url host without a leading `www.`, e.g. theverge.com |
| url | third line of `data/log/<n>` |
| published | the date in the url path (`/2023/11/17/`, `/2023/jul/31/`), NaT when it has none |
| year | second line of `data/log/<n>` (the selection year upstream, not always the publication year) |
| path | `data/log/<n>.txt` |
| flags | "empty text" when cleaning left nothing; "" otherwise |
"""
from __future__ import annotations

import functools
import logging
import re
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from openness.data.sources import SourceParser, source_root
from openness.data.sources._text import read_text, text_flags
from openness.data.sources.boilerplate import RULES, clean_pages

SOURCE = "news-scrape"
LOG = Path("data/log")
KEPT, DUPLICATE, LISTING = "kept", "duplicate", "tag or index page"
LISTING_SEGMENTS = frozenset({"tag", "tags", "category", "author", "authors", "topic", "topics", "series", "type",
                              "live", "projects", "pages", "a"})
_URL_DATE = re.compile(r"/(20\d\d|19\d\d)/(\d{1,2}|[a-z]{3})/(\d{1,2})(?:/|$)")
_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
PAGE_COLUMNS = ["doc_id", "outlet", "year", "status", "duplicate_of", "chars", *RULES, "kept_chars"]

log = logging.getLogger(__name__)


def outlet_of(url: str) -> str:
    """The host of `url` without a leading `www.`."""
    return (urlsplit(url).hostname or "").removeprefix("www.")


def is_listing(url: str) -> bool:
    """Whether `url` is a tag, author, section or index page (rule in the module docstring)."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if all(s.isdigit() for s in segments) or LISTING_SEGMENTS.intersection(s.lower() for s in segments):
        return True
    dated = len(segments) >= 3 and re.fullmatch(r"\d{4}", segments[-3]) and segments[-2].isdigit()
    return segments[-1].isalpha() and not dated


def published_of(url: str) -> pd.Timestamp:
    """The date written in the url path, or NaT."""
    found = _URL_DATE.search(urlsplit(url).path)
    if found is None:
        return pd.NaT
    year, month, day = found.groups()
    month = _MONTHS.get(month) if month.isalpha() else int(month)
    try:
        return pd.Timestamp(int(year), month, int(day)) if month else pd.NaT
    except ValueError:
        return pd.NaT


def _read(root: Path) -> pd.DataFrame:
    """Every page with its metadata, raw and cleaned text and status, in page-number order.
    Cleaning takes seconds, and the build asks for documents and pages: the result is reused
    while the files (names, sizes, modification times) stay the same."""
    folder = root / LOG
    numbers = sorted((p.name for p in folder.iterdir() if p.name.isdigit()), key=int) if folder.is_dir() else []
    if not numbers:
        raise FileNotFoundError(f"{folder}: no pages (<n> and <n>.txt) found")
    stamp = tuple((name, (folder / name).stat().st_size, (folder / name).stat().st_mtime_ns)
                  for number in numbers for name in (number, f"{number}.txt") if (folder / name).exists())
    return _read_pages(folder, tuple(numbers), stamp).copy()


@functools.lru_cache(maxsize=1)
def _read_pages(folder: Path, numbers: tuple[str, ...], stamp: tuple) -> pd.DataFrame:
    root = folder.parent.parent
    rows = []
    for number in numbers:
        meta = read_text(folder / number).split("\n")
        if len(meta) < 3 or not meta[2].startswith("http"):
            raise ValueError(f"{folder / number}: expected title, year and url on the first three lines")
        if not meta[1].strip().isdigit():
            raise ValueError(f"{folder / number}, line 2: year {meta[1]!r} is not a year")
        text_path = folder / f"{number}.txt"
        if not text_path.is_file():
            raise FileNotFoundError(f"{text_path}: page text missing for {folder / number}")
        url = meta[2].strip()
        rows.append({"doc_id": f"news-{number}", "number": int(number), "title": meta[0].strip(), "url": url,
                     "outlet": outlet_of(url), "year": int(meta[1]), "raw": read_text(text_path),
                     "path": text_path.relative_to(root).as_posix()})
    pages = pd.DataFrame(rows)
    pages = pd.concat([pages, clean_pages(pages["raw"], pages["outlet"])], axis=1)
    preferred = pages.assign(url_length=pages["url"].str.len()).sort_values(["url_length", "number"])
    candidates = preferred[preferred["text"] != ""]
    first = candidates.drop_duplicates("text").set_index("text")["doc_id"]
    repeat = candidates.index[candidates["text"].duplicated()]
    pages["status"] = [LISTING if is_listing(url) else KEPT for url in pages["url"]]
    pages["duplicate_of"] = ""
    pages.loc[repeat, "status"] = DUPLICATE
    pages.loc[repeat, "duplicate_of"] = pages.loc[repeat, "text"].map(first)
    pages["kept_chars"] = pages["chars"] - pages[list(RULES)].sum(axis=1)
    return pages


def documents(root: Path | None = None) -> pd.DataFrame:
    """One row per kept page (article), in page-number order."""
    pages = _read(source_root(root, SOURCE))
    kept = pages[pages["status"] == KEPT].reset_index(drop=True)
    table = pd.DataFrame({
        "doc_id": kept["doc_id"], "source": SOURCE, "text": kept["text"], "title": kept["title"],
        "outlet": kept["outlet"], "url": kept["url"],
        "published": pd.to_datetime(pd.Series([published_of(url) for url in kept["url"]], dtype="datetime64[us]")),
        "year": kept["year"].astype("Int64"), "path": kept["path"], "flags": text_flags(kept["text"]),
    })
    log.info("%s: %d pages read = %d kept + %d set aside", SOURCE, len(pages), len(table), len(pages) - len(table))
    return table


def pages(root: Path | None = None) -> pd.DataFrame:
    """Every page read: doc_id, outlet, year, status (kept / duplicate / tag or index page),
    duplicate_of, the non-space characters it had (`chars`), removed by each boilerplate rule
    (one column per rule) and kept (`kept_chars`). Counts only, no text."""
    return _read(source_root(root, SOURCE))[PAGE_COLUMNS]


def _frames(root: Path) -> dict[str, pd.DataFrame]:
    """The kept articles; every page read, with why it was set aside (`flags`); and every
    page as scraped (`scraped.raw`, boilerplate included: the source's writing too)."""
    every_page = pages(root)
    return {"documents": documents(root),
            "pages": every_page.assign(flags=every_page["status"].where(every_page["status"] != KEPT, "")),
            "scraped": _read(source_root(root, SOURCE))[["doc_id", "raw"]]}


PARSER = SourceParser(id=SOURCE, frames=_frames, records=("pages", "page"),
                      tables=lambda frames: {"news_pages.csv": frames["pages"][PAGE_COLUMNS]},
                      texts=("documents.text", "scraped.raw"))
