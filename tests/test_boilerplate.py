"""Boilerplate removal on pages written for these tests: each kind of boilerplate is
imitated once, and the test says exactly what is removed and by which rule."""
from __future__ import annotations

import pandas as pd
import pytest

from openness.data.sources.boilerplate import RULES, clean_pages, min_pages

NAV = "Home World Business Technology Science Opinion Video Podcasts Newsletters Sign In"
FOOT = "About us Contact the desk Careers Corrections Accessibility help Site map"
ARTICLES = [
    "The lab released a small model for teachers on Tuesday.\nIts makers say the weights will follow in spring.",
    "A city council voted to test translation software in schools.\nParents asked who checks the answers.",
    "Two researchers rebuilt an old chess program from printed listings.\nIt still loses to a pocket calculator.",
    "A bakery chain now plans its bread orders with a forecasting tool.\nWaste fell by a fifth, the owner says.",
]
SHARE = "Share on Facebook Share on X Share on LinkedIn"
SCRIPT = "window.addEventListener('load', function(){ var menu = document.getElementById('nav-menu'); });"
HEADLINES = " ".join(["Robots learn to fold towels", "Markets wobble after chip news", "A quiet week for phones",
                      "Startups court school boards", "Why the printer jammed again", "Museums try audio guides",
                      "Weather apps disagree on rain", "Trains test new ticket gates", "Gardeners swap seed data",
                      "Libraries lend laptops now"])
COOKIE = "We use cookies to improve your visit."
TAGS = "Topics machine learning schools bread chess"


def page(article: str, *extra_lines: str) -> str:
    return "\n".join([NAV, article, *extra_lines, FOOT])


@pytest.fixture(scope="module")
def cleaned() -> pd.DataFrame:
    texts = pd.Series({
        "plain": page(ARTICLES[0]),
        "shared": page(ARTICLES[1], SHARE),
        "scripted": page(ARTICLES[2], SCRIPT),
        "crowded": page(ARTICLES[3], HEADLINES, COOKIE, TAGS),
        "other-site": "\n".join([FOOT, ARTICLES[0]]),
    })
    outlets = pd.Series({"plain": "a.example", "shared": "a.example", "scripted": "a.example",
                         "crowded": "a.example", "other-site": "b.example"})
    return clean_pages(texts, outlets)


def visible(text: str) -> int:
    return sum(not c.isspace() for c in text)


def test_only_the_articles_are_left(cleaned):
    assert cleaned.loc["plain", "text"] == ARTICLES[0]
    assert cleaned.loc["shared", "text"] == ARTICLES[1]
    assert cleaned.loc["scripted", "text"] == ARTICLES[2]
    assert cleaned.loc["crowded", "text"] == ARTICLES[3]


def test_lines_repeated_across_pages_of_one_outlet_go_not_across_outlets(cleaned):
    assert min_pages(4) == 3  # the menu and footer are on all four pages of a.example
    assert cleaned.loc["plain", "repeated across outlet"] == visible(NAV) + visible(FOOT)
    # b.example has one page: the footer line is not repeated there, so it stays
    assert cleaned.loc["other-site", "text"] == "\n".join([FOOT, ARTICLES[0]])
    assert cleaned.loc["other-site", list(RULES)].sum() == 0


def test_each_kind_of_boilerplate_is_removed_by_its_rule(cleaned):
    assert cleaned.loc["shared", "share/follow"] == visible(SHARE)
    assert cleaned.loc["scripted", "script"] == visible(SCRIPT)
    assert cleaned.loc["crowded", "unpunctuated block"] == visible(HEADLINES)
    assert cleaned.loc["crowded", "cookie/privacy/subscribe"] == visible(COOKIE)
    assert cleaned.loc["crowded", "trailing tag list"] == visible(TAGS)
    assert (cleaned.loc[:, "chars"] - cleaned.loc[:, list(RULES)].sum(axis=1) == cleaned.text.map(visible)).all()


