"""The stance model: the rubric's side where its stance cues take one, and elsewhere a
linear classifier that reads a sentence's words.

The rubric's stance is the sign of its summed cue stances; most arguments for or against
open release carry no telling cue, so it calls them neutral. The model weighs every word
and pair of adjacent words of a sentence (TF-IDF) in a linear SVM, and it learns from the
sentences it will decide (`model_decides`): those with a cue hit whose cues take no side
(`reads="cue"`, the shipped design), or every sentence whose cues take no side
(`reads="all"`: as good in cross-validation, but twice the scorer's time). Where the
rubric's cues do take a side, that side stands: a model deciding every sentence (cue counts
among its features) did better in grouped cross-validation on the dev sentences but far
worse when a whole source was held out (trained on the newsletter, which has no pro-closed
sentence, it cannot say pro-closed of the NTIA comments). The shipped design (with the
rubric's cue counts, `cues`) is the one with the best mean of grouped cross-validation and
leaving a source out on the dev and gold2 sentences among those the scorer's time affords
(`openness.analysis.protocol.select_stance`; the candidates and their figures are in the
protocol's docstring).

- Unit: the model decides per sentence. A sentence whose cues take a side gets the
  rubric's side; the model reads the others (with `reads="cue"`, a sentence without any
  cue hit stays neutral unread). The protocol measures the model with these rules in place.
- Frame (`frame`, a context of the shipped rubric, "" for none; the shipped model's is
  `open_or_closed`): the model gives a side only to a sentence that holds a word of that
  context (words of open or closed release), else neutral, as the rubric's cues of risk,
  power and regulation take their side only there (`stance_context`). The codebook's stance
  is toward openness; on news, where a sentence rarely takes a side, the model's sides on
  sentences that never speak of open or closed release were mostly wrong. The model stores
  those words (`frame_words`, taken from the shipped rubric when it is fitted) and finds them
  with the scorer's matcher, so it decides the same way whichever rubric a user scores with.
- Document stance: the sign of (pro_open sentences - pro_closed sentences), as the
  rubric's is the sign of the summed cue stances; a one-sentence document gets its
  sentence's decision. The `<theme>_stance` columns stay the rubric's evidence.
- Shipped fitted: `openness/core/models/stance.json` holds the vocabulary (words and pairs
  of words, nothing longer: no phrases or sentences), IDF weights, coefficients and the
  SHA-256 of the rows it was fitted from and which sentences it reads (`reads`); `python
  scripts/fit_stance_model.py MIRROR` refits it on the gold dev, gold2 and check sentences,
  byte for byte the same. Loading needs no network and no pickle. The format can also hold
  the rubric's cue features (`cues`), which the protocol's `combined` candidates read.
- `explain(text)` lists the rubric's cue hits in the text and, for the model's decision,
  the words (and cue features, if the model reads them) that pushed it: feature value
  times the coefficient of the chosen class; and says whether the rubric's side stood
  (or, with `reads="cue"`, no cue was hit). `Scores.explain` and the explorer say the same
  of the sentences of scores this model gave their stance (`document_notes`, `sentence_reason`).
"""
from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from openness.core.io import atomic_path
from openness.core.matcher import Matcher, Pattern
from openness.core.rubric import load_rubric
from openness.core.scoring import Scores, score_rows
from openness.vocab import CV_SEED as SEED, STANCES, THEMES

CLASSES = ("neutral", "pro_closed", "pro_open")  # sorted, as scikit-learn orders them
CUE_FEATURES = (*THEMES, *(f"{theme}_stance" for theme in THEMES))
CUE_NAMES = (*(f"cue:{name}" for name in CUE_FEATURES), "cue:stance>0", "cue:stance<0")
MODEL_FILE = Path(__file__).parent / "models" / "stance.json"
FORMAT = "openness-stance-model/1"
FRAME = "open_or_closed"  # the rubric's context whose words a sentence must hold for the model to give it a side
READS = ("cue", "all")  # the model decides sentences without a side that hold a cue hit, or all of them
# Words: runs of ASCII letters, digits and _ and of non-ASCII characters, lowercased, of
# two bytes or more; these marks and every other ASCII character separate them.
_SEPARATING_MARKS = ("\u00a0\u00ab\u00b7\u00bb\u2010\u2011\u2012\u2013\u2014\u2015"
                     "\u2018\u2019\u201a\u201c\u201d\u201e\u2022\u2026")
