"""The shipped rubric loads and finds what it claims to, and every kind of malformed rubric
fails with one error naming the file, the entry and the fault."""
from __future__ import annotations

import functools
import re
from pathlib import Path

import pandas as pd
import pytest

from openness import paths
from openness.core.labs import load_labs
from openness.core.matcher import ENGINES, Matcher, examples, leftmost_longest
from openness.core.rubric import RubricError, dead_cues, load_rubric
from openness.core.scoring import Scorer
from openness.vocab import THEMES

MINIMAL = Path(__file__).parent / "fixtures" / "rubrics" / "minimal.yaml"


@pytest.fixture(scope="module")
def rubric():
    return load_rubric()


@functools.cache
def cue_matcher(engine: str) -> Matcher:
    return Matcher([cue.pattern for cue in load_rubric().counting_cues], engine=engine)


def cue_ids_found(rubric, text: str, engine: str) -> set[str]:
    index, starts, ends = cue_matcher(engine).scan(text)
    cues = rubric.counting_cues
    return {cues[i].id for i in index[leftmost_longest(starts, ends)].tolist()}


def test_shipped_rubric_structure(rubric):
    assert rubric.id == "openness" and rubric.source == str(paths.DEFAULT_RUBRIC)
    assert {cue.theme for cue in rubric.cues} == set(THEMES)
    assert set(rubric.criteria) == {"T1", "T2", "T3", "S1", "S2", "S3", "C1", "C2", "C3", "C4"}
    assert all(theme == {"T": "transparency", "S": "safety", "C": "control"}[cid[0]]
               for cid, (theme, _) in rubric.criteria.items())
    ids = [cue.id for cue in rubric.cues]
    assert len(ids) == len(set(ids)) and len(ids) > 300
    assert all(cue.criterion in rubric.criteria and cue.stance in (-1, 0, 1) for cue in rubric.cues)
    assert {cue.stance for cue in rubric.cues} == {-1, 0, 1}
    assert rubric.negators and rubric.negation_window == 24
    assert re.fullmatch(r"[0-9a-f]{16}", rubric.hash)


@pytest.mark.parametrize("engine", ENGINES)
def test_every_shipped_pattern_compiles(rubric, engine):
    assert len(cue_matcher(engine).patterns) == len(rubric.counting_cues)
    Matcher([cue.pattern for cue in rubric.cues if cue.blocks], engine=engine)
    Matcher(rubric.negators, engine=engine)


EXAMPLES = [
    ("The lab chose to publish open weights for its small model.", "T2.open_weight*"),
    ("Reviewers asked for a model card and a technical report.", "T3.model_card*"),
    ("Reviewers asked for a model card and a technical report.", "T3.technical_report*"),
    ("Once the weights are released, they cannot be recalled.", "S1.cannot_be_recalled"),
    ("Once the weights are released, they cannot be recalled.", "S2.once_released"),
    ("Red-teaming found several jailbreaks before launch.", "S2.red_team*"),
    ("Red-teaming found several jailbreaks before launch.", "S1.jailbreak*"),
    ("With many eyes, all bugs are shallow.", "S3.many_eyes"),
    ("Cheap tools democratise access for small firms.", "C1.democratis*"),
    ("Critics fear that a few labs will monopolize the field.", "C1.monopol"),
    ("The EU AI Act sets duties for providers.", "C2.eu_ai_act"),
    ("Export controls on chips are aimed at China.", "C3.export_control*"),
    ("Downloads are gated behind an acceptable use policy.", "C4.acceptable_use_polic*"),
    # a newcomer's own sentences, each coded by the codebook
    ("Open weights could help hostile states build weapons.", "T1.open_enables_harm"),
    ("The lab keeps GPT-4 closed.", "T1.is_closed"),
    ("Big vendors lock customers into proprietary AI APIs.", "C1.locked_into"),
    ("Regulators want to keep the AI market competitive.", "C1.market_kept_competitive"),
]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("text, cue_id", EXAMPLES)
def test_example_phrases_hit_their_cue(rubric, engine, text, cue_id):
    assert cue_id in cue_ids_found(rubric, text, engine)


@pytest.mark.parametrize("engine", ENGINES)
def test_no_shipped_cue_is_dead(rubric, engine):
    """For every cue, sentences written from its own pattern (each `*` and optional part at its
    shortest, each alternative once, after a word of its context if it has one) are scored; at
    least one of them must count as that cue."""
    context_word = {context.id: examples(context.patterns[0].regex)[0] + ": " for context in rubric.contexts}
    sentences = [(cue.id, f"{cue.id}#{k}", f"{context_word.get(cue.context, '')}{text}.") for cue in rubric.counting_cues
                 for k, text in enumerate(examples(cue.pattern.regex))]
    scorer = Scorer(rubric, load_labs(), engine=engine)
    docs = pd.DataFrame([(doc_id, text) for _, doc_id, text in sentences], columns=["doc_id", "text"])
    evidence = scorer.score(docs).evidence
    fired = set(zip(evidence["doc_id"], evidence["cue"]))
    dead = sorted({cue for cue, _, _ in sentences} - {cue for cue, doc_id, _ in sentences if (doc_id, cue) in fired})
    assert {cue for cue, _, _ in sentences} == {cue.id for cue in rubric.counting_cues}  # a blocker counts nothing
    assert dead == []
    assert dead_cues(rubric) == []


def test_dead_cues_are_named_with_their_reason(tmp_path):
    path = tmp_path / "dead.yaml"
    path.write_text(
        "id: dead\nversion: '1'\nthemes:\n  control:\n    criteria:\n      C1:\n        label: power\n        cues:\n"
        "          - 'monopol*'\n          - 'monopoly'\n          - 'power*of'\n          - 'defen[cs]e*'\n"
        "          - {id: C1.bad, regex: 'C\\+\\+'}\n          - 'concentrat* of power'\n"
    )
    found = {cue.id: reason for cue, reason in dead_cues(load_rubric(path))}
    assert set(found) == {"C1.monopoly", "C1.power_of", "C1.defen_cs_e*", "C1.bad"}
    assert "C1.monopol*" in found["C1.monopoly"]  # an earlier cue with the same span takes every hit
    assert "literally" in found["C1.power_of"] and "regex cue" in found["C1.defen_cs_e*"]
    assert "whole word" in found["C1.bad"]


