"""`openness labs`: the registry grouped by openness, wrapped for a terminal, and as CSV."""
from __future__ import annotations

import csv
import io
import re
import textwrap

import pandas as pd
import pytest

from openness import paths
from openness.cli import main
from openness.core.labs import load_labs
from openness.present.lab_list import ENTRY_COLUMNS, UNLISTED, describe, read_reference

HEADER = re.compile(r"([A-Z][A-Z ]*) \((\d+) labs?\)(?::.*)?")
LAB = re.compile(r"  (\S.*) \(([a-z0-9_]+)\)")


def sections(text: str) -> dict[str, list[str]]:
    """Group (lower case) -> the lab ids listed under its header, in order; each header's count
    must be the number of labs under it."""
    found: dict[str, list[str]] = {}
    counts = {}
    group = None
    for line in text.splitlines():
        if header := HEADER.fullmatch(line):
            group = header[1].lower()
            counts[group] = int(header[2])
            found[group] = []
        elif lab := LAB.fullmatch(line):
            found[group].append(lab[2])
    assert {group: len(ids) for group, ids in found.items()} == counts
    return found


def run(capsys, *args: str) -> str:
    assert main(["labs", *args]) == 0
    return capsys.readouterr().out


def lab_block(text: str, lab_id: str) -> str:
    """The lines of one lab, from its "Name (id)" line to the blank line after it."""
    found = re.search(rf"^  \S.* \({lab_id}\)\n((?:    .*\n)*)", text, re.M)
    assert found, lab_id
    return found[0]


def test_labs_are_listed_under_the_group_the_reference_gives_them(capsys):
    listed = sections(run(capsys))
    reference = pd.read_csv(paths.PROCESSED / "labs.csv", dtype=str, keep_default_na=False)
    expected = reference.groupby("openness_group")["lab"].apply(set).to_dict()
    assert {group: set(ids) for group, ids in listed.items()} == expected
    assert list(listed) == ["open", "mixed", "closed", "unrated"]
    assert "anthropic" in listed["closed"] and "amazon" in listed["closed"]
    assert {"ai2", "eleutherai"} <= set(listed["open"]) and {"meta", "mistral", "openai"} <= set(listed["mixed"])
    assert sum(map(len, listed.values())) == len(load_labs().labs) == 43


def test_within_a_group_labs_go_by_name(capsys):
    text = run(capsys)
    names = [LAB.fullmatch(line)[1] for line in text.splitlines() if LAB.fullmatch(line)]
    closed = names[-8 - 4:-4]  # the 8 closed labs, before the 4 unrated ones
    assert closed == sorted(closed, key=str.casefold) and closed[0] == "Amazon" and "Anthropic" in closed


@pytest.mark.parametrize("args, width", [((), 100), (("--width", "60"), 60), (("--patterns",), 100),
                                         (("--patterns", "--width", "40"), 40)])
def test_no_line_is_wider_than_the_width(capsys, args, width):
    lines = run(capsys, *args).splitlines()
    assert max(map(len, lines)) <= width
    assert max(map(len, lines)) >= width - 10  # the text fills the lines rather than leaving them short
    assert len(lines) > 200


def test_names_are_shown_readably_and_patterns_only_on_request(capsys):
    text = run(capsys)
    assert "(?:" not in text and "\\" not in text and "[0-9]" not in text
    meta = lab_block(text, "meta")
    assert "    aliases:  Meta / META, Meta AI, Meta Platforms, Facebook, FAIR~, Facebook AI Research\n" in meta
    assert "LLaMA 2 / Llama-3.1 / llama3, Llama / LLaMA / LLAMA / LLaMa / LLama, llama~,\n              Code Llama" in meta
    assert re.search(r"^    why:      releases weights \(OSAI: .*\n(?:              .*\n)*", meta, re.M)
    patterns = lab_block(run(capsys, "--patterns"), "meta")
    assert "    products: llama[- ]?[0-9]+(?:\\.[0-9])?  (regex, any case)\n" in patterns
    assert "              llama  (phrase, exact case, needs a context)\n" in patterns
    assert "              Facebook  (phrase, exact case)\n" in patterns