_BREAK_MARK = "\x01"  # between texts joined for one pass; kept as a word of its own
_BREAK = f" {_BREAK_MARK} "
_BREAK_BYTES = _BREAK_MARK.encode()
_BREAK_COLUMN = -2
_BREAK_ID = -2  # the break's word id
NGRAM_RANGE = (1, 2)  # words and pairs of adjacent words
_BYTE_CLASS = bytes(b if chr(b).isalnum() or chr(b) in "_" + _BREAK_MARK or b >= 128 else 32
                    for b in range(256)).lower()
_DIGITS = 10  # stored numbers are rounded so that the file is the same bytes on every machine


def cue_features(table: pd.DataFrame) -> np.ndarray:
    """The rubric's evidence per unit (rows of a documents or sentences table): hits and
    signed stance sums per theme on a signed log scale, and whether the summed stance is
    positive or negative."""
    values = table[list(CUE_FEATURES)].to_numpy(dtype=float)
    total = np.sign(values[:, len(THEMES):].sum(axis=1))
    scaled = np.sign(values) * np.log1p(np.abs(values))
    return np.column_stack([scaled, total > 0, total < 0]).astype(float)


def _pieces(text: str) -> list[bytes]:
    for mark in _SEPARATING_MARKS:
        if mark in text:
            text = text.replace(mark, " ")
    return text.encode("utf-8", "surrogatepass").translate(_BYTE_CLASS).split()


def tokenize(text: str) -> list[str]:
    """The words the model reads in one text (see `_BYTE_CLASS`): by byte operations, so
    that the scorer can split all sentences at once in a few C-speed passes."""
    pieces = _pieces(text.replace(_BREAK_MARK, " "))
    return [piece.decode("utf-8", "surrogatepass") for piece in pieces if len(piece) > 1]


def has_cue(table: pd.DataFrame) -> np.ndarray:
    """Whether the rubric found any theme cue in each unit: the units the model may read."""
    return table[list(THEMES)].to_numpy().sum(axis=1) > 0


def rubric_side(table: pd.DataFrame) -> np.ndarray:
    """The sign of each unit's summed cue stances (-1, 0, +1): where it is not 0, the rubric's
    side stands and the model is not asked."""
    return np.sign(table[[f"{theme}_stance" for theme in THEMES]].to_numpy().sum(axis=1)).astype(np.int64)


def model_decides(table: pd.DataFrame, reads: str) -> np.ndarray:
    """The units the model decides: no side from the rubric's cues and, when `reads` is
    "cue", at least one cue hit (`READS`)."""
    undecided = rubric_side(table) == 0
    return undecided & has_cue(table) if reads == "cue" else undecided