# (text, cue that must fire, cues that must not): cues narrowed to what the codebook means
NARROWED = [
    ("Critics warn of a concentration of power in AI.", "C1.concentrat_of_power", []),
    ("A little tuning strips away the refusals.", "S1.strip_away", []),
    ("Users shared prompts that jailbroken models answer.", "S1.jailbroken", []),
    ("The developer cannot recall the weights once they are out.", "S1.recall", []),
    ("He recalled the meeting with a smile.", None, ["S1.recall"]),
    ("Critics fear a monopoly in cloud computing.", "C1.monopol", []),
    ("She spent the evening playing Monopoly Go on her phone.", None, ["C1.monopol"]),
    ("A handful of companies control the largest models.", "C1.few_companies", []),
    ("A handful of people came to the talk.", None, ["C1.few_companies"]),
    ("Strict rules could stifle innovation in small labs.", "C1.innovation", []),
    ("The Minister of Innovation opened the fair.", None, ["C1.innovation"]),
    ("Startups build on open models because they cannot afford APIs.", "C1.small_players_compete", []),
    ("The firm was granted a mining licence for the seabed.", None, ["T2.licence_of", "T2.licence_for", "T2.licensed_under"]),
    ("The weights are licensed under Apache 2.0.", "T2.licensed_under", []),
    ("The tool can summarize long documents in seconds.", None, ["T3.document_what"]),
    ("Developers should document the training data they used.", "T3.document_what", []),
    ("The new phone is publicly available from Friday.", None, ["T1.publicly_available"]),
    ("The model weights are publicly available for download.", "T1.publicly_available", []),
    ("The chatbot offers an API for app makers.", None, ["T1.behind_api"]),
    ("The lab keeps its model behind an API.", "T1.behind_api", []),
    ("A data leak exposed the chatbot's customer records.", None, ["T1.leak"]),
    ("Meta's LLaMA model leaked online within a week.", "T1.leak", []),
    ("The company openly criticised the AI rules.", None, ["T1.openly"]),
    ("Firms feed proprietary data into the AI assistant.", None, ["T1.proprietary"]),
    ("Critics of AI prefer open to proprietary models.", "T1.proprietary", []),
    ("Faculty shared their existential angst about their jobs.", None, ["S1.existential"]),
    ("Experts warn of an existential threat from AI.", "S1.existential", []),
    ("The startup secured funding for its chatbot.", None, ["S2.secure"]),
    ("Developers must keep the model secure.", "S2.secure", []),
    ("The agent can book flights, securing the best price.", None, ["S2.secure"]),
    ("Empires sought new territories to exploit for resources.", None, ["S1.exploit"]),
    ("Attackers exploit a flaw in the chatbot.", "S1.exploit", []),
    ("Labs race to develop and release new AI models.", None, ["T1.release_models"]),
    ("Meta released its models to researchers.", "T1.release_models", []),
    ("The outlet published a report on chatbots.", None, ["T3.release_paper"]),
    ("The lab published a paper on its chatbot.", "T3.release_paper", []),
    ("Russian troops advanced near the river.", None, ["C3.country_ai"]),
    ("American self-driving cars crowd the streets.", None, ["C3.country_ai"]),
    ("Chinese AI labs release strong open models.", "C3.country_ai", []),
    ("Exports of chips to China were cut.", "C3.versus_country", []),
    ("The governor declared a federal emergency after the storm.", None, ["C2.federal"]),
    ("Federal agencies must report their use of AI.", "C2.federal", []),
    ("The Center for AI Policy filed a comment.", None, ["C2.policy"]),
    ("Policymakers met on Tuesday.", None, ["C2.policy"]),
    ("National AI policy should weigh open models.", "C2.policy", []),
    ("The phone runs the assistant on-device.", None, ["T1.on_device"]),
    ("Users were enthusiastic about the new phone.", None, ["T1.enthusias", "T1.enthusiasm_for_open"]),
    ("The outputs were restricted to a small vocabulary.", None, ["C4.restrict_access"]),
    ("The country will restrict exports of advanced chips.", "C4.restrict_access", []),
    ("Providers limit their end use through contracts.", "C4.end_use", []),
    ("Labs offer structured API access to vetted researchers.", "C4.degree_of_access", []),
    ("In this market, power is concentrated among three firms.", "C1.power_gathered", []),
    ("Cloud providers consolidate their grip on the market.", "C1.power_gathered", []),
    ("Network effects keep users with the biggest platform.", "C1.market_structure", []),
    ("Critics worry about the dominance of big tech in AI.", "C1.big_tech_power", []),
    ("Compute-poor universities cannot train such models.", "C1.resource_gap", []),
    ("Only the richest companies can afford a frontier run.", "C1.resource_gap", []),
    ("Regulators want healthy competition between model vendors.", "C1.competition", []),
    ("She won a maths competition at school.", None, ["C1.competition"]),
    ("Cheap models bring innovation, competition and choice.", "C1.competition", []),
    ("The coding competition drew a hundred teams.", None, ["C1.competition"]),
    ("Such rules would reduce\ncompetition among model vendors.", "C1.competition", []),  # a line break in a PDF
    ("Open models erode the lab's edge over its rivals.", "C1.advantage_over", []),
    ("Regulators need the authority to suspend an AI model's release.", "C2.authority", []),
    ("The chatbot pretends to be someone of authority to scare users.", None, ["C2.authority"]),
    ("The party in power wrote the new AI plan.", "C1.in_power", []),
    ("The rise in power consumption worried the grid operator.", None, ["C1.in_power"]),
    ("Some urged a ban on open-source AI models.", "C2.ban_on", []),
    ("The state AI bill would require safety tests.", "C2.bill", []),
    ("The startup footed the bill for the model's compute.", None, ["C2.bill"]),
    ("A fake clip showed an AI Bill Gates reading the news.", None, ["C2.bill"]),
    ("The White House drafted an AI Bill of Rights.", "C2.bill", []),
    ("The school will ban the use of AI tools in exams.", None, ["C2.ban_on"]),
    ("Labs face registration requirements for large models.", "C2.obligations", []),
    ("The AI Act has an exemption for open models.", "C2.exemption", []),
    ("New EU rules on AI take effect next year.", "C2.rules", []),
    ("Chip wars shape where AI models are trained.", "C3.great_power", []),
    ("Defense contractors test AI for targeting.", "C3.defence", []),
    ("Developers must accept the license before they download the weights.", "C4.accept_terms", []),
    # news phrasings of the themes (each new cue in a sentence of ours, and what it must leave alone)
    ("The startup decided to open-source its chatbot code.", "T1.open_source_verb", []),
    ("The lab says the training data is now public.", "T1.parts_public", []),
    ("The new model is available for commercial use.", "T2.available_for_use", []),
    ("The app is available for download in most stores.", None, ["T2.available_for_use"]),
    ("The review gave insight into how the model was trained.", "T3.insight_into", []),
    ("The coding assistant helps users gain insight into technical concepts.", None, ["T3.insight_into"]),
    ("The lab released documentation for the model.", "T3.documentation", []),
    ("The AI assistant automates documentation for coders.", None, ["T3.documentation"]),
    ("The firms will let officials vet their AI models before launch.", "T3.test_models", []),
    ("Spies hacked into the ministry's servers.", "S1.hack", []),
    ("She shared a productivity hack for busy parents.", None, ["S1.hack"]),
    ("Critics fear an AI armageddon.", "S1.armageddon", []),
    ("Some warn of an AI apocalypse.", "S1.apocalyp*", []),
    ("Doomsday talk about chatbots spread online.", "S1.doomsday", []),
    ("Experts warned of runaway AI systems.", "S1.runaway", []),
    ("The film was a runaway success.", None, ["S1.runaway"]),
    ("A few believe AI could wipe out humanity.", "S1.humanity", []),
    ("The chatbot hallucinated a court ruling.", "S1.hallucinat*", []),
    ("Users found the chatbot's summaries unreliable.", "S1.unreliab*", []),
    ("Early chatbots tended to confabulate sources.", "S1.confabulat*", []),
    ("Testers saw the AI model misbehave under pressure.", "S1.misbehav*", []),
    ("The chatbot gave confidently wrong answers about prices.", "S1.wrong_output", []),
    ("The model repeats biases from its training data.", "S1.bias*", []),
    ("Facial recognition AI can discriminate against minorities.", "S1.discriminat*", []),
    ("The AI image tool produced racist pictures.", "S1.racis*", []),
    ("Chatbots gave sexist replies to the testers.", "S1.sexis*", []),
    ("The model reproduces stereotypes about nurses.", "S1.stereotyp*", []),
    ("The chatbot wrote toxic comments.", "S1.toxic*", []),
    ("Platforms struggle to remove hate speech.", "S1.hate_speech", []),
    ("Smart glasses raise privacy concerns for bystanders.", "S1.privacy", []),
    ("Read our privacy policy before you sign up.", None, ["S1.privacy"]),
    ("Labs plan to watermark images their AI tools make.", "S2.watermark", []),
    ("The firm laid off its AI ethics team.", "S2.ethics", []),
    ("The chatbot refuses harmful requests from users.", "S2.refuse_requests", []),
    ("Hundreds signed a letter calling for a pause on giant AI experiments.", "S2.slow_down", []),
    ("Security experts use AI tools to triage alerts.", "S2.security", []),
    ("OpenAI is competing with Google for cloud customers.", "C1.competing", []),
    ("The founder shrugged off worries about the competition.", "C1.the_competition", []),
    ("The platform has outsized influence over how open source is funded.", "C1.sway_over", []),
    ("Critics say the profit-driven lab cut corners on its AI.", "C1.profit_motive", []),
    ("The three big cloud providers sell access to AI models.", "C1.big_players", []),
    ("Regulators asked how chatbots censor political topics.", "C2.censor*", []),
    ("Chatbots must follow government guidelines on content.", "C2.government_control", []),
    ("The privacy watchdog opened an inquiry into the chatbot.", "C2.watchdog*", []),
    ("The chatbot's maker could face a fine under the new rules.", "C2.fines", []),
    ("The rules were fine for a small team.", None, ["C2.fines"]),
    ("Authors sued over copyright infringement by AI firms.", "C2.copyright", []),
    ("Copyright 2023 by the publisher. All rights reserved.", None, ["C2.copyright"]),
    ("Regulators banned the chatbot app for a month.", "C2.ban_product", []),
    ("Chinese regulators approved new AI rules.", "C3.country_ai", []),
    ("The U.S. government uses the tool.", None, ["C3.country_ai"]),
    ("The service cut off access for users in two countries.", "C4.cut_off_access", []),
    ("Robots have limited access to varied settings for training.", None, ["C4.cut_off_access"]),
    ("She wrote a novel about the end of the world.", None, ["S1.humanity"]),
    ("Critics shamed Big Tech over the outage.", None, ["C1.big_players"]),
    ("The weights are released only to vetted partners.", "C4.only_to", []),
    ("Researchers signed confidentiality agreements to test the model.", "C4.confidentiality", []),
    # news dev round 2: cues from the codebook's definitions in reporters' words, and their other senses
    ("The paper drew scrutiny from outside researchers.", "T3.scrutiny", []),
    ("The company came under scrutiny after the outage.", None, ["T3.scrutiny"]),
    ("Auditors could not verify the lab's safety claims.", "T3.verify_what", []),
    ("Users should verify information the chatbot gives them.", None, ["T3.verify_what"]),
    ("The lab declined to say how many parameters the model has.", "T3.would_not_say", []),
    ("The chatbot declined to answer.", None, ["T3.would_not_say"]),
    ("Tools now attach provenance data to AI images.", "T3.provenance", []),
    ("The camera app adds content credentials to each AI edit.", "T3.content_credentials", []),
    ("Testers probed the limitations and weaknesses of the chatbot.", "T3.test_models", []),
    ("The model ships under an OpenRAIL-M license.", "T2.licence_of", []),
    ("Authors found their books in Books3, a training set.", "T1.trained_on", []),
    ("Publishers want copyrighted articles kept out of training data.", "T1.trained_on", []),
    ("Testers watched the chatbot go off the rails.", "S1.off_the_rails", []),
    ("Engineers struggle to get chatbots to behave.", "S1.behave", []),
    ("The assistant made several errors in its answers.", "S1.errors", []),
    ("Chatbot answers are not always accurate.", "S1.not_accurate", []),
    ("Detectors falsely flagged essays by students as machine-written.", "S1.wrongly_flagged", []),
    ("Image tools block requests for violent imagery.", "S1.harmful_content", []),
    ("Attackers tricked the chatbot into leaking its rules.", "S1.trick_model", []),
    ("Artists use data poisoning against image models.", "S1.trick_model", []),
    ("Critics poison the well of public debate.", None, ["S1.trick_model"]),
    ("Scientists warned of dangers from advanced chatbots.", "S1.warning", []),
    ("The lab was cautious about releasing its voice model.", "S1.cautious", []),
    ("Investors remain cautiously optimistic.", None, ["S1.cautious"]),
    ("A bug exposed private conversations of chatbot users.", "S1.exposed_data", []),
    ("The startup had limited user data to work with.", None, ["S1.exposed_data"]),
    ("The print still had the agency's watermark intact.", None, ["S2.watermark"]),
    ("Doctors keep a human in the loop for AI diagnoses.", "S2.human_in_the_loop", []),
    ("The lab trains its chatbot to respect human values.", "S2.ethics", []),
    ("The vendor promises better security for AI agents.", "S2.security", []),
    ("Tech leaders signed a call for a six-month pause.", "S2.slow_down", []),
    ("Some scientists say the risks of AI are greatly exaggerated.", "S3.risk_exaggerated", []),
    ("His role in the story is probably exaggerated.", None, ["S3.risk_exaggerated"]),
    ("Governments race to govern AI before it spreads.", "C2.govern", []),
    ("Rules that govern behavior in class were strict.", None, ["C2.govern"]),
    ("The fund holds a financial interest in the lab.", "C1.financial_interest*", []),
    ("The startup values its independence from OpenAI.", "C1.independence_from", []),
    ("The lab hopes to stay ahead of its rivals.", "C1.ahead_of", []),
    ("Our laws have not caught up with the technology.", None, ["C1.ahead_of"]),
    ("The OpenAI board removed its chief executive.", "C1.control_of_lab", []),
    ("She joined the board of directors of a bakery.", None, ["C1.control_of_lab"]),
    ("Plugins pose a competitive threat to app stores.", "C1.threat_to_business", []),
    ("Open models could spread the gains to the wider economy.", "C1.gains_to", []),
    ("Big labs stand to profit as AI spreads.", "C1.profit_motive", []),
    ("Innovation is in the air, with more innovation to come.", None, ["C1.innovation"]),
    ("The act classifies chatbots used in hiring as high-risk.", "C2.risk_class", []),
    ("Such rules matter to the people who represent our political interests.", "C2.political", []),
    ("Copyright is a blunt tool for governing AI.", "C2.copyright_debate", []),
    ("The license has restrictions meant to prevent misuse.", "C4.restrictions_to_prevent", []),
    # narrowed after news audit round 5: each with a sentence in the codebook's sense and one in another
    ("The lab shared its model documentation with outside researchers.", "T3.documentation", []),
    ("The city keeps no public documentation of its water pipes.", None, ["T3.documentation"]),
    ("Independent auditors examined the chatbot before launch.", "T3.audit", []),
    ("The accounting firm will speed up its audit work with AI.", None, ["T3.audit"]),
    ("The lab's safety claims are not independently verifiable.", "T3.verifiable", []),
    ("Users want verifiable answers from the chatbot.", None, ["T3.verifiable"]),
    ("Outside evaluators tested the model before release.", "T3.evaluation", []),
    ("Contract raters asked for more time to finish AI evaluations.", None, ["T3.evaluation"]),
    ("Hackers used the chatbot to write malware.", "S1.hacker", []),
    ("A user on Hacker News praised the new model.", None, ["S1.hacker"]),
    ("Engineers secure model weights on locked servers.", "S2.secure", []),
    ("The startup secured funding and a secure spot in the market.", None, ["S2.secure"]),
    ("The OpenAI board removed its chief executive.", "C1.control_of_lab", []),
    ("Engineers feel pressure from the boardroom to ship AI features.", None, ["C1.control_of_lab"]),
    ("The government policy on AI exports changed again.", "C2.policy", []),
    ("The teacher added a chatbot policy to the syllabus.", None, ["C2.policy"]),
    ("Global governance of AI needs new bodies.", "C2.governance", []),
    ("The vendor sells data governance tools for chatbots.", None, ["C2.governance"]),
    ("Regulators should write standards for frontier models.", "C2.standards", []),
    ("The vendor says its chatbot meets the strictest privacy standards.", None, ["C2.standards"]),
    ("Lawmakers wrote rules for AI companies.", "C2.rules_for", []),
    ("The model lacks hard-coded rules for how physics works.", None, ["C2.rules_for"]),
    ("Several countries with large data centres compete on AI.", "C3.countries", []),
    ("The chatbot is now available in forty countries.", None, ["C3.countries"]),
    # news dev round 3 (three dev sheets): cues from the codebook's definitions, and their other senses
    ("The image model learnt from photos scraped from the web.", "T1.scraped_from_web", []),
    ("Closed releases of AI models are now the norm.", "T1.closed_release*", []),
    ("Critics say the chatbot opened Pandora's box.", "S1.pandora", []),
    ("The chatbot wrote untrue paragraphs about the mayor.", "S1.falsehoods", []),
    ("The AI model spread falsehoods about the vote.", "S1.falsehoods", []),
    ("The chatbot firm said the report was untrue.", None, ["S1.falsehoods"]),
    ("The lab trains its chatbot with a method called Constitutional AI.", "S2.constitutional_ai", []),
    ("Rumours name Constitutional AI, larger batches and new optimisers.", None, ["S2.constitutional_ai"]),
    ("Scammers used the AI voice tool to commit fraud.", "S1.commit_crimes", []),
    ("Google is scrambling to catch up with OpenAI.", "C1.catch_up", []),
    ("The new chatbot aims to outpace ChatGPT.", "C1.catch_up", []),
    ("The AI model helps pupils catch up with their homework.", None, ["C1.catch_up"]),
    ("Big firms race to dominate the market for AI chatbots.", "C1.race_to_dominate", []),
    ("Publishers blocked GPTBot from their sites.", "C4.block_crawlers", []),
    ("Artists can opt out of having their work used for AI training.", "C4.opt_out_training", []),
    ("Users can opt out of the AI newsletter.", None, ["C4.opt_out_training"]),
    ("The user owns the AI-generated image.", "C4.owns_output", []),
    ("The startup built its own AI image tool.", None, ["C4.owns_output"]),
    # narrowed after news audit round 6: each with a sentence in the codebook's sense and one in another
    ("Researchers called for scrutiny from outside researchers of the AI model.", "T3.scrutiny", []),
    ("AI firms face scrutiny from regulators.", None, ["T3.scrutiny"]),
    ("Hackers used the chatbot to write phishing emails.", "S1.hacker", []),
    ("The chatbot produced toxic replies to testers.", "S1.toxic*", []),
    ("AI startups complain of toxic competition.", None, ["S1.toxic*"]),
    ("Terrorists could use AI models to plan attacks.", "S1.terroris*", []),
    ("The lab plans to relicense its AI model.", "T2.relicens*", []),
    ("The lab will limit the release of its model weights.", "S2.limit_release", []),
    ("The AI notes tool is in limited availability.", None, ["S2.limit_release"]),
    ("Critics say generative AI is biased and possibly toxic.", "S1.toxic*", []),
    ("Washington and Beijing compete over AI chips.", "C3.beijing", []),
    ("Officials see Beijing as a rival in AI.", "C3.beijing", []),
    ("The chatbot was unveiled at a press event in Beijing.", None, ["C3.beijing"]),
    ("Experts fear the proliferation of AI-generated deepfakes.", "S1.proliferat*", []),
    ("The proliferation of chatbots with human names annoys people.", None, ["S1.proliferat*"]),
    ("Voters see AI as a threat to the future of humanity.", "S1.humanity", []),
    ("He wrote a book about AI and the future of humanity.", None, ["S1.humanity"]),
    ("Regulators say the chatbot violates data-protection laws.", "S1.data_protection", []),
    ("The data protection authority opened an office in the capital.", None, ["S1.data_protection"]),
    ("The lab's chatbot was pulled offline after racist replies.", "S1.pulled_offline", []),
    ("Lawmakers want to hold AI companies accountable for harms.", "C2.hold_accountable", []),
    ("She was held accountable for the delay.", None, ["C2.hold_accountable"]),
    # written from the codebook for what the fourth news dev sheet (news7) missed
    ("The lab is keeping the size of its new model secret.", "T1.keeps_secret", []),
    ("Keep reading to learn the secret behind the new AI chatbot.", None, ["T1.keeps_secret"]),
    ("The AI app helps users keep their passwords secret.", None, ["T1.keeps_secret"]),
    ("The model weights are now available on Hugging Face.", "T1.on_hugging_face", []),
    ("Hugging Face hired a new chief of staff.", None, ["T1.on_hugging_face"]),
    ("A report published last week on Hugging Face's growth drew notice.", None, ["T1.on_hugging_face"]),
    ("Labs must share safety test results with the government.", "T3.share_results", []),
    ("The paper reported the safety test results of the new AI model.", None, ["T3.share_results"]),
    ("The AI firm published its annual audit results.", None, ["T3.share_results"]),
    ("A data breach exposed the chatbot's users.", "S1.data_breach", []),
    ("The photo of the senator was an AI fake.", "S1.ai_fakes", []),
    ("Authors filed a suit against the AI lab.", "C2.suit_against", []),
    ("Users sent complaints against the AI app's new layout.", None, ["C2.suit_against"]),
    ("The letter asked for a pause in AI development.", "S2.slow_down", []),
    ("He proposes an anti-proliferation treaty for AI models.", "S1.proliferat*", []),
    ("Leaders stressed global cooperation on AI.", "C3.global_cooperation", []),
]