def test_a_run_of_share_buttons_glued_between_the_byline_and_the_article_goes():
    """Vox's buttons (Reddit, Pocket, Flipboard, Email) sit between its byline and the article."""
    buttons = "Reddit Pocket Flipboard Email"
    text = "\n".join(["By Ada Morel Mar 15, 2023, 9:20am " + buttons + " " + ESSAY[0], ESSAY[1]])
    out = clean_pages(pd.Series({"v": text}), pd.Series({"v": "vox.com"}))
    assert out.loc["v", "share/follow"] == visible(buttons)
    assert out.loc["v", "text"] == "By Ada Morel Mar 15, 2023, 9:20am " + ESSAY[0] + "\n" + ESSAY[1]


def test_a_page_repeating_its_own_lines_keeps_the_first(cleaned):
    twice = "\n".join([ARTICLES[0], "A line written once more for the test.", "A line written once more for the test."])
    out = clean_pages(pd.Series({"p": twice}), pd.Series({"p": "c.example"}))
    assert out.loc["p", "text"] == "\n".join([ARTICLES[0], "A line written once more for the test."])
    assert out.loc["p", "repeated in page"] == visible("A line written once more for the test.")


def test_a_repeated_run_inside_a_line_is_cut_and_the_rest_of_the_line_kept():
    lead = "Save this story Save this story Save Listen to this article now"
    subjects = ["Apples", "Rivers", "Lanterns"]
    texts = pd.Series({subject: f"{lead} {subject} are the subject of this page." for subject in subjects})
    out = clean_pages(texts, pd.Series("d.example", index=texts.index))
    assert out["text"].tolist() == [f"{subject} are the subject of this page." for subject in subjects]
    assert out["repeated across outlet"].tolist() == [visible(lead)] * 3


def test_identical_pages_count_once_so_a_twice_scraped_article_is_not_boilerplate():
    texts = pd.Series({"p1": ARTICLES[0], "p2": ARTICLES[0], "p3": ARTICLES[0], "p4": ARTICLES[1]})
    out = clean_pages(texts, pd.Series("e.example", index=texts.index))
    assert out["text"].tolist() == [ARTICLES[0]] * 3 + [ARTICLES[1]]


def test_cleaning_is_deterministic(cleaned):
    again = clean_pages(pd.Series({"plain": page(ARTICLES[0]), "shared": page(ARTICLES[1], SHARE),
                                   "scripted": page(ARTICLES[2], SCRIPT),
                                   "crowded": page(ARTICLES[3], HEADLINES, COOKIE, TAGS),
                                   "other-site": "\n".join([FOOT, ARTICLES[0]])}),
                        pd.Series({"plain": "a.example", "shared": "a.example", "scripted": "a.example",
                                   "crowded": "a.example", "other-site": "b.example"}))
    pd.testing.assert_frame_equal(again, cleaned)


GLUED_TAGS = "robotics oceans artificial intelligence Ada B. Morel Tom K. Price Lea Fink"


def test_tags_and_bylines_glued_to_the_last_sentence_go_and_an_initial_ends_no_sentence():
    last = "“We will test it again next spring,” the engineer said. “The sea is patient.”"
    texts = pd.Series({
        "glued": "\n".join([ARTICLES[0], f"{last} {GLUED_TAGS}"]),
        "own line": "\n".join([ARTICLES[1], GLUED_TAGS]),  # "B." and "K." are initials, not sentence ends
    })
    out = clean_pages(texts, pd.Series("f.example", index=texts.index))
    assert out.loc["glued", "text"] == "\n".join([ARTICLES[0], last])
    assert out.loc["own line", "text"] == ARTICLES[1]
    assert out["trailing tag list"].tolist() == [visible(GLUED_TAGS)] * 2


def test_a_last_quotation_without_its_full_stop_is_kept():
    quoted = "The tool ships in May. “It reads the tides better than we do,” she"
    out = clean_pages(pd.Series({"p": "\n".join([ARTICLES[2], quoted])}), pd.Series({"p": "g.example"}))
    assert out.loc["p", "text"] == "\n".join([ARTICLES[2], quoted])
    assert out.loc["p", "trailing tag list"] == 0


