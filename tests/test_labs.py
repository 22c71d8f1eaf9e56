"""The lab registry: aliases, disambiguation, spans, validation, and agreement with gold."""
from __future__ import annotations

import csv
import textwrap

import pandas as pd
import pytest

import openness
from openness.core import labs
from openness.core.labs import LabsError, find_labs, find_mentions, load_labs
from openness.core.matcher import ENGINES, Matcher
from openness.vocab import CODEBOOK_LABS


# Each pair: a sentence where a word names a lab, and one where it does not.
POSITIVE = [
    ("Meta released Llama 3 under a community licence.", ["meta"]),
    ("xAI opened the weights of Grok-1 in March.", ["xai"]),
    ("Google's Gemini 1.5 Pro reads long documents.", ["google"]),
    ("Anthropic trained Claude 3 Opus on a new cluster.", ["anthropic"]),
    ("Microsoft's Phi-3 runs on a phone.", ["microsoft"]),
    ("Amazon Nova Pro is sold through Bedrock.", ["amazon"]),
    ("Mistral AI shipped Mixtral 8x7B as a torrent.", ["mistral"]),
    ("Google released Gemma to researchers.", ["google"]),
    ("Bard was the first chatbot Google launched.", ["google"]),
    ("BERT is an encoder-only model.", ["google"]),
    ("Amazon Titan Text drafts product copy.", ["amazon"]),
    ("IBM Granite models ship under Apache 2.0.", ["ibm"]),
    ("Granite-7B was trained on filtered data.", ["ibm"]),
    ("GitHub Copilot suggests whole functions.", ["microsoft"]),
    ("OpenAI showed Sora to a few artists.", ["openai"]),
    ("On this maths benchmark o1 beats o3-mini.", ["openai"]),
    ("Flan-T5 is an instruction-tuned model.", ["google"]),
    ("The startup rents GPUs from AWS.", ["amazon"]),
    ("FAIR published the model weights.", ["meta"]),
    ("Facebook trained the first version.", ["meta"]),
    ("Stability AI funded Stable Diffusion.", ["stability"]),
    ("Cohere's Command R+ supports retrieval.", ["cohere"]),
    ("The Allen Institute for AI released OLMo and Tulu.", ["ai2"]),
    ("Falcon 180B was trained in Abu Dhabi.", ["tii"]),
    ("Yi-34B topped a leaderboard for a week.", ["01ai"]),
    ("Writer's Palmyra X writes marketing copy.", ["writer"]),
    ("NVIDIA released Nemotron with its data.", ["nvidia"]),
    ("Alibaba keeps releasing Qwen models.", ["alibaba"]),
    ("DeepSeek-V3 was cheap to train.", ["deepseek"]),
]
NEGATIVE = [
    "A meta-analysis of 20 studies found no effect.",
    "Meta-analysis is a standard method in medicine.",
    "The metadata of each file lists its author.",
    "Meta-learning lets a model adapt quickly.",
    "It takes a while to grok a new codebase.",
    "The constellation Gemini is easy to spot in winter.",
    "Castor is the brightest star in the Gemini constellation.",
    "Claude Shannon founded information theory.",
    "The phi coefficient measures association between two binary variables.",
    "The Phi coefficient was close to zero.",
    "Halifax is the capital of Nova Scotia.",
    "In spring the mistral wind blows down the Rhone valley.",
    "The Mistral wind dried the vineyards.",
    "Google Scholar lists four hundred citations.",
    "Elon Musk and Sam Altman disagreed in public.",
    "She studied music at Bard College.",
    "A wandering bard sang at the inn.",
    "My uncle Bert fixed the radio.",
    "He was a titan of industry.",
    "The Titan of the rail industry retired.",
    "A falcon circled over the field.",
    "The Falcon dived at its prey.",
    "Yi Zhang wrote the first draft.",
    "Tourists visit the ruins of Palmyra.",
    "The kitchen has a granite countertop.",
    "Granite is an igneous rock.",
    "The co-pilot landed the plane.",
    "Ground-level O3 (ozone) harms the lungs.",
    "Put the total in cell t5 of the sheet.",
    "We need a fair comparison of the two systems.",
    "The archive follows the FAIR principles for research data.",
    "XAI methods try to explain a model's decisions.",
    "Arguments that cohere are easier to follow.",
    "Financial stability matters to central banks.",
    "Stability of training improved with a lower learning rate.",
    "The Financial Stability Board met in Basel.",
    "The Amazon rainforest is shrinking.",
    "The 8B model was trained to be Chinchilla optimal.",
    "The Allen Institute for Brain Science maps neurons.",
    "Jean-Claude Juncker led the Commission.",
    "AutoGPT chains calls to a language model.",
    "Explainable AI is a research field.",
    # names that are also words or names, in texts with no word of AI (`needs_context`)
    "The Mistral winds blew hard across Provence all week.",
    "She read Shakespeare's Sonnet 18 aloud, then a Haiku of her own.",
    "Beethoven's Opus 131 closed the concert.",
    "The farm keeps a llama and two alpacas.",
    "People born under Gemini are said to be curious.",
    "A Whisper of wind crossed the Zephyr-cooled terrace.",
    "The Pythia spoke at Delphi.",
    "The children traded Megatron toys.",
    "We buy FAIR trade coffee whenever we can.",
    "Stable diffusion of heat through the rod was observed.",
    "The Falcon 9 rocket landed on the barge.",
    "Flamingo chicks and a Chinchilla drew crowds at the zoo.",
    "Alexa and Rosa sang Dolma recipes in Spanish: Veo, veo.",
    "Fit T5 tubes in the garage lights.",
    "The Codex was copied by monks in the ninth century.",
]
# The same names in texts about AI, or beside another name of a lab, are the labs'.
IN_CONTEXT = [
    ("Sonnet writes better code than any model before it.", [("anthropic", "Sonnet")]),
    ("The new Haiku model is cheap to run.", [("anthropic", "Haiku")]),
    ("Mistral released its weights under Apache 2.0.", [("mistral", "Mistral")]),
    ("You can fine-tune a small llama on a laptop.", [("meta", "llama")]),
    ("Whisper transcribes speech from many languages with one model.", [("openai", "Whisper")]),
    ("Gemini answers questions about images, Google said.", [("google", "Gemini"), ("google", "Google")]),
    ("Claude 3 Opus and Claude 3.5 Sonnet were compared.",
     [("anthropic", "Claude"), ("anthropic", "Opus"), ("anthropic", "Claude"), ("anthropic", "3.5 Sonnet")]),
    ("Reviewers prefer 3.5 Sonnet to its rivals.", [("anthropic", "3.5 Sonnet")]),
    ("Meta's FAIR team wrote the paper.", [("meta", "Meta"), ("meta", "FAIR")]),
]


