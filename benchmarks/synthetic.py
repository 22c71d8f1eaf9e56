"""A synthetic news-like corpus for benchmarks: fixed seed, about 800-word articles in
paragraphs, with rubric cue phrases and lab names at realistic rates (about one cue per
60 words and one lab name per 150 words). The words are drawn from our own word list,
the cue phrases and names from the shipped rubric and lab registry."""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np
import yaml

from openness import paths

FILLER = (
    "the a of and to in that for on with as said was is by at from its it be has have"
    " this are were an which but they not their more will about after year new would"
    " people company also than other into over market week report two first last could"
    " government officials analysts plans since million percent while according under"
    " industry data system systems model models users product research team growth"
    " investors technology early during city state court public service world chief"
    " executive statement interview quarter revenue results announced expected months"
).split()


def _cue_phrases() -> list[str]:
    rubric = yaml.safe_load(paths.DEFAULT_RUBRIC.read_text())
    phrases = []
    for theme in rubric["themes"].values():
        for criterion in theme["criteria"].values():
            phrases += [c["phrase"].rstrip("*") for c in criterion["cues"] if "phrase" in c]
    return sorted(set(phrases))


def _lab_names() -> list[str]:
    labs = yaml.safe_load(paths.LABS_FILE.read_text())["labs"]
    names = []
    for lab in labs.values():
        names += [a for a in lab.get("aliases", []) if isinstance(a, str)]
    return sorted(set(names))


def articles(n: int, seed: int = 7, words: int = 800):
    """Yield `n` (doc_id, text) pairs, the same on every run."""
    rng = np.random.default_rng(seed)
    cues, labs = _cue_phrases(), _lab_names()
    for i in range(n):
        length = int(rng.normal(words, 120))
        tokens = rng.choice(FILLER, size=length).tolist()
        for position in rng.integers(0, length, size=length // 60):
            tokens[position] = cues[rng.integers(len(cues))]
        for position in rng.integers(0, length, size=length // 150):
            tokens[position] = labs[rng.integers(len(labs))]
        sentences, cursor = [], 0
        while cursor < length:
            step = int(rng.integers(12, 30))
            sentence = " ".join(tokens[cursor : cursor + step])
            sentences.append(sentence[:1].upper() + sentence[1:] + ".")
            cursor += step
        paragraphs = [" ".join(sentences[j : j + 4]) for j in range(0, len(sentences), 4)]
        yield f"a{i:07d}", "\n\n".join(paragraphs)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="write a synthetic corpus as CSV")
    parser.add_argument("n", type=int)
    parser.add_argument("output", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    with args.output.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["doc_id", "text"])
        writer.writerows(articles(args.n, args.seed))
    print(f"wrote {args.n} articles to {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
