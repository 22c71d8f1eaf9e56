"""Boilerplate removal for scraped web pages: keep the article, drop what the site wraps it in.

A scraped page is the visible text of the whole page: the article plus navigation menus,
share and follow buttons, sidebars of other headlines, footers and stray script. The
rules below mark characters as boilerplate, each character by the first rule that
marks it (in this order), and the cleaned text is what is left:

1. `repeated in page`: a line equal (after stripping) to an earlier line of the same page
   (some pages render the article body twice).
2. `repeated across outlet`: a line, or a run of `RUN` words, that occurs in at least
   `min_pages(n)` distinct pages of the same outlet (n = its distinct pages): menus,
   mastheads, footers, "more stories" sidebars. Pages with identical raw text count once,
   so a page scraped under two URLs does not make its own article "repeated".
3. `script`: a block (see below) holding program text (`document.getElementById`,
   `function(`, `addEventListener`, `=>`, `var x =`, ...).
4. `share/follow`: "Share on Facebook", "Follow us on X", "Share this story" and runs of
   three or more social network names (the links that made lab mentions of `meta`).
5. `cookie/privacy/subscribe`: a block naming a footer or consent item: Privacy Policy,
   Terms of Service/Use, Cookie(s), User Agreement, All rights reserved, Do Not Sell,
   Ad Choices, ©, subscribe / sign up / newsletter.
6. `unpunctuated block`: a block of more than `LONG_BLOCK_WORDS` words (what is left of it)
   that does not end in sentence punctuation, or of more than `MAX_BLOCK_WORDS` words
   whatever its end: a run of menu items or headlines, not a sentence.
7. `trailing tag list`: the last lines of the page (at most `TAIL_LINES`, from the end up
   to the first line with sentence punctuation) holding no sentence punctuation at all,
   and the rest of that line after its last sentence: topic tags, author names, time
   stamps and headlines of a closing sidebar, on lines of their own or glued to the
   article's last sentence, unless that rest holds a double quotation mark (a quotation
   whose attribution lost its full stop: `...forward,” she`). An initial in a name ("Max
   G. Levy") ends no sentence here.
8. `photo credit`: a credit ("Photograph: Name/Agency", "Illustration: ...", "Composite:
   ...", "Photo: ...", "Credit: ...") and its names (words with a capital or a `/`, not a
   word ending in , . ; or :, and not the last capitalised word when a lower-case word
   follows it: that one opens the article's sentence, as in "Photograph: Holly Andres She
   and ..."), with what comes before it on its line when that holds no sentence end (an
   author, section and headline above the picture). A credit followed on its line by a
   dateline ("Tue 24 Oct 2023 08.00 EDT") goes with everything up to the dateline
   (section, headline, standfirst), and so do the lines above it: the navigation left,
   the caption, its credit and the standfirst over the article.

9. `after the article`: where an outlet marks the end of its articles, everything from the
   mark to the end of the page: The New Yorker closes every article with "♦" (its
   favourites and more-conversations lists follow); WIRED's related stories start at "You
   Might Also Like" or "More Great WIRED Stories" (topic tags and author names follow); MIT
   Technology Review's share bar "hide by <author>" closes the article (its "Popular" and
   "Deep Dive" lists of other stories with bylines follow).
10. `closing link list` (WIRED): the last lines of the page when at least `CLOSING_LINES`
   of them in a row hold at most `CLOSING_WORDS` words each: the one-line links a WIRED
   newsletter closes with ("Last but not least"), its sign-off and update notes. Only where
   the layout has it: elsewhere short closing lines are the article's (dialogue, a quote).
11. `picture caption` (VentureBeat): on the line holding the share buttons over an article,
   the text after them up to the sponsor promotion ("Are you ready to ...", "Are you
   looking to ..."), when that follows on the line or opens the next: the caption and credit
   of the picture over the article (a stock photo's "City - Date: what it shows").
12. `author bio`: the last lines of the page (at most `BIO_LINES`, from the end) that each
   introduce a person in their first sentence, "<Name> is/was [a/an/the] ... <role>", with
   the role within `BIO_ROLE_WORDS` words of the verb (founder, CEO, head, director,
   professor, writer, columnist, partner, ...), in at most `BIO_WORDS` words: the bio under
   a guest post or opinion piece (VentureBeat's contributors, The Guardian's and Vox's
   columnists). The name is two to four capitalised words, not opening with a word that
   opens sentences ("But", "While", "This", ...), so "But Altman is the CEO" is no bio.

13. `dated story list`: a run of at least `DATED_STAMPS` time stamps ("1 Nov 2023", "18h
   ago"), each within `DATED_GAP` words of the next, that reaches the page's end within
   `DATED_GAP` words of its last stamp, from the end of the last sentence before its first
   stamp (or its line's start): topic tags and a dated list of the outlet's other stories on
   the same subject (The Guardian's "more on this story").
14. `headline run` (Mashable): a block opening a line, of more than `LONG_BLOCK_WORDS` words,
   in which a word opening with a capital or a digit follows a lower-case word ending without
   punctuation at least `HEADLINE_BREAKS` times: the five related-story headlines Mashable glues, without
   punctuation, into the article's paragraph that follows. The block goes whole, so the
   first sentence of that paragraph goes with the headlines (where a headline ends and the
   sentence starts is not written in the text).
15. `related story` (MIT Technology Review): the label "Related Story" inside an article, with
   the rest of its line when that holds at most `RELATED_BLOCKS` sentences of at most
   `RELATED_WORDS` words in all: the standfirst of another story boxed into the article (the
   same words stand under that story's headline on its own page). A longer rest is the
   article's paragraph (the box's standfirst was not scraped, or is glued to the paragraph):
   then only the label goes.
16. `related box` (Vox, The Verge, WIRED, The Atlantic): "Related Stories", "Related:" or
   "Related" before a capital, digit or quote (a headline; "Related to ..." and "Related
   research ..." open sentences), opening a line or right after a sentence end, up to the next
   sentence end: the box of one to three headlines of the outlet's other stories, which the
   scrape glues without punctuation to the article's next sentence. That sentence goes with
   the box (where the last headline ends and the sentence starts is not written in the text).
17. `page header` (The Guardian, WIRED, Vox): everything before the page's first dateline ("Tue 16 May
   2023 13.45 EDT") and the dateline, when at most `HEADER_CHARS` characters are left before
   it: section, headline, standfirst and the caption of a video over the article, where no
   photo credit precedes the dateline (rule 8 takes the header where one does).
   WIRED: everything up to its save button ("Save this story Save", "Save Story") or the video
   player's "Pause Video:", under the same limit: author, section, headline, dek, the picture's
   caption and the magazine issue's contents list over the article.
   Vox: everything up to the end of the line holding its section label ("Filed under:"),
   under the same limit: the picture's caption and credit, the section, the headline and
   whatever the scrape glued to them on that line (standfirst, byline, share buttons).
18. `topics and bio` (Mashable): a line opening with "Topics " among the last
   `TOPICS_LINES` lines that earlier rules left, and everything after it: the topic tags and
   the author's bio glued to them.

19. `byline bio` (The Verge, CNET, The Next Web): the author's bio next to the byline, by the
   outlet's layout (`BYLINE_BIOS`): The Verge's "By <name> , a reporter with ... |" over the
   article (up to and with the "|" that opens it); CNET's "Expertise <beats>" after the author's
   name and role, up to its block end; The Next Web's "Story by <name> <bio>" closing the page,
   when at most `STORY_BY_WORDS` words are left from it to the end.

Rules 9 to 11 and 14 to 19 follow a layout, so they go by outlet (`ARTICLE_ENDS`,
`CLOSING_LIST_OUTLETS`, `CAPTION_OUTLETS`, `HEADLINE_RUN_OUTLETS`, `RELATED_OUTLETS`,
`RELATED_BOX_OUTLETS`, `HEADER_OUTLETS`, `TOPICS_OUTLETS`, `BYLINE_BIOS`); they and rules 12
and 13 come last: they take only what rules 1 to 8 left.

A block is a piece of a line ending at sentence punctuation (. ! ? …, optionally followed
by closing quotes or brackets) followed by white space, or at the line end. After removal,
runs of spaces and tabs become one space, lines are stripped and empty lines dropped, so
the cleaned text depends only on the pages given (deterministic; no randomness, no
model). Counts of non-space characters removed by each rule are reported per page.
"""
from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np
import pandas as pd

