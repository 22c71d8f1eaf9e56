"""Claims about openness: which component of a model a text talks about (the European Open
Source AI Index dimensions) and how open it says it is (open, partial, closed).

The cues and the rules live in the `claims` section of the rubric (read its comments: what
the levels mean, how base and end model are told apart, how negation works and how several
levels for one claim resolve). Two uses:
- `find_claims`: free text; one row per sentence x dimension claimed, attributed to the labs
  (and models) the sentence names; a question claims nothing ("Are open weights safer?", the
  questions a consultation asks and its comments quote), so a sentence ending in "?" gives none;
- `classify_dimension`: a text known to be about one dimension (the index's own notes); the
  level it states, or `UNDECIDED`; `openness claims` weighs that level and the words with
  a shipped model by default (openness.analysis.claims_model).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from openness.core.corpus import Corpus
from openness.core.labs import LabRegistry, default_registry, find_mentions, load_labs
from openness.core.matcher import Matcher, leftmost_longest, phrase_to_regex
from openness.core.rubric import CLAIM_FIELDS, ClaimCue, Rubric, load_rubric
from openness.core.text import sentence_spans

# Where the scope of a negated dimension ends: "no paper documenting it is available" denies
# the whole clause, "no paper, but a preprint is available" does not.
CLAUSE_BREAK = re.compile(r"[,;:()]|\b(?:but|however|although|though|while|whereas|except|yet)\b", re.IGNORECASE)
# A level does not reach a dimension across a contrast: in "keeps the model closed but
# publishes papers" the papers are not closed. Commas do not stop it ("weights, code and data
# are open"), nor words that also sit inside a clause ("the data, however, was never disclosed").
CONTRAST = re.compile(r";|\b(?:but|although|while|whereas)\b", re.IGNORECASE)
UNDECIDED = "undecided"  # a note whose level cannot be told: said, never left empty
# A web address: the words in it (".../why-open-source-matters/") are no claim in free text.
# Without a scheme, a domain with a path ("github.com/org/model"; a PDF's reference list
# often breaks the scheme off at a line end), read from the start of its dotted run only (from
# every dot, a long run of "a.b.c..." would take quadratic time).
ADDRESS = re.compile(r"(?:https?|htps?)://\S+|www\.\S+"
                     r"|(?<![\w.-])[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|ai|co|dev|edu|gov|info|app|me|uk|de|fr|eu)/\S*",
                     re.IGNORECASE)
QUESTION = re.compile(r"\?[\"'”’)\]]*\s*$")  # a sentence that asks, its closing quotes or brackets after the mark
# why find_claims leaves out a claim its words made (`_left_out_because`)
LEFT_OUT = ("made in passing", "in a question", "'open' with no lab or model named")
CLAIM_COLUMNS = ["doc_id", "sentence", "start", "end", "dimension", "level", "labs", "models", "cue", "called_open"]


@dataclass(frozen=True)
class Hit:
    cue: ClaimCue
    start: int
    end: int
    sentence: int
    negated: bool = False
    absent: bool = False  # an open hit in the clause of a negated dimension: "no paper ... is available"

    @property
    def level(self) -> str:
        """The level this hit claims, negation applied (level hits only)."""
        if self.absent:
            return "closed"
        return self.cue.negated if self.negated else self.cue.value


class ClaimFinder:
    """The claims section of a rubric and its negators, compiled into one matcher."""

    def __init__(self, rubric: Rubric):
        if not rubric.claims:
            raise ValueError(f"{rubric.source}: the rubric has no claims section")
        self.rubric = rubric
        self.cues: tuple[ClaimCue, ...] = rubric.claims["cues"]
        self.families: dict[str, dict[str, str]] = rubric.claims["families"]
        self.family_of = {field: family for family, fields in self.families.items() for field in fields.values()}
        self.matcher = Matcher([c.pattern for c in self.cues] + list(rubric.negators))

    def scan(self, text: str, free_text: bool = False) -> tuple[np.ndarray, list[Hit], list[Hit], list[Hit]]:
        """Sentence spans, dimension hits (negation marked), qualifier hits and every level
        hit (general and by-dimension, each kind resolved leftmost-longest on its own). In
        free text a hit touching a web address is dropped first, negators too: the words of
        ".../no-model-card" say nothing there (an expert's note cites its evidence by address,
        "on https://github.com/...", so a note keeps them)."""
        spans = sentence_spans(text)
        index, starts, ends = self.matcher.scan(text)
        if free_text:
            keep = _outside_addresses(text, starts, ends)
            index, starts, ends = index[keep], starts[keep], ends[keep]
        n_cues = len(self.cues)

        def layer(keep) -> list[tuple[int, int, int]]:
            chosen = np.flatnonzero([keep(i) for i in index.tolist()])
            kept = chosen[leftmost_longest(starts[chosen], ends[chosen])]
            return list(zip(index[kept].tolist(), starts[kept].tolist(), ends[kept].tolist()))

        def sentence_of(position: int) -> int:
            return int(np.searchsorted(spans[:, 0], position, side="right") - 1)

        negator_ends = [(sentence_of(s), e) for _, s, e in layer(lambda i: i >= n_cues)]
        window = self.rubric.negation_window

        def after_negator(sentence: int, start: int, ends_before: list[tuple[int, int]]) -> bool:
            return any(s == sentence and 0 <= start - e <= window for s, e in ends_before)

        dimensions = []
        for i, s, e in layer(lambda i: i < n_cues and self.cues[i].kind == "dimension"):
            sentence = sentence_of(s)
            dimensions.append(Hit(self.cues[i], s, e, sentence, after_negator(sentence, s, negator_ends)))
        qualifiers = [Hit(self.cues[i], s, e, sentence_of(s))
                      for i, s, e in layer(lambda i: i < n_cues and self.cues[i].kind == "qualifier")]
        negated_dimension_ends = [(h.sentence, h.end) for h in dimensions if h.negated]

        def in_absent_clause(sentence: int, start: int) -> bool:
            return any(s == sentence and e <= start and not CLAUSE_BREAK.search(text, e, start)
                       for s, e in negated_dimension_ends)

        levels = []
        for only in ["", *self.families]:
            for i, s, e in layer(lambda i: i < n_cues and self.cues[i].kind == "level" and self.cues[i].only == only):
                if self.cues[i].blocks:
                    continue  # it has taken its words from the level cues it overlaps
                sentence = sentence_of(s)
                negated = after_negator(sentence, s, negator_ends + negated_dimension_ends)
                absent = self.cues[i].value == "open" and in_absent_clause(sentence, s)
                levels.append(Hit(self.cues[i], s, e, sentence, negated or absent, absent))
        return spans, dimensions, qualifiers, levels

    def levels_for(self, family: str, levels: list[Hit]) -> list[Hit]:
        """The level hits that count for `family`: its by-dimension hits, and the general
        hits they do not overlap."""
        specific = [h for h in levels if h.cue.only == family]
        general = [h for h in levels if h.cue.only == ""
                   and not any(h.start < o.end and o.start < h.end for o in specific)]
        return sorted(specific + general, key=lambda h: (h.start, h.end))

    def resolve(self, hits: list[Hit]) -> str:
        """One level from the level and negated dimension hits of a claim: weak hits count
        only alone, then the rule `resolution` of the rubric's claims section."""
        evidence = [h for h in hits if h.negated or h.cue.kind == "level"]
        strong = [h for h in evidence if not h.cue.weak]
        found = {"closed" if h.cue.kind == "dimension" else h.level for h in (strong or evidence)}
        if not found:
            return ""
        if self.rubric.claims["resolution"] == "strictest":
            return next(level for level in ("closed", "partial", "open") if level in found)
        if "partial" in found or {"open", "closed"} <= found:
            return "partial"
        return found.pop()

    def field(self, dimension: Hit, qualifiers: list[Hit]) -> str:
        """The index field of a dimension hit: base or end by the nearest qualifier."""
        fields = self.families[dimension.cue.value]
        if "" in fields:
            return fields[""]
        window = self.rubric.claims["window"]
        near = [(_distance(dimension, q), q.cue.value == "base", q.cue.value) for q in qualifiers
                if q.sentence == dimension.sentence and _distance(dimension, q) <= window]
        return fields[min(near)[2]] if near else fields["end"]

    def classify(self, text: str, dimension: str) -> str:
        """The level `text` states about `dimension` ('' when it states none)."""
        _, dimensions, _, levels = self.scan(text)
        family = self.family_of[dimension]
        return self.resolve(self.levels_for(family, levels) + dimensions)

    def claims(self, text: str) -> list[dict]:
        """Claims of one free text: one per sentence x index field, those made in passing
        marked (`in_passing`: `find_claims` leaves them out and counts them)."""
        spans, dimensions, qualifiers, levels = self.scan(text, free_text=True)
        window, fallback = self.rubric.claims["window"], self.rubric.claims["fallback"]

        def reaches(dimension: Hit, level: Hit) -> bool:
            first, second = sorted([dimension, level], key=lambda h: h.start)
            return (dimension.sentence == level.sentence and _distance(dimension, level) <= window
                    and not CONTRAST.search(text, first.end, second.start))

        grouped: dict[tuple[int, str], list[Hit]] = {}
        for family in self.families:
            for hit in self.levels_for(family, levels):
                near = [d for d in dimensions if reaches(d, hit)]
                if near:
                    # a word that is no claim on a broad component goes to a specific one in reach:
                    # "released the code and the weights" is a claim about the weights
                    soft = hit.cue.broad or (hit.cue.weak and not hit.negated)
                    nearest = min(near, key=lambda d: (soft and d.cue.broad, _distance(d, hit), d.start))
                    if nearest.cue.value == family:
                        grouped.setdefault((hit.sentence, self.field(nearest, qualifiers)), []).extend([nearest, hit])
                elif family == self.family_of[fallback] and hit.cue.calls_open:
                    grouped.setdefault((hit.sentence, fallback), []).append(hit)
        for hit in dimensions:
            if hit.negated:
                grouped.setdefault((hit.sentence, self.field(hit, qualifiers)), []).append(hit)
        rows = []
        for (sentence, field), hits in grouped.items():
            hits = sorted(set(hits), key=lambda h: (h.start, h.end, h.cue.id))
            level_hits = [h for h in hits if h.cue.kind == "level"]
            rows.append({
                "sentence": sentence, "start": hits[0].start, "end": max(h.end for h in hits),
                "dimension": field, "level": self.resolve(hits),
                "cue": ";".join(("~" if h.negated else "") + h.cue.id for h in hits),
                "called_open": any(h.cue.calls_open and not h.negated for h in level_hits),
                "sentence_span": tuple(spans[sentence].tolist()),
                "fallback": all(h.cue.kind == "level" for h in hits),
                "in_passing": _in_passing(hits),
            })
        return sorted(rows, key=lambda row: (row["sentence"], row["start"], row["end"], CLAIM_FIELDS.index(row["dimension"])))


