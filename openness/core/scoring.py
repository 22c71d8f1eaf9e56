"""Score documents and sentences on the rubric, with the evidence behind every number.

Rules (the numbers in every table follow from these):
- Cues, lab aliases and the phrases among negators and context words are found in one pass
  over the text (`openness.core.matcher`); one-word negators and context words only in the
  sentences that need them (see `Scorer.__init__`), with the same result. Overlapping
  cue hits of one theme compete leftmost-longest (themes are coded independently, so cues of
  different themes may share a span), after cues out of their context are dropped; so do
  overlapping lab hits (a blocker such as "Google Scholar" beats "Google" and yields no
  mention); negators never compete with cues.
- A cue hit is *negated* when a negator ends in the same sentence at most
  `rubric.negation_window` characters before the cue starts, with no dash, semicolon or
  colon between them (`_CLAUSE_BREAK`: "not X – Y" negates X only). Negated hits still count
  toward their theme; their signed stance follows the cue's negation rule: flip (-stance),
  zero (0) or keep (stance).
- A cue with a context (`context: ai`) counts only in a sentence holding one of its
  context's words, or a lab mention when the context takes labs; elsewhere it is no hit.
  A cue with a stance context (`stance_context: release`) counts everywhere but takes its
  side only in a sentence holding one of that context's words; elsewhere its stance is 0
  (before negation, which then has no side to flip).
- In a sentence that is a bibliographic reference or footnote citation (`openness.core.references`:
  a web address, DOI, arXiv id or legal cite, or several citation marks, with hardly any prose)
  a cue marked `skip_in_references` (a public body that wrote or published the cited work:
  NIST, the White House, the G7) is no hit; the other cues and the lab mentions stay.
- A sentence belongs to the sentence span (`openness.core.text`) that holds its first character;
  so does a hit.
- Counts per theme are cue hits; `<theme>_stance` is the sum of signed stances; `stance`
  is pro_open when the sum over all themes is positive, pro_closed when negative, else
  neutral. `<theme>_rate` is hits per 1,000 words; words are whitespace-separated tokens (as str.split() sees them).
- Lab attribution (`lab_frames`): a hit is attributed to every lab named in its sentence.
"""
from __future__ import annotations

import html
import itertools
import os
import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from .corpus import LONE_SURROGATE, Corpus, RejectsWarning, read_quietly, rejects_line
from .labs import LabRegistry, load_labs, without_context
from .matcher import Matcher, code_points, leftmost_longest, stays_in_word
from .readers import CorpusError
from .references import in_references
from .rubric import Rubric, load_rubric
from .text import sentence_bounds
from openness.vocab import STANCES, THEMES

STANCE_BY_SIGN = np.array(STANCES, dtype=object)  # [sign + 1]
_THEME_NAMES = np.array(THEMES, dtype=object)
_THEMES_BY_NAME = np.array(sorted(THEMES), dtype=object)
_THEME_RANK = np.array([sorted(THEMES).index(theme) for theme in THEMES])  # theme -> place by name
# Between documents scanned together: the NUL stops every phrase (separators are spaces
# and hyphens), the newline ends the last word; the matcher keeps every hit within its
# document (see Matcher.scan_bytes).
_SEPARATOR = "\x00\n"
# Words are whitespace-separated tokens, as str.split() sees them (Unicode whitespace):
# ASCII whitespace bytes, then the UTF-8 sequences of the other whitespace characters.
_BYTE_IN_WORD = bytes(0 if b < 128 and chr(b).isspace() else 1 for b in range(256))
_BLOCK = 1 << 18  # bytes looked at in one numpy step when counting words
_UNICODE_SPACE = re.compile(
    b"|".join(re.escape(chr(c).encode()) for c in range(128, 0x3001) if chr(c).isspace())
)


