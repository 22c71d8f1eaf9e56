"""Bad inputs to the corpus readers, round two (issue 15): each file built the way a user's
tool would build it, and one asserted outcome. Every row read is kept or rejected, or the
whole input is refused with one CorpusError naming it."""
from __future__ import annotations

import pandas as pd
import pytest

from openness.core.corpus import Corpus, CorpusError, read_corpus
from openness.data.sources import interconnects

# "billion laughs": nine levels of nine aliases, 9**9 strings once expanded
ALIAS_BOMB = "a0: &a0 lol\n" + "".join(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]\n" for n in range(1, 10))


def balanced(corpus: Corpus) -> bool:
    return corpus.n_read == len(corpus.docs) + len(corpus.rejects)


def test_front_matter_alias_bomb_rejects_that_file_only(tmp_path):
    (tmp_path / "bomb.md").write_text(f"---\ntitle: Bomb\n{ALIAS_BOMB}---\nA sentence about open weights.\n")
    (tmp_path / "fine.md").write_text("---\ntitle: Fine\n---\nAnother sentence.\n")
    corpus = read_corpus(tmp_path)
    assert corpus.docs["doc_id"].tolist() == ["fine"] and balanced(corpus)
    assert corpus.rejects.values.tolist() == [[f"{tmp_path.as_posix()}/bomb.md", "bomb",
                                               "front matter refused: alias *a0 is not allowed: write the value out, line 4"]]


def test_front_matter_nested_too_deeply_rejects_that_file_only(tmp_path):
    (tmp_path / "deep.md").write_text("---\nkey: " + "[" * 100_000 + "]" * 100_000 + "\n---\nText.\n")
    corpus = read_corpus(tmp_path)
    assert corpus.rejects["reason"].tolist() == ["front matter refused: nested too deeply"] and balanced(corpus)


def test_interconnects_reads_front_matter_with_the_corpus_parser():
    fields, body, flags = interconnects.split_front_matter("---\ntitle: T\npost_id: 27710009.2020\n---\nBody.\n")
    assert (fields, body, flags) == ({"title": "T", "post_id": "27710009.2020"}, "Body.\n", [])
    fields, _, flags = interconnects.split_front_matter('---\ntitle: ""Quoted" title"\ntitle: second\n---\nBody.\n')
    assert (fields, flags) == ({"title": '"Quoted" title'}, ["front matter not YAML"])
    with pytest.raises(ValueError, match=r"front matter refused: alias \*a0 is not allowed"):
        interconnects.split_front_matter(f"---\n{ALIAS_BOMB}---\nBody.\n")