# Share, follow, sign-in and sidebar text of web pages, written by us in the shape such
# widgets take: a button names a platform, not the lab.
BOILERPLATE = [
    "Follow us on Facebook Follow us on LinkedIn",
    "Share this story Share on Facebook Share on Twitter",
    "Share this article via Facebook or by email.",
    "Corrections Facebook Twitter Newsletters",
    "Site map YouTube Facebook Careers",
    "This form is protected by reCAPTCHA and the Google Privacy Policy and Terms of Service apply.",
    "We use Google reCAPTCHA to stop spam.",
    "Get it on Google Play",
    "Donate by card, Apple Pay or Google Pay.",
    "Follow us on Google News for more.",
    "Sign in with Google Continue with email",
    "Headphones for $99 at Amazon",
]
IN_PROSE = [
    ("Meta said on Facebook that it would release the model.", ["meta"]),
    ("Facebook, Instagram and WhatsApp share one owner.", ["meta"]),
    ("Google shared the weights of Gemma on its blog.", ["google"]),
    ("Amazon sells Titan through its cloud.", ["amazon"]),
    ("The app store rules of the Google Play Store set fees for developers.", ["google"]),
    ("Readers could see their profiles on Facebook and elsewhere.", ["meta"]),
    ("Shoppers buy on Amazon with one click.", ["amazon"]),
    ("Google News ranked a copied story first.", ["google"]),
]


@pytest.mark.parametrize("sentence", BOILERPLATE)
def test_share_follow_and_sign_in_widgets_are_not_lab_mentions(sentence):
    assert find_mentions(sentence) == []


@pytest.mark.parametrize("sentence, expected", IN_PROSE)
def test_the_same_names_in_prose_are_lab_mentions(sentence, expected):
    assert find_labs(sentence) == expected