CAPTION = "A tractor pulls a seed drill across a wet field."
HEADER = "\n".join([
    "Skip to main content Farming " + CAPTION,
    'Farm robots sow earlier "https://news.example/2023/farm\\">Robots ' + CAPTION,
    "Photograph: Ann Field/Agency " + CAPTION,
    "Photograph: Ann Field/Agency Farming Technology Farm robots sow earlier Tue 24 Oct 2023 08.00 EDT "
    "The first robot drills started work this spring.",
])


@pytest.mark.parametrize("text, kept", [
    # an author, section and headline over the picture, then the credit: the article starts after its names
    ("Ann Writer Science Robots Sow Earlier Photograph: Ann Field October was wet, the farmers say.",
     "October was wet, the farmers say."),
    # the capitalised word before a lower-case one opens the sentence
    ("Photograph: Ann Field She drove the drill herself.", "She drove the drill herself."),
    ("Culture Robots Sow Earlier ILLUSTRATION: Ann Field She drove the drill herself.", "She drove the drill herself."),
    # an agency after a slash is a name; a word with a comma is the article's
    ("Photograph: Ann Field/Agency the drill was late.", "the drill was late."),
    ("Photograph: Ann Field/AP Today, the drill was late.", "Today, the drill was late."),
    # a credit after a sentence goes alone; an agency credit without a label too
    ("The drill was late. Credit: Ann Field/Agency via Getty Images Farmers waited.", "The drill was late. Farmers waited."),
    ("Farmers waited. Ann Field/Bloomberg via Getty Images The drill came.", "Farmers waited. The drill came."),
    ("The photo agency Getty Images filed a lawsuit.", "The photo agency Getty Images filed a lawsuit."),
    # a credit followed by a dateline: the caption and headline block over the article goes
    (HEADER, "The first robot drills started work this spring."),
])
def test_photo_credits_and_the_header_block_they_sit_in_go(text, kept):
    out = clean_pages(pd.Series({"p": text}), pd.Series({"p": "d.example"}))
    assert out.loc["p", "text"] == kept
    assert out.loc["p", "photo credit"] == visible(text) - visible(kept)


# ------------------------------------------------------------- layout rules (9 to 11), by outlet

ESSAY = ["The harbour crane was built in 1962 and still lifts the ferries out of the water each winter, when the "
         "storms close the crossing for a few weeks and the town goes quiet.",
         "Its operator, who started as a welder on the same quay, says the new sensors mostly confirm what she has "
         "heard in the cable for twenty years.",
         "“The cable sings before it snaps,” she said on the last day of the season. “You learn the note, and then "
         "you listen for it every morning.”"]
RELATED = ["Inside the town that brews its own electricity.", "Why your kettle knows the weather.",
           "The best rain boots for city walking."]


@pytest.mark.parametrize("outlet, mark", [("newyorker.com", "♦"), ("wired.com", "You Might Also Like"),
                                          ("wired.com", "More Great WIRED Stories"),
                                          ("technologyreview.com", "hide by Ada Morel")])
def test_everything_after_an_outlets_end_of_article_mark_goes(outlet, mark):
    tail = f"{mark} Favourites of the desk " + "\n".join(RELATED) + "\nHarbours Cranes Ada Morel Tom Price"
    text = "\n".join([*ESSAY[:2], ESSAY[2] + " " + tail])
    out = clean_pages(pd.Series({"p": text}), pd.Series({"p": outlet}))
    assert out.loc["p", "text"] == "\n".join(ESSAY)
    assert out.loc["p", "after the article"] + out.loc["p", "trailing tag list"] == visible(tail)
    # the same page at an outlet without that layout keeps the list (other rules aside)
    other = clean_pages(pd.Series({"p": text}), pd.Series({"p": "h.example"}))
    assert other.loc["p", "after the article"] == 0 and RELATED[0] in other.loc["p", "text"]