def _vectorizer(vocabulary: Sequence[str] | None = None):
    """scikit-learn's TF-IDF with the model's words (imported here: deciding needs no
    scikit-learn, so that a scoring worker starts fast)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=False, min_df=2,
                           ngram_range=NGRAM_RANGE, sublinear_tf=True, dtype=np.float64,
                           vocabulary=None if vocabulary is None else {term: i for i, term in enumerate(vocabulary)})


@dataclass(frozen=True)
class StanceModel:
    """A fitted stance model: everything needed to decide, as plain arrays."""

    classes: tuple[str, ...]
    vocabulary: tuple[str, ...]
    idf: np.ndarray  # per vocabulary term
    coef: np.ndarray  # classes x (vocabulary + cue features)
    intercept: np.ndarray  # per class
    cues: bool  # whether the rubric's cue features are part of the input
    reads: str  # which sentences whose cues take no side the model decides: `READS`
    trained_on: str  # SHA-256 of the training rows (ids, texts, labels): `training_hash`
    n_train: int
    frame: str = ""  # the context of the shipped rubric whose words a sentence must hold for the model to give it a side
    frame_words: tuple[Pattern, ...] = ()  # those words, stored with the model

    @cached_property
    def _frame_matcher(self) -> Matcher:
        return Matcher(self.frame_words)

    def framed(self, texts: Sequence[str]) -> np.ndarray:
        """Whether each text holds a word of the model's frame (all True without a frame),
        found in one pass of the matcher over the texts laid end to end."""
        if not self.frame_words:
            return np.ones(len(texts), dtype=bool)
        held = np.zeros(len(texts), dtype=bool)
        held[self._frame_matcher.scan_pieces(texts)[0]] = True
        return held

    @property
    def feature_names(self) -> list[str]:
        return [*self.vocabulary, *(CUE_NAMES if self.cues else ())]

    def features(self, texts: Sequence[str], cue_table: pd.DataFrame | None) -> sp.csr_matrix:
        words = self._words(texts)
        if not self.cues:
            return words
        return sp.hstack([words, sp.csr_matrix(cue_features(cue_table))], format="csr")

    def _words(self, texts: Sequence[str]) -> sp.csr_matrix:
        """TF-IDF of the vocabulary's words and word pairs, exactly as the fitted
        `TfidfVectorizer` (words of `tokenize`, pairs of adjacent ones, sublinear tf, l2
        norm) computes it, but in a few vectorised steps over all texts at once: its
        per-text Python loop would cost more than the scorer itself."""
        joined = _BREAK.join(texts)
        if joined.count(_BREAK_MARK) != max(len(texts) - 1, 0):  # a text holds the break character itself
            joined = _BREAK.join(text.replace(_BREAK_MARK, " ") for text in texts)
        pieces = _pieces(joined)
        # the words of `tokenize` (two bytes or more) and the one-byte break between texts
        kept = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces)) > 1
        short = np.flatnonzero(~kept)
        kept[short] = [pieces[i] == _BREAK_BYTES for i in short.tolist()]
        words = list(itertools.compress(pieces, kept))
        # each word as its id among the vocabulary's words (-1 for none of them, _BREAK_ID for
        # the break between texts) and as its column (-1 for a word that is no term alone)
        term_column, pair_key, pair_column = self._lookup
        word = np.fromiter(map(self._word_ids.get, words, itertools.repeat(-1)), dtype=np.int64, count=len(words))
        column = term_column[word]
        unit = np.cumsum(column == _BREAK_COLUMN)
        # each pair of adjacent words as its column, found by the two words' ids among the
        # sorted keys of the vocabulary's pairs: numpy, not a dictionary per pair (a pair
        # across a break or with an unknown word has key -1, which no pair has)
        n_ids = len(term_column) - 2
        key = np.where((word[:-1] >= 0) & (word[1:] >= 0), word[:-1] * n_ids + word[1:], -1)
        at = np.minimum(np.searchsorted(pair_key, key), len(pair_key) - 1)
        pairs = np.where(pair_key[at] == key, pair_column[at], -1)
        column, unit = np.concatenate([column, pairs]), np.concatenate([unit, unit[:-1]])
        found = column >= 0
        counts = sp.csr_matrix((np.ones(int(found.sum())), (unit[found], column[found])),
                               shape=(len(texts), len(self.vocabulary)))
        counts.sum_duplicates()
        counts.data = (1.0 + np.log(counts.data)) * self.idf[counts.indices]
        row = np.repeat(np.arange(len(texts)), np.diff(counts.indptr))
        length = np.sqrt(np.bincount(row, weights=counts.data ** 2, minlength=len(texts)))
        counts.data /= length[row]  # unit length (l2), as scikit-learn's norm="l2"
        return counts

    @cached_property
    def _word_ids(self) -> dict[bytes, int]:
        """An id for each word of the vocabulary, alone or in a pair, as UTF-8 bytes (ids in
        the order the words first appear), and _BREAK_ID for the break between texts."""
        words = (word for term in self.vocabulary for word in term.split(" "))
        ids = {word.encode("utf-8", "surrogatepass"): 0 for word in words}
        return {word: i for i, word in enumerate(ids)} | {_BREAK_BYTES: _BREAK_ID}

    @cached_property
    def _lookup(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per word id the column of that word as a term (-1 when it is only part of pairs),
        then _BREAK_COLUMN and -1 (indexed by _BREAK_ID and -1); and the vocabulary's pairs as
        sorted keys (first id x number of ids + second id) with their columns, after a key -2
        that no pair of words has (so that the keys are never empty)."""
        ids = {word: i for word, i in self._word_ids.items() if i >= 0}
        term_column = np.full(len(ids) + 2, -1, dtype=np.int64)
        term_column[_BREAK_ID] = _BREAK_COLUMN
        pairs = {-2: -1}
        for column, term in enumerate(self.vocabulary):
            parts = [ids[word.encode("utf-8", "surrogatepass")] for word in term.split(" ")]
            if len(parts) == 1:
                term_column[parts[0]] = column
            else:
                pairs[parts[0] * len(ids) + parts[1]] = column
        key = np.array(sorted(pairs), dtype=np.int64)
        return term_column, key, np.array([pairs[k] for k in key.tolist()], dtype=np.int64)

    def decision(self, texts: Sequence[str], cue_table: pd.DataFrame | None = None) -> np.ndarray:
        """Scores per unit and class (columns in `classes` order)."""
        return np.asarray(self.features(texts, cue_table) @ self.coef.T) + self.intercept

    def predict(self, texts: Sequence[str], cue_table: pd.DataFrame | None = None) -> np.ndarray:
        """The class per unit, read by the model alone (the cue rule is in `with_model_stance`)."""
        if len(texts) == 0:
            return np.empty(0, dtype=object)
        return np.asarray(self.classes, dtype=object)[self.decision(texts, cue_table).argmax(axis=1)]

    def to_json(self) -> bytes:
        """The model as canonical JSON bytes (sorted keys, rounded numbers)."""
        def numbers(array: np.ndarray) -> list:
            # + 0.0 turns -0.0 into 0.0: whether a coefficient that rounds to zero keeps a minus
            # sign depends on the machine's floating-point path, and would change the bytes
            return (np.round(array, _DIGITS) + 0.0).tolist()

        body = {"format": FORMAT, "classes": list(self.classes), "cues": self.cues, "reads": self.reads,
                "cue_features": list(CUE_NAMES), "frame": self.frame,
                "frame_words": [[p.regex, p.case_sensitive] for p in self.frame_words],
                "trained_on_sha256": self.trained_on, "n_train": self.n_train,
                "vectorizer": {"tokens": "openness.stance_model.tokenize", "ngram_range": list(NGRAM_RANGE),
                               "sublinear_tf": True},
                "vocabulary": list(self.vocabulary), "idf": numbers(self.idf),
                "coef": numbers(self.coef), "intercept": numbers(self.intercept)}
        return (json.dumps(body, sort_keys=True, indent=0, ensure_ascii=False) + "\n").encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes, where: str = "stance model") -> "StanceModel":
        body = json.loads(data)
        if body.get("format") != FORMAT:
            raise ValueError(f"{where}: not an {FORMAT} file")
        return cls(tuple(body["classes"]), tuple(body["vocabulary"]), np.asarray(body["idf"], dtype=float),
                   np.asarray(body["coef"], dtype=float), np.asarray(body["intercept"], dtype=float),
                   bool(body["cues"]), body.get("reads", READS[0]), body["trained_on_sha256"], int(body["n_train"]),
                   body.get("frame", ""), tuple(Pattern(regex, case) for regex, case in body.get("frame_words", [])))

    def explain(self, text: str, unit: pd.DataFrame | None = None, hits: pd.DataFrame | None = None) -> "StanceExplanation":
        """The decision on one sentence and the features behind it: value x coefficient of
        the chosen class, minus the mean over the other classes (what tipped it). `unit` and
        `hits` are the sentence's row and cue hits as a scorer found them (`Scores.explain`
        passes them, so that the rubric the scores came from is the one read); without them
        the text is scored with the shipped rubric."""
        if (unit is None) != (hits is None):
            raise ValueError("explain: give both the sentence's row (unit) and its cue hits (hits), or neither")
        if unit is None:
            scored = _scored([text])
            unit, hits = scored.documents, scored.evidence
        row = self.features([text], unit if self.cues else None)
        decision = np.asarray(row @ self.coef.T).ravel() + self.intercept
        chosen = int(decision.argmax())
        others = [k for k in range(len(self.classes)) if k != chosen]
        weight = self.coef[chosen] - self.coef[others].mean(axis=0)
        push = row.data * weight[row.indices]
        names = np.asarray(self.feature_names, dtype=object)[row.indices]
        table = pd.DataFrame({"feature": names, "value": row.data, "push": push})
        table = table[table["push"] != 0].sort_values(["push", "feature"], ascending=[False, True], ignore_index=True)
        side = int(rubric_side(unit)[0])
        decided_by = "rubric" if side else "model" if model_decides(unit, self.reads).any() else "no cue"
        if decided_by == "model" and not self.framed([text])[0]:
            decided_by = "no frame"  # the model reads it, but gives no side outside its frame
        stance = {"rubric": STANCES[side + 1], "model": self.classes[chosen]}.get(decided_by, "neutral")
        cues = hits[["cue", "theme", "stance", "negated"]].reset_index(drop=True)
        return StanceExplanation(text, stance, decided_by, self.classes[chosen],
                                 dict(zip(self.classes, decision.round(4).tolist())), table, cues)

    def document_notes(self, scores: Scores, doc_id: str) -> tuple[str, ...]:
        """Why each sentence of one document that takes a side took it (`sentence_reason`),
        for `Scores.explain` of scores this model gave their stance (`with_model_stance`)."""
        sentences, hits = self._of_document(scores, doc_id)
        sided = sentences[sentences["stance"] != "neutral"]
        counts = sided["stance"].value_counts()
        stance = scores.documents.loc[scores.documents["doc_id"] == doc_id, "stance"].iloc[0]
        if sided.empty:
            return (f"stance {stance}: no sentence takes a side",)
        text = scores.texts[doc_id]
        notes = [f"stance {stance}: {counts.get('pro_open', 0)} sentence(s) pro_open, {counts.get('pro_closed', 0)} "
                 "pro_closed (the document's stance is the sign of their difference; sentences are numbered from 0)"]
        notes += [f"  sentence {number} (characters {start}-{end}): {side}, "
                  f"{self._reason(text, sided[sided['sentence'] == number], hits[hits['sentence'] == number])}"
                  for number, start, end, side in sided[["sentence", "start", "end", "stance"]].itertuples(index=False)]
        return tuple(notes)

    def sentence_reason(self, scores: Scores, doc_id: str, number: int) -> str:
        """What decided the stance of sentence `number` of `doc_id`, in scores this model gave
        their stance: the rubric's cues where their stances sum to a side, else the words and
        cues that pushed the model (strongest first), else why the model gave no side."""
        sentences, hits = self._of_document(scores, doc_id)
        unit = sentences[sentences["sentence"] == number]
        if unit.empty:
            raise KeyError(f"no sentence {number} of document {doc_id!r} in these scores")
        return self._reason(scores.texts[doc_id], unit, hits[hits["sentence"] == number])

    def _of_document(self, scores: Scores, doc_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The sentences and cue hits of one document, of scores this model gave their stance."""
        if scores.stance_model is not self:
            raise ValueError("these scores' stance was not given by this model (with_model_stance(scores, model) "
                             "gives it)")
        return (scores.sentences[scores.sentences["doc_id"] == doc_id],
                scores.evidence[scores.evidence["doc_id"] == doc_id])

    def _reason(self, text: str, unit: pd.DataFrame, hits: pd.DataFrame) -> str:
        """`sentence_reason` of one sentence of `text`: its row and its cue hits."""
        start, end = unit[["start", "end"]].iloc[0]
        why = self.explain(text[start:end], unit, hits)
        if why.decided_by == "rubric":
            return "decided by the rubric's cues " + ", ".join(
                f"{r.cue} {r.stance:+d}{' negated' if r.negated else ''}" for r in why.cues.itertuples() if r.stance)
        if why.decided_by == "model":
            pushes = why.pushes[why.pushes["push"] >= 0.005].head(5)  # as printed, to two decimals
            if pushes.empty:
                return "decided by the stance model, which no word or cue pushed far (its intercepts chose)"
            return "decided by the stance model, pushed by " + ", ".join(f"{r.feature} {r.push:+.2f}" for r in pushes.itertuples())
        if why.decided_by == "no frame":
            words = "words of open or closed release" if self.frame == FRAME else f"words of the rubric's context {self.frame!r}"
            return f"neutral by rule: the stance model gives a side only to a sentence with {words}, and this has none"
        return "neutral by rule: no cue hit, so the stance model does not read it"


@dataclass(frozen=True)
class StanceExplanation:
    """Why a sentence got its stance: `stance` is what the scorer reports, `decided_by` says
    whether the rubric's cues took that side ("rubric"), the model chose it ("model"), the
    model read it but the sentence holds no word of its frame ("no frame": neutral) or no
    cue was hit ("no cue": neutral, unread); `pushes` has feature, value and push of the
    model's decision (positive = toward the class the model chose); `cues` has the rubric's
    cue hits in the text (cue, theme, stance, negated): where their stances sum to a side,
    that side is the sentence's."""

    text: str
    stance: str
    decided_by: str
    model_decision: str
    scores: dict[str, float]
    pushes: pd.DataFrame
    cues: pd.DataFrame

    def __str__(self) -> str:
        lines = [f"stance {self.stance} (decided by {self.decided_by}; model: {self.model_decision}; "
                 + ", ".join(f"{k} {v:+.2f}" for k, v in self.scores.items()) + ")"]
        lines += [f"  cue {r.cue} (stance {r.stance:+d}{', negated' if r.negated else ''})" for r in self.cues.itertuples()]
        lines += [f"  {r.push:+.3f}  {r.feature}" for r in self.pushes.head(8).itertuples()]
        return "\n".join(lines)


def training_hash(ids: Sequence[str], texts: Sequence[str], labels: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for row in zip(ids, texts, labels):
        digest.update(("\x1f".join(map(str, row)) + "\x1e").encode("utf-8"))
    return digest.hexdigest()


def fit(ids: Sequence[str], texts: Sequence[str], labels: Sequence[str], cues: bool = False, C: float = 1.0,
        seed: int = SEED, undecided_only: bool = True, reads: str = READS[0],
        class_weight: str | None = "balanced", frame: str = FRAME) -> StanceModel:
    """Fit the model on labelled texts (for stance, `labels` in `CLASSES`). With
    `undecided_only`, it learns from the texts it would decide in the scorer (`model_decides`
    with `reads`; each text scored as one document), as the stance model does; the protocol
    fits the same kind of model to each theme (absent/present) on every text. With `cues`,
    the rubric's cue features are part of the input; `class_weight` as scikit-learn's
    LinearSVC takes it; `frame` names the shipped rubric's context whose words a sentence must
    hold for the model to give it a side (it learns from every sentence it reads, framed or
    not; the words are stored with the model).
    `trained_on` and `n_train` describe every row given."""
    from sklearn.svm import LinearSVC

    texts, labels = list(map(str, texts)), np.asarray(labels, dtype=object)
    trained_on, n_given = training_hash(ids, texts, labels), len(texts)
    cue_table = _cue_table(texts) if cues or undecided_only else None
    if undecided_only:
        decided = np.flatnonzero(model_decides(cue_table, reads))
        texts, labels, cue_table = [texts[i] for i in decided], labels[decided], cue_table.iloc[decided]
    classes = tuple(sorted(set(labels)))
    if len(classes) < 2:
        raise ValueError(f"a model needs at least two classes among the labels it learns from; found {classes}")
    vectorizer = _vectorizer()
    vectorizer.fit(texts)
    model = StanceModel(classes, tuple(vectorizer.get_feature_names_out().tolist()), vectorizer.idf_.copy(),
                        np.zeros((0, 0)), np.zeros(0), cues, reads, trained_on, n_given, frame,
                        frame_words(load_rubric(), frame) if frame else ())
    matrix = model.features(texts, cue_table if cues else None)
    svm = LinearSVC(C=C, class_weight=class_weight, random_state=seed, max_iter=20_000).fit(matrix, labels)
    coef, intercept = svm.coef_, svm.intercept_
    if len(classes) == 2:  # one separating direction: as two classes' scores, so that argmax decides
        coef, intercept = np.vstack([-coef, coef]) / 2, np.concatenate([-intercept, intercept]) / 2
    fitted = replace(model, coef=coef.copy(), intercept=intercept.copy())
    return StanceModel.from_json(fitted.to_json())  # exactly what a stored model would decide


def _scored(texts: Sequence[str]) -> Scores:
    """The rubric's scores of each text as one document."""
    return score_rows(pd.DataFrame({"doc_id": [str(i) for i in range(len(texts))], "text": list(texts)}))


def _cue_table(texts: Sequence[str]) -> pd.DataFrame:
    return _scored(texts).documents


def frame_words(rubric, frame: str) -> tuple[Pattern, ...]:
    """The words of the rubric's context `frame`."""
    found = [context for context in rubric.contexts if context.id == frame]
    if not found:
        raise ValueError(f"stance model frame {frame!r} is not one of the rubric's contexts "
                         f"{[context.id for context in rubric.contexts]}")
    return tuple(found[0].patterns)


@lru_cache(maxsize=2)
def load(path: str | None = None) -> StanceModel:
    """The shipped model (or the one at `path`)."""
    file = Path(path) if path else MODEL_FILE
    return StanceModel.from_json(file.read_bytes(), str(file))


def with_model_stance(scores: Scores, model: StanceModel | None = None) -> Scores:
    """`scores` with `stance` of sentences and documents decided by the rubric's side where
    its cues take one and by the model elsewhere (see the module's docstring); every other
    column is the rubric's, unchanged."""
    model = model or load()
    sentences, documents = scores.sentences, scores.documents
    doc_of = np.repeat(np.arange(len(documents)), documents["n_sentences"].to_numpy())  # sentences come in document order
    side = rubric_side(sentences)
    texts, read = scores.texts.to_numpy(), np.flatnonzero(model_decides(sentences, model.reads))
    spans = [texts[d][s:e] for d, s, e in zip(doc_of[read], sentences["start"].to_numpy()[read],
                                              sentences["end"].to_numpy()[read])]
    stance = np.asarray(STANCES, dtype=object)[side + 1]  # neutral where the model reads
    held = model.framed(spans)  # outside its frame the model gives no side: only the framed are read
    read = read[held]
    stance[read] = model.predict([span for span, kept in zip(spans, held) if kept], sentences.iloc[read])
    sign = (stance == "pro_open").astype(np.int64) - (stance == "pro_closed").astype(np.int64)
    per_doc = np.bincount(doc_of, weights=sign, minlength=len(documents)).astype(np.int64)
    documents = documents.assign(stance=_strings(documents, np.asarray(STANCES, dtype=object)[np.sign(per_doc) + 1]))
    return replace(scores, documents=documents, sentences=sentences.assign(stance=_strings(sentences, stance)),
                   stance_model=model)


def _strings(table: pd.DataFrame, values: np.ndarray) -> pd.Series:
    """A column of Python strings (object dtype), as the scorer's own tables hold them
    (`scoring._table`): left to infer, pandas would convert them to Arrow strings, 15 ms a
    run for the sentences of the benchmark's 4,000 articles."""
    return pd.Series(values, index=table.index, dtype=object, copy=False)


def write(model: StanceModel, path: Path = MODEL_FILE) -> Path:
    with atomic_path(path) as tmp:
        Path(tmp).write_bytes(model.to_json())
    return path