RUN = 8  # words in a run that counts as repeated across pages
MIN_PAGES = 3  # a run or line must be on at least this many distinct pages of an outlet ...
MIN_SHARE = 0.02  # ... and on at least this share of them
LONG_BLOCK_WORDS = 40
MAX_BLOCK_WORDS = 150
TAIL_LINES = 5
CLOSING_LINES = 3  # a closing link list has at least this many lines ...
CLOSING_WORDS = 20  # ... of at most this many words each
BIO_LINES = 3
BIO_WORDS = 60
BIO_ROLE_WORDS = 8
DATED_STAMPS = 3
DATED_GAP = 30
HEADLINE_BREAKS = 10
RELATED_BLOCKS = 2
RELATED_WORDS = 30
HEADER_CHARS = 1000
TOPICS_LINES = 2
STORY_BY_WORDS = 150
RULES = ("repeated in page", "repeated across outlet", "script", "share/follow", "cookie/privacy/subscribe",
         "unpunctuated block", "trailing tag list", "photo credit", "after the article", "closing link list",
         "picture caption", "author bio", "dated story list", "headline run",
         "related story", "related box", "page header", "topics and bio", "byline bio")
(REPEATED_IN_PAGE, REPEATED_ACROSS, SCRIPT, SHARE, FOOTER, UNPUNCTUATED, TRAILING, CREDIT, AFTER_ARTICLE, CLOSING,
 CAPTION, BIO, DATED_LIST, HEADLINE_RUN, RELATED, RELATED_BOX, HEADER, TOPICS, BYLINE_BIO) = range(1, len(RULES) + 1)
