"""`openness labs`: the lab registry for a reader, and as a table for a program.

For a reader (`describe`): every lab under its openness group (open, mixed, closed, as the
lab reference `labs.csv` decides by the rule in `openness.data.reference`), with the names it
is found by (a regex shown by its `examples`) and the reference's reason for its group, every
line wrapped to a width. For a program (`entry_table`): one row per alias or product, with
the pattern as the registry writes it.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd

from openness import paths
from openness.core.labs import Entry, Lab, LabRegistry, find_labs
from openness.data.reference import GROUP_RULES
from openness.vocab import GROUPS

WIDTH = 100
UNLISTED = "not in the reference"  # a lab of the registry that the reference does not list
ORDER = (*GROUPS, "unrated", UNLISTED)
RULES = {**GROUP_RULES, UNLISTED: "the lab reference does not list it (a lab of your own registry, "
                                  "or a reference built before the lab was added)"}
ENTRY_COLUMNS = ["lab", "name", "openness_group", "kind", "shown", "pattern", "regex", "case_sensitive", "needs_context"]
_LABEL = "    {:<10}"  # "    products: " and the like: the names start in column 15


def read_reference(path: str | Path | None = None) -> pd.DataFrame | None:
    """The lab reference (`data/processed/labs.csv` by default) as strings, or None when it is
    not there (`openness data build` writes it)."""
    path = Path(path) if path is not None else paths.PROCESSED / "labs.csv"
    if not path.is_file():
        return None
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def groups(registry: LabRegistry, reference: pd.DataFrame | None) -> dict[str, tuple[str, str]]:
    """(group, reason) of every registry lab by id; the reason without its leading "group: "."""
    known = {} if reference is None else {
        row.lab: (row.openness_group, row.group_reason) for row in reference.itertuples(index=False)}
    decided = {}
    for lab_id in registry.labs:
        group, reason = known.get(lab_id, (UNLISTED, ""))
        decided[lab_id] = group, reason.removeprefix(f"{group}: ")
    return decided


def _products_named(registry: LabRegistry, names: list[str]) -> str:
    """For names that are a lab's product or alias (`grok`, `claude`), the lab to ask for
    instead: as written or capitalised, as the registry finds it in a text."""
    found = []
    for name in names:
        labs = sorted(set(find_labs(name, registry)) | set(find_labs(name[:1].upper() + name[1:], registry)))
        if labs:
            found.append(f"{name} is found as {' or '.join(labs)}: `openness labs {' '.join(labs)}`")
    return f" ({'; '.join(found)})" if found else ""


def ordered(registry: LabRegistry, decided: dict[str, tuple[str, str]],
            only: list[str] | None = None) -> list[Lab]:
    """The registry's labs (or those of `only`, by id or name in any case: `meta`, `Meta`,
    `Hugging Face`) by group in `ORDER`, then by name."""
    by_name = {**{lab.name.casefold(): lab.id for lab in registry.labs.values()},
               **{lab.id.casefold(): lab.id for lab in registry.labs.values()}}  # an id wins over a name
    unknown = sorted(name for name in only or () if name.casefold() not in by_name)
    if unknown:
        raise ValueError(f"unknown lab(s) {', '.join(unknown)}{_products_named(registry, unknown)}; "
                         f"the registry has {', '.join(sorted(registry.labs))}")
    wanted = {by_name[name.casefold()] for name in only or ()}
    rank = {group: i for i, group in enumerate(ORDER)}
    labs = [lab for lab in registry.labs.values() if not only or lab.id in wanted]
    return sorted(labs, key=lambda lab: (rank.get(decided[lab.id][0], len(ORDER)), lab.name.casefold(), lab.id))


def entry_table(registry: LabRegistry, reference: pd.DataFrame | None, only: list[str] | None = None) -> pd.DataFrame:
    """One row per alias or product (`ENTRY_COLUMNS`), labs in the order `describe` lists them:
    `shown` is what a reader sees, `pattern` the phrase or regex as the registry writes it (the
    reason for a lab's group is the reference's `group_reason`, joined by `lab`)."""
    decided = groups(registry, reference)
    rows = [{"lab": lab.id, "name": lab.name, "openness_group": decided[lab.id][0], "kind": entry.kind,
             "shown": entry.shown, "pattern": entry.text, "regex": entry.regex, "case_sensitive": entry.case_sensitive,
             "needs_context": entry.needs_context}
            for lab in ordered(registry, decided, only) for entry in lab.entries]
    return pd.DataFrame(rows, columns=ENTRY_COLUMNS)


def describe(registry: LabRegistry, reference: pd.DataFrame | None, reference_path: str | Path | None = None,
             width: int = WIDTH, patterns: bool = False, only: list[str] | None = None) -> str:
    """The registry for a reader: a short header on where the groups come from, then each group
    with its rule and each lab with its names and its reason, no line longer than `width`."""
    decided = groups(registry, reference)
    labs = ordered(registry, decided, only)
    reference_path = _shown_path(reference_path or paths.PROCESSED / "labs.csv")
    counts = pd.Series([decided[lab.id][0] for lab in labs]).value_counts()
    tally = ", ".join(f"{counts[group]} {group}" for group in dict.fromkeys(decided[lab.id][0] for lab in labs))
    lines = _wrap(f"{len(labs)} lab{'s' * (len(labs) != 1)} of the registry {_shown_path(registry.source)}: {tally}.",
                  width)
    if reference is None:
        lines += _wrap(f"No lab reference at {reference_path} (`openness data build` writes it), so no lab has "
                       "an openness group here.", width)
    else:
        lines += _wrap(f"Openness groups from the lab reference {reference_path}, which `openness data build` "
                       "makes from the OSAI index and the Model Openness Tool (MOT); FMTI totals are quoted "
                       "but do not decide (the rule: openness/data/reference.py).", width)
    lines += _wrap("Each lab is found by its aliases (the organisation) and products (models, apps, data). "
                   + ("Patterns as the registry writes them, with their case rule."
                      if patterns else '"A / B": spellings that one pattern finds (--patterns shows the '
                      "patterns, --format csv gives one row per name).")
                   + " A name marked ~ is also a common word or name (Sonnet, the Mistral wind): it counts in a "
                     "document only where the document holds a word of AI or names a lab by an unmarked name.", width)
    for group in dict.fromkeys(decided[lab.id][0] for lab in labs):  # in the order `ordered` gives
        members = [lab for lab in labs if decided[lab.id][0] == group]
        rule = f": {RULES[group]}" if group in RULES else ""
        lines += ["", *_wrap(f"{group.upper()} ({len(members)} lab{'s' * (len(members) != 1)}){rule}", width,
                             indent="    ")]
        for lab in members:
            lines += ["", *_wrap(f"{lab.name} ({lab.id})", width, first="  ", indent="    ")]
            for kind, label in (("alias", "aliases:"), ("product", "products:")):
                entries = [entry for entry in lab.entries if entry.kind == kind]
                if entries:
                    lines += _field(label, entries, width, patterns)
            reason = decided[lab.id][1]
            if reason:
                lines += _wrap(reason, width, first=_LABEL.format("why:"), indent=_LABEL.format(""))
    return "\n".join(lines) + "\n"


def _field(label: str, entries: list[Entry], width: int, patterns: bool) -> list[str]:
    first, indent = _LABEL.format(label), _LABEL.format("")
    if not patterns:
        marker = {True: "~", False: ""}  # not "*", which a phrase uses for word endings
        spellings = [[spelling + marker[entry.needs_context] for spelling in entry.examples or [entry.text]]
                     for entry in entries]
        groups = [[*(f"{word} /" for word in words[:-1]), words[-1] + ("," if i < len(entries) - 1 else "")]
                  for i, words in enumerate(spellings)]
        return _pack(groups, width, first, indent)
    lines = []
    for i, entry in enumerate(entries):
        rule = (f"({'regex' if entry.regex else 'phrase'}, {'exact case' if entry.case_sensitive else 'any case'}"
                f"{', needs a context' if entry.needs_context else ''})")
        lines += _wrap(f"{entry.text}  {rule}", width, first=first if i == 0 else indent, indent=indent + "  ")
    return lines


def _pack(groups: list[list[str]], width: int, first: str, indent: str) -> list[str]:
    """Lines of at most `width` characters from groups of words: one name with its spellings
    ("GPT-2 /", "GPT-4o /", "GPT-5,") stays on one line where it fits on one, else it is broken
    after a "/"; a spelling is broken only when it is wider than a line by itself."""
    lines, prefix, parts = [], first, []

    def fits(words: list[str]) -> bool:
        return len(prefix) + len(" ".join([*parts, *words])) <= width

    for group in groups:
        if parts and not fits(group):
            lines.append(prefix + " ".join(parts))
            prefix, parts = indent, []
        if fits(group):
            parts += group
            continue
        for word in group:
            if parts and not fits([word]):
                lines.append(prefix + " ".join(parts))
                prefix, parts = indent, []
            if fits([word]):
                parts.append(word)
                continue
            *done, last = _wrap(word, width, first=prefix, indent=indent)
            lines += done
            prefix, parts = indent, [last.removeprefix(indent)]
    return lines + ([prefix + " ".join(parts)] if parts else [])


def _wrap(text: str, width: int, first: str = "", indent: str = "") -> list[str]:
    """`text` in lines of at most `width` characters, broken at spaces (inside a word only when
    the word alone is wider); hyphenated names ("gpt-3.5-turbo") stay whole."""
    return textwrap.wrap(text, width, initial_indent=first, subsequent_indent=indent,
                         break_on_hyphens=False, break_long_words=True) or [first.rstrip()]


def _shown_path(path: str | Path) -> str:
    """A path under the project as relative to it (openness/core/labs.yaml), any other as given."""
    path = Path(path)
    try:
        return path.resolve().relative_to(paths.ROOT).as_posix()
    except ValueError:
        return str(path)