def test_a_wired_newsletter_closing_list_of_one_line_links_goes_and_short_article_lines_elsewhere_stay():
    closing = [*RELATED, "See you next week!"]
    text = "\n".join([*ESSAY, *closing])
    out = clean_pages(pd.Series({"w": text, "v": text}), pd.Series({"w": "wired.com", "v": "vox.com"}))
    assert out.loc["w", "text"] == "\n".join(ESSAY)
    assert out.loc["w", "closing link list"] == visible("\n".join(closing))
    assert out.loc["v", "text"] == text and out.loc["v", "closing link list"] == 0
    # two short lines are an article's ending, not a list
    two = "\n".join([*ESSAY, *RELATED[:2]])
    assert clean_pages(pd.Series({"w": two}), pd.Series({"w": "wired.com"})).loc["w", "text"] == two
    # a page of short lines only has no article line above a list: it stays
    short = "\n".join(RELATED + ["See you next week!"])
    assert clean_pages(pd.Series({"w": short}), pd.Series({"w": "wired.com"})).loc["w", "text"] == short


PROMO = "Are you ready to read more about harbours? Ask us about the tour."
CAPTION_LINE = ("Cranes learn to listen Share on Facebook Share on X Share on LinkedIn "
                "Portland ME USA - May 2 2019: a harbour crane lifts a ferry at dusk ")


@pytest.mark.parametrize("text, caption", [
    (CAPTION_LINE + PROMO + "\n" + "\n".join(ESSAY), "Portland ME USA - May 2 2019: a harbour crane lifts a ferry at dusk"),
    ("Cranes learn to listen Share on LinkedIn The crane at dusk.\n" + PROMO + "\n" + "\n".join(ESSAY), "The crane at dusk."),
    # no promotion after the buttons: what follows them is the article's first paragraph and stays
    ("Cranes learn to listen Share on LinkedIn " + "\n".join(ESSAY), ""),
])
def test_a_venturebeat_caption_between_share_buttons_and_promotion_goes(text, caption):
    out = clean_pages(pd.Series({"p": text}), pd.Series({"p": "venturebeat.com"}))
    assert out.loc["p", "picture caption"] == visible(caption)
    assert "\n".join(ESSAY) in out.loc["p", "text"] and "Cranes learn to listen" in out.loc["p", "text"]


BIOS = ["Ada Morel is founder and CEO of Tidewatch.", "Tom K. Price is a columnist and the author of a book on cranes."]


@pytest.mark.parametrize("closing, removed", [
    (BIOS, BIOS),  # the bios under a guest post go, at any outlet
    (["Ada Morel is the head of the harbour board, which voted on Monday to buy two more sensors for the crane."],
     ["Ada Morel is the head of the harbour board, which voted on Monday to buy two more sensors for the crane."]),
    # a sentence opener is no name; no role near the verb is no bio; a bio above the last article line stays
    (["But Morel is the head of the board now."], []),
    (["Ada Morel is certainly hoping the crane lasts another decade of storms."], []),
    ([BIOS[0], "The crane, she says, will outlast them all, and the ferries will keep coming back each spring."], []),
])
def test_author_bios_closing_a_page_go(closing, removed):
    text = "\n".join([*ESSAY, *closing])
    out = clean_pages(pd.Series({"p": text}), pd.Series({"p": "h.example"}))
    assert out.loc["p", "author bio"] == visible("\n".join(removed))
    assert out.loc["p", "text"].startswith("\n".join(ESSAY))


# ------------------------------------------------------------- dated lists, headline runs, related boxes (13-15)

DATED = ("Harbours Cranes Ferries 18h ago Ferry season opens early after a mild winter 2 Nov 2023 "
         "Crane operators vote on new shifts 14 Sept 2023 The town that listens to its cables 3 Aug 2023 "
         "Why do ferries stop in storms?")