# Cues written from the codebook for what the second dev set (gold2) missed, each with a
# sentence in its sense and one in another (text, the cue that must fire, cues that must not).
GOLD2 = [
    ("Critics say the benefits of open models reach hospitals and schools.", "T1.benefits_of_open", []),
    ("The agency weighs the risks and benefits of open models.", "T1.risks_and_benefits", ["T1.benefits_of_open"]),
    ("Open weights provide a base that anyone can adapt.", "T1.open_enables", []),
    ("The hearing asked what \u201copenness\u201d should mean for model weights.", "T1.openness_named", ["T1.openness"]),
    ("The letter on Safety and Openness was signed by many groups.", "T1.openness_named", ["T1.openness"]),
    ("Openness is a value the whole lab holds.", "T1.openness", ["T1.openness_named"]),
    ("Once a model is published there is no \u201cundo\u201d button.", "S1.no_undo", []),
    ("The developer of an open model cannot oversee how it is used.", "S1.no_undo", []),
    ("The team can undo the change before it ships.", None, ["S1.no_undo"]),
    ("Releasing the weights would heighten the risks of misuse.", "S1.release_raises_risk", []),
    ("Closed systems can give a false sense of security to their users.", "S3.closed_illusion", []),
    ("The fence gives a false sense of security to the farm.", None, ["S3.closed_illusion"]),
    ("The future of AI should not be set by a select few.", "C1.select_few", []),
    ("Cheap chips give broader access to compute for small labs.", "C1.broad_access", []),
    ("Broader access to the weights helps auditors.", None, ["C1.broad_access"]),
    ("The startup built a model to rival OpenAI.", "C1.rival", []),
    ("Labs with closed models may extend their lead in AI.", "C1.rival", []),
    ("The lab took an investment from Microsoft to pay for its cloud.", "C1.investment_from", []),
    ("Open source code is public infrastructure that needs public funding.", "C1.public_good", []),
    ("The agency published deployment guidance for AI developers.", "C2.rule_making", []),
    ("The proposed rule would cover AI models above a threshold.", "C2.rule_making", []),
    ("A task force on AI safety met in London.", "C2.rule_making", []),
    ("The law should set no arbitrary limitations on AI capabilities.", "C2.limits_on", []),
    ("China\u2019s AI labs train on domestic chips.", "C3.country_ai", []),
    ("The lab decided to provide limited access to its model.", "C4.limited_access", []),
    ("Researchers asked about degrees of API-based access to closed models.", "C4.degree_of_access", []),
    ("The bill would set transparency requirements for developers.", "T3.transparency_required", []),
    ("New tools accelerate innovation across medicine and schooling.", None, ["C1.innovation"]),
    ("Regulation could stifle innovation among small labs.", "C1.innovation", []),
]


