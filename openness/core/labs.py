"""The lab registry: which AI labs a text names, by their own names or their products.

`labs.yaml` lists every lab with its aliases and products (a regex entry may list `examples`
of what it finds, which `openness labs` shows in its place), plus `not_labs`: blocker
phrases ("Claude Shannon", "meta-analysis", "Nova Scotia") that shadow an alias they
overlap. All entries go into one `Matcher`; overlapping hits are resolved leftmost-longest,
so a blocker wins where it starts earlier or runs longer, and every mention keeps its span.
A name that is also a common word or name (Sonnet, Haiku, the Mistral wind, a llama) is marked
`needs_context`: in a document it counts only where the document also names a lab by an
unmarked entry or holds a word of the registry's `context` (words of AI), so that a poem or a
weather report names no lab. A name or a metadata field alone (`find_labs`) needs no context.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from openness import paths
from openness.core import strict_yaml
from openness.core.matcher import Matcher, Pattern, bounded, check_pattern, leftmost_longest, phrase_to_regex

_TOP_KEYS = {"labs", "not_labs", "context"}
_LAB_KEYS = {"name", "aliases", "products"}
_ENTRY_KEYS = {"phrase", "regex", "case_sensitive", "examples", "needs_context"}
_LAB_ID = re.compile(r"[a-z0-9][a-z0-9_]*")


class LabsError(ValueError):
    """A malformed registry; the message names the file, the entry and the fault."""


@dataclass(frozen=True)
class Entry:
    """One alias or product as the registry file writes it."""

    kind: str  # "alias" or "product"
    text: str  # the phrase, or the regular expression
    regex: bool
    case_sensitive: bool
    examples: tuple[str, ...] = ()  # what a regex finds, for people to read
    needs_context: bool = False  # counts in a document only beside a word of AI or a name without the mark

    @property
    def shown(self) -> str:
        """The entry for a reader: a phrase as written, a regex by its examples ("GPT-4o / GPT-4V"),
        or as written when it lists none."""
        return " / ".join(self.examples) if self.examples else self.text


@dataclass(frozen=True)
class Lab:
    id: str
    name: str
    aliases: tuple[str, ...]
    products: tuple[str, ...]
    entries: tuple[Entry, ...] = ()  # aliases then products, with their kind, flags and examples


@dataclass(frozen=True)
class LabRegistry:
    labs: dict[str, Lab]
    patterns: tuple[Pattern, ...]
    pattern_lab: tuple[str | None, ...]
    source: str
    pattern_needs_context: tuple[bool, ...]  # per pattern: a name that counts only in a context
    context: re.Pattern | None  # the words that show a document is about AI; None: no such word

    def about_ai(self, text: str) -> bool:
        """Whether `text` holds a word of the registry's `context`."""
        return self.context is not None and self.context.search(text) is not None

    @functools.cached_property
    def matcher(self) -> Matcher:
        """All aliases, products and blockers compiled once per registry."""
        return Matcher(self.patterns)


