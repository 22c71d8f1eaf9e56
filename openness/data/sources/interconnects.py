"""Interconnects newsletter posts (`public/YYYY/*.md`, one author) as plain-text documents.

Each post is Markdown written by pandoc from a Substack export, under YAML front matter
(title, subtitle, date, type, post_id, ...), split by the corpus readers' one front-matter
parser (`openness.core.readers.split_front_matter`: strict YAML, no aliases). Ten front
matters are not valid YAML (quotes inside double-quoted titles); they are read line by line
as `key: value` (one pair of surrounding quotes stripped) and flagged "front matter not
YAML", never dropped. All values are read as strings, so a post_id such as 27710009.2020
stays as written. `metadata.json` upstream lists only 185 of the 196 public files, so the front
matter is the one source of metadata.

Markdown -> text (what the scorer sees), deterministic for a given mistune 3 release:
- pandoc attribute blocks (`{.class key="..."}`) are removed, pandoc spans `[text]{...}`
  keep their text, `:::` fenced-div lines are dropped (their content stays), and an
  unclosed "(" inside a link URL (pandoc's text-fragment links) is percent-encoded so the
  link parses;
- the rest is parsed as CommonMark by mistune and written back as text: headings become a
  line of their own without the #s; paragraphs, quotes and lists are separated by a blank
  line, list items (and the blocks inside an item of a tight list) by a newline; list items start with "- " or "N. " (ordered), indented
  two spaces per nesting level; quote marks (>) go;
- links keep their anchor text; emphasis marks go (also runs of two or more `*` that
  CommonMark could not pair); inline code keeps its text; backslash escapes and HTML
  entities (&amp;) are decoded;
- images, code blocks, HTML blocks, inline HTML tags and horizontal rules are dropped;
- a backslash ending a line (pandoc's hard break) and trailing spaces are cut, runs of
  blank lines are squeezed to one, and leading/trailing newlines are stripped.

`documents(root=None)` columns:

| column | meaning |
|---|---|
| doc_id | file stem, e.g. 2024-04-18-llama3scalingopenllmstoagi |
| source | "interconnects" |
| text | the post body reduced to plain text (rules above); the title is not part of it |
| title | from the front matter |
| published | front-matter `date` (day precision, naive Timestamp), NaT if missing |
| subtitle | from the front matter |
| post_id | Substack post id from the front matter, as written |
| post_type | front-matter `type` (newsletter or podcast) |
| year | year of `published` (Int64) |
| path | file path relative to the source folder |
| flags | ';'-joined: "front matter not YAML", "no front matter", "no title", "no date", "empty text", "duplicate text"; "" when none |
"""
from __future__ import annotations

import html
import logging
import re
from pathlib import Path
from typing import Any

import mistune
import pandas as pd

from openness.core.readers import split_front_matter as split_front_matter_of
from openness.data.sources import SourceParser, source_root
from openness.data.sources._text import read_text, text_flags

SOURCE = "interconnects"

_ATTRIBUTES = r'\{(?=[.#]|[\w-]+=)(?:[^{}"\n]|"(?:[^"\\\n]|\\.)*")*\}'
_SPAN = re.compile(r"\[([^\[\]\n]*)\]" + _ATTRIBUTES)
_ATTRIBUTE_BLOCK = re.compile(r"[ \t]*" + _ATTRIBUTES)
_UNBALANCED_URL_PAREN = re.compile(r"(\]\(https?://[^\s()]*)\(([^\s()]*\))(?!\))")
_DIV_FENCE = re.compile(r"^[ \t]*:::.*$", re.M)
_BLANK_RUNS = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.M)
_LINE_END_BACKSLASH = re.compile(r"\\$", re.M)  # pandoc's hard line break where CommonMark keeps it
_STRAY_STRONG = re.compile(r"\*{2,}")  # pandoc bold/italic runs CommonMark could not pair
_DROPPED = {"image", "block_code", "block_html", "inline_html", "thematic_break", "blank_line"}
_parse = mistune.create_markdown(renderer=None)

log = logging.getLogger(__name__)