# Control cues written from the codebook's governance and access terms in general policy words (not from
# dev sentences), each with a sentence in its sense and one in another (text, the cue that must fire, cues
# that must not): governments as the ones who act, voluntary governance, rule-triggering thresholds, the
# means to contest decisions, approval by an authority, developers' duties, restrictions on models.
GOVERNANCE = [
    ("Governments will have to decide how far open models may spread.", "C2.governments_act", []),
    ("Advocates urged governments to set rules for frontier AI.", "C2.governments_act", []),
    ("Hospitals and governments use chatbots to answer forms.", None, ["C2.governments_act"]),
    ("The grant came from governments and charities.", None, ["C2.governments_act"]),
    ("Labs signed a voluntary code of conduct for frontier models.", "C2.voluntary", []),
    ("Parents can voluntarily join the school board.", None, ["C2.voluntary"]),
    ("Rules would apply above thresholds set by the agency.", "C2.thresholds", []),
    ("A threshold-based regime would cover the largest training runs.", "C2.thresholds", []),
    ("The app flags scores above its thresholds of confidence.", None, ["C2.thresholds"]),
    ("People should be able to contest decisions made by automated systems.", "C2.contest_decisions", []),
    ("Fans contest the referee's call every week.", None, ["C2.contest_decisions"]),
    ("Some want prior approval from regulators before a model ships.", "C2.approval", []),
    ("Developers should be held liable for foreseeable misuse of their models.", "C2.duties_of_developers", []),
    ("The developers should be proud of the new release.", None, ["C2.duties_of_developers"]),
    ("Open models should not face special restrictions unless they add risk.", "C4.restrictions", []),
    ("These restrictions were lifted once the weights were already public.", "C4.restrictions", []),
    ("Users found a jailbreak that bypasses the chatbot's safety restrictions.", None, ["C4.restrictions"]),
]