def load_labs(path: str | Path | None = None) -> LabRegistry:
    """Read and validate a registry file (None: the shipped `openness/core/labs.yaml`)."""
    source = Path(path) if path is not None else paths.LABS_FILE
    try:
        document = strict_yaml.load(source.read_text(encoding="utf-8"))
    except OSError as error:
        raise LabsError(f"{source}: cannot read the lab registry: {error.strerror or error}") from error
    except strict_yaml.StrictYamlError as error:
        where = f" line {error.line}" if error.line else ""
        raise LabsError(f"{source}:{where}: invalid YAML: {error.problem}") from error

    def fail(entry: str, fault: str) -> LabsError:
        return LabsError(f"{source}: {entry}: {fault}")

    if not isinstance(document, dict) or not isinstance(document.get("labs"), dict):
        raise fail("top level", "expected a mapping with a 'labs' mapping")
    _no_unknown_keys(document, _TOP_KEYS, "top level", fail)

    labs: dict[str, Lab] = {}
    patterns: list[Pattern] = []
    pattern_lab: list[str | None] = []
    needs_context: list[bool] = []
    claimed: dict[str, str] = {}  # folded regex -> who claimed it first

    def add(raw: Any, owner: str | None, where: str) -> tuple[str, Pattern, tuple[str, ...]]:
        text, pattern, examples = _entry_pattern(raw, lambda fault: fail(where, fault))
        needs = isinstance(raw, dict) and raw.get("needs_context", False)
        if not isinstance(needs, bool):
            raise fail(where, "needs_context must be true or false")
        if needs and owner is None:
            raise fail(where, "a blocker names no lab, so needs_context means nothing there")
        problem = check_pattern(pattern)
        if problem:
            raise fail(where, problem)
        key = pattern.regex.lower()
        if key in claimed:
            raise fail(where, f"{text!r} is already claimed by {claimed[key]}")
        claimed[key] = where
        patterns.append(pattern)
        pattern_lab.append(owner)
        needs_context.append(needs)
        return text, pattern, examples

    for lab_id, body in document["labs"].items():
        if not isinstance(lab_id, str) or not _LAB_ID.fullmatch(lab_id):
            raise fail(f"lab {lab_id!r}", "lab ids are lower-case letters, digits and '_'")
        if not isinstance(body, dict):
            raise fail(f"lab {lab_id}", "expected a mapping with name, aliases and products")
        _no_unknown_keys(body, _LAB_KEYS, f"lab {lab_id}", fail)
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise fail(f"lab {lab_id}", "missing name")
        entries = []
        for field, singular in (("aliases", "alias"), ("products", "product")):
            values = body.get(field) or []
            if not isinstance(values, list):
                raise fail(f"lab {lab_id} {field}", "expected a list")
            for value in values:
                text, pattern, examples = add(value, lab_id, f"lab {lab_id} {singular} {value!r}")
                is_regex = isinstance(value, dict) and "regex" in value
                entries.append(Entry(singular, text, is_regex, pattern.case_sensitive, examples, needs_context[-1]))
        if not entries:
            raise fail(f"lab {lab_id}", "no aliases or products to find it by")
        labs[lab_id] = Lab(lab_id, name.strip(), tuple(e.text for e in entries if e.kind == "alias"),
                           tuple(e.text for e in entries if e.kind == "product"), tuple(entries))

    blockers = document.get("not_labs") or []
    if not isinstance(blockers, list):
        raise fail("not_labs", "expected a list")
    for value in blockers:
        add(value, None, f"not_labs entry {value!r}")
    context = _context_regex(document.get("context", []), fail)
    # on the same words leftmost-longest keeps the earlier pattern: a name that needs no context
    # before one that does, and both before the blockers (which come last already)
    order = sorted(range(len(patterns)), key=lambda i: (pattern_lab[i] is None, needs_context[i]))
    return LabRegistry(labs, tuple(patterns[i] for i in order), tuple(pattern_lab[i] for i in order), str(source),
                       tuple(needs_context[i] for i in order), context)


def _context_regex(entries: Any, fail) -> re.Pattern | None:
    """The `context` words (phrases, each a string or {phrase, case_sensitive}) as one regex,
    matched by the rules of every other pattern: ASCII words and ASCII case."""
    if not isinstance(entries, list):
        raise fail("context", "expected a list of phrases")
    parts, seen = [], set()
    for raw in entries:
        where = f"context entry {raw!r}"
        if isinstance(raw, dict):
            _no_unknown_keys(raw, {"phrase", "case_sensitive"}, where, fail)
        phrase = raw.get("phrase") if isinstance(raw, dict) else raw
        if not isinstance(phrase, str) or not phrase.strip():
            raise fail(where, "a context word is a phrase (a string, or {phrase: ..., case_sensitive: true})")
        _, pattern, _ = _entry_pattern(raw, lambda fault: fail(where, fault))
        problem = check_pattern(pattern)
        if problem:
            raise fail(where, problem)
        key = pattern.regex if pattern.case_sensitive else pattern.regex.lower()
        if key in seen:
            raise fail(where, "listed twice")
        seen.add(key)
        parts.append(f"(?{'-' if pattern.case_sensitive else ''}i:{bounded(pattern.regex)})")
    return re.compile("|".join(parts), re.ASCII) if parts else None


