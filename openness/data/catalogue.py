"""Every registered source's parser, in one list: what the build reads, what
tests/test_no_borrowed_text.py guards and what the data dictionary documents. A source is
added here and in data/sources.yaml, nowhere else."""
from __future__ import annotations

from openness.data.sources import aiaaic, audits, fmti, gold, interconnects, issue_themes, mot, news, ntia, osai, seed

PARSERS = tuple(module.PARSER for module in (aiaaic, issue_themes, audits, fmti, gold, interconnects, mot, news, ntia, osai, seed))