# (text, sentence stance the rubric gives): the signed gold2 cues take their side only where the codebook does
GOLD2_STANCE = [
    ("Critics say the benefits of open models reach hospitals and schools.", "pro_open"),
    ("The agency weighs the risks and benefits of open models.", "neutral"),
    ("The hearing asked what \u201copenness\u201d should mean for model weights.", "neutral"),
    ("Releasing the weights would heighten the risks of misuse.", "pro_closed"),
    ("Releasing the weights does not increase the risk of misuse.", "pro_open"),  # negated: the other side
    ("A heat wave would heighten the risks for farms.", "neutral"),  # no release in the sentence: no side
    ("Open-source models must not be made widely available.", "pro_closed"),
    ("There is no such recourse if a model is made open-source.", "pro_closed"),
    ("Closed models create an illusion of security.", "pro_open"),
    ("The bill would set transparency requirements for developers.", "neutral"),
    ("Researchers deplore the lack of transparency at closed labs.", "pro_open"),
]


@pytest.mark.parametrize("text, stance", GOLD2_STANCE)
def test_gold2_stance_cues_take_the_codebooks_side(rubric, text, stance):
    scores = Scorer(rubric, load_labs()).score(pd.DataFrame({"doc_id": ["d"], "text": [text]}))
    assert scores.documents["stance"].iloc[0] == stance


# (text, cue, whether it counts): a cue with a context counts only near its words (`ai`: AI words or a lab)
IN_CONTEXT = [
    ("The recipe site was scraped from the web by a student.", "T1.scraped_from_web", False),
    ("The chatbot learnt from text scraped from the web.", "T1.scraped_from_web", True),
    ("Hackers broke into the bank's network.", "S1.hacker", False),
    ("The ministry cited terrorism when it banned the app.", "S1.terroris*", False),
    ("The vendor's product is relicensing to other vendors.", "T2.relicens*", False),
    ("Nurses monitor the ward at night.", "S2.monitor*", False),
    ("Engineers monitor the model's outputs.", "S2.monitor*", True),
    ("Meta will monitor the new app.", "S2.monitor*", True),  # a lab mention is the context too
    ("The city passed a new law on parking.", "C2.law", False),
    ("A law on AI chatbots passed on Friday.", "C2.law", True),
    ("He read a history of the Cold War.", "C3.great_power", False),
    ("The Cold War logic returns in the race for AI chips.", "C3.great_power", True),
    ("A new bill on parking passed the council.", "C2.bill", False),
    ("Nurses monitor the ward. The AI summit began.", "S2.monitor*", False),  # the context must be in the same sentence
    ("The vacuum chamber allows researchers to test thermal extremes.", "T3.enables_researchers", False),
    ("The lab lets researchers study the model.", "T3.enables_researchers", True),
    ("The merger gave them tight alignment on sales.", "S2.alignment", False),
    ("Alignment of the chatbot with its users' values is hard.", "S2.alignment", True),
    ("The clinic treats drug abuse.", "S1.abuse*", False),
    # `context: disclosure`: visibility as something released or kept back
    ("Members' photos were visible to everyone in the AI app.", "T3.visib*", False),
    ("The weights are publicly visible on the hub.", "T3.visib*", True),
    ("The long flight left me with hallucinatory hours.", "S1.hallucinat*", False),
    ("The chatbot hallucinated a source.", "S1.hallucinat*", True),
    ("The club faces competition from a new gym.", "C1.competition", False),
    ("The chatbot faces competition from open models.", "C1.competition", True),
    ("Copyright is older than the printing press.", "C2.copyright_debate", False),
    ("Copyright is a blunt tool for governing AI.", "C2.copyright_debate", True),
    ("The host made several mistakes on stage.", "S1.errors", False),
    ("The chatbot made several mistakes.", "S1.errors", True),
    ("Our adversaries could steal the model weights.", "C3.adversaries", True),
    ("Fact-checkers try to keep pace with their adversaries.", "C3.adversaries", False),
    ("Testers signed NDAs before they could try the model.", "C4.confidentiality", True),
    ("The singer signed an NDA before the show.", "C4.confidentiality", False),
    # `context: geopolitics`: the AI words and those of states and their rivalry
    ("Pressure from Beijing on Taiwan shapes the trade in chips.", "C3.taiwan", True),
    ("Closed labs may extend their lead in AI.", "C1.rival", True),
    ("The runner hopes to extend their lead in the race.", "C1.rival", False),
    ("The bakery kept its bread recipes secret.", "T1.keeps_secret", False),
    ("The lab is keeping the size of its new model secret.", "T1.keeps_secret", True),
    ("A data breach hit the retailer last spring.", "S1.data_breach", False),
    ("A data breach exposed the chatbot's users.", "S1.data_breach", True),
    ("Leaders stressed global cooperation on climate change.", "C3.global_cooperation", False),
    ("Maria Garante won the regional chess title.", "C2.garante", False),
    ("The chatbot came back after Garante lifted its order.", "C2.garante", True),
    ("Engineers in Taiwan earn more than the local average.", "C3.taiwan", False),
    ("Governments will have to choose their own path.", "C2.governments_act", False),
    ("Governments will have to choose how to oversee AI.", "C2.governments_act", True),
    ("Such restrictions would harm the town's bakeries.", "C4.restrictions", False),
    ("Such restrictions would harm the developers of open models.", "C4.restrictions", True),
]

# open source of AI: its own words are no context for it
OPEN_SOURCE = [
    ("Most code on GitHub is open-source software.", False),
    ("A Linux maintainer praised open source.", False),
    ("Meta released an open-source model.", True),
    ("Open source ML tools gain market share.", True),
]


# Words in another sense than their theme's, taken by a blocker or left out of a cue, found in the
# precision audits of news (rounds 2-11 and 14): (text, cue, whether it counts). Each blocked sense has a
# sentence in the theme's own sense that still counts.
BLOCKED = [
    ("Analysts call the chatbot a competitive threat to the search business.", "S1.threat", False),
    ("The vendor sells threat intelligence feeds built on a language model.", "S1.threat", False),
    ("Experts call deepfakes a threat to fair elections.", "S1.threat", True),
    ("Cybersecurity leaders say their AI budget will grow next year.", "S1.cyber", False),
    ("Cybersecurity experts fear malware written by AI.", "S1.cyber", True),
    ("The startup hires security professionals to run its AI tools.", "S2.security", False),
    ("Testers found security flaws in the AI model.", "S2.security", True),
    ("The chatbot stayed flawless through the whole demo.", "S1.flaw*", False),
    ("Researchers found flaws in the chatbot's filters.", "S1.flaw*", True),
    ("A driverless AI car went hurtling down the hill.", "S1.hurt*", False),
    ("Bad advice from the chatbot could hurt patients.", "S1.hurt*", True),
    ("Training nudges the weights and biases of the model.", "S1.bias*", False),
    ("The model was trained with computing power over several weeks.", "C1.power_over", False),
    ("A few firms hold power over the future of AI.", "C1.power_over", True),
    ("Nvidia's GPU power over the AI industry worries regulators.", "C1.power_over", True),
    ("The model shows gender bias in its answers.", "S1.bias*", True),
    ("The AI app collects avalanche safety reports from skiers.", "S2.safety", False),
    ("The lab published a safety report on its AI model.", "S2.safety", True),
    ("The AI award honours diversity and inclusion in the field.", "C1.inclusion", False),
    ("Open models could widen the inclusion of poorer nations in AI.", "C1.inclusion", True),
    ("A regulatory affairs expert joined the AI startup.", "C2.regulat*", False),
    ("The chatbot drafts drug regulation paperwork for the agency.", "C2.regulat*", False),
    ("Lawmakers plan to regulate AI models.", "C2.regulat*", True),
    ("The AI firm rewrote the content policy of its chatbot.", "C2.policy", False),
    ("The team drafted security policies with the chatbot's help.", "C2.policy", False),
    ("Midjourney, an independent research lab, makes AI images.", "T3.independent_research*", False),
    ("Independent researchers probed the model's training data.", "T3.independent_research*", True),
]


@pytest.mark.parametrize("text, cue_id, counts", BLOCKED)
def test_blocked_senses_are_no_hit_and_the_theme_s_sense_is(rubric, text, cue_id, counts):
    assert cue_id in {cue.id for cue in rubric.cues}
    evidence = Scorer(rubric, load_labs()).score(pd.DataFrame({"doc_id": ["d"], "text": [text]})).evidence
    assert (cue_id in set(evidence["cue"])) == counts