def _no_unknown_keys(mapping: dict, allowed: set[str], entry: str, fail) -> None:
    unknown = sorted(map(str, set(mapping) - allowed))
    if unknown:
        raise fail(entry, f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")


def _entry_pattern(raw: Any, fail) -> tuple[str, Pattern, tuple[str, ...]]:
    """One alias/product/blocker entry: a phrase string, or a mapping with `phrase` or
    `regex`, an optional `case_sensitive` flag and, for a regex, optional `examples` (a list
    of texts it finds, shown to people in its place; the tests check the shipped ones)."""
    if isinstance(raw, str):
        raw = {"phrase": raw}
    if not isinstance(raw, dict):
        raise fail("expected a phrase or a mapping with 'phrase' or 'regex'")
    unknown = sorted(map(str, set(raw) - _ENTRY_KEYS))
    if unknown:
        raise fail(f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_ENTRY_KEYS))}")
    if ("phrase" in raw) == ("regex" in raw):
        raise fail("give exactly one of 'phrase' or 'regex'")
    case_sensitive = raw.get("case_sensitive", False)
    if not isinstance(case_sensitive, bool):
        raise fail("case_sensitive must be true or false")
    text = raw.get("phrase", raw.get("regex"))
    if not isinstance(text, str) or not text.strip():
        raise fail("empty alias")
    examples = raw.get("examples", [])
    if "examples" in raw:
        if "regex" not in raw:
            raise fail("examples are for a regex entry (a phrase is shown as written)")
        if not isinstance(examples, list) or not examples or \
                not all(isinstance(example, str) and example.strip() for example in examples):
            raise fail("examples must be a non-empty list of texts the regex finds")
    if "phrase" in raw:
        try:
            return text, Pattern(phrase_to_regex(text), case_sensitive), ()
        except ValueError as error:
            raise fail(str(error)) from error
    return text, Pattern(text, case_sensitive), tuple(examples)


@functools.cache
def default_registry() -> LabRegistry:
    """The shipped registry, loaded once per process."""
    return load_labs()


def without_context(registry: LabRegistry, pattern_idx: np.ndarray, doc: np.ndarray, texts) -> np.ndarray:
    """For resolved hits (indices into `registry.patterns`, each with the index of its document
    in `texts`), whether it is a name that needs a context in a document that has none: no
    hit there of a name without the mark (a blocker names nothing) and no word of AI. Few
    documents are in doubt, so only their text is searched again."""
    needs = np.array(registry.pattern_needs_context, dtype=bool)[pattern_idx]
    if not needs.any():
        return needs
    names = np.array([lab is not None for lab in registry.pattern_lab], dtype=bool)[pattern_idx]
    doubtful = np.setdiff1d(doc[needs], doc[names & ~needs])
    unrelated = [d for d in doubtful.tolist() if not registry.about_ai(texts[d])]
    return needs & np.isin(doc, unrelated)


def resolve_mentions(
    registry: LabRegistry, pattern_idx: np.ndarray, starts: np.ndarray, ends: np.ndarray,
    document: str | None = None,
) -> list[tuple[str, int, int]]:
    """Lab mentions from registry hits (indices into `registry.patterns`, ordered as
    `Matcher.scan` returns them): leftmost-longest among them, blockers dropped; with the
    `document` they were found in, a name that needs a context only where it has one."""
    kept = leftmost_longest(starts, ends)
    if document is not None:
        kept = kept[~without_context(registry, pattern_idx[kept], np.zeros(len(kept), dtype=np.int64), [document])]
    return [(registry.pattern_lab[int(pattern_idx[k])], int(starts[k]), int(ends[k])) for k in kept.tolist()
            if registry.pattern_lab[int(pattern_idx[k])] is not None]


def find_mentions(text: str, registry: LabRegistry | None = None, alone: bool = False) -> list[tuple[str, int, int]]:
    """Every lab mention in `text` as (lab id, start, end), in text order. `text` is a
    document; with `alone`, a name or a metadata field (an index's developer, "Mistral"),
    which is about AI already, so no name needs a context there."""
    registry = default_registry() if registry is None else registry
    return resolve_mentions(registry, *registry.matcher.scan(text), document=None if alone else text)


def find_labs(text: str, registry: LabRegistry | None = None) -> list[str]:
    """The sorted ids of the labs a name or a metadata field names (`find_mentions` alone)."""
    return sorted({lab for lab, _, _ in find_mentions(text, registry, alone=True)})


def split_ids(values: pd.Series, name: str = "lab") -> pd.Series:
    """`;`-joined ids (a `labs` or `issues` cell, as the processed tables write them) as one
    row per id, keeping the row's index; empty or missing cells give no row."""
    ids = values.fillna("").astype(str).str.split(";").explode().str.strip()
    return ids[ids != ""].rename(name)


def per_lab(table: pd.DataFrame, column: str = "lab") -> pd.DataFrame:
    """One row per lab id of a table whose `column` holds `;`-joined ids (`split_ids`), the
    id in `lab`; rows naming no lab are dropped."""
    table = table.reset_index(drop=True)
    ids = split_ids(table[column])
    return table.iloc[ids.index].assign(lab=ids.to_numpy()).reset_index(drop=True)