@dataclass(repr=False)
class Scores:
    """Scores of a corpus: one table per unit, all keyed by `doc_id`, and the records of
    the corpus that could not be scored, with their reason."""

    documents: pd.DataFrame
    sentences: pd.DataFrame
    evidence: pd.DataFrame
    mentions: pd.DataFrame
    lab_frames: pd.DataFrame
    rubric: Rubric
    texts: pd.Series = field(repr=False)  # doc_id -> text, for `explain`
    rejects: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["location", "doc_id", "reason"], dtype=str))
    # the `stance_model.StanceModel` that decided `stance` (set by `with_model_stance`), so that
    # `explain` can say why; typed loosely, since that module imports this one
    stance_model: object = field(default=None, repr=False)

    def __repr__(self) -> str:  # the tables are a print() away; a notebook cell ending on `scores` shows the sizes
        return (f"Scores({len(self.documents)} documents, {len(self.sentences)} sentences, {len(self.evidence)} cue hits, "
                f"{len(self.mentions)} lab mentions, {len(self.rejects)} rejects; rubric {self.rubric.id} "
                f"{self.rubric.version})")

    def explain(self, doc_id: str) -> "Explanation":
        """The document with its cue hits and lab mentions marked: HTML in JupyterLab,
        plain text in a terminal. With the stance model's stance (`with_model_stance`), each
        sentence that takes a side is listed with what decided it: the rubric's cues, or the
        words and cues that pushed the model."""
        if doc_id not in self.texts.index:
            raise KeyError(f"no document with doc_id {doc_id!r}{self._why_not(doc_id)}")
        notes = () if self.stance_model is None else self.stance_model.document_notes(self, doc_id)
        return Explanation(
            doc_id,
            self.texts[doc_id],
            self.evidence[self.evidence["doc_id"] == doc_id],
            self.mentions[self.mentions["doc_id"] == doc_id],
            notes,
        )

    def _why_not(self, doc_id) -> str:
        """A hint for an id that is not a scored document: ids are strings, or it was rejected."""
        if str(doc_id) in self.texts.index:
            return f" (ids are strings: explain({str(doc_id)!r}))"
        rejected = self.rejects[self.rejects["doc_id"] == str(doc_id)]
        if len(rejected):
            return f" (rejected: {rejected['reason'].iloc[0]}; see scores.rejects)"
        return ""


@dataclass
class Explanation:
    """A rendering of one document's evidence, and of why its sentences took their stance
    (`notes`, with the stance model's stance)."""

    doc_id: str
    text: str
    evidence: pd.DataFrame
    mentions: pd.DataFrame
    notes: tuple[str, ...] = ()

    def _marks(self) -> list[tuple[int, int, str, str]]:
        marks = [
            (r.start, r.end, f"{r.cue} {r.stance:+d}{' negated' if r.negated else ''}", r.theme)
            for r in self.evidence.itertuples()
        ]
        marks += [(r.start, r.end, r.lab, "lab") for r in self.mentions.itertuples()]
        return sorted(marks)

    def __str__(self) -> str:
        pieces, cursor = [], 0
        for start, end, label, _ in self._marks():
            if start < cursor:
                continue
            pieces += [self.text[cursor:start], f"[{self.text[start:end]}]{{{label}}}"]
            cursor = end
        pieces.append(self.text[cursor:])
        notes = "\n\n" + "\n".join(self.notes) if self.notes else ""
        return f"{self.doc_id}\n" + "".join(pieces) + notes

    __repr__ = __str__  # at a Python prompt, the marked text rather than a dump of the tables

    def _repr_html_(self) -> str:
        colours = {"transparency": "#cce5ff", "safety": "#ffd6cc", "control": "#e0d4f5", "lab": "#fff3b0"}
        pieces, cursor = [], 0
        for start, end, label, kind in self._marks():
            if start < cursor:
                continue
            pieces.append(html.escape(self.text[cursor:start]))
            pieces.append(
                f'<mark style="background:{colours.get(kind, "#eee")}" title="{html.escape(label)}">'
                f"{html.escape(self.text[start:end])}</mark>"
            )
            cursor = end
        pieces.append(html.escape(self.text[cursor:]))
        notes = "".join(f"\n<small>{html.escape(note)}</small>" for note in self.notes)
        return f'<div style="white-space:pre-wrap;line-height:1.5"><b>{html.escape(self.doc_id)}</b>\n{"".join(pieces)}{notes}</div>'