ARTICLE_ENDS = {"newyorker.com": re.compile("♦"),
                "wired.com": re.compile(r"\bYou Might Also Like\b|\bMore Great WIRED Stories\b"),
                "technologyreview.com": re.compile(r"\bhide by (?=[A-Z])")}
CLOSING_LIST_OUTLETS = frozenset({"wired.com"})
CAPTION_OUTLETS = frozenset({"venturebeat.com"})
HEADLINE_RUN_OUTLETS = frozenset({"mashable.com"})
RELATED_OUTLETS = frozenset({"technologyreview.com"})
RELATED_BOX_OUTLETS = frozenset({"vox.com", "theverge.com", "wired.com", "theatlantic.com"})
HEADER_OUTLETS = frozenset({"theguardian.com", "wired.com", "vox.com"})
TOPICS_OUTLETS = frozenset({"mashable.com"})
# rule 19: (where the bio starts, whether it runs to the page's end) by outlet
BYLINE_BIOS = {"theverge.com": re.compile(r"\bBy (?:[A-Z][\w.'’-]* ){1,4}, an? [^|]{1,600}\|"),
               "cnet.com": re.compile(r"\bExpertise [A-Z]"),
               "thenextweb.com": re.compile(r"\bStory by [A-Z]")}

_WORD = re.compile(r"\S+")
_SPACES = np.array([ord(c) for c in map(chr, range(0x3001)) if c.isspace()], dtype=np.uint32)
_BLOCK_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s)")
_TAIL_SENTENCE_END = re.compile(r"(?<!(?<!\S)[A-Z])[.!?…][\"'”’)\]]*(?=\s|$)")  # not after an initial
_QUOTATION = re.compile(r"[\"“”]")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s*$")
_SCRIPT = re.compile(r"document\.\w|window\.\w|function\s*\(|addEventListener|getElementById|=>|\bvar\s+\w+\s*=|"
                     r"\}\s*\)|\);\s*\}|\bif\s*\(\s*!|e\.preventDefault|keyCode")