def test_tech_companies_named_in_passing_are_no_sign_of_power(rubric):
    texts = ["Tech companies hired more AI engineers this year.", "Tech giants put chatbots into their search engines.",
             "A few tech giants hold most of the compute for AI."]
    documents = Scorer(rubric, load_labs()).score(pd.DataFrame({"doc_id": ["a", "b", "c"], "text": texts})).documents
    assert documents["control"].tolist() == [0, 0, 1]


@pytest.mark.parametrize("text, counts", OPEN_SOURCE)
def test_open_source_counts_only_of_ai(rubric, text, counts):
    evidence = Scorer(rubric, load_labs()).score(pd.DataFrame({"doc_id": ["d"], "text": [text]})).evidence
    assert ("T1.open_sourc*" in set(evidence["cue"])) == counts


@pytest.mark.parametrize("text, cue_id, counts", IN_CONTEXT)
def test_context_cues_count_only_in_their_context(rubric, text, cue_id, counts):
    assert {cue.id: cue.context for cue in rubric.cues}[cue_id] in ("ai", "disclosure", "geopolitics")
    assert cue_id in cue_ids_found(rubric, text, ENGINES[0])  # the words are there either way
    evidence = Scorer(rubric, load_labs()).score(pd.DataFrame({"doc_id": ["d"], "text": [text]})).evidence
    assert (cue_id in set(evidence["cue"])) == counts


@pytest.mark.parametrize("engine", ENGINES)
def test_signed_cues_point_the_right_way(rubric, engine):
    stance = {cue.id: cue.stance for cue in rubric.cues}
    assert stance["S1.cannot_be_recalled"] == -1 and stance["S2.staged_release*"] == -1
    assert stance["C1.democratiz*"] == 1 and stance["S3.many_eyes"] == 1
    assert stance["T2.open_weight*"] == 0
    assert cue_ids_found(rubric, "Nothing here is about AI at all.", engine) == set()


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("text", ["we don't", "it isn\\'t", "they won\u2019t", "not"])
def test_negators_cover_contractions(rubric, engine, text):
    index, _, ends = Matcher(rubric.negators, engine=engine).scan(text)
    assert len(index) and ends.max() == len(text)


def test_hash_ignores_layout_but_not_content(tmp_path):
    original = MINIMAL.read_text()
    relaid = tmp_path / "relaid.yaml"
    relaid.write_text("# another comment\n" + original.replace("version: \"0.1\"", "version:    '0.1'"))
    changed = tmp_path / "changed.yaml"
    changed.write_text(original.replace("open weights", "open weight"))
    assert load_rubric(MINIMAL).hash == load_rubric(MINIMAL).hash == load_rubric(relaid).hash
    assert load_rubric(changed).hash != load_rubric(MINIMAL).hash


def test_minimal_rubric_fields():
    mini = load_rubric(MINIMAL)
    cues = {cue.id: cue for cue in mini.cues}
    # a wildcard phrase keeps its "*" in the id, so the id does not read as a cut-off word
    assert list(cues) == ["T1.open_weights", "T1.withh*", "C1.concentration", "C1.eu"]
    assert cues["T1.withh*"].stance == -1 and cues["T1.withh*"].negation == "zero"
    assert cues["T1.open_weights"].negation == "flip" and cues["T1.open_weights"].stance == 0
    assert cues["C1.eu"].pattern.case_sensitive and not cues["T1.open_weights"].pattern.case_sensitive
    assert mini.criteria == {"T1": ("transparency", "weights"), "C1": ("control", "power")}
    assert mini.negation_window == 10 and len(mini.negators) == 3 and mini.claims is None