@pytest.mark.parametrize("sentence, expected", POSITIVE)
def test_a_lab_or_its_product_is_found(sentence, expected):
    assert find_labs(sentence) == expected


@pytest.mark.parametrize("sentence", NEGATIVE)
def test_a_homonym_is_not_a_lab(sentence):
    assert find_mentions(sentence) == []


@pytest.mark.parametrize("sentence, expected", IN_CONTEXT)
def test_a_name_that_needs_a_context_counts_in_a_text_about_ai(sentence, expected):
    assert spans(sentence) == expected


def test_a_name_without_the_mark_wins_the_same_words_whatever_the_order(tmp_path):
    """Where an entry that needs a context and one that does not match the same words, the
    second counts, in whichever order the file lists them."""
    for aliases in ("[{phrase: Orion, case_sensitive: true, needs_context: true}, {regex: 'Orion(?: [0-9])?', case_sensitive: true}]",
                    "[{regex: 'Orion(?: [0-9])?', case_sensitive: true}, {phrase: Orion, case_sensitive: true, needs_context: true}]"):
        path = write(tmp_path, f"labs:\n  orion:\n    name: Orion Labs\n    aliases: {aliases}\ncontext: [model]\n")
        registry = load_labs(path)
        assert find_mentions("Orion rose over the hills.", registry) == [("orion", 0, 5)]
        text = "Orion rose over the hills."
        scored = openness.score(pd.DataFrame({"doc_id": ["d"], "text": [text]}), labs=registry).mentions
        assert scored[["lab", "start", "end"]].values.tolist() == [["orion", 0, 5]]


@pytest.mark.parametrize("field, expected", [("Mistral", ["mistral"]), ("Sonnet", ["anthropic"]), ("llama", ["meta"])])
def test_a_name_alone_is_a_labs_without_a_context(field, expected):
    """A metadata field (an index's developer, a model name) is about AI already."""
    assert find_labs(field) == expected
    assert find_mentions(field) == []


def test_the_scorer_asks_the_context_of_the_whole_document():
    """A name that needs a context keeps it in a document whose other sentence is about AI,
    and counts in neither sentence of a document with no word of AI."""
    docs = pd.DataFrame({"doc_id": ["poem", "review"],
                         "text": ["Sonnet 18 is read aloud. Then comes a Haiku.",
                                  "Sonnet 18 is read aloud. Then the model writes a Haiku."]})
    mentions = openness.score(docs).mentions
    assert mentions[["doc_id", "sentence", "lab"]].values.tolist() == [["review", 0, "anthropic"],
                                                                         ["review", 1, "anthropic"]]


def spans(text: str) -> list[tuple[str, str]]:
    return [(lab, text[start:end]) for lab, start, end in find_mentions(text)]


def test_spans_slice_back_to_the_alias_text():
    text = "OpenAI's GPT-4o, Meta’s Llama-3-70B and Microsoft's Phi-3 were compared."
    assert spans(text) == [
        ("openai", "OpenAI"), ("openai", "GPT-4o"), ("meta", "Meta"),
        ("meta", "Llama-3"), ("microsoft", "Microsoft"), ("microsoft", "Phi-3"),
    ]


def test_offsets_count_code_points_after_non_ascii_text():
    text = "Café talk: Tülu 3 and DALL·E 3 came up — then Anthropic."
    assert spans(text) == [("ai2", "Tülu 3"), ("openai", "DALL·E"), ("anthropic", "Anthropic")]


def test_longest_alias_wins_and_counts_once():
    text = "Google DeepMind, Meta AI and Amazon Web Services all spoke."
    assert spans(text) == [("google", "Google DeepMind"), ("meta", "Meta AI"), ("amazon", "Amazon Web Services")]


def test_blocker_only_shadows_what_it_overlaps():
    text = "Claude Shannon would have liked Claude."
    assert spans(text) == [("anthropic", "Claude")]
    assert find_mentions(text)[0][1] == text.rindex("Claude")


def test_gpt_family_is_split_between_openai_and_eleutherai():
    assert find_labs("GPT-J and GPT-NeoX-20B came from volunteers.") == ["eleutherai"]
    assert find_labs("GPT-2, GPT-3.5 and GPT-4V are OpenAI models.") == ["openai"]
    assert find_labs("GPT4All runs on a laptop.") == ["nomic"]