def test_a_wrapped_line_keeps_hyphenated_names_and_spellings_of_one_pattern_whole(capsys):
    text = run(capsys, "--width", "60", "openai")
    assert {"gpt-3.5-turbo", "gpt-4o-mini", "text-davinci-003", "o1-preview"} <= set(text.split())
    assert not any(line.endswith("-") for line in text.splitlines())
    products = lab_block(text, "openai").split("    why:")[0].split("products: ")[1]
    lines = [line.strip() for line in products.splitlines()]
    assert "GPT-2 / GPT-3.5 / GPT-4o / GPT-4V / GPT-5," in lines[1]  # moved down whole, not split at a " / "
    assert not any(line.startswith("/") for line in lines)
    # the API ids are wider than the 46 characters left: broken after a "/", the next name follows on
    assert lines[2:5] == ["gpt-3.5-turbo / gpt-4o / gpt-4o-mini /", "gpt-4.1 / gpt-4.1-mini / gpt-5-nano,", "SearchGPT,"]
    assert lines[0] == "ChatGPT, InstructGPT, gpt-oss,"
    narrow = lab_block(run(capsys, "--width", "40", "amazon"), "amazon").splitlines()
    # spellings wider than a line go over lines, broken after a "/" and never inside a spelling
    assert max(map(len, narrow)) <= 40 and not any(line.strip().startswith("/") for line in narrow)
    products = narrow[narrow.index("    products: Titan Text /"):[line.startswith("    why:") for line in narrow].index(True)]
    assert "Titan Embeddings /" in [line.strip() for line in products] and products[-1].strip() == "CodeWhisperer"
    assert all(line.endswith(("/", ",")) for line in products[:-1])


def test_the_why_line_is_the_reference_reason_without_its_group(capsys):
    block = lab_block(run(capsys, "anthropic"), "anthropic")
    why = " ".join(line.strip() for line in block.split("    why:")[1].splitlines())
    reference = read_reference().set_index("lab")
    assert "closed: " + why == reference.loc["anthropic", "group_reason"]
    assert why.startswith("neither OSAI nor MOT lists a model of it with open weights")


def test_only_the_labs_asked_for(capsys):
    text = run(capsys, "meta", "anthropic")
    assert sections(text) == {"mixed": ["meta"], "closed": ["anthropic"]}
    assert text.splitlines()[0] == "2 labs of the registry openness/core/labs.yaml: 1 mixed, 1 closed."


def test_one_lab_is_one_lab(capsys):
    assert run(capsys, "ai2").splitlines()[0] == "1 lab of the registry openness/core/labs.yaml: 1 open."


def test_a_lab_is_found_by_its_name_or_id_in_any_case(capsys):
    text = run(capsys, "Meta", "hugging face", "AI2")
    assert sections(text) == {"open": ["ai2", "huggingface"], "mixed": ["meta"]}


def test_an_id_wins_over_another_labs_name(tmp_path):
    from openness.core.labs import load_labs
    from openness.present.lab_list import groups, ordered

    path = tmp_path / "labs.yaml"
    path.write_text("labs:\n  together:\n    name: Together AI\n    aliases: [Together AI]\n"
                    "  writer:\n    name: Together\n    aliases: [Writer Inc]\n")
    registry = load_labs(path)
    decided = groups(registry, None)
    assert [lab.id for lab in ordered(registry, decided, ["together"])] == ["together"]
    assert [lab.id for lab in ordered(registry, decided, ["Together AI", "WRITER"])] == ["writer", "together"]  # by name