HEAD = 'id: x\nversion: "1"\nthemes:\n  transparency:\n    criteria:\n      T1:\n        label: l\n        cues:\n'
MALFORMED = {
    "yaml_syntax": ('id: x\nversion: "1"\nthemes: [unclosed\n', "line"),
    "not_mapping": ("- just\n- a list\n", "top level"),
    "missing_id": ('version: "1"\nthemes: {}\n', "'id'"),
    "missing_version": ("id: x\nthemes: {}\n", "'version'"),
    "unknown_top_key": (HEAD.replace("themes:", "colour: red\nthemes:") + "          - a\n", "colour"),
    "unknown_theme": (HEAD.replace("transparency:", "fairness:") + "          - a\n", "fairness"),
    "unknown_cue_key": (HEAD + "          - {id: T1.a, phrase: a, weight: 2}\n", "cue T1.a"),
    "duplicate_cue": (HEAD + "          - {id: T1.a, phrase: a}\n          - {id: T1.a, phrase: b}\n", "cue T1.a"),
    "duplicate_phrase": (HEAD + "          - open data\n          - open-data\n", "cue T1.open_data"),
    "duplicate_criterion": (HEAD + "          - a\n  safety:\n    criteria:\n      T1:\n        label: l\n"
                            "        cues: [b]\n", "criterion T1"),
    "duplicate_yaml_key": (HEAD + "          - a\n      T1:\n        label: again\n        cues: [b]\n", "line 10"),
    "phrase_and_regex": (HEAD + "          - {id: T1.a, phrase: a, regex: a}\n", "cue T1.a"),
    "neither": (HEAD + "          - {id: T1.a, stance: 1}\n", "cue T1.a"),
    "empty_phrase": (HEAD + '          - {id: T1.a, phrase: ""}\n', "cue T1.a"),
    "star_phrase": (HEAD + '          - {id: T1.a, phrase: " * "}\n', "cue T1.a"),
    "empty_regex": (HEAD + '          - {id: T1.a, regex: "  "}\n', "cue T1.a"),
    "invalid_regex": (HEAD + '          - {id: T1.a, regex: "(unclosed"}\n', "cue T1.a"),
    "catastrophic_regex": (HEAD + '          - {id: T1.a, regex: "(a+)+$"}\n', "cue T1.a"),
    "regex_without_id": (HEAD + '          - {regex: "ab+c"}\n', "cue #1"),
    "stance_2": (HEAD + "          - {id: T1.a, phrase: a, stance: 2}\n", "cue T1.a"),
    "stance_text": (HEAD + '          - {id: T1.a, phrase: a, stance: "1"}\n', "cue T1.a"),
    "stance_bool": (HEAD + "          - {id: T1.a, phrase: a, stance: true}\n", "cue T1.a"),
    "bad_negation": (HEAD + "          - {id: T1.a, phrase: a, negation: invert}\n", "cue T1.a"),
    "bad_default_negation": (HEAD.replace("themes:", "negation: {default: reverse}\nthemes:") + "          - a\n",
                             "negation.default"),
    "bare_no_negator": (HEAD.replace("themes:", "negation: {negators: [not, no]}\nthemes:") + "          - a\n",
                        "negation.negators[1]"),
    "unknown_context": (HEAD + "          - {id: T1.a, phrase: a, context: ai}\n", "cue T1.a"),
    "context_without_cues": (HEAD.replace("themes:", "contexts: {ai: {labs: true}}\nthemes:") + "          - a\n",
                             "contexts: ai"),
    "context_labs_text": (HEAD.replace("themes:", "contexts: {ai: {labs: 'yes', cues: [AI]}}\nthemes:") + "          - a\n",
                          "contexts: ai: labs"),
    "python_tag": ("id: !!python/object/apply:os.system ['echo hacked']\nversion: '1'\nthemes: {}\n", "line 1"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_rubric_names_file_and_entry(tmp_path, case):
    text, entry = MALFORMED[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(text)
    with pytest.raises(RubricError) as error:
        load_rubric(path)
    message = str(error.value)
    assert message.startswith(f"{path}: ") and entry in message, message


def test_missing_file_is_a_rubric_error_naming_the_path_once(tmp_path):
    with pytest.raises(RubricError) as error:
        load_rubric(tmp_path / "absent.yaml")
    assert str(error.value) == f"{tmp_path / 'absent.yaml'}: cannot be read: No such file or directory"


# `stance_context: open_or_closed`: a cue of risk, power, regulation or research takes its side
# only in a sentence about open or closed release; elsewhere it marks its theme with no side.
# (sentence, cue, its signed stance there): written for these tests, not taken from any source
STANCE_IN_FRAME = [
    ("Bad actors could use open-weight models to write malware.", "S2.bad_actor*", -1),
    ("Bad actors used the chatbot to write fake reviews.", "S2.bad_actor*", 0),
    ("Regulators urged caution before releasing such models openly.", "S1.caution", -1),
    ("Analysts urged caution about the chip maker's shares.", "S1.caution", 0),
    ("Closed models concentrate power in a few hands.", "C1.concentrat_power", 1),
    ("Automation may concentrate power in the hands of managers.", "C1.concentrat_power", 0),
    ("Critics call the fears about open source AI overblown.", "S3.overblown", 1),
    ("Critics call the fears about the new phone overblown.", "S3.overblown", 0),
    ("The firm will test its model before deployment.", "S2.before_deployment", 0),
    ("Proprietary systems should be audited before deployment.", "S2.before_deployment", -1),
]


@pytest.mark.parametrize("text, cue_id, signed", STANCE_IN_FRAME)
def test_framed_cues_take_a_side_only_about_open_or_closed_release(rubric, text, cue_id, signed):
    assert {cue.id: cue.stance_context for cue in rubric.cues}[cue_id] == "open_or_closed"
    evidence = Scorer(rubric, load_labs()).score(pd.DataFrame({"doc_id": ["d"], "text": [text]})).evidence
    hit = evidence[evidence["cue"] == cue_id]
    assert len(hit) == 1  # the theme is marked either way
    assert int(hit["stance"].iloc[0]) == signed


@pytest.mark.parametrize("text, cue_id, signed", [
    ("Lawmakers warned that open models could help adversaries.", "T1.open_enables_harm", -1),
    ("Open weights enable misuse by bad actors.", "T1.open_enables_misuse", -1),
    ("Openness helps misuse detection teams.", "T1.open_enables", 1),  # a compound noun, not harm
    ("Open science helps weapons inspectors.", "T1.open_enables", 1),
    ("Open models help researchers catch up.", "T1.open_enables", 1),
    ("Transparency helps prevent misuse of AI models.", "T1.open_enables", 1),  # what fights harm is no harm
    ("Open source helps fight hackers.", "T1.open_enables", 1),
])
def test_what_openness_is_said_to_help_decides_its_side(rubric, text, cue_id, signed):
    """Openness that helps harm argues against it (a newcomer's sentence read as pro-open)."""
    evidence = Scorer(rubric, load_labs()).score(pd.DataFrame({"doc_id": ["d"], "text": [text]})).evidence
    transparency = evidence[evidence["theme"] == "transparency"]
    assert transparency[["cue", "stance"]].values.tolist() == [[cue_id, signed]]


def test_cues_that_name_a_release_keep_their_side_without_a_frame(rubric):
    frames = {cue.id: cue.stance_context for cue in rubric.cues}
    assert frames["S2.staged_release*"] == frames["S1.cannot_be_recalled"] == frames["T1.openness"] == ""
    assert frames["T3.transparen*"] == frames["T3.secretive"] == ""


FRAMED_RUBRIC = """id: framed
version: "0.1"
contexts:
  release:
    cues: ["releas*", "open source"]
themes:
  safety:
    criteria:
      S1:
        label: misuse
        cues:
          - CUE
"""


@pytest.mark.parametrize("cue, fault", [
    ('{phrase: "bad actor*", stance: -1, stance_context: nowhere}', "stance_context 'nowhere' is not one of"),
    ('{phrase: "bad actor*", stance_context: release}', "stance_context is for a cue that takes a side"),
    ('{phrase: "NIST", skip_in_references: "yes"}', "cue S1.nist: skip_in_references must be true or false, got 'yes'"),
    ('{phrase: "NIST", case_sensitive: 1}', "cue S1.nist: case_sensitive must be true or false, got 1"),
    ('{phrase: "bad actor*", blocks: "yes"}', "blocks must be true or false, got 'yes'"),
    ('{phrase: "bad actor*", stance: -1, blocks: true}', r"a blocker \(blocks: true\) counts nothing, so stance mean"),
    ('{phrase: "bad actor*", context: release, blocks: true}', "so context mean"),
    ('{phrase: "bad actor*", blocks: true}', r"criterion S1: cues: holds only blockers \(blocks: true\), which count nothing"),
])
def test_a_cue_s_stance_context_and_flags_are_checked(tmp_path, cue, fault):
    path = tmp_path / "framed.yaml"
    path.write_text(FRAMED_RUBRIC.replace("CUE", cue))
    with pytest.raises(RubricError, match=fault):
        load_rubric(path)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_stance_context_zeroes_only_the_side(tmp_path, engine):
    path = tmp_path / "framed.yaml"
    path.write_text(FRAMED_RUBRIC.replace("CUE", '{phrase: "bad actor*", stance: -1, stance_context: release}'))
    texts = ["Bad actors may misuse it once it is released.", "Bad actors sent spam.", "Bad actors? Not if released."]
    scores = Scorer(load_rubric(path), load_labs(), engine).score(pd.DataFrame({"doc_id": ["a", "b", "c"], "text": texts}))
    assert scores.evidence["stance"].tolist() == [-1, 0, 0]  # c: "released" is in another sentence
    assert scores.documents["safety"].tolist() == [1, 1, 1]
    assert scores.documents["stance"].tolist() == ["pro_closed", "neutral", "neutral"]


BLOCKING_RUBRIC = """id: blocking
version: "0.1"
themes:
  safety:
    criteria:
      S1:
        label: harm
        cues:
          - "threat*"
          - {id: S1.not_harm, regex: "competitive threats?", blocks: true}
  control:
    criteria:
      C1:
        label: power
        cues:
          - "competitive threat*"
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_a_blocker_takes_words_from_its_own_theme_only_and_counts_nothing(tmp_path, engine):
    path = tmp_path / "blocking.yaml"
    path.write_text(BLOCKING_RUBRIC)
    texts = ["Rivals see a competitive threat.", "Deepfakes are a threat.", "A competitive threat, and a threat."]
    scores = Scorer(load_rubric(path), load_labs(), engine).score(pd.DataFrame({"doc_id": ["a", "b", "c"], "text": texts}))
    assert scores.evidence["cue"].tolist() == ["C1.competitive_threat*", "S1.threat*", "C1.competitive_threat*",
                                               "S1.threat*"]
    assert scores.evidence["end"].tolist()[-1] == len(texts[2]) - 1  # the second, unblocked "threat" of c
    assert scores.documents["safety"].tolist() == [0, 1, 1]
    assert scores.documents["control"].tolist() == [1, 0, 1]



def test_dead_cues_compete_within_their_theme_as_the_scorer_does(tmp_path):
    """A cue of another theme with the same span (here a blocker) takes nothing from a cue
    (the scorer counts both above); within a theme an earlier or longer cue does, and a blocker
    that loses every example can never block."""
    path = tmp_path / "blocking.yaml"
    path.write_text(BLOCKING_RUBRIC)
    assert dead_cues(load_rubric(path)) == []
    path.write_text(BLOCKING_RUBRIC.replace('          - "threat*"\n',
                                            '          - "threat*"\n          - "competitive threat"\n'))
    found = {cue.id: reason for cue, reason in dead_cues(load_rubric(path))}
    assert found == {"S1.not_harm": "every example of it is taken by S1.competitive_threat instead"}

# Cues written from the codebook for what the fifth news dev sheet (news8) missed, each with a
# sentence in its sense and, where a cue was narrowed, one in the other sense (text, the cue that
# must fire, cues that must not).
NEWS8 = [
    ("Researchers asked for access to the Falcon dataset.", "T1.access_to_named_parts", []),
    ("The vendor sells access to consumer datasets.", None, ["T1.access_to_named_parts"]),
    ("The AI model learnt from two open medical datasets.", "T1.open_named_data", []),
    ("The lab publicly shared the code of its AI model.", "T1.publicly_shared", []),
    ("Among AI labs, Mistral remains the most open.", "T1.most_open", []),
    ("The new AI chief is more open to ideas than her predecessor.", None, ["T1.most_open"]),
    ("The AI firm uses chats from its messaging apps.", "T1.data_from_products", []),
    ("The firm trains its AI models on users' chats.", "T1.trained_on_user_data", []),
    ("Customers can train their models with their own files and data.", None, ["T1.trained_on_user_data"]),
    ("The regulator says the lab is using health data to train its model.", None,
     ["T1.data_from_products", "T1.trained_on_user_data"]),
    ("Closed developers keep their weights to themselves.", "T1.closed_developers", []),
    ("The lab put out a paper on its new model.", "T3.paper_out", []),
    ("Two think tanks put out reports on AI and jobs.", None, ["T3.paper_out"]),
    ("The bot had made those up, fabricating titles of books.", "S1.made_up", []),
    ("Its replies read as plausible-sounding prose.", "S1.plausible_untrue", []),
    ("The chatbot mistakenly claimed that the bridge was built in 1900.", "S1.mistaken_claim", []),
    ("Readers warn that answers from the bot cannot be trusted.", "S1.not_trusted", []),
    ("Her talk was called Building Trustworthy AI.", None, ["S1.not_trusted"]),
    ("The AI search page warns that mistakes are possible.", "S1.mistakes_possible", []),
    ("The Falcon model was leaked on a forum.", "S1.leaked_model", []),
    ("Firms fear they leak their trade secrets into a general model.", "S1.leaked_model", []),
    ("Forum users still talk about last year's Llama leak.", None, ["S1.leaked_model"]),
    ("The vendor promises to protect customer privacy.", "S1.privacy_kept", []),
    ("The watchdog wants to know how the app is ensuring the privacy of children.", None, ["S1.privacy_kept"]),
    ("Teachers ran the essay through an AI text detector.", "S1.ai_detector", []),
    ("Her column explains ways to detect AI-generated essays.", None, ["S1.ai_detector"]),
    ("The lab's chief said it was wise to be \u201ccautious\u201d about its release.", "S1.cautious_release", []),
    ("The film imagines a robot uprising.", "S1.ai_takeover", []),
    ("The novel features a computer overlord named Max.", None, ["S1.ai_takeover"]),
    ("Robotaxis from two firms were involved in several crashes.", "S1.autonomous_crash", []),
    ("Researchers worry that AI could help spread false news.", "S1.worry_what_ai_does", []),
    ("Some scientists want labs to halt their research on AI systems for a year.", "S2.pause_work", []),
    ("The firm put protective measures around its chatbot.", "S2.protective_measures", []),
    ("The chatbot now has an age limit of sixteen.", "S2.age_limit", []),
    ("Voters disagree on who should control AI systems.", "C1.who_should_control", []),
    ("The startup adopted a capped-profit structure under a charity.", "C1.lab_governance", []),
    ("Its nine-person board alone can determine what counts as AGI.", "C1.lab_governance", []),
    ("The intern was fired by a co-founder of the AI startup.", None, ["C1.lab_governance"]),
    ("Members of the chess club voted on a new organizational structure.", None, ["C1.lab_governance"]),
    ("The school board will meet on Friday about AI tutors.", None, ["C1.lab_governance"]),
    ("Google launched Bard, a ChatGPT rival.", "C1.rival_to", []),
    ("The new app is the startup's answer to ChatGPT.", None, ["C1.rival_to"]),
    ("Analysts refuse to count Meta out of the AI race.", "C1.counted_out", []),
    ("The AI newcomer is nowhere near the scale of its rivals.", "C1.bigger_players", []),
    ("The biggest players in AI spend billions on chips.", "C1.bigger_players", []),
    ("Major players in the AI industry signed the letter.", None, ["C1.bigger_players"]),
    ("The AI firm holds a small share of the cloud market.", "C1.share_of_market", []),
    ("A portion of the market now prefers small AI models.", None, ["C1.share_of_market"]),
    ("Tech firms are racing to build chatbots into search.", "C1.race_to", []),
    ("The designers' sprint to develop an AI feature ended in May.", None, ["C1.race_to"]),
    ("Critics call the race towards AGI reckless.", None, ["C1.race_to"]),
    ("Artists can use the opt-out form the AI lab provides.", "C4.opt_out_mechanism", []),
]


# the tables above of cues in their sense and in another: (text, the cue that must fire, cues that must not)
MEANINGS = {"narrowed": NARROWED, "gold2": GOLD2, "governance": GOVERNANCE, "news8": NEWS8}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("text, fires, silent", [pytest.param(*case, id=f"{table}-{number}")
                                                 for table, cases in MEANINGS.items()
                                                 for number, case in enumerate(cases)])
def test_cues_fire_on_their_meaning_only(rubric, engine, text, fires, silent):
    found = cue_ids_found(rubric, text, engine)
    assert fires is None or fires in found
    assert not found & set(silent)


# news8 cues given the AI context: the words are found either way, the hit counts only about AI
NEWS8_IN_CONTEXT = [
    ("The singer made it all up as she went along.", "S1.made_up", False),
    ("The chatbot made it all up.", "S1.made_up", True),
    ("The runners are racing to get to the finish line.", "C1.race_to", False),
    ("Tech firms are racing to get AI into search.", "C1.race_to", True),
    ("Parents worry that it could rain on the fair.", "S1.worry_what_ai_does", False),
    ("Fans counted the team out of the title race.", "C1.counted_out", False),
    ("She publicly shared her holiday photos.", "T1.publicly_shared", False),
    ("The lab publicly shared its model.", "T1.publicly_shared", True),
]


@pytest.mark.parametrize("text, cue_id, counts", NEWS8_IN_CONTEXT)
def test_news8_context_cues_count_only_about_ai(rubric, text, cue_id, counts):
    assert {cue.id: cue.context for cue in rubric.cues}[cue_id] == "ai"
    assert cue_id in cue_ids_found(rubric, text, ENGINES[0])  # the words are there either way
    evidence = Scorer(rubric, load_labs()).score(pd.DataFrame({"doc_id": ["d"], "text": [text]})).evidence
    assert (cue_id in set(evidence["cue"])) == counts


# A fresh-eyes review of the session's new cues: each in a sense its comment excludes gives no
# hit of that cue (with the scorer, contexts and blockers applied), and its own sense still does.
REVIEWED = [
    ("Players contested the decisions of the referee.", "C2.contest_decisions", False),
    ("Citizens need a way to contest decisions an AI system makes about them.", "C2.contest_decisions", True),
    ("The merger needs approval from regulators.", "C2.approval", False),
    ("Frontier models would need prior approval before release.", "C2.approval", True),
    ("Property developers will be held liable for the delays.", "C2.duties_of_developers", False),
    ("Model developers should be held liable for foreseeable misuse of AI.", "C2.duties_of_developers", True),
    ("Governments are adopting AI chatbots for their call centres.", "C2.governments_act", False),
    ("Governments have spent billions on AI research.", "C2.governments_act", False),
    ("Governments seek to set rules for AI models.", "C2.governments_act", True),
    ("The school board will decide whether to ban AI tutors.", "C1.lab_governance", False),
    ("The lab's nonprofit board will decide when its AI counts as AGI.", "C1.lab_governance", True),
    ("A large share of public sector workers now use AI.", "C1.share_of_market", False),
    ("The AI startup won a large share of the chatbot market.", "C1.share_of_market", True),
    ("The AI company promised to make it up to users.", "S1.made_up", False),
    ("The AI company made it up to users with refunds.", "S1.made_up", False),
    ("The chatbot made it up to the final round of the AI contest.", "S1.made_up", False),
    ("AI chatbots make it all up.", "S1.made_up", True),
    ("Chatbots made them up, the AI researcher said.", "S1.made_up", True),
    ("She was more open than before about her fears of AI.", "T1.most_open", False),
    ("Meta's AI models are more open than OpenAI's.", "T1.most_open", True),
    ("Llama is more open than its rivals, AI researchers say.", "T1.most_open", True),
    ("Meta is the most open of the big AI labs.", "T1.most_open", True),
]
# and the blockers no longer take what they should leave
REVIEWED_THEMES = [
    ("The FDA regulates AI-enabled medical devices.", "control", 1),
    ("Financial regulators are scrutinising how banks use AI models.", "control", 1),
    ("Drug regulations changed last year.", "control", 0),
    ("An independent researcher found flaws in the model's safety filters.", "transparency", 1),
    ("She works at an independent research lab.", "transparency", 0),
]


@pytest.mark.parametrize("text, cue_id, counts", REVIEWED)
def test_reviewed_cues_keep_to_their_sense(rubric, text, cue_id, counts):
    evidence = Scorer(rubric, load_labs()).score(pd.DataFrame({"doc_id": ["d"], "text": [text]})).evidence
    assert (cue_id in set(evidence["cue"])) == counts


@pytest.mark.parametrize("text, theme, expected", REVIEWED_THEMES)
def test_blockers_leave_the_theme_s_own_sense(rubric, text, theme, expected):
    documents = Scorer(rubric, load_labs()).score(pd.DataFrame({"doc_id": ["d"], "text": [text]})).documents
    assert int(documents[theme].iloc[0] > 0) == expected