def split_front_matter(raw: str) -> tuple[dict[str, str], str, list[str]]:
    """(front-matter fields as strings, Markdown body, flags) of one post, parsed by the
    corpus readers' front-matter parser (strict YAML, every value a string)."""
    front = split_front_matter_of(raw, strings=True)
    if front.refused:
        raise ValueError(f"front matter refused: {front.refused}")
    if not front.found:
        return {}, raw, ["no front matter"]
    return front.variables, front.body, ["front matter not YAML"] if front.problem else []


def markdown_to_text(markdown: str) -> str:
    """Plain text of a pandoc-flavoured Markdown body (rules in the module docstring)."""
    markdown = _DIV_FENCE.sub("", _ATTRIBUTE_BLOCK.sub("", _SPAN.sub(r"\1", markdown)))
    markdown = _UNBALANCED_URL_PAREN.sub(r"\1%28\2", markdown)
    text = _LINE_END_BACKSLASH.sub("", _TRAILING_SPACE.sub("", _blocks(_parse(markdown), depth=0)))
    return _BLANK_RUNS.sub("\n\n", text).strip("\n")


def _blocks(tokens: list[dict[str, Any]], depth: int, separator: str = "\n\n") -> str:
    parts = []
    for token in tokens:
        kind = token["type"]
        if kind in _DROPPED:
            continue
        if kind == "list":
            number = token["attrs"].get("start", 1)
            inside = "\n" if token.get("tight") else "\n\n"
            items = []
            for offset, item in enumerate(token["children"]):
                marker = f"{number + offset}. " if token["attrs"]["ordered"] else "- "
                items.append("  " * depth + marker + _blocks(item["children"], depth + 1, inside).lstrip())
            parts.append("\n".join(items))
        elif kind == "block_quote":
            parts.append(_blocks(token["children"], depth))
        else:  # heading, paragraph, block_text: inline content on lines of their own
            parts.append(_inline(token.get("children", [])))
    return separator.join(part for part in parts if part.strip())


def _inline(tokens: list[dict[str, Any]]) -> str:
    out = []
    for token in tokens:
        kind = token["type"]
        if kind in _DROPPED:
            continue
        if kind in ("softbreak", "linebreak"):
            out.append("\n")
        elif "children" in token:  # link, emphasis, strong, ...: their text only
            out.append(_inline(token["children"]))
        elif kind == "text":
            out.append(html.unescape(_STRAY_STRONG.sub("", token["raw"])))
        else:  # codespan
            out.append(token.get("raw", ""))
    return "".join(out)


def documents(root: Path | None = None) -> pd.DataFrame:
    """One row per public post, sorted by path."""
    root = source_root(root, SOURCE)
    files = sorted((root / "public").glob("*/*.md"))
    if not files:
        raise FileNotFoundError(f"{root / 'public'}: no posts (YYYY/*.md) found")
    rows = []
    for path in files:
        try:
            fields, body, flags = split_front_matter(read_text(path))
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None
        flags += [f"no {key}" for key in ("title", "date") if not fields.get(key, "").strip()]
        try:
            published = pd.Timestamp(fields["date"]) if fields.get("date", "").strip() else pd.NaT
        except ValueError as exc:
            raise ValueError(f"{path}: front-matter date {fields['date']!r} is not a date ({exc})") from None
        rows.append({"doc_id": path.stem, "source": SOURCE, "text": markdown_to_text(body),
                     "title": fields.get("title", ""), "published": published,
                     "subtitle": fields.get("subtitle", ""), "post_id": fields.get("post_id", ""),
                     "post_type": fields.get("type", ""), "path": path.relative_to(root).as_posix(),
                     "flags": flags})
    table = pd.DataFrame(rows)
    table["published"] = pd.to_datetime(table["published"])
    table.insert(table.columns.get_loc("path"), "year", table["published"].dt.year.astype("Int64"))
    if table.doc_id.duplicated().any():
        raise ValueError(f"{root / 'public'}: two posts share a file name: "
                         f"{', '.join(table.doc_id[table.doc_id.duplicated()])}")
    table["flags"] = [";".join(own + ([more] if more else [])) for own, more in zip(table["flags"], text_flags(table.text))]
    log.info("%s: %d posts read, %d flagged", SOURCE, len(table), (table["flags"] != "").sum())
    return table


PARSER = SourceParser(id=SOURCE, frames=lambda root: {"documents": documents(root)},
                      records=("documents", "document"), texts=("documents.text", "documents.subtitle"))