def test_case_sensitive_tokens():
    assert find_labs("Rumours said o3 was close.") == ["openai"]
    assert find_labs("Rumours said O3 was close.") == []
    assert find_labs("T5 and BERT") == ["google"]
    assert find_labs("t5 and Bert") == []


def test_a_local_llama_runtime_is_not_meta_but_the_model_is():
    assert spans("Llama 2 runs well in llama.cpp on a laptop.") == [("meta", "Llama 2")]


def test_find_labs_is_sorted_and_unique():
    assert find_labs("OpenAI, Anthropic and OpenAI again, then ChatGPT.") == ["anthropic", "openai"]


def test_shipped_registry_covers_the_codebook():
    registry = load_labs()
    assert set(CODEBOOK_LABS) <= set(registry.labs)
    assert len(registry.patterns) == len(registry.pattern_lab)
    assert None in registry.pattern_lab  # blockers are loaded
    assert registry.labs["meta"].name == "Meta"
    assert labs.default_registry().matcher is labs.default_registry().matcher


def test_every_lab_is_found_by_its_own_name():
    registry = load_labs()
    ambiguous = {"writer"}  # a common noun; found only through its products
    missed = [lab.id for lab in registry.labs.values()
              if lab.id not in ambiguous and find_labs(f"Yesterday {lab.name} announced a model.") != [lab.id]]
    assert missed == []


def test_every_shipped_regex_lists_examples_it_finds_whole_as_its_lab():
    """`openness labs` shows a regex by its examples: each must be a text that regex finds from
    its first to its last character (not a shorter prefix), and that the registry, blockers
    and all, reads as that lab and nothing else (as a name alone: one that needs a context in a
    document needs none there)."""
    registry = load_labs()
    hits = {}
    for lab in registry.labs.values():
        for entry in lab.entries:
            if entry.regex:
                assert entry.examples, f"{lab.id}: {entry.text!r} lists no examples"
            index = next(i for i, pattern in enumerate(registry.patterns)
                         if pattern.regex == entry.text and registry.pattern_lab[i] == lab.id) if entry.regex else None
            for example in entry.examples:
                found, starts, ends = registry.matcher.scan(example)
                whole = any((int(i), int(s), int(e)) == (index, 0, len(example)) for i, s, e in zip(found, starts, ends))
                named = labs.resolve_mentions(registry, found, starts, ends)  # a name alone, as `find_labs` reads it
                hits[lab.id, example] = (whole, named == [(lab.id, 0, len(example))])
    assert len(hits) > 100 and {key: hit for key, hit in hits.items() if hit != (True, True)} == {}
    assert hits["meta", "Llama-3.1"] == hits["ai2", "Tülu 3"] == (True, True)


def test_entries_keep_kind_flags_and_examples_in_file_order():
    meta = load_labs().labs["meta"]
    assert [entry.kind for entry in meta.entries] == ["alias"] * len(meta.aliases) + ["product"] * len(meta.products)
    assert tuple(entry.text for entry in meta.entries) == meta.aliases + meta.products
    first, llama = meta.entries[0], meta.entries[len(meta.aliases)]
    assert (first.regex, first.case_sensitive, first.shown) == (True, True, "Meta / META")
    assert (llama.regex, llama.case_sensitive, llama.shown) == (True, False, "LLaMA 2 / Llama-3.1 / llama3")
    animal = next(entry for entry in meta.entries if entry.text == "llama")
    assert (animal.regex, animal.case_sensitive, animal.needs_context) == (False, True, True)
    facebook = next(entry for entry in meta.entries if entry.text == "Facebook")
    assert (facebook.regex, facebook.case_sensitive, facebook.examples, facebook.shown) == (False, True, (), "Facebook")


def test_a_regex_without_examples_is_shown_as_written(tmp_path):
    path = write(tmp_path, """
        labs:
          acme:
            name: Acme AI
            products: [{regex: 'Roadrunner-[0-9]+'}, {regex: 'Coyote-[0-9]', examples: [Coyote-1, Coyote-9]}]
        """)
    assert [entry.shown for entry in load_labs(path).labs["acme"].entries] == ["Roadrunner-[0-9]+", "Coyote-1 / Coyote-9"]