@pytest.mark.parametrize("glued", [False, True])
def test_a_dated_list_of_other_stories_closing_the_page_goes_from_its_topic_tags(glued):
    text = "\n".join(ESSAY) + (" " if glued else "\n") + DATED
    out = clean_pages(pd.Series({"p": text}), pd.Series({"p": "h.example"}))
    assert out.loc["p", "text"] == "\n".join(ESSAY)
    assert out.loc["p", "dated story list"] == visible(DATED)


def test_dates_in_the_article_or_too_few_stamps_are_kept():
    dated = ("The crane was inspected on 2 Nov 2023, again on 14 Sept 2023 after a storm, and last on 3 Aug 2023, "
             "before the harbour board met to decide, after a long and stormy debate that ran late into the evening "
             "and was adjourned twice, whether to buy it two more sensors, a new cable and a spare motor.")
    for closing in (dated + "\n" + ESSAY[2], "Harbours 2 Nov 2023 Ferry season opens 14 Sept 2023 Crane vote"):
        text = "\n".join([*ESSAY[:2], closing])
        out = clean_pages(pd.Series({"p": text}), pd.Series({"p": "h.example"}))
        assert out.loc["p", "dated story list"] == 0


RUN_HEADLINES = ("Harbour cranes learn to listen Ferries test quiet engines Why your kettle knows the weather "
                 "Town brews its own electricity Dockers vote on new shifts Rain boots for city walking tested "
                 "Gulls steal chips at record rate Boats get names from Schools "
                 "Pier lights go Green tonight Museum of Ropes opens")
GLUED = "The harbour board met on Monday to decide whether to buy two more sensors."


def test_a_mashable_run_of_headlines_glued_into_a_paragraph_goes_with_that_block_only():
    text = "\n".join([ESSAY[0], RUN_HEADLINES + " " + GLUED + " " + ESSAY[1], ESSAY[2]])
    out = clean_pages(pd.Series({"m": text, "v": text}), pd.Series({"m": "mashable.com", "v": "vox.com"}))
    assert out.loc["m", "headline run"] == visible(RUN_HEADLINES + " " + GLUED)
    assert out.loc["m", "text"] == "\n".join(ESSAY)
    assert out.loc["v", "headline run"] == 0 and RUN_HEADLINES in out.loc["v", "text"]
    # a long sentence with eight names after lower-case words (as one on the mirror) is no run of headlines
    names = ("In an interview with Ada Morel on the Harbour Daily podcast from the Port Times, Tom Price of Tidewatch "
             "described how the crane at Pier Four, which Dock Street Works built in Glasgow, lifted its first ferry "
             "on a Monday in March, a week before the storms closed the crossing.")
    text = "\n".join([ESSAY[0], names, ESSAY[1]])
    assert clean_pages(pd.Series({"m": text}), pd.Series({"m": "mashable.com"})).loc["m", "headline run"] == 0


@pytest.mark.parametrize("line, removed", [
    # the boxed story's standfirst fills the line: label and standfirst go
    ("Related Story Ferries learn to listen to their cables. Here is what they hear.",
     "Related Story Ferries learn to listen to their cables. Here is what they hear."),
    # a long rest is the article's paragraph: only the label goes
    ("Related Story " + " ".join(ESSAY[:2]) + " " + ESSAY[2], "Related Story"),
])
def test_a_technology_review_related_story_box_goes_and_the_paragraph_after_a_bare_label_stays(line, removed):
    text = "\n".join([ESSAY[0], line, ESSAY[1]])
    out = clean_pages(pd.Series({"t": text, "v": text}), pd.Series({"t": "technologyreview.com", "v": "vox.com"}))
    assert out.loc["t", "related story"] == visible(removed)
    assert out.loc["t", "text"].startswith(ESSAY[0]) and out.loc["t", "text"].endswith(ESSAY[1])
    assert out.loc["v", "related story"] == 0


RELATED_BOX = "Related Ferries test quiet engines Why your kettle knows the weather " + GLUED