_NETWORKS = r"(?:Facebook|Twitter|X|LinkedIn|Instagram|YouTube|Pinterest|TikTok|Tiktok|Reddit|Pocket|Flipboard|WhatsApp|Email|RSS|Threads)"
_SHARE = re.compile(rf"\b(?:Share|Follow)(?: us| this(?: story| article)?| all sharing options)? on {_NETWORKS}\b|"
                    rf"\bShare this (?:story|article)\b|\bShare All sharing options\b|"
                    rf"\b{_NETWORKS}(?:\s+{_NETWORKS}){{2,}}\b")
_FOOTER = re.compile(r"Privacy (?:Policy|Notice|Statement)|Terms of (?:Service|Use)|Terms and Conditions|User Agreement|"
                     r"All [Rr]ights [Rr]eserved|Do Not Sell|Ad Choices|©|\b[Cc]ookies?\b|\b[Ss]ubscribe\b|"
                     r"\b[Ss]ign up\b|\b[Nn]ewsletters?\b")
_CREDIT = re.compile(r"\b(?:Photographs?|Photo illustration|Illustration|Composite|Photos?|Image credit|Credit|Art|"
                     r"PHOTOGRAPHS?|PHOTO ILLUSTRATION|ILLUSTRATION|PHOTOS?):[ \t]")
_AGENCY_CREDIT = re.compile(r"(?:[A-Z][\w.'’-]* ){0,3}(?:[\w.'’-]+/)*[\w.'’-]*(?:/|; | via )Getty Images(?:/iStockphoto| Plus)?")
_PROMOTION = re.compile(r"Are you (?:ready|looking) to\b")
_ROLES = ("founder|cofounder|co-founder|CEO|CTO|COO|CFO|chief|head|director|president|partner|professor|lecturer|"
          "researcher|scientist|fellow|author|writer|columnist|contributor|editor|journalist|reporter|analyst|"
          "engineer|manager|officer|lead|leader|investor|chair|member|associate|expert|strategist|consultant|advisor|"
          "adviser|student")
_NOT_A_NAME = r"(?!(?:But|And|Or|While|When|If|As|So|Now|Then|This|That|These|Those|The|It|He|She|They|We|I|What|Why|How|Still|Yet|Today|Here|There)\s)"
_BIO = re.compile(_NOT_A_NAME + r"(?:[A-Z][\w.'’-]*\s){1,3}[A-Z][\w.'’-]*\s(?:is|was)\s(?:(?:a|an|the)\s)?"
                  rf"(?:[\w&,’'()-]+\s){{0,{BIO_ROLE_WORDS - 1}}}?(?:{_ROLES})s?\b")
_STAMP = re.compile(r"\b(?:\d{1,2}h ago|\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec) \d{4})\b")
_RELATED = re.compile(r"\bRelated Story\b")
_RELATED_BOX = re.compile(r"\bRelated(?: Stories\b|:| (?=[A-Z0-9“\"‘']))")  # a headline follows; "Related to ..." opens a sentence
_HEADLINE_BREAK = re.compile(r"(?<![^\s])[a-z][\w'’-]*[a-z0-9]\s+(?=[A-Z0-9])")
_WIRED_HEAD_END = re.compile(r"\bSave this story Save\b|\bSave Story\b|\bPause Video:")
_VOX_SECTION = re.compile(r"\bFiled under:")
_CREDIT_NAME = re.compile(r"[ \t]*(\S+)")
_DATELINE = re.compile(r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                       r"\d{4} \d{1,2}\.\d{2} [A-Z]{2,4}\b")