@pytest.mark.skipif("hyperscan" not in ENGINES, reason="only one engine installed")
def test_both_engines_find_the_same_mentions():
    registry = load_labs()
    text = "Tülu 3, DALL·E, «Claude Shannon», Meta’s Llama 3.1 and the meta-analysis; 日本 GPT-4o."
    slow = Matcher(registry.patterns, engine="re").scan(text)
    assert labs.resolve_mentions(registry, *slow) == find_mentions(text, registry)


# --- validation -----------------------------------------------------------------------

def write(tmp_path, body: str):
    path = tmp_path / "labs.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_a_custom_registry_and_its_blockers(tmp_path):
    path = write(tmp_path, """
        labs:
          acme:
            name: Acme AI
            aliases: [Acme AI, {phrase: Acme, case_sensitive: true}]
            products: [{regex: 'Roadrunner-[0-9]+', case_sensitive: true}]
        not_labs: [Acme Corner]
        """)
    registry = load_labs(path)
    assert find_labs("Acme trained Roadrunner-2.", registry) == ["acme"]
    assert find_labs("We met at Acme Corner; acme is a word.", registry) == []
    assert registry.source == str(path)


@pytest.mark.parametrize("body, fragments", [
    ("labs:\n  acme:\n    name: [Acme\n", ["line", "invalid YAML"]),
    ("labs:\n  acme:\n    name: Acme\n    aliases: [Acme]\n  acme:\n    name: Acme 2\n    aliases: [Acme Two]\n",
     ["duplicate key 'acme'", "line 5"]),
    ("labs:\n  acme:\n    name: Acme\n    alias: [Acme]\n", ["lab acme", "unknown key(s) alias"]),
    ("labs:\n  acme:\n    aliases: [Acme]\n", ["lab acme", "missing name"]),
    ("labs:\n  acme:\n    name: Acme\n    aliases: ['']\n", ["lab acme alias ''", "empty alias"]),
    ("labs:\n  acme:\n    name: Acme\n    aliases: [Acme]\n  zenith:\n    name: Zenith\n    aliases: [ACME]\n",
     ["lab zenith alias 'ACME'", "already claimed by lab acme alias 'Acme'"]),
    ("labs:\n  acme:\n    name: Acme\n    products: [{regex: 'Road(runner'}]\n",
     ["lab acme product", "invalid regular expression"]),
    ("labs:\n  acme:\n    name: Acme\n    products: [{regex: '(a+)+b'}]\n", ["lab acme product", "nested quantifiers"]),
    ("labs:\n  acme:\n    name: Acme\n    aliases: [{phrase: Acme, case_sensitive: 'yes'}]\n", ["case_sensitive"]),
    ("labs:\n  acme:\n    name: Acme\n    aliases: [Acme]\nnot_labs: [{regex: 'x', phrase: 'y'}]\n",
     ["not_labs entry", "exactly one of"]),
    ("labs:\n  Acme Labs:\n    name: Acme\n    aliases: [Acme]\n", ["lab 'Acme Labs'", "lab ids"]),
    ("lab:\n  acme:\n    name: Acme\n", ["top level"]),
    ("labs:\n  acme:\n    name: Acme\n    aliases: [{phrase: Acme, examples: [Acme]}]\n",
     ["lab acme alias", "examples are for a regex entry"]),
    ("labs:\n  acme:\n    name: Acme\n    products: [{regex: 'R-[0-9]', examples: R-1}]\n",
     ["lab acme product", "examples must be a non-empty list"]),
    ("labs:\n  acme:\n    name: Acme\n    products: [{regex: 'R-[0-9]', examples: []}]\n",
     ["lab acme product", "examples must be a non-empty list"]),
    ("labs:\n  acme:\n    name: Acme\n    products: [{regex: 'R-[0-9]', examples: [R-1, '']}]\n",
     ["lab acme product", "examples must be a non-empty list"]),
    ("labs:\n  acme:\n    name: Acme\n    aliases: [{phrase: Acme, needs_context: 'yes'}]\n",
     ["lab acme alias", "needs_context must be true or false"]),
    ("labs:\n  acme:\n    name: Acme\n    aliases: [Acme]\nnot_labs: [{phrase: Acme Corner, needs_context: true}]\n",
     ["not_labs entry", "a blocker names no lab"]),
    ("labs:\n  acme:\n    name: Acme\n    aliases: [Acme]\ncontext: AI\n", ["context", "expected a list of phrases"]),
    ("labs:\n  acme:\n    name: Acme\n    aliases: [Acme]\ncontext: ''\n", ["context", "expected a list of phrases"]),
    ("labs:\n  acme:\n    name: Acme\n    aliases: [Acme]\ncontext: false\n", ["context", "expected a list of phrases"]),
    ("labs:\n  acme:\n    name: Acme\n    aliases: [Acme]\ncontext: [{regex: 'A.'}]\n",
     ["context entry", "unknown key(s) regex; allowed: case_sensitive, phrase"]),
    ("labs:\n  acme:\n    name: Acme\n    aliases: [Acme]\ncontext: ['']\n", ["context entry ''", "a context word is a phrase"]),
    ("labs:\n  acme:\n    name: Acme\n    aliases: [Acme]\ncontext: [AI, AI]\n", ["context entry 'AI'", "listed twice"]),
    ("labs:\n  acme:\n    name: Acme\n    aliases: [Acme]\ncontext: [model, Model]\n", ["context entry 'Model'", "listed twice"]),
    ("labs:\n  acme:\n    name: Acme\n    aliases: [Acme]\ncontext: [{phrase: 42}]\n",
     ["context entry {'phrase': 42}", "a context word is a phrase"]),
    ("labs:\n  acme:\n    name: Acme\n    aliases: [Acme]\ncontext: [Künstliche Intelligenz]\n",
     ["context entry 'Künstliche Intelligenz'", "ASCII"]),
])
def test_a_malformed_registry_names_file_entry_and_fault(tmp_path, body, fragments):
    path = write(tmp_path, body)
    with pytest.raises(LabsError) as caught:
        load_labs(path)
    message = str(caught.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message


def test_python_object_tags_are_refused_not_run(tmp_path):
    marker = tmp_path / "created-by-yaml"
    path = write(tmp_path, f"labs: !!python/object/apply:os.mkdir ['{marker}']\n")
    with pytest.raises(LabsError, match="invalid YAML"):
        load_labs(path)
    assert not marker.exists()


def test_a_missing_file_is_a_labs_error_naming_the_path_once(tmp_path):
    with pytest.raises(LabsError) as error:
        load_labs(tmp_path / "absent.yaml")
    assert str(error.value) == f"{tmp_path / 'absent.yaml'}: cannot read the lab registry: No such file or directory"


# --- agreement with the gold sentences ---------------------------------------------------

def test_lab_mentions_agree_with_gold_dev(mirror):
    """Micro-F1 over the codebook's lab ids (`other` and ids outside the codebook ignored)."""
    with open(mirror / "gold" / "dev.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 292
    true_pos = false_pos = false_neg = 0
    for row in rows:
        gold = {lab for lab in row["labs"].split(";") if lab in CODEBOOK_LABS}
        found = {lab for lab in find_labs(row["text"]) if lab in CODEBOOK_LABS}
        true_pos += len(gold & found)
        false_pos += len(found - gold)
        false_neg += len(gold - found)
    assert true_pos > 150  # the split mentions listed labs in most of its lab sentences
    f1 = 2 * true_pos / (2 * true_pos + false_pos + false_neg)
    assert f1 >= 0.95, (true_pos, false_pos, false_neg)


def test_split_ids_drops_empty_cells_and_keeps_the_row_index():
    ids = labs.split_ids(pd.Series(["meta;xai", "", None, " ai2 "], index=[10, 11, 12, 13]))
    assert list(zip(ids.index, ids)) == [(10, "meta"), (10, "xai"), (13, "ai2")]


def test_per_lab_is_one_row_per_id_with_the_other_columns_in_place():
    table = pd.DataFrame({"model": ["a", "b", "c"], "labs": ["meta;xai", "", "ai2"], "score": [1, 2, 3]},
                         index=[7, 7, 9])  # a repeated index must not multiply rows
    rows = labs.per_lab(table, "labs")
    assert rows.to_dict("list") == {"model": ["a", "a", "c"], "labs": ["meta;xai", "meta;xai", "ai2"],
                                    "score": [1, 1, 3], "lab": ["meta", "xai", "ai2"]}
    assert list(labs.per_lab(table.rename(columns={"labs": "lab"})).columns) == ["model", "lab", "score"]