@pytest.mark.parametrize("line, removed", [
    # the box opening a line, glued to the article's next sentence: both go, up to its end
    (RELATED_BOX + " " + ESSAY[1], RELATED_BOX),
    # after a sentence end (a closing quote) on the article's line, and as "Related Stories"
    (ESSAY[1] + "” " + RELATED_BOX.replace("Related", "Related Stories"),
     RELATED_BOX.replace("Related", "Related Stories")),
    # inside a sentence, or opening one, "Related" is the article's word
    ("The crew won the prize for Best Related Work. " + ESSAY[1], ""),
    ("Related to the storms, the ferry timetable changed twice this winter.", ""),
    ("Related research from the port authority suggests the cable wears fastest in spring.", ""),
])
def test_a_related_stories_box_goes_with_the_sentence_glued_to_it(line, removed):
    text = "\n".join([ESSAY[0], line, ESSAY[2]])
    out = clean_pages(pd.Series({"v": text, "m": text}), pd.Series({"v": "vox.com", "m": "mashable.com"}))
    assert out.loc["v", "related box"] == visible(removed)
    assert out.loc["v", "text"].startswith(ESSAY[0]) and out.loc["v", "text"].endswith(ESSAY[2])
    assert (removed == "") or removed not in out.loc["v", "text"]
    assert out.loc["m", "related box"] == 0  # a layout of Vox, The Verge, WIRED and The Atlantic only


def test_a_guardian_header_goes_up_to_an_early_dateline_and_no_later_one():
    header = "Harbour news Ferry crews vote on a new timetable Crews say the winter crossings need two more boats – video"
    dateline = "Tue 16 May 2023 13.45 EDT"
    text = "\n".join([header + " " + dateline + " " + ESSAY[0], ESSAY[1]])
    out = clean_pages(pd.Series({"g": text, "v": text}), pd.Series({"g": "theguardian.com", "v": "vox.com"}))
    assert out.loc["g", "page header"] == visible(header + " " + dateline)
    assert out.loc["g", "text"] == "\n".join([ESSAY[0], ESSAY[1]])
    assert out.loc["v", "page header"] == 0
    before = [*ARTICLES, ESSAY[0], ESSAY[2], *(f"On day {day} of the vote: {GLUED}" for day in range(1, 4))]
    late = "\n".join([*before, dateline + " " + ESSAY[1]])  # over 1,000 characters in: the article's own
    assert len(late.split(dateline)[0]) > 1000
    assert clean_pages(pd.Series({"g": late}), pd.Series({"g": "theguardian.com"})).loc["g", "page header"] == 0


def test_mashable_topic_tags_and_the_bio_glued_to_them_close_the_page_only_at_its_end():
    tags = "Topics Artificial Intelligence Ferries Ada Morel is a harbour reporter at the Port Times, where she covers cranes."
    text = "\n".join([ESSAY[0], ESSAY[1], tags])
    out = clean_pages(pd.Series({"m": text, "v": text}), pd.Series({"m": "mashable.com", "v": "vox.com"}))
    assert out.loc["m", "topics and bio"] == visible(tags) and out.loc["m", "text"] == "\n".join(ESSAY[:2])
    assert out.loc["v", "topics and bio"] == 0
    early = "\n".join([tags.replace("Topics", "Topics raised at the meeting:"), ESSAY[0], ESSAY[1], ESSAY[2]])
    assert clean_pages(pd.Series({"m": early}), pd.Series({"m": "mashable.com"})).loc["m", "topics and bio"] == 0