def _left_out_because(in_passing: bool, in_question: bool, open_about_nothing_named: bool) -> str | None:
    """The reason of `LEFT_OUT` a claim is left out for, the first that applies; None to keep
    it. "Open source" about nothing named is no claim about a lab or model."""
    if in_passing:
        return LEFT_OUT[0]
    if in_question:
        return LEFT_OUT[1]
    if open_about_nothing_named:
        return LEFT_OUT[2]
    return None


def _in_passing(hits: list[Hit]) -> bool:
    """Weak, broad or no level words about broad component words ("GitHub Copilot writes
    code", "a paper published by", "only a few parameters", "no data"): no claim in free text
    (the rubric's claims comments). A denied component with a level word is one ("released
    no code"), whichever word the negator stands before."""
    levels = [h for h in hits if h.cue.kind == "level"]
    firm_level = any(not h.cue.broad and (h.negated or not h.cue.weak) for h in levels)
    denied = bool(levels) and any(h.cue.kind == "dimension" and h.negated for h in hits)
    specific_dimension = any(h.cue.kind == "dimension" and not h.cue.broad for h in hits)
    return not (firm_level or denied or specific_dimension)


def _outside_addresses(text: str, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """A mask of the spans that touch no web address (a PDF breaks an address at a line,
    ".../why-open\nsource-matters", and its words then run across its end)."""
    keep = np.ones(len(starts), dtype=bool)
    for address in ADDRESS.finditer(text):
        keep &= ~((starts < address.end()) & (ends > address.start()))
    return keep


def _distance(a: Hit, b: Hit) -> int:
    """Characters between two spans (0 when they touch or overlap)."""
    return max(0, b.start - a.end, a.start - b.end)


@lru_cache(maxsize=4)
def _cached_finder(rubric_path: str | None) -> ClaimFinder:
    return ClaimFinder(load_rubric(rubric_path))


def get_finder(rubric: Rubric | str | os.PathLike | None = None) -> ClaimFinder:
    """A compiled finder for a rubric (a Rubric, a path, or None for the shipped one)."""
    if isinstance(rubric, Rubric):
        return ClaimFinder(rubric)
    return _cached_finder(None if rubric is None else str(rubric))


def _product_matcher(registry: LabRegistry) -> Matcher:
    """The registry's product patterns only: a lab mention with the span of a product hit
    names a model."""
    products = {text for lab in registry.labs.values() for text in lab.products}
    regexes = products | {phrase_to_regex(text) for text in products}
    chosen = [p for p, lab in zip(registry.patterns, registry.pattern_lab) if lab and p.regex in regexes]
    return Matcher(chosen)


def _named(text: str, registry: LabRegistry, products: Matcher) -> tuple[list[tuple[str, int, int]], set[tuple[int, int]]]:
    """Lab mentions of `text` and the spans of those that are products (models)."""
    mentions = find_mentions(text, registry)
    _, starts, ends = products.scan(text)
    product_spans = set(zip(starts.tolist(), ends.tolist()))
    return mentions, {(s, e) for _, s, e in mentions if (s, e) in product_spans}


def find_claims(corpus: Corpus | pd.DataFrame, rubric: Rubric | str | None = None,
                labs: LabRegistry | str | None = None) -> pd.DataFrame:
    """Every claim in a corpus (a Corpus, or a DataFrame with doc_id and text): doc_id,
    sentence, start, end (the span from the first to the last cue of the claim), dimension,
    level, labs and models named in the sentence (';'-joined), cue (ids, '~' = negated),
    called_open (the words call it open, not negated). A question is no claim (see above)."""
    return claims_and_left_out(corpus, rubric, labs)[0]


def claims_and_left_out(corpus: Corpus | pd.DataFrame, rubric: Rubric | str | None = None,
                        labs: LabRegistry | str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`find_claims`' table, and the claims its words made that it left out, in the same
    columns and a `reason` (`LEFT_OUT`, the first that applies): what `openness claims` counts
    and writes with `--left-out`, so that a user sees what the rules took away."""
    docs = corpus.docs if isinstance(corpus, Corpus) else corpus
    missing = {"doc_id", "text"} - set(docs.columns)
    if missing:
        raise ValueError(f"find_claims() needs columns doc_id and text; missing: {', '.join(sorted(missing))}")
    finder = get_finder(rubric)
    registry = labs if isinstance(labs, LabRegistry) else (default_registry() if labs is None else load_labs(labs))
    products = _product_matcher(registry)
    rows, left_out = [], []
    for doc_id, text in zip(docs["doc_id"].astype(str), docs["text"].fillna("").astype(str)):
        found = finder.claims(text)
        if not found:
            continue
        mentions, models = _named(text, registry, products)
        for claim in found:
            (low, high), in_passing, fallback = claim.pop("sentence_span"), claim.pop("in_passing"), claim.pop("fallback")
            inside = [(lab, s, e) for lab, s, e in mentions if low <= s < high]
            reason = _left_out_because(in_passing, bool(QUESTION.search(text, low, high)), fallback and not inside)
            claim["labs"] = ";".join(sorted({lab for lab, _, _ in inside}))
            claim["models"] = ";".join(sorted({text[s:e] for _, s, e in inside if (s, e) in models}))
            if reason:
                left_out.append({"doc_id": doc_id, **claim, "reason": reason})
            else:
                rows.append({"doc_id": doc_id, **claim})
    types = {"sentence": "int64", "start": "int64", "end": "int64", "called_open": "bool"}
    return (pd.DataFrame(rows, columns=CLAIM_COLUMNS).astype(types),
            pd.DataFrame(left_out, columns=[*CLAIM_COLUMNS, "reason"]).astype(types))


def classify_dimension(texts, dimensions, rubric: Rubric | str | None = None) -> list[str]:
    """The level each text states about its dimension (an index field name) by the rules,
    `UNDECIDED` for none."""
    finder = get_finder(rubric)
    texts, dimensions = list(texts), list(dimensions)
    if len(texts) != len(dimensions):
        raise ValueError(f"{len(texts)} texts but {len(dimensions)} dimensions")
    for row, dimension in enumerate(dimensions):
        if dimension not in finder.family_of:
            raise ValueError(f"row {row + 1}: dimension {dimension!r} is not one of {list(finder.family_of)}")
    return [finder.classify("" if pd.isna(t) else str(t), d) or UNDECIDED for t, d in zip(texts, dimensions)]
