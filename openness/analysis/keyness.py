"""Keyness: the words one group of texts uses more (or less) than another.

Keyness follows quanteda (`textstat_keyness`: feature, statistic, p, counts, sorted by
statistic) and scattertext (a pluggable scorer); the default scorer is the log-odds ratio
with an informative Dirichlet prior of Monroe, Colaresi & Quinn (2008), "Fightin' Words".
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy.stats import norm

from openness.core.labs import LabRegistry, default_registry, find_mentions


def log_odds_dirichlet(y_target: np.ndarray, y_reference: np.ndarray, prior: np.ndarray,
                       a0: float | None = None) -> pd.DataFrame:
    """Monroe, Colaresi & Quinn (2008), eq. 22: log-odds ratio with an informative Dirichlet
    prior alpha_w = a0 * prior_w / sum(prior). delta_w = log[(y_iw + a_w) / (n_i + a0 - y_iw - a_w)]
    - the same for j; variance 1/(y_iw + a_w) + 1/(y_jw + a_w); statistic = delta / sqrt(variance),
    a z-score. a0 (how many words the prior is worth) defaults to the words of the two sides
    together (scattertext's "class-size" scaling): the prior then weighs as much as the data,
    where taking a whole-corpus prior as it is would swamp two small groups. Returns
    statistic, delta, variance, p (two-sided normal)."""
    y_i, y_j, prior = (np.asarray(a, dtype=float) for a in (y_target, y_reference, prior))
    a0 = y_i.sum() + y_j.sum() if a0 is None else float(a0)
    alpha = a0 * prior / prior.sum()
    n_i, n_j = y_i.sum(), y_j.sum()
    delta = (np.log(y_i + alpha) - np.log(n_i + a0 - y_i - alpha)
             - np.log(y_j + alpha) + np.log(n_j + a0 - y_j - alpha))
    variance = 1 / (y_i + alpha) + 1 / (y_j + alpha)
    z = delta / np.sqrt(variance)
    return pd.DataFrame({"statistic": z, "delta": delta, "variance": variance, "p": 2 * norm.sf(np.abs(z))})


def _counts(counts: pd.Series, what: str) -> pd.Series:
    if not isinstance(counts, pd.Series):
        raise TypeError(f"keyness: {what} must be a pandas Series term -> count, not {type(counts).__name__}")
    if counts.index.duplicated().any():
        raise ValueError(f"keyness: {what} lists term {counts.index[counts.index.duplicated()][0]!r} twice")
    values = pd.to_numeric(counts, errors="coerce")
    bad = values.index[values.isna() | (values < 0)]
    if len(bad):
        raise ValueError(f"keyness: {what} count of term {bad[0]!r} is {counts[bad[0]]!r}; expected a count >= 0")
    return values.astype(float)


def keyness(
    counts_target: pd.Series,
    counts_reference: pd.Series,
    prior: pd.Series,
    scorer: Callable[[np.ndarray, np.ndarray, np.ndarray], pd.DataFrame] = log_odds_dirichlet,
) -> pd.DataFrame:
    """Which terms the target uses more than the reference (positive statistic) or less
    (negative). Counts are Series term -> count; every term of target and reference must be
    in the prior (with a count > 0), prior terms missing from a side count 0. `scorer` takes
    the three aligned count arrays and returns at least `statistic` (e.g. a
    functools.partial of log_odds_dirichlet with another a0). Returns feature, statistic,
    the scorer's other columns, count_target, count_reference; sorted by statistic, largest
    first (ties by feature)."""
    target, reference, prior = (_counts(c, w) for c, w in
                                ((counts_target, "counts_target"), (counts_reference, "counts_reference"),
                                 (prior, "prior")))
    outside = sorted((set(target.index) | set(reference.index)) - set(prior.index[prior > 0]))
    if outside:
        raise ValueError(f"keyness: {len(outside)} term(s) have no prior count, e.g. {outside[:5]}")
    features = prior.index[prior > 0].sort_values()
    y_i = target.reindex(features, fill_value=0).to_numpy()
    y_j = reference.reindex(features, fill_value=0).to_numpy()
    scores = scorer(y_i, y_j, prior.reindex(features).to_numpy())
    if "statistic" not in scores:
        raise ValueError(f"keyness: the scorer returned no 'statistic' column (columns {list(scores.columns)})")
    out = pd.DataFrame({"feature": features.to_numpy()}).join(scores.reset_index(drop=True))
    out["count_target"], out["count_reference"] = y_i.astype(int), y_j.astype(int)
    out = out.sort_values(["statistic", "feature"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)


# Words of registry names that say what kind of thing a lab or product is, or its size or
# version, and are framing words on their own: "cloud" of Alibaba Cloud, "act" of Nova Act
# (and the AI Act), "research" of Google Research; and common words that the registry finds
# only as written (`case_sensitive`: FAIR, OPT, CLIP, PaLM) or that are framing words of this
# study ("oss" of gpt-oss, open-source software). Every other word of a name is a name.
DESCRIPTOR_WORDS = frozenset({
    "fair", "opt", "clip", "palm", "oss",
    "ai", "artificial", "intelligence", "research", "labs", "institute", "technology", "innovation", "inc", "org",
    "platforms", "web", "services", "cloud", "models", "llm", "code", "coder", "text", "image", "video",
    "multimodal", "embeddings", "chatbot", "arena", "large", "pro", "mini", "nano", "lite", "micro", "ultra",
    "flash", "turbo", "preview", "premier", "zero", "act", "scale", "together", "writer", "character", "brain",
    "segment", "anything", "guardian", "canvas", "all", "for", "the",
})
# The keyness vocabulary's tokens (openness.data.build.VOCABULARY reads them so): letters only,
# two or more; `name_words` splits names the same way.
TOKEN_PATTERN = r"(?u)\b[a-zA-Z][a-zA-Z]+\b"
_TOKEN = re.compile(TOKEN_PATTERN)


def name_words(registry: LabRegistry | None = None) -> frozenset[str]:
    """Every word of every alias and product of the registry (a regex by its examples), split
    and lower-cased as the keyness vocabulary splits them ("Hugging Face" -> hugging, face;
    "DALL-E" -> dall; "GPT-4o" -> gpt; "Command R" -> command), less `DESCRIPTOR_WORDS`."""
    registry = registry or default_registry()
    words = {token.lower() for lab in registry.labs.values() for entry in lab.entries
             for text in (entry.examples or (entry.text,))
             for token in _TOKEN.findall(text)}
    return frozenset(words - DESCRIPTOR_WORDS)


def name_terms(terms: Sequence[str], registry: LabRegistry | None = None) -> pd.Series:
    """Per term (lower-cased, as vectorisers give them): does it, or one of its words, name a
    lab or product of the registry? A term is a name when one of its words is a word of a
    registry name (`name_words`: "hugging" and "face" of Hugging Face, "stable" of Stable
    Diffusion), or when it, or one of its words, is found as a name as written or in Title case
    ("claude" -> Claude). Lets a keyness table be read without the names that define the groups.
    Errs towards names: a common word that is also a name ("stability", "command") counts as
    one. People's names are not in the registry and stay ("altman")."""
    terms = list(terms)
    words = name_words(registry)
    candidates = [(i, variant) for i, term in enumerate(terms)
                  for piece in dict.fromkeys([term, *term.split()])
                  for variant in (piece, piece.title())]
    separator = " ; "  # no alias spans it, so a hit belongs to one candidate
    text = separator.join(variant for _, variant in candidates)
    starts = np.cumsum([0] + [len(v) + len(separator) for _, v in candidates[:-1]])
    hit = np.array([any(word in words for word in term.split()) for term in terms], dtype=bool)
    for _, start, _ in find_mentions(text, registry, alone=True):
        hit[candidates[int(np.searchsorted(starts, start, side="right")) - 1][0]] = True
    return pd.Series(hit, index=pd.Index(terms, name="term"), name="is_name")


# Terms that say who wrote a text or how it was typed, not how it frames a lab. Keyness lists
# surfaced them ("nathan", "lambert", "https", "com", "yeah"): a newsletter's byline and links
# make its words "typical" of whatever group it writes about most.
BYLINE_NAMES = frozenset({
    "nathan", "lambert",  # Interconnects has one author, whose name ends and links every post
})
URL_FRAGMENTS = frozenset({
    "http", "https", "www", "com", "org", "net", "io", "html", "htm", "php", "aspx", "amp", "utm",
    "href", "src", "url", "jpg", "jpeg", "png", "gif", "pdf", "substack", "abs",
})
FILLER = frozenset({
    "yeah", "okay", "ok", "oh", "um", "uh", "hmm", "gonna", "wanna", "kinda", "sorta", "really",
    "actually", "basically", "lot", "stuff", "thing", "things", "just", "ll", "ve", "don", "doesn",
    "didn", "isn", "wasn", "aren",  # the last six are what the tokenizer leaves of contractions
})
NOISE_WORDS = BYLINE_NAMES | URL_FRAGMENTS | FILLER


def noise_terms(terms: Sequence[str]) -> pd.Series:
    """Per term (lower-cased, as vectorisers give them): is it, or one of its words, a byline
    name, a URL fragment or a filler word (`NOISE_WORDS`)? A bigram with one noise word
    ("https www", "nathan lambert") is noise too. Keyness tables drop these before reading."""
    terms = list(terms)
    hit = [any(word in NOISE_WORDS for word in term.split()) for term in terms]
    return pd.Series(hit, index=pd.Index(terms, name="term"), name="is_noise", dtype=bool)
