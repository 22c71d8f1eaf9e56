"""The project's shared words and numbers, defined once: every layer imports them from here
and nothing else is defined here (this module imports nothing from openness)."""
from __future__ import annotations

# The rubric's three themes, in the order every table and chart shows them.
THEMES = ("transparency", "safety", "control")

# A sentence's or document's stance, in the order of its sign (-1, 0, +1): STANCES[sign + 1].
STANCES = ("pro_closed", "neutral", "pro_open")
STANCE_SIGN = {stance: sign for sign, stance in enumerate(STANCES, start=-1)}

# How open a model component is: the European Open Source AI Index's classes, which the
# rubric's claims and the open-washing gap use as well.
LEVELS = ("open", "partial", "closed")

# The openness groups of labs (`labs.csv`, rule in openness.data.reference), open first.
GROUPS = ("open", "mixed", "closed")

# The lab ids of the gold codebook (docs/codebook.md, section 3).
CODEBOOK_LABS = frozenset({
    "xai", "openai", "anthropic", "google", "meta", "mistral", "microsoft", "ai2", "eleutherai",
    "huggingface", "deepseek", "alibaba", "stability", "ibm", "cohere", "nvidia", "amazon",
})

# Seeds: every random step takes one of these, so the same input gives the same bytes.
SEED = 20240327  # notebooks, and the bootstrap of every interval (stats and validation)
CV_SEED = 20250101  # the classifier: fold shuffling and the logistic regression
N_BOOT = 2000  # bootstrap replicates of every interval