def test_byline_bios_go_by_the_outlet_layout():
    verge_bio = "By Ada Morel , a harbour reporter with six years of experience covering ferries and port policy.\n|"
    verge = "\n".join(["Ferry crews vote on a new timetable / " + verge_bio + " " + ESSAY[0], ESSAY[1]])
    cnet_bio = "Expertise Ferries, port security, cranes."
    cnet = "\n".join(["Ada Morel Senior Writer " + cnet_bio + " " + ESSAY[0], ESSAY[1]])
    tnw_bio = "Story by Ada Morel Ada is a harbour reporter at the Port Times. She covers cranes and port politics."
    tnw = "\n".join([ESSAY[0], ESSAY[1], tnw_bio])
    texts = pd.Series({"verge": verge, "cnet": cnet, "tnw": tnw, "vox": verge})
    out = clean_pages(texts, pd.Series({"verge": "theverge.com", "cnet": "cnet.com", "tnw": "thenextweb.com",
                                        "vox": "vox.com"}))
    assert out.loc["verge", "byline bio"] == visible(verge_bio)
    # the bio's line break goes with it: the headline and the article's first line join
    assert out.loc["verge", "text"] == "Ferry crews vote on a new timetable / " + ESSAY[0] + "\n" + ESSAY[1]
    assert out.loc["cnet", "byline bio"] == visible(cnet_bio)
    assert out.loc["cnet", "text"] == "Ada Morel Senior Writer " + ESSAY[0] + "\n" + ESSAY[1]
    assert out.loc["tnw", "byline bio"] == visible(tnw_bio) and out.loc["tnw", "text"] == "\n".join(ESSAY[:2])
    assert out.loc["vox", "byline bio"] == 0  # a layout of those three outlets only


def test_a_byline_without_a_bio_and_an_early_story_by_stay():
    verge = "\n".join(["By Ada Morel | " + ESSAY[0], ESSAY[1]])  # no ", a <role>": the byline only
    tnw = "\n".join(["Story by Ada Morel, with reporting from the port. " + ESSAY[0], *ESSAY, *ARTICLES])
    out = clean_pages(pd.Series({"v": verge, "t": tnw}), pd.Series({"v": "theverge.com", "t": "thenextweb.com"}))
    assert out.loc["v", "byline bio"] == 0 and out.loc["t", "byline bio"] == 0


def test_a_vox_header_goes_up_to_the_end_of_an_early_section_label_line():
    """The picture's caption and credit, "Filed under:", the section and the headline share the
    page's first line; the article starts on the next."""
    header = "Ferry crews at dawn. Ada Morel for Vox Filed under: Technology The harbour's new cranes, explained."
    text = "\n".join([header, ESSAY[0], ESSAY[1]])
    out = clean_pages(pd.Series({"v": text, "g": text}), pd.Series({"v": "vox.com", "g": "theguardian.com"}))
    assert out.loc["v", "page header"] == visible(header) and out.loc["v", "text"] == "\n".join(ESSAY[:2])
    assert out.loc["g", "page header"] == 0
    before = [*ARTICLES, ESSAY[0], ESSAY[2], *(f"On day {day} of the vote: {GLUED}" for day in range(1, 4))]
    late = "\n".join([*before, header, ESSAY[1]])  # over 1,000 characters in: left to the other rules
    assert clean_pages(pd.Series({"v": late}), pd.Series({"v": "vox.com"})).loc["v", "page header"] == 0


def test_a_wired_header_goes_up_to_an_early_save_button():
    header = "Ada Morel Business Ferry Crews Want a Safer Crossing A crew member checks the crane on May 2, 2023."
    text = "\n".join([header + " Save this story Save Save this story Save " + ESSAY[0], ESSAY[1]])
    out = clean_pages(pd.Series({"w": text, "v": text}), pd.Series({"w": "wired.com", "v": "vox.com"}))
    assert out.loc["w", "page header"] == visible(header + " Save this story Save")
    assert out.loc["w", "text"] == "Save this story Save " + ESSAY[0] + "\n" + ESSAY[1]
    assert out.loc["v", "page header"] == 0
    before = [*ARTICLES, ESSAY[0], ESSAY[2], *(f"On day {day} of the vote: {GLUED}" for day in range(1, 4))]
    late = "\n".join([*before, "Save Story " + ESSAY[1]])  # over 1,000 characters in: the article's own
    assert len(late.split("Save Story")[0]) > 1000
    assert clean_pages(pd.Series({"w": late}), pd.Series({"w": "wired.com"})).loc["w", "page header"] == 0
