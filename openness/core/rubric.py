"""The openness rubric: themes -> criteria -> cues, read from a YAML file a social scientist
can edit by hand, checked entry by entry so a typo fails loudly instead of scoring wrongly.

A cue is either a bare phrase (stance 0, id derived from the phrase) or a mapping with
`phrase` or `regex`, optional `id`, `stance` (-1, 0, 1), `negation` (flip, zero, keep),
`case_sensitive`, `context`, `stance_context`, `skip_in_references`, `blocks` and `note`. Negators are
phrases, or mappings with a `regex`. A cue with `context: NAME` counts only in a sentence holding one of the words
of the top-level `contexts: NAME` (or, with `labs: true` there, a lab mention): for cues that
mean something else away from AI ("safe" streets, "monitoring" a hospital ward). A cue with a
stance and `stance_context: NAME` takes its side only in a sentence holding a word of that
context; elsewhere the hit still counts toward its theme, with no side: for words of risk,
power or disclosure that argue about openness only where the sentence is about it. A cue with
`skip_in_references: true` is no hit in a bibliographic reference line
(`openness.core.references`): for names of the public bodies that write or publish cited works
(NIST, the White House), which there name an author, not who holds power. A cue with
`blocks: true` is a blocker, as the lab registry has them: it competes leftmost-longest with
the cues of its theme and wins their words, and counts nothing itself ("threat intelligence"
takes "threat" from the harm cue): for the senses of a word that are not the theme's.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from openness import paths
from openness.core import strict_yaml
from openness.vocab import LEVELS, THEMES
from openness.core.matcher import Matcher, Pattern, check_pattern, examples, leftmost_longest, phrase_to_regex, why_unmatchable

NEGATION_MODES = ("flip", "zero", "keep")
_TOP_KEYS = {"id", "version", "description", "negation", "contexts", "themes", "claims"}
_NEGATION_KEYS = {"window", "default", "negators"}
_THEME_KEYS = {"description", "criteria"}
_CRITERION_KEYS = {"label", "cues"}
_CUE_KEYS = {"id", "phrase", "regex", "case_sensitive", "stance", "negation", "context", "stance_context",
             "skip_in_references", "blocks", "note"}
_CONTEXT_KEYS = {"labs", "cues", "note"}
# The claims section: dimensions are the European Open Source AI Index's own field names.
CLAIM_FIELDS = (
    "datasources_basemodel", "datasources_endmodel", "weights_basemodel", "weights_endmodel",
    "trainingcode", "code", "hardware_architecture", "preprint", "paper", "modelcard", "datasheet", "licenses",
)
CLAIM_RESOLUTIONS = ("mixed", "strictest")
_CLAIMS_KEYS = {"description", "resolution", "fallback", "window", "dimensions", "qualifiers",
                "levels", "by_dimension"}
_CLAIM_CUE_KEYS = {"id", "phrase", "regex", "case_sensitive", "negated", "calls_open", "weak", "blocks", "broad",
                   "note"}
_REGEX_SYNTAX = re.compile(r"[\[\]{}|\\^$]")  # regex syntax a phrase would match literally


class RubricError(ValueError):
    """A rubric file that cannot be used; the message names the file, the entry and the fault."""


@dataclass(frozen=True)
class Cue:
    id: str
    theme: str
    criterion: str
    stance: int  # +1 pro-open, -1 pro-closed, 0 marks the theme without taking a side
    pattern: Pattern
    negation: str  # what a negated hit does to the stance: "flip" | "zero" | "keep"
    phrase: str = ""  # the phrase as written; "" for a regex cue
    context: str = ""  # the context its sentence must hold for it to count; "" = none
    stance_context: str = ""  # the context its sentence must hold for it to take its side; "" = none
    skip_in_references: bool = False  # no hit in a bibliographic reference line
    blocks: bool = False  # a blocker: wins the words of the cues of its theme it overlaps, counts nothing


@dataclass(frozen=True)
class Context:
    """Words, one of which (or, when `labs`, a lab mention) a sentence must hold for the cues
    that name this context to count in it."""

    id: str
    patterns: tuple[Pattern, ...]
    labs: bool


@dataclass(frozen=True)
class ClaimCue:
    """One cue of the claims section. kind "dimension": value is a dimension family
    (weights, datasources, licenses, ...); "qualifier": value is base or end; "level": value
    is open, partial or closed, `negated` the level a negated hit claims, `only` the family a
    by_dimension cue is limited to ('' = every family), `calls_open` whether the words call
    the thing open (open source, open weights), `weak` whether the hit counts only when no
    other level hit does (words saying a thing exists, not how complete it is), `blocks` whether
    it is a blocker: a level cue that claims nothing but takes its words from the level cues
    it overlaps ("open letter" is no open claim); `broad` whether its words are as often used in
    passing as not: a component ("data", "code", "paper") or a degree ("only", "a few",
    "extensive"); in free text a claim needs a hit that is not broad (see `find_claims`)."""

    id: str
    kind: str
    value: str
    pattern: Pattern
    negated: str = ""
    only: str = ""
    calls_open: bool = False
    weak: bool = False
    blocks: bool = False
    broad: bool = False


@dataclass(frozen=True)
class Rubric:
    id: str
    version: str
    hash: str  # first 16 hex chars of sha256 over the canonical content: comments and layout do not count
    criteria: dict[str, tuple[str, str]]  # criterion id -> (theme, label)
    cues: tuple[Cue, ...]
    negators: tuple[Pattern, ...]
    negation_window: int  # characters between a negator's end and the cue's start
    source: str
    # claims section, checked: {"families": {family: {"base"|"end"|"": field}}, "cues":
    # tuple[ClaimCue, ...], "resolution": str, "fallback": field, "window": int}
    claims: dict | None = None
    contexts: tuple[Context, ...] = ()

    @property
    def counting_cues(self) -> list[Cue]:
        """The cues that can be a hit: `cues` without the blockers, which count nothing."""
        return [cue for cue in self.cues if not cue.blocks]


def load_rubric(path: str | Path | None = None) -> Rubric:
    """Read and check a rubric YAML file (default: the shipped openness-v1 rubric)."""
    source = Path(path) if path is not None else paths.DEFAULT_RUBRIC
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as error:  # the reason alone: the path is already named
        raise RubricError(f"{source}: cannot be read: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise RubricError(f"{source}: cannot be read: {error}") from error
    try:
        data = strict_yaml.load(text)
    except strict_yaml.StrictYamlError as error:
        where = f"line {error.line}" if error.line else "YAML"
        raise RubricError(f"{source}: {where}: not valid rubric YAML: {error.problem}") from error
    return _Builder(source).build(data)


def dead_cues(rubric: Rubric) -> list[tuple[Cue, str]]:
    """The cues that can never count, each with the reason: a phrase with a literal `*` or
    regex syntax in it (`concentrat*of`, `defen[cs]e`), a pattern that cannot match a whole
    word, or a cue whose every example text (`openness.matcher.examples`) is taken by
    another cue of its theme (a blocker too): one with the same span that comes earlier in the
    file, or a longer one. Cues of different themes never take each other's words, as in the
    scorer; a blocker that is dead can never block."""
    dead = []
    for cue in rubric.cues:
        if "\\*" in cue.pattern.regex and cue.phrase:
            dead.append((cue, "a `*` that does not end a word is matched literally"))
        elif _REGEX_SYNTAX.search(cue.phrase):
            dead.append((cue, "regex syntax in a phrase is matched literally: write it as a regex cue"))
        elif reason := why_unmatchable(cue.pattern):
            dead.append((cue, reason))
    matcher = Matcher([cue.pattern for cue in rubric.cues])
    theme = [cue.theme for cue in rubric.cues]
    faulty = {cue.id for cue, _ in dead}
    for index, cue in enumerate(rubric.cues):
        winners: set[str] = set()
        for text in [] if cue.id in faulty else examples(cue.pattern.regex):
            pattern, start, end = matcher.scan(text)
            rivals = np.array([theme[i] == cue.theme for i in pattern.tolist()], dtype=bool)  # themes are coded apart
            pattern, start, end = pattern[rivals], start[rivals], end[rivals]
            kept = pattern[leftmost_longest(start, end)].tolist()
            if index in kept:
                break
            winners.update(rubric.cues[i].id for i in kept)
        else:
            if winners:
                dead.append((cue, f"every example of it is taken by {', '.join(sorted(winners))} instead"))
    return sorted(dead, key=lambda found: rubric.cues.index(found[0]))


class _Builder:
    """Turns parsed YAML into a Rubric, raising RubricError at the first bad entry (at the end
    of the themes for bad cues and repeated cue ids, naming every one)."""

    def __init__(self, source: Path):
        self.source = source

    def fail(self, entry: str, fault: str) -> RubricError:
        return RubricError(f"{self.source}: {entry}: {fault}")

    def mapping(self, value: Any, entry: str, allowed: set[str] | None = None) -> dict:
        if not isinstance(value, dict) or not value:
            raise self.fail(entry, f"expected a non-empty mapping, got {type(value).__name__}")
        unknown = sorted(set(map(str, value)) - allowed) if allowed is not None else []
        if unknown:
            raise self.fail(entry, f"unknown key(s) {unknown}; allowed: {sorted(allowed)}")
        return value

    def text(self, value: Any, entry: str) -> str:
        if isinstance(value, bool):
            raise self.fail(entry, f"YAML read {value!r} as true/false, not text: put it in quotes")
        if not isinstance(value, (str, int, float)) or not str(value).strip():
            raise self.fail(entry, f"must be a non-empty text, got {value!r}")
        return str(value).strip()

    def pattern(self, regex: str, case_sensitive: bool, entry: str) -> Pattern:
        pattern = Pattern(regex, case_sensitive)
        problem = check_pattern(pattern)
        if problem:
            raise self.fail(entry, problem)
        return pattern

    def build(self, data: Any) -> Rubric:
        top = self.mapping(data, "top level", _TOP_KEYS)
        for key in ("id", "version", "themes"):
            if key not in top:
                raise self.fail("top level", f"missing required key {key!r}")
        negation = self.mapping(top.get("negation", {"window": 24}), "negation", _NEGATION_KEYS)
        window = negation.get("window", 24)
        if not isinstance(window, int) or isinstance(window, bool) or window < 0:
            raise self.fail("negation.window", f"must be a whole number of characters >= 0, got {window!r}")
        default = self.negation_mode(negation.get("default", "flip"), "negation.default")
        negators = negation.get("negators", [])
        if not isinstance(negators, list):
            raise self.fail("negation.negators", "must be a list of phrases")
        negator_patterns = tuple(self.negator(item, f"negation.negators[{i}]") for i, item in enumerate(negators))
        contexts = self.mapping(top["contexts"], "contexts") if "contexts" in top else {}
        self.contexts = tuple(self.context(str(name), body) for name, body in contexts.items())
        themes = self.mapping(top["themes"], "themes", set(THEMES))
        criteria: dict[str, tuple[str, str]] = {}
        cues: list[Cue] = []
        bad_cues: list[RubricError] = []  # every bad cue is said at once: a rubric is fixed in one pass
        place_of: dict[str, tuple[str, int]] = {}  # cue id -> (criterion entry, number in its list) where it first stands
        for theme, body in themes.items():
            body = self.mapping(body, f"theme {theme}", _THEME_KEYS)
            for criterion, spec in self.mapping(body.get("criteria"), f"theme {theme}: criteria").items():
                criterion = str(criterion)
                if criterion in criteria:
                    raise self.fail(f"theme {theme}: criterion {criterion}",
                                    f"duplicate criterion id (also in theme {criteria[criterion][0]})")
                entry = f"theme {theme}: criterion {criterion}"
                spec = self.mapping(spec, entry, _CRITERION_KEYS)
                criteria[criterion] = (theme, self.text(spec.get("label"), f"{entry}: label"))
                if not isinstance(spec.get("cues"), list) or not spec["cues"]:
                    raise self.fail(f"{entry}: cues", "must be a non-empty list")
                for index, item in enumerate(spec["cues"]):
                    try:
                        cue = self.cue(item, theme, criterion, default, f"{entry}: cue #{index + 1}")
                    except RubricError as error:
                        bad_cues.append(error)
                        continue
                    if cue.id in place_of:
                        first_entry, first = place_of[cue.id]
                        where = f"#{first}" + ("" if first_entry == entry else f" of {first_entry}")
                        bad_cues.append(self.fail(f"{entry}: cue {cue.id} (#{index + 1})", f"duplicate cue id (first as {where})"))
                    place_of.setdefault(cue.id, (entry, index + 1))
                    cues.append(cue)
                if not bad_cues and all(cue.blocks for cue in cues if cue.criterion == criterion):
                    raise self.fail(f"{entry}: cues", "holds only blockers (blocks: true), which count nothing: "
                                                      "add a cue they take words from")
        if len(bad_cues) == 1:
            raise bad_cues[0]
        if bad_cues:
            raise RubricError(f"{self.source}: {len(bad_cues)} cues are wrong: "
                              + " ".join(f"({n}) {str(error).removeprefix(f'{self.source}: ')}"
                                         for n, error in enumerate(bad_cues, start=1)))
        claims = self.claims(top["claims"]) if "claims" in top else None
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
        return Rubric(
            id=self.text(top["id"], "id"), version=self.text(top["version"], "version"),
            hash=hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16],
            criteria=criteria, cues=tuple(cues), negators=negator_patterns,
            negation_window=window, source=str(self.source), claims=claims, contexts=self.contexts,
        )

    def context(self, name: str, body: Any) -> Context:
        entry = f"contexts: {name}"
        body = self.mapping(body, entry, _CONTEXT_KEYS)
        if not isinstance(body.get("cues"), list) or not body["cues"]:
            raise self.fail(f"{entry}: cues", "must be a non-empty list of phrases")
        labs = body.get("labs", False)
        if not isinstance(labs, bool):
            raise self.fail(f"{entry}: labs", f"must be true or false, got {labs!r}")
        # a context word is written as a negator is: a phrase, or a mapping with a regex
        return Context(name, tuple(self.negator(item, f"{entry}: cues[{i}]") for i, item in enumerate(body["cues"])), labs)

    def claims(self, value: Any) -> dict:
        """The claims section, checked entry by entry (see the comments in the shipped rubric)."""
        spec = self.mapping(value, "claims", _CLAIMS_KEYS)
        for key in ("dimensions", "levels"):
            if key not in spec:
                raise self.fail("claims", f"missing required key {key!r}")
        families: dict[str, dict[str, str]] = {}
        cues: list[ClaimCue] = []
        for family, body in self.mapping(spec["dimensions"], "claims: dimensions").items():
            entry = f"claims: dimensions: {family}"
            body = self.mapping(body, entry, {"fields", "cues", "note"})
            fields = body.get("fields", {"": str(family)})
            if "fields" in body:
                self.mapping(fields, f"{entry}: fields", {"base", "end"})
                if set(fields) != {"base", "end"}:
                    raise self.fail(f"{entry}: fields", "give both base and end")
            for field in fields.values():
                if field not in CLAIM_FIELDS:
                    raise self.fail(entry, f"{field!r} is not an index dimension; use one of {list(CLAIM_FIELDS)}")
            families[str(family)] = dict(fields)
            cues += self.claim_cues(body.get("cues"), "dimension", str(family), entry)
        covered = [f for fields in families.values() for f in fields.values()]
        if sorted(covered) != sorted(set(covered)):
            raise self.fail("claims: dimensions", "an index dimension is given to two families")
        for qualifier, items in self.mapping(spec.get("qualifiers", {"base": [], "end": []}),
                                             "claims: qualifiers", {"base", "end"}).items():
            cues += self.claim_cues(items, "qualifier", qualifier, f"claims: qualifiers: {qualifier}")
        for level, items in self.mapping(spec["levels"], "claims: levels", set(LEVELS)).items():
            cues += self.claim_cues(items, "level", level, f"claims: levels: {level}")
        by_dimension = self.mapping(spec["by_dimension"], "claims: by_dimension") if "by_dimension" in spec else {}
        for family, levels in by_dimension.items():
            entry = f"claims: by_dimension: {family}"
            if family not in families:
                raise self.fail(entry, f"unknown dimension family; use one of {sorted(families)}")
            for level, items in self.mapping(levels, entry, set(LEVELS)).items():
                cues += self.claim_cues(items, "level", level, f"{entry}: {level}", only=str(family))
        seen: set[str] = set()
        for cue in cues:
            if cue.id in seen:
                raise self.fail(f"claims: cue {cue.id}", "duplicate cue id")
            seen.add(cue.id)
        resolution = spec.get("resolution", "mixed")
        if resolution not in CLAIM_RESOLUTIONS:
            raise self.fail("claims: resolution", f"must be one of {list(CLAIM_RESOLUTIONS)}, got {resolution!r}")
        fallback = spec.get("fallback", "licenses")
        if fallback not in covered:
            raise self.fail("claims: fallback", f"{fallback!r} is not a dimension of claims: dimensions")
        window = spec.get("window", 60)
        if not isinstance(window, int) or isinstance(window, bool) or window < 0:
            raise self.fail("claims: window", f"must be a whole number of characters >= 0, got {window!r}")
        return {"families": families, "cues": tuple(cues), "resolution": resolution,
                "fallback": fallback, "window": window}

    def claim_cues(self, items: Any, kind: str, value: str, entry: str, only: str = "") -> list[ClaimCue]:
        if not isinstance(items, list) or (kind != "qualifier" and not items):
            raise self.fail(entry, "must be a non-empty list of cues" if kind != "qualifier" else "must be a list")
        return [self.claim_cue(item, kind, value, f"{entry}: cue #{i + 1}", only) for i, item in enumerate(items)]

    def claim_cue(self, item: Any, kind: str, value: str, entry: str, only: str) -> ClaimCue:
        spec = {"phrase": item} if isinstance(item, str) else self.mapping(item, entry, _CLAIM_CUE_KEYS)
        regex, cue_id = self.phrase_or_regex(spec, entry, f"{only or kind}.{value}")
        case_sensitive = self.flag(spec, "case_sensitive", entry)
        if kind != "level" and ({"negated", "calls_open", "weak", "blocks"} & set(spec)):
            raise self.fail(entry, "negated, calls_open, weak and blocks apply to level cues only")
        if kind == "qualifier" and "broad" in spec:
            raise self.fail(entry, "broad applies to dimension and level cues only")
        negated = spec.get("negated", {"open": "closed"}.get(value, value)) if kind == "level" else ""
        if kind == "level" and negated not in LEVELS:
            raise self.fail(entry, f"negated must be one of {list(LEVELS)}, got {negated!r}")
        flags = {key: spec.get(key, False) for key in ("calls_open", "weak", "blocks", "broad")}
        for key, flag in flags.items():
            if not isinstance(flag, bool):
                raise self.fail(entry, f"{key} must be true or false, got {flag!r}")
        if flags["broad"] and flags["calls_open"]:
            raise self.fail(entry, "a cue that calls a thing open (calls_open) makes a claim with no component named; "
                            "broad would drop every such claim")
        if flags["blocks"] and (flags["calls_open"] or flags["weak"] or flags["broad"] or "negated" in spec):
            raise self.fail(entry, "a blocker (blocks: true) claims nothing, so calls_open, weak, broad and negated mean "
                            "nothing there")
        return ClaimCue(cue_id, kind, value, self.pattern(regex, case_sensitive, entry), negated, only, **flags)

    def phrase_or_regex(self, spec: dict, entry: str, id_prefix: str) -> tuple[str, str]:
        """A cue's regex, from its phrase or its regex, and its id: given, or derived from the
        phrase as `<id_prefix>.<words>` (a regex cue must name one)."""
        if ("phrase" in spec) == ("regex" in spec):
            raise self.fail(entry, "give exactly one of 'phrase' or 'regex'")
        if "phrase" in spec:
            phrase = self.text(spec["phrase"], f"{entry}: phrase")
            if not phrase.rstrip("*").strip(" -"):
                raise self.fail(entry, f"empty phrase {phrase!r}")
            regex = phrase_to_regex(phrase)
            # a trailing wildcard stays in the id: "open sourc*" is T1.open_sourc*, not a cut-off T1.open_sourc
            stem = re.sub(r'[^a-z0-9]+', '_', phrase.lower()).strip('_')
            derived = f"{id_prefix}.{stem}{'*' if phrase.endswith('*') else ''}"
        else:
            regex, derived = self.text(spec["regex"], f"{entry}: regex"), None
            if "id" not in spec:
                raise self.fail(entry, "a regex cue needs an 'id'")
        return regex, self.text(spec.get("id", derived), f"{entry}: id")

    def flag(self, spec: dict, key: str, entry: str) -> bool:
        value = spec.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(entry, f"{key} must be true or false, got {value!r}")
        return value

    def negation_mode(self, value: Any, entry: str) -> str:
        if value not in NEGATION_MODES:
            raise self.fail(entry, f"negation must be one of {list(NEGATION_MODES)}, got {value!r}")
        return value

    def negator(self, item: Any, entry: str) -> Pattern:
        if isinstance(item, dict):
            spec = self.mapping(item, entry, {"regex", "note"})
            return self.pattern(self.text(spec.get("regex"), f"{entry}: regex"), False, entry)
        phrase = self.text(item, entry)
        return self.pattern(phrase_to_regex(phrase), False, f"{entry} ({phrase!r})")

    def cue(self, item: Any, theme: str, criterion: str, default: str, entry: str) -> Cue:
        if isinstance(item, dict) and "id" in item:
            entry = f"theme {theme}: criterion {criterion}: cue {item['id']}"
        spec = {"phrase": item} if isinstance(item, str) else self.mapping(item, entry, _CUE_KEYS)
        regex, cue_id = self.phrase_or_regex(spec, entry, criterion)
        entry = f"theme {theme}: criterion {criterion}: cue {cue_id}"
        stance = spec.get("stance", 0)
        if stance not in (-1, 0, 1) or isinstance(stance, bool):
            raise self.fail(entry, f"stance must be -1, 0 or 1, got {stance!r}")
        case_sensitive = self.flag(spec, "case_sensitive", entry)
        negation = self.negation_mode(spec.get("negation", default), entry)
        context, stance_context = spec.get("context", ""), spec.get("stance_context", "")
        for key, value in (("context", context), ("stance_context", stance_context)):
            if value and value not in {c.id for c in self.contexts}:
                raise self.fail(entry, f"{key} {value!r} is not one of the rubric's contexts {[c.id for c in self.contexts]}")
        if stance_context and not stance:
            raise self.fail(entry, "stance_context is for a cue that takes a side (stance 1 or -1); this one has stance 0")
        blocks = self.flag(spec, "blocks", entry)
        takes = sorted(key for key in ("stance", "negation", "context", "stance_context", "skip_in_references")
                       if key in spec)
        if blocks and takes:
            raise self.fail(entry, f"a blocker (blocks: true) counts nothing, so {', '.join(takes)} mean(s) nothing "
                                   "for it: leave it out")
        return Cue(cue_id, theme, criterion, int(stance), self.pattern(regex, case_sensitive, entry), negation,
                   str(spec.get("phrase", "")).strip(), str(context), str(stance_context),
                   self.flag(spec, "skip_in_references", entry), blocks)