def test_an_unknown_lab_id_is_one_error_line(capsys):
    assert main(["labs", "meta", "acme"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("openness: error: unknown lab(s) acme; the registry has 01ai, adept, ")
    assert len(captured.err.splitlines()) == 1


def test_csv_is_one_row_per_alias_or_product(capsys):
    rows = list(csv.DictReader(io.StringIO(run(capsys, "--format", "csv"))))
    registry = load_labs()
    assert list(rows[0]) == ENTRY_COLUMNS
    assert len(rows) == sum(len(lab.entries) for lab in registry.labs.values())
    groups = {row["lab"]: row["openness_group"] for row in rows}
    reference = read_reference().set_index("lab")["openness_group"].to_dict()
    assert groups == reference and groups["anthropic"] == "closed" and groups["ai2"] == "open"
    llama = next(row for row in rows if row["shown"].startswith("LLaMA 2 /"))
    assert (llama["lab"], llama["kind"], llama["regex"], llama["case_sensitive"], llama["needs_context"]) == \
        ("meta", "product", "True", "False", "False")
    assert llama["pattern"] == r"llama[- ]?[0-9]+(?:\.[0-9])?"
    animal = next(row for row in rows if row["pattern"] == "llama")
    assert (animal["shown"], animal["case_sensitive"], animal["needs_context"]) == ("llama", "True", "True")
    claude = next(row for row in rows if row["pattern"] == "Claude")
    assert (claude["lab"], claude["shown"], claude["regex"], claude["case_sensitive"]) == ("anthropic", "Claude", "False", "True")
    assert [row["lab"] for row in rows[:1]] == ["ai2"]  # the open group first, by name


def test_without_a_reference_every_lab_is_listed_as_not_in_it():
    text = describe(load_labs(), None, "data/processed/labs.csv")
    assert sections(text) == {UNLISTED: sorted(load_labs().labs, key=lambda i: (load_labs().labs[i].name.casefold(), i))}
    assert "No lab reference at data/processed/labs.csv (`openness data build` writes it)" in " ".join(text.split())
    assert "why:" not in text


def test_a_missing_reference_named_on_the_command_line_is_an_error(capsys, tmp_path):
    assert main(["labs", "--reference", str(tmp_path / "absent.csv")]) == 2
    assert "absent.csv: no such lab reference" in capsys.readouterr().err


def test_a_lab_of_ones_own_registry_is_not_in_the_reference(capsys, tmp_path):
    path = tmp_path / "labs.yaml"
    path.write_text(textwrap.dedent("""
        labs:
          acme:
            name: Acme AI
            aliases: [Acme AI]
            products: [{regex: 'Roadrunner-[0-9]+', case_sensitive: true}]
          anthropic:
            name: Anthropic
            aliases: [Anthropic]
        """), encoding="utf-8")
    text = run(capsys, "--file", str(path))
    assert sections(text) == {"closed": ["anthropic"], UNLISTED: ["acme"]}
    assert "    products: Roadrunner-[0-9]+\n" in lab_block(text, "acme")  # no examples: the regex as written
    assert " ".join(text.split("\nOpenness")[0].split()) == f"2 labs of the registry {path}: 1 closed, 1 {UNLISTED}."


def test_the_readme_sample_is_what_the_command_prints(capsys):
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    sample = re.search(r"```\n(\d+ labs of the registry .*?)```", readme, re.S)[1].splitlines()
    printed = run(capsys).splitlines()
    shown = [line for line in sample if line != "..."]
    assert len(shown) >= 7 and all(line in printed for line in shown)
    at = printed.index(shown[-5])  # the lab's lines are consecutive, as in the sample
    assert printed[at:at + 5] == shown[-5:]


def test_a_product_name_points_to_its_lab(capsys):
    """`openness labs grok`: the registry finds Grok as xAI's, so the error says which id to ask for."""
    assert main(["labs", "grok", "acme", "claude"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("openness: error: unknown lab(s) acme, claude, grok (claude is found as anthropic: "
                          "`openness labs anthropic`; grok is found as xai: `openness labs xai`); the registry has ")
    assert main(["labs", "xai"]) == 0 and "Grok" in capsys.readouterr().out