class Scorer:
    """A rubric and a lab registry compiled into matchers on `engine` (see
    `openness.core.matcher`), reused for every chunk."""

    def __init__(self, rubric: Rubric, labs: LabRegistry, engine: str = "auto"):
        self.rubric, self.labs = rubric, labs
        self.n_cues, self.n_labs = len(rubric.cues), len(labs.patterns)
        # Negators and context words that stay within one word ("not", "model*", "AI") are
        # looked for only in the sentences that need them (those with a cue hit, those with a
        # cue that needs a context), by matchers of their own: in the whole text such words are
        # most of the raw hits. A phrase among them may reach across the whitespace between
        # two sentences, so it is found with the cues and labs, in the whole text.
        negator_words = [p for p in rubric.negators if stays_in_word(p)]
        negator_phrases = [p for p in rubric.negators if not stays_in_word(p)]
        context_patterns = [(i, p) for i, context in enumerate(rubric.contexts) for p in context.patterns]
        context_words = [(i, p) for i, p in context_patterns if stays_in_word(p)]
        context_phrases = [(i, p) for i, p in context_patterns if not stays_in_word(p)]
        self.n_negator_phrases = len(negator_phrases)
        patterns = ([c.pattern for c in rubric.cues] + list(labs.patterns) + negator_phrases
                    + [p for _, p in context_phrases])
        self.matcher = Matcher(patterns, engine)
        self.negator_word_matcher = Matcher(negator_words, engine)
        self.context_word_matcher = Matcher([p for _, p in context_words], engine)
        self.pattern_context = np.array([i for i, _ in context_phrases], dtype=np.int64)
        self.context_word_context = np.array([i for i, _ in context_words], dtype=np.int64)
        context_index = {context.id: i for i, context in enumerate(rubric.contexts)}
        self.cue_context = np.array([context_index.get(c.context, -1) for c in rubric.cues], dtype=np.int64)
        self.cue_stance_context = np.array([context_index.get(c.stance_context, -1) for c in rubric.cues],
                                           dtype=np.int64)
        self.context_labs = np.array([c.labs for c in rubric.contexts], dtype=bool)
        self.cue_theme = np.array([THEMES.index(c.theme) for c in rubric.cues], dtype=np.int64)
        self.cue_blocks = np.array([c.blocks for c in rubric.cues], dtype=bool)
        stance = np.array([c.stance for c in rubric.cues], dtype=np.int64)
        negated_factor = {"flip": -1, "zero": 0, "keep": 1}
        self.cue_stance = stance
        self.cue_negated_stance = stance * np.array([negated_factor[c.negation] for c in rubric.cues], dtype=np.int64)
        # labs as codes into their sorted ids, so that codes sort as the ids do; -1 for a blocker
        self.lab_ids = np.array(sorted({lab for lab in labs.pattern_lab if lab}), dtype=object)
        code = {lab: index for index, lab in enumerate(self.lab_ids)}
        self.pattern_lab = np.array([code.get(lab, -1) for lab in labs.pattern_lab], dtype=np.int64)
        self.cue_criterion = np.array([c.criterion for c in rubric.cues], dtype=object)
        self.cue_id = np.array([c.id for c in rubric.cues], dtype=object)
        self.cue_skips_references = np.array([c.skip_in_references for c in rubric.cues], dtype=bool)

    def score(self, docs: pd.DataFrame) -> Scores:
        ids = _storable_ids(docs["doc_id"])
        # plain str objects: pandas' Arrow strings cannot hold the lone surrogates of bad decoding
        texts = [t if type(t) is str else ("" if pd.isna(t) else str(t)) for t in docs["text"].tolist()]
        lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
        doc_start = np.concatenate([[0], np.cumsum(lengths + len(_SEPARATOR))[:-1]]).astype(np.int64)
        joined = _SEPARATOR.join(texts)

        # sentences, as global spans
        bounds = [sentence_bounds(t) for t in texts]
        n_sent = np.fromiter((len(b) // 2 for b in bounds), dtype=np.int64, count=len(bounds))
        sent_doc = np.repeat(np.arange(len(texts)), n_sent)
        sent_index = np.arange(n_sent.sum()) - np.repeat(np.cumsum(n_sent) - n_sent, n_sent)
        sent_span = np.fromiter(itertools.chain.from_iterable(bounds), dtype=np.int64, count=2 * int(n_sent.sum()))
        sent_span = sent_span.reshape(-1, 2) + doc_start[sent_doc, None]

        # hits, split by layer and resolved
        data = joined.encode("ascii") if joined.isascii() else joined.encode("utf-8", "surrogatepass")
        code_point = code_points(data) if len(data) != len(joined) else None
        byte_start = doc_start if code_point is None else np.searchsorted(code_point, doc_start)
        pattern, start, end = self.matcher.scan_bytes(data, byte_start)  # no hit spans two documents
        word_start = _word_starts(data)
        if code_point is not None:  # byte offsets -> code-point offsets
            start, end, word_start = code_point[start], code_point[end], code_point[word_start]
            word_start = _split_at_unicode_spaces(joined, data, code_point, word_start)
        is_cue, is_lab = pattern < self.n_cues, (pattern >= self.n_cues) & (pattern < self.n_cues + self.n_labs)
        first_context = self.n_cues + self.n_labs + self.n_negator_phrases
        is_neg = (pattern >= self.n_cues + self.n_labs) & (pattern < first_context)
        lab = self._in_context(_resolve(start, end, is_lab), pattern, start, doc_start, texts)
        words_before = np.searchsorted(word_start, sent_span)  # at each sentence start and end
        sent_words = words_before[:, 1] - words_before[:, 0]
        lab_sent = _sentence_of(sent_span, start[lab])
        cue = np.flatnonzero(is_cue)
        cue_sent = _sentence_of(sent_span, start[cue])
        in_reference_line = self.cue_skips_references[pattern[cue]]  # a public body named there is no hit
        in_reference_line[in_reference_line] = in_references(joined, sent_span, sent_index,
                                                             cue_sent[in_reference_line])
        cue, cue_sent = cue[~in_reference_line], cue_sent[~in_reference_line]
        held = self._contexts_held(pattern, start, cue, cue_sent, lab_sent, lab, sent_span, first_context, joined)
        # out of its context a cue is dropped before overlaps are resolved: it takes no span from another
        cue = cue[self._context_of(self.cue_context, pattern[cue], cue_sent, held)]
        cue = self._per_theme(pattern, start, end, cue)
        cue = cue[~self.cue_blocks[pattern[cue]]]  # a blocker has won its words from the cues it overlaps
        cue_sent = _sentence_of(sent_span, start[cue])

        neg_end, neg_sent = self._negators(joined, sent_span, start[is_neg], end[is_neg], cue_sent)
        negated = self._negated(start[cue], cue_sent, neg_end, neg_sent, joined)
        cue_id = pattern[cue]
        signed = np.where(negated, self.cue_negated_stance[cue_id], self.cue_stance[cue_id])
        signed = np.where(self._context_of(self.cue_stance_context, cue_id, cue_sent, held), signed, 0)
        theme = self.cue_theme[cue_id]

        lab_code = self.pattern_lab[pattern[lab] - self.n_cues]
        real = lab_code >= 0
        lab, lab_sent, lab_code = lab[real], lab_sent[real], lab_code[real]
        cue_doc, lab_doc = sent_doc[cue_sent], sent_doc[lab_sent]

        n_total = len(sent_span)
        sent_counts = _by_theme(cue_sent, theme, n_total)
        sent_stance = _by_theme(cue_sent, theme, n_total, weights=signed)
        sent_labs = _labs_per_unit(lab_sent, lab_code, self.lab_ids, n_total)
        doc_counts = _by_theme(cue_doc, theme, len(texts))
        doc_stance = _by_theme(cue_doc, theme, len(texts), weights=signed)
        doc_words = np.bincount(sent_doc, weights=sent_words, minlength=len(texts)).astype(np.int64)
        doc_labs = _labs_per_unit(lab_doc, lab_code, self.lab_ids, len(texts))

        doc_id = np.array(ids, dtype=object)
        rubric = {"rubric_id": self.rubric.id, "rubric_version": self.rubric.version, "rubric_hash": self.rubric.hash}
        documents = _table({
            "doc_id": doc_id,
            "n_words": doc_words,
            **_theme_columns(doc_counts, doc_stance, doc_labs),
            "n_sentences": n_sent,
            **{f"{name}_rate": _rate(doc_counts[:, t], doc_words) for t, name in enumerate(THEMES)},
            **{key: np.full(len(ids), value, dtype=object) for key, value in rubric.items()},
        })
        sentences = _table({
            "doc_id": doc_id[sent_doc],
            "sentence": sent_index,
            "start": sent_span[:, 0] - doc_start[sent_doc],
            "end": sent_span[:, 1] - doc_start[sent_doc],
            "n_words": sent_words,
            **_theme_columns(sent_counts, sent_stance, sent_labs),
        })
        evidence = _table({
            "doc_id": doc_id[cue_doc],
            "sentence": sent_index[cue_sent],
            "start": start[cue] - doc_start[cue_doc],
            "end": end[cue] - doc_start[cue_doc],
            "theme": _THEME_NAMES[theme],
            "criterion": self.cue_criterion[cue_id],
            "cue": self.cue_id[cue_id],
            "stance": signed,
            "negated": negated,
        })
        mentions = _table({
            "doc_id": doc_id[lab_doc],
            "sentence": sent_index[lab_sent],
            "lab": self.lab_ids[lab_code],
            "start": start[lab] - doc_start[lab_doc],
            "end": end[lab] - doc_start[lab_doc],
        })
        return Scores(
            documents=documents,
            sentences=sentences,
            evidence=evidence,
            mentions=mentions,
            lab_frames=_lab_frames(
                doc_id, sent_doc, sent_index, cue_sent, theme, signed, negated, lab_sent, lab_code, self.lab_ids
            ),
            rubric=self.rubric,
            texts=pd.Series(texts, index=pd.Index(ids, name="doc_id"), dtype=object),
        )

    def _in_context(self, lab: np.ndarray, pattern: np.ndarray, start: np.ndarray, doc_start: np.ndarray,
                    texts: list[str]) -> np.ndarray:
        """The lab hits `lab` less those of a name that needs a context in a document without one
        (`labs.without_context`, as `find_mentions` reads one document)."""
        doc = np.searchsorted(doc_start, start[lab], side="right") - 1
        return lab[~without_context(self.labs, pattern[lab] - self.n_cues, doc, texts)]

    def _contexts_held(self, pattern, start, cue, cue_sent, lab_sent, lab, sent_span, first_context,
                       joined) -> np.ndarray:
        """The contexts held by the sentences of the cue hits (`cue`, before overlaps are
        resolved) that need one, to count (`context`) or to take their side (`stance_context`):
        sorted codes sentence * n_contexts + context. Found once for both, so that context
        words are looked for once per sentence."""
        n_contexts = len(self.context_labs)
        needs = (self.cue_context[pattern[cue]] >= 0) | (self.cue_stance_context[pattern[cue]] >= 0)
        if not needs.any():
            return np.zeros(0, dtype=np.int64)
        in_context = pattern >= first_context
        found = [_sentence_of(sent_span, start[in_context]) * n_contexts
                 + self.pattern_context[pattern[in_context] - first_context]]
        sentence, word, _, _ = _scan_sentences(self.context_word_matcher, joined, sent_span,
                                               np.unique(cue_sent[needs]))
        found.append(sentence * n_contexts + self.context_word_context[word])
        real_lab_sent = lab_sent[self.pattern_lab[pattern[lab] - self.n_cues] >= 0]
        found += [real_lab_sent * n_contexts + context for context in np.flatnonzero(self.context_labs)]
        return np.unique(np.concatenate(found))

    def _context_of(self, cue_needs: np.ndarray, cue_id: np.ndarray, cue_sent: np.ndarray,
                    held: np.ndarray) -> np.ndarray:
        """Per cue hit (rubric cue `cue_id` in sentence `cue_sent`), whether it needs no context
        of `cue_needs` (per cue: index into the rubric's contexts, -1 for none) or its sentence
        holds it (`held`, of `_contexts_held`)."""
        needs = cue_needs[cue_id]
        if not len(held):
            return needs < 0
        code = cue_sent * len(self.context_labs) + needs
        at = np.minimum(np.searchsorted(held, code), len(held) - 1)  # a binary search: `held` is sorted
        return (needs < 0) | (held[at] == code)

    def _negators(self, joined, sent_span, phrase_start, phrase_end, cue_sent) -> tuple[np.ndarray, np.ndarray]:
        """End and sentence of the negators that win leftmost-longest among all negators, in
        the sentences that hold a cue hit and those that a negator phrase touches, ordered.
        Negator words elsewhere change nothing: one lies within a single word, so it competes
        only with the negators that overlap that word, all in these sentences when a phrase is
        among them; and when it is the last negator before a cue, it is in another sentence
        than the cue, as any negator before it is."""
        first, last = _sentence_of(sent_span, phrase_start), _sentence_of(sent_span, phrase_end - 1)
        reach = last - first + 1
        touched = np.repeat(first, reach) + np.arange(reach.sum()) - np.repeat(np.cumsum(reach) - reach, reach)
        _, _, word_start, word_end = _scan_sentences(self.negator_word_matcher, joined, sent_span,
                                                     np.union1d(cue_sent, touched))
        start, end = np.concatenate([phrase_start, word_start]), np.concatenate([phrase_end, word_end])
        order = np.lexsort((-end, start))  # as the matcher orders hits
        kept = order[leftmost_longest(start[order], end[order])]
        return end[kept], _sentence_of(sent_span, start[kept])

    def _per_theme(self, pattern, start, end, cue) -> np.ndarray:
        """The cue hits that win leftmost-longest among the overlapping hits of their own theme,
        in scan order. Themes are coded independently, so a transparency cue must not take a span
        from a control cue ("restrict access" is both); within a theme overlaps count once."""
        theme = self.cue_theme[pattern[cue]]
        kept = [layer[leftmost_longest(start[layer], end[layer])]
                for layer in (cue[theme == t] for t in range(len(THEMES)))]
        return np.sort(np.concatenate(kept))

    def _negated(self, cue_start, cue_sent, neg_end, neg_sent, joined: str) -> np.ndarray:
        """Per cue hit, whether the nearest negator before it ends in its sentence, within the
        window, with no clause break between them (`_CLAUSE_BREAK`: "not X – Y" negates X, not Y)."""
        if len(neg_end) == 0:
            return np.zeros(len(cue_start), dtype=bool)
        before = np.searchsorted(neg_end, cue_start, side="right") - 1
        nearest = np.clip(before, 0, None)
        negated = (
            (before >= 0)
            & (neg_sent[nearest] == cue_sent)
            & (cue_start - neg_end[nearest] <= self.rubric.negation_window)
        )
        for i in np.flatnonzero(negated).tolist():  # few: looked at one by one
            negated[i] = not _CLAUSE_BREAK.search(joined, int(neg_end[nearest[i]]), int(cue_start[i]))
        return negated


# between a negator and a cue, a break that ends the negator's reach: a dash set off by spaces,
# an em dash, an en dash not between two digits (2020–2023 is a range), a semicolon or a colon
# before a space (not v1:2)
_CLAUSE_BREAK = re.compile(r"\s[-–—]\s|—|(?<!\d)–|–(?!\d)|[;:](?=\s)")


def _storable_ids(values: pd.Series) -> list[str]:
    """The ids as Python strings, refused with their row when one holds a lone surrogate (an
    id decoded with errors): it could not be written as UTF-8."""
    ids = [str(i) for i in values.tolist()]
    if LONE_SURROGATE.search("".join(ids)):
        row = next(row for row, doc_id in enumerate(ids) if LONE_SURROGATE.search(doc_id))
        raise ValueError(f"doc_id {ids[row]!r} (row {row}) holds a lone surrogate (text decoded with errors): "
                         "it cannot be written as UTF-8; decode the ids with errors='replace'")
    return ids


def _resolve(start, end, mask) -> np.ndarray:
    """Indices (into the hit arrays) of the hits of one layer that win leftmost-longest."""
    layer = np.flatnonzero(mask)
    return layer[leftmost_longest(start[layer], end[layer])]


def _scan_sentences(matcher: Matcher, joined: str, sent_span: np.ndarray, sentences: np.ndarray):
    """The hits of `matcher`, whose patterns stay within one word, in `sentences` of the text
    `joined`, as (sentence, pattern, start, end), offsets into `joined`. The sentences are
    scanned laid end to end, a line break between two: no such hit crosses it, and `\\b`
    sees there what it sees in the text, where whitespace separates sentences."""
    span = sent_span[sentences]
    # two flat lists: a 2-D tolist() makes a list per sentence, enough short-lived containers
    # to set off the garbage collector's full passes (a tenth of the scoring time)
    pieces = [joined[s:e] for s, e in zip(span[:, 0].tolist(), span[:, 1].tolist())]
    piece, pattern, start, end = matcher.scan_pieces(pieces)
    return sentences[piece], pattern, start + span[piece, 0], end + span[piece, 0]


def _sentence_of(sent_span: np.ndarray, positions: np.ndarray) -> np.ndarray:
    return np.searchsorted(sent_span[:, 0], positions, side="right") - 1


def _word_starts(data: bytes) -> np.ndarray:
    """Byte offsets where a whitespace-separated token starts (ASCII whitespace; see
    _split_at_unicode_spaces for the rest), found with numpy one block at a time: temporaries
    the size of the whole text cost more in page faults and memory traffic than the work."""
    found, previous_in_word = [np.zeros(0, dtype=np.int64)], False
    for at in range(0, len(data), _BLOCK):
        in_word = np.frombuffer(data[at : at + _BLOCK].translate(_BYTE_IN_WORD), dtype=bool)
        starts = np.empty(len(in_word), dtype=bool)
        starts[0] = in_word[0] and not previous_in_word
        np.greater(in_word[1:], in_word[:-1], out=starts[1:])
        found.append(np.flatnonzero(starts) + at)
        previous_in_word = in_word[-1]
    return np.concatenate(found)


def _split_at_unicode_spaces(text: str, data: bytes, code_point: np.ndarray, word_start: np.ndarray) -> np.ndarray:
    """Token starts (code points) corrected for the rare non-ASCII whitespace characters
    (no-break space, em space, ...): they start no token, and the character after one does."""
    spaces = code_point[[m.start() for m in _UNICODE_SPACE.finditer(data)]]
    if not len(spaces):
        return word_start
    after = [p + 1 for p in spaces.tolist() if p + 1 < len(text) and not text[p + 1].isspace()]
    return np.union1d(np.setdiff1d(word_start, spaces), np.asarray(after, dtype=np.int64))


def _by_theme(unit: np.ndarray, theme: np.ndarray, n_units: int, weights=None) -> np.ndarray:
    flat = np.bincount(unit * len(THEMES) + theme, weights=weights, minlength=n_units * len(THEMES))
    return flat.astype(np.int64).reshape(n_units, len(THEMES))


def _labs_per_unit(unit: np.ndarray, lab: np.ndarray, lab_ids: np.ndarray, n_units: int) -> np.ndarray:
    """Sorted lab ids joined by ';' per unit, '' where none. `lab` holds codes into the
    sorted `lab_ids`; the ids are joined one position at a time over all units at once."""
    pair_unit, pair_lab = _unique_pairs(unit, lab, len(lab_ids))
    first = np.flatnonzero(np.diff(pair_unit, prepend=-1))  # each unit's first pair
    n_labs = np.diff(np.append(first, len(pair_unit)))
    joined = lab_ids[pair_lab[first]]
    for position in range(1, n_labs.max(initial=0)):
        more = n_labs > position
        joined[more] = joined[more] + ";" + lab_ids[pair_lab[first[more] + position]]
    out = np.full(n_units, "", dtype=object)
    out[pair_unit[first]] = joined
    return out


def _unique_pairs(unit: np.ndarray, code: np.ndarray, n_codes: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (unit, code) pairs, sorted by unit, then code."""
    pairs = np.unique(unit * n_codes + code)
    return pairs // n_codes, pairs % n_codes


def _theme_columns(counts: np.ndarray, stance: np.ndarray, labs: np.ndarray) -> dict[str, np.ndarray]:
    """Per theme the hit count, then per theme the stance sum, then stance and labs."""
    return {
        **{name: counts[:, t] for t, name in enumerate(THEMES)},
        **{f"{name}_stance": stance[:, t] for t, name in enumerate(THEMES)},
        "stance": STANCE_BY_SIGN[np.sign(stance.sum(axis=1)) + 1],
        "labs": labs,
    }


def _table(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """A table built in one go; text columns stay Python strings (object dtype): converting
    hundreds of thousands of them to pandas' Arrow strings would cost more than the scoring
    around it, and the CSV written is the same."""
    return pd.DataFrame({
        name: pd.Series(values, dtype=object, copy=False) if values.dtype == object else values
        for name, values in columns.items()
    })


def _rate(counts: np.ndarray, words: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(words > 0, counts * 1000.0 / np.maximum(words, 1), 0.0)


def _lab_frames(
    doc_id: np.ndarray, sent_doc: np.ndarray, sent_index: np.ndarray,
    cue_sent: np.ndarray, theme: np.ndarray, signed: np.ndarray, negated: np.ndarray,
    lab_sent: np.ndarray, lab_code: np.ndarray, lab_ids: np.ndarray,
) -> pd.DataFrame:
    """Per document x lab x theme: the hits in sentences that name the lab, sorted by
    doc_id, lab and theme name. A sentence is known by its doc_id and number, so documents
    sharing a doc_id are one document here. Each cue hit is paired with every distinct lab
    of its sentence (a binary search in the sorted sentence-lab pairs), then grouped."""
    doc_names, doc_rank = np.unique(doc_id, return_inverse=True)
    n_places = sent_index.max(initial=0) + 1
    place = doc_rank[sent_doc] * n_places + sent_index
    pair_place, pair_lab = _unique_pairs(place[lab_sent], lab_code, len(lab_ids))
    cue_place = place[cue_sent]
    first = np.searchsorted(pair_place, cue_place, side="left")
    n_pairs = np.searchsorted(pair_place, cue_place, side="right") - first
    hit = np.repeat(np.arange(len(cue_place)), n_pairs)
    pair = np.repeat(first - np.cumsum(n_pairs) + n_pairs, n_pairs) + np.arange(len(hit))
    key = (cue_place[hit] // n_places * len(lab_ids) + pair_lab[pair]) * len(THEMES) + _THEME_RANK[theme[hit]]
    groups, group = np.unique(key, return_inverse=True)
    doc_lab, theme_rank = np.divmod(groups, len(THEMES))
    return pd.DataFrame({  # text columns get the dtype pandas infers, as a groupby's keys do
        "doc_id": doc_names[doc_lab // len(lab_ids)],
        "lab": lab_ids[doc_lab % len(lab_ids)],
        "theme": _THEMES_BY_NAME[theme_rank],
        "hits": np.bincount(group, minlength=len(groups)).astype(np.int64),
        "stance": np.bincount(group, weights=signed[hit], minlength=len(groups)).astype(np.int64),
        "negated": np.bincount(group, weights=negated[hit], minlength=len(groups)).astype(np.int64),
    })


@lru_cache(maxsize=8)
def _cached_scorer(rubric_key, labs_key) -> Scorer:
    return Scorer(load_rubric(rubric_key), load_labs(labs_key))


def get_scorer(rubric: Rubric | str | None = None, labs: LabRegistry | str | None = None) -> Scorer:
    """A scorer for these inputs; files (or the defaults) are compiled once per process."""
    if isinstance(rubric, Rubric) or isinstance(labs, LabRegistry):
        return Scorer(
            rubric if isinstance(rubric, Rubric) else load_rubric(rubric),
            labs if isinstance(labs, LabRegistry) else load_labs(labs),
        )
    return _cached_scorer(None if rubric is None else str(rubric), None if labs is None else str(labs))


def score(corpus: Corpus | pd.DataFrame | str | os.PathLike, rubric: Rubric | str | None = None,
          labs: LabRegistry | str | None = None) -> Scores:
    """Score every document and sentence of `corpus` on `rubric` (default: the shipped openness
    rubric): a Corpus, or a DataFrame with a `text` column or a file or folder, read as
    `read_corpus` reads them with its defaults (ids from `doc_id`, else an `id` column, else
    row numbers; call it first to name a column or an encoding, or to see its flags). The
    stance is the rubric's, as in the committed tables; `openness.with_model_stance(scores)`
    gives the stance model's, as `openness score` does.

    Rows those rules reject (a missing or repeated id, a missing, non-text, empty or
    repeated text) are not scored: they are in `scores.rejects` (location `row N` counted
    from 0, doc_id, reason), and a warning says how many. A lone surrogate in an id becomes
    U+FFFD, as `read_corpus` makes it. An attribute beside the tables,
    as `Corpus.rejects` sits beside `Corpus.docs`, rather than a second return value or an
    exception: good input gives the same Scores as ever, `score(df).documents` keeps
    working, and a pandas user finds what was left out where the tables are."""
    if not isinstance(corpus, Corpus):
        # its own warning below; a missing text column is a CorpusError naming the columns there are
        doc_ids = isinstance(corpus, pd.DataFrame) and "doc_id" in corpus.columns
        try:
            corpus = read_quietly(corpus, id="doc_id" if doc_ids else None)
        except CorpusError as error:
            if not error.missing:
                raise
            hinted = CorpusError(f"{error.reason} (read it first to pick one: "
                                 f'openness.score(openness.read_corpus(..., {error.missing}="...")))')
            hinted.reason, hinted.missing = error.reason, error.missing  # as CorpusError keeps them
            raise hinted from None
        if len(corpus.rejects):
            warnings.warn(f"{rejects_line(len(corpus.rejects), corpus.n_read, corpus.rejects, 'rows not scored')}; "
                          "see scores.rejects", RejectsWarning, stacklevel=2)
    scores = score_rows(corpus.docs, rubric, labs)
    scores.rejects = corpus.rejects
    return scores


def score_rows(docs: pd.DataFrame, rubric: Rubric | str | None = None, labs: LabRegistry | str | None = None) -> Scores:
    """Score every row of `docs` (`doc_id`, `text`) as it is, one document per row, rejecting
    none: for the tables this package builds itself, whose rows must stay aligned with their
    scores. A user's table goes through `score`."""
    return get_scorer(rubric, labs).score(docs)