def min_pages(n_pages: int) -> int:
    """Distinct pages of an outlet a line or run must be on to count as repeated."""
    return max(MIN_PAGES, math.ceil(MIN_SHARE * n_pages))


def _run_hashes(ids: np.ndarray) -> np.ndarray:
    """A 64-bit polynomial hash of every `RUN` consecutive word ids (wrapping arithmetic)."""
    if len(ids) < RUN:
        return np.zeros(0, dtype=np.uint64)
    hashes = np.zeros(len(ids) - RUN + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(RUN):
            hashes = hashes * np.uint64(1099511628211) + ids[k:len(ids) - RUN + 1 + k]
    return hashes


class _Page:
    """One page's text, its words and the rule (0 = kept) of every character."""

    def __init__(self, text: str, vocabulary: dict[str, int]):
        self.text = text
        self.codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        self.rule = np.zeros(len(text), dtype=np.int8)
        spans = np.array([w.span() for w in _WORD.finditer(text)], dtype=np.int64).reshape(-1, 2)
        self.starts, self.ends = spans[:, 0], spans[:, 1]
        words = _WORD.findall(text.lower())
        if len(words) != len(spans):  # a character whose lower case is white space: tokenise word by word
            words = [text[start:end].lower() for start, end in spans]
        self.ids = np.array([vocabulary.setdefault(w, len(vocabulary) + 1) for w in words], dtype=np.uint64)
        self.hashes = _run_hashes(self.ids)
        self.lines = [(m.start(), m.end(), m.group().strip()) for m in re.finditer(r"[^\n]+", text)]

    def mark(self, start: int, end: int, rule: int) -> None:
        span = self.rule[start:end]
        span[span == 0] = rule

    def kept(self, start: int, end: int) -> str:
        return self.codes[start:end][self.rule[start:end] == 0].tobytes().decode("utf-32-le")

    def kept_lines(self) -> list[tuple[int, int]]:
        """(start, end) of every line that the rules so far left some text of."""
        return [(start, end) for start, end, _ in self.lines if self.kept(start, end).strip()]

    def line_start(self, at: int) -> int:
        """Where the line holding `at` starts."""
        return self.text.rfind("\n", 0, at) + 1

    def line_end(self, at: int) -> int:
        """Where the line holding `at` ends (its newline, or the page's end)."""
        end = self.text.find("\n", at)
        return len(self.text) if end < 0 else end

    def blocks(self):
        """(start, end) of every block of every line."""
        for start, end, _ in self.lines:
            at = start
            for found in _BLOCK_END.finditer(self.text, start, end):
                yield at, found.end()
                at = found.end()
            if at < end:
                yield at, end

    def cleaned(self) -> str:
        kept = np.where(self.rule == 0, self.codes, np.uint32(32)).astype(np.uint32).tobytes().decode("utf-32-le")
        lines = (re.sub(r"[ \t\f\v\u00a0]+", " ", line).strip() for line in kept.split("\n"))
        return "\n".join(line for line in lines if line)

    def removed(self) -> dict[str, int]:
        visible = ~np.isin(self.codes, _SPACES)
        counts = np.bincount(self.rule[visible], minlength=len(RULES) + 1)
        return {"chars": int(visible.sum()), **{rule: int(counts[i]) for i, rule in enumerate(RULES, 1)}}


def _mark_blocks(page: _Page) -> None:
    """Rules 3 to 6, on what rules 1 and 2 left of each block."""
    if _SCRIPT.search(page.text):
        for start, end in list(page.blocks()):
            if _SCRIPT.search(page.kept(start, end)):
                page.mark(start, end, SCRIPT)
    for found in _SHARE.finditer(page.text):
        page.mark(found.start(), found.end(), SHARE)
    for start, end in list(page.blocks()):
        left = page.kept(start, end).strip()
        if not left:
            continue
        if _FOOTER.search(left):
            page.mark(start, end, FOOTER)
            continue
        n_words = len(left.split())
        if n_words > MAX_BLOCK_WORDS or (n_words > LONG_BLOCK_WORDS and not _SENTENCE_END.search(left)):
            page.mark(start, end, UNPUNCTUATED)
    tail = [(start, end) for start, end, _ in page.lines if page.kept(start, end).strip()][-TAIL_LINES:]
    for start, end in reversed(tail):
        ends = [m.end() for m in _TAIL_SENTENCE_END.finditer(page.text, start, end) if page.rule[m.start()] == 0]
        if ends:
            if not _QUOTATION.search(page.kept(ends[-1], end)):
                page.mark(ends[-1], end, TRAILING)
            break
        page.mark(start, end, TRAILING)


def _credit_end(text: str, at: int, line_end: int) -> int:
    """Where the names of a credit starting its names at `at` end (rule 8)."""
    names = []
    for found in _CREDIT_NAME.finditer(text, at, line_end):
        word = found.group(1)
        if not (word[0].isupper() or "/" in word or word in ("via", "&")) or word[-1] in ",.;:":
            if word[0].islower() and len(names) >= 3 and "/" not in text[names[-1][0]:names[-1][1]]:
                names.pop()  # the capitalised word before a lower-case one opens the article's sentence
            break
        names.append(found.span(1))
    return names[-1][1] if names else at


def _mark_credits(page: _Page) -> None:
    """Rule 8: photo credits, with the header block they sit in."""
    lines = page.lines
    for index, (start, end, _) in enumerate(lines):
        for found in _CREDIT.finditer(page.text, start, end):
            dateline = _DATELINE.search(page.text, found.end(), end)
            if dateline is not None:
                page.mark(start, dateline.end(), CREDIT)
                for above_start, above_end, _ in lines[:index]:
                    page.mark(above_start, above_end, CREDIT)
                break
            before = page.text[start:found.start()]
            from_ = found.start() if _TAIL_SENTENCE_END.search(before) else start
            page.mark(from_, _credit_end(page.text, found.end(), end), CREDIT)
    for found in _AGENCY_CREDIT.finditer(page.text):
        page.mark(found.start(), found.end(), CREDIT)


def _mark_article_end(page: _Page, outlet: str) -> None:
    """Rule 9: everything from the outlet's end-of-article mark on."""
    end = ARTICLE_ENDS.get(outlet)
    found = end.search(page.text) if end is not None else None
    if found is not None:
        page.mark(found.start(), len(page.text), AFTER_ARTICLE)


def _mark_closing_list(page: _Page) -> None:
    """Rule 10: a run of short lines closing the page, when an article line stands above it."""
    kept = page.kept_lines()
    run = 0
    while run < len(kept) and len(page.kept(*kept[-1 - run]).split()) <= CLOSING_WORDS:
        run += 1
    if CLOSING_LINES <= run < len(kept):
        for start, end in kept[-run:]:
            page.mark(start, end, CLOSING)


def _mark_caption(page: _Page) -> None:
    """Rule 11: the picture caption between the share buttons and the sponsor promotion."""
    for index, (start, end, _) in enumerate(page.lines):
        shares = list(_SHARE.finditer(page.text, start, end))
        if not shares:
            continue
        promo = _PROMOTION.search(page.text, shares[-1].end(), end)
        next_line = page.lines[index + 1][2] if index + 1 < len(page.lines) else ""
        if promo is not None:
            page.mark(shares[-1].end(), promo.start(), CAPTION)
        elif _PROMOTION.match(next_line):
            page.mark(shares[-1].end(), end, CAPTION)


def _mark_bios(page: _Page) -> None:
    """Rule 12: author bios closing the page."""
    for start, end in page.kept_lines()[::-1][:BIO_LINES]:
        left = page.kept(start, end).strip()
        end_of_first = _TAIL_SENTENCE_END.search(left)  # an initial ("Tom K. Price") ends no sentence
        first = left[:end_of_first.end()] if end_of_first else left
        if len(left.split()) > BIO_WORDS or not _BIO.match(first):
            break
        page.mark(start, end, BIO)


def _mark_dated_list(page: _Page) -> None:
    """Rule 13: a dated list of other stories (with the topic tags above it) closing the page."""
    stamps = [m for m in _STAMP.finditer(page.text) if page.rule[m.start()] == 0]
    if len(stamps) < DATED_STAMPS or len(page.kept(stamps[-1].end(), len(page.text)).split()) > DATED_GAP:
        return
    words = np.searchsorted(page.starts, np.arange(len(page.text) + 1))  # word index at each character
    first = len(stamps) - 1
    while first > 0 and words[stamps[first].start()] - words[stamps[first - 1].end()] <= DATED_GAP:
        first -= 1
    if len(stamps) - first < DATED_STAMPS:
        return
    at = stamps[first].start()
    line_start = page.line_start(at)
    ends = [m.end() for m in _TAIL_SENTENCE_END.finditer(page.text, line_start, at) if page.rule[m.start()] == 0]
    page.mark(ends[-1] if ends else line_start, len(page.text), DATED_LIST)


def _mark_headline_runs(page: _Page) -> None:
    """Rule 14: related-story headlines glued into the paragraph that opens with them."""
    for start, end, _ in page.lines:
        found = _BLOCK_END.search(page.text, start, end)
        block_end = found.end() if found else end
        left = page.kept(start, block_end)
        if len(left.split()) > LONG_BLOCK_WORDS and len(_HEADLINE_BREAK.findall(left)) >= HEADLINE_BREAKS:
            page.mark(start, block_end, HEADLINE_RUN)


def _mark_related(page: _Page) -> None:
    """Rule 15: a boxed related story's label, with its standfirst when that fills the line."""
    for found in _RELATED.finditer(page.text):
        if page.rule[found.start()] != 0:
            continue
        line_end = page.line_end(found.end())
        rest = page.kept(found.end(), line_end)
        short = len(_TAIL_SENTENCE_END.findall(rest)) <= RELATED_BLOCKS and len(rest.split()) <= RELATED_WORDS
        page.mark(found.start(), line_end if short else found.end(), RELATED)


def _mark_related_boxes(page: _Page) -> None:
    """Rule 16: a related-stories box opening a line or following a sentence end, up to the
    next sentence end."""
    for found in _RELATED_BOX.finditer(page.text):
        if page.rule[found.start()] != 0:
            continue
        line_start = page.line_start(found.start())
        before = page.kept(line_start, found.start()).strip()
        if before and not (_SENTENCE_END.search(before) or before.endswith(":")):
            continue  # inside a sentence ("Best Related Work")
        line_end = page.line_end(found.end())
        block = _BLOCK_END.search(page.text, found.end(), line_end)
        page.mark(found.start(), block.end() if block else line_end, RELATED_BOX)


def _mark_header(page: _Page, outlet: str) -> None:
    """Rule 17: the page's head up to its dateline (WIRED: its save button; Vox: the line of its
    section label), when that comes early."""
    if outlet == "vox.com":
        found = _VOX_SECTION.search(page.text)
        if found and len(page.kept(0, found.start())) <= HEADER_CHARS:
            page.mark(0, page.line_end(found.end()), HEADER)
        return
    if outlet == "wired.com":
        found = _WIRED_HEAD_END.search(page.text)
        if found and len(page.kept(0, found.start())) <= HEADER_CHARS:
            page.mark(0, found.end(), HEADER)
        return
    found = _DATELINE.search(page.text)
    if found and page.rule[found.start()] == 0 and len(page.kept(0, found.start())) <= HEADER_CHARS:
        page.mark(0, found.end(), HEADER)


def _mark_topics(page: _Page) -> None:
    """Rule 18: a closing line opening with the topic label, and what follows it."""
    for start, end in page.kept_lines()[-TOPICS_LINES:]:
        if page.kept(start, end).lstrip().startswith("Topics "):
            page.mark(start, len(page.text), TOPICS)
            return


def _mark_byline_bio(page: _Page, outlet: str) -> None:
    """Rule 19: the author's bio by the byline, as the outlet lays it out."""
    pattern = BYLINE_BIOS.get(outlet)
    for found in pattern.finditer(page.text) if pattern is not None else ():
        if page.rule[found.start()] != 0:
            continue
        if outlet == "theverge.com":
            page.mark(found.start(), found.end(), BYLINE_BIO)
        elif outlet == "cnet.com":
            block = _BLOCK_END.search(page.text, found.end(), page.line_end(found.end()))
            page.mark(found.start(), block.end() if block else page.line_end(found.end()), BYLINE_BIO)
        elif len(page.kept(found.start(), len(page.text)).split()) <= STORY_BY_WORDS:
            page.mark(found.start(), len(page.text), BYLINE_BIO)


def _mark_layout(page: _Page, outlet: str) -> None:
    """Rules 9 to 19 (9 to 11 and 14 to 19 where the outlet's layout has them)."""
    _mark_article_end(page, outlet)
    if outlet in CLOSING_LIST_OUTLETS:
        _mark_closing_list(page)
    if outlet in CAPTION_OUTLETS:
        _mark_caption(page)
    _mark_bios(page)
    _mark_dated_list(page)
    if outlet in HEADLINE_RUN_OUTLETS:
        _mark_headline_runs(page)
    if outlet in RELATED_OUTLETS:
        _mark_related(page)
    if outlet in RELATED_BOX_OUTLETS:
        _mark_related_boxes(page)
    if outlet in HEADER_OUTLETS:
        _mark_header(page, outlet)
    if outlet in TOPICS_OUTLETS:
        _mark_topics(page)
    _mark_byline_bio(page, outlet)


def _mark_repeats(pages: list[_Page]) -> None:
    """Rules 1 and 2 over the distinct pages of one outlet."""
    line_pages, run_pages = Counter(), Counter()
    for page in pages:
        line_pages.update({line for _, _, line in page.lines if line})
        run_pages.update(np.unique(page.hashes).tolist())
    threshold = min_pages(len(pages))
    common_lines = {line for line, n in line_pages.items() if n >= threshold}
    common_runs = np.array(sorted(h for h, n in run_pages.items() if n >= threshold), dtype=np.uint64)
    for page in pages:
        seen = set()
        for start, end, line in page.lines:
            if line in seen:
                page.mark(start, end, REPEATED_IN_PAGE)
            seen.add(line)
            if line in common_lines:
                page.mark(start, end, REPEATED_ACROSS)
        for at in np.flatnonzero(np.isin(page.hashes, common_runs)):
            page.mark(int(page.starts[at]), int(page.ends[at + RUN - 1]), REPEATED_ACROSS)


def clean_pages(texts: pd.Series, outlets: pd.Series) -> pd.DataFrame:
    """The cleaned text of every page (index as `texts`) and the non-space characters it
    had (`chars`) and that each rule removed (one column per name in `RULES`)."""
    texts = pd.Series(texts)
    outlets = pd.Series(outlets, index=texts.index)
    rows = []
    for outlet in sorted(outlets.unique()):
        distinct = list(dict.fromkeys(texts[outlets == outlet]))  # identical pages are cleaned once
        vocabulary: dict[str, int] = {}
        pages = [_Page(text, vocabulary) for text in distinct]
        _mark_repeats(pages)
        for page in pages:
            _mark_blocks(page)
            _mark_credits(page)
            _mark_layout(page, outlet)
            rows.append({"outlet": outlet, "raw": page.text, "text": page.cleaned(), **page.removed()})
    cleaned = pd.DataFrame(rows)
    keys = pd.DataFrame({"outlet": outlets, "raw": texts})
    return keys.merge(cleaned, on=["outlet", "raw"], how="left").drop(columns=["outlet", "raw"]).set_axis(texts.index)
