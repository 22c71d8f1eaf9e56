"""The `openness` command: score a corpus, explain one document's scores, find openness claims,
draw hits to judge and measure the judged ones' precision, check a rubric, list labs, run the
notebooks into a report, fetch the raw sources and build the processed tables."""
from __future__ import annotations

import argparse
import os
import re
import signal
import sys
from pathlib import Path

import pandas as pd


# where a user finds the codebook the coded and judged sheets follow, and the verdicts defined
CODEBOOK = "docs/codebook.md of the openness repository"


class UserError(Exception):
    """A fatal problem with the user's input, reported as one line on stderr."""


def _naming_the_option(error: Exception) -> UserError:
    """The reader names the missing column and the Python argument that picks another
    (`text="..."`); the command names its option instead (`--text-column`)."""
    missing = getattr(error, "missing", None)
    return UserError(f"{error.reason} (pick one with --{missing}-column)" if missing else str(error))


def _id_column(args: argparse.Namespace, source: str) -> str | None:
    """The id column of `source` as the run will find it (`openness.core.corpus.id_column`),
    for the summary to say where the ids came from."""
    from openness.core.corpus import id_column

    return id_column(source, args.id_column, args.text_column, args.encoding)


def _guessed_ids(args: argparse.Namespace, id_column: str | None, source: str) -> str:
    """The end of the summary line when the ids come from a column the user did not name, or
    are the row numbers of the table `source` (two outputs of one table then join only if both
    were run so)."""
    from openness.core.readers import TABLE_TYPES

    if id_column != args.id_column:
        return f" (ids from column {id_column!r}; --id-column names another)"
    if id_column is None and Path(source).is_file() and Path(source).suffix.lower() in TABLE_TYPES:
        return " (ids are row numbers from 0: no doc_id or id column; --id-column names one)"
    return ""


def _score(args: argparse.Namespace) -> None:
    from openness.core.corpus import CorpusError
    from openness.core.labs import LabsError
    from openness.core.outputs import OutputError
    from openness.core.rubric import RubricError
    from openness.core.streaming import score_to_csv

    id_column = _id_column(args, args.input)
    try:
        summary = score_to_csv(
            args.input,
            args.output,
            text=args.text_column,
            id=id_column,
            unit=args.unit,
            rubric=args.rubric,
            labs=args.labs,
            evidence=args.evidence,
            chunksize=args.chunksize,
            n_jobs=args.n_jobs,
            progress=False if args.quiet else None,
            stance=args.stance,
            encoding=args.encoding,
        )
    except (CorpusError, RubricError, LabsError, OutputError, FileNotFoundError) as error:
        raise _naming_the_option(error) from error
    if not args.quiet:
        print(summary.describe() + _guessed_ids(args, id_column, args.input), file=sys.stderr)


def _explain(args: argparse.Namespace) -> None:
    """One document of a corpus, read as `openness score` reads it, with its cue hits and lab
    mentions marked and, with the stance model's stance, what decided each sentence's side:
    the words behind the numbers, which no output file holds."""
    from openness.core.corpus import CorpusError, read_quietly
    from openness.core.labs import LabsError
    from openness.core.rubric import RubricError
    from openness.core.scoring import score
    from openness.core.stance_model import with_model_stance

    try:
        corpus = read_quietly(args.input, text=args.text_column, id=_id_column(args, args.input), encoding=args.encoding)
        docs = corpus.docs[corpus.docs["doc_id"] == args.doc_id]
        if docs.empty:
            raise UserError(f"{args.input}: no document with id {args.doc_id!r}{_why_no_document(corpus, args)}")
        scores = score(docs, args.rubric, args.labs)
    except (CorpusError, RubricError, LabsError, FileNotFoundError) as error:
        raise _naming_the_option(error) from error
    if args.stance == "model":
        scores = with_model_stance(scores)
    print(scores.explain(args.doc_id))


def _why_no_document(corpus, args: argparse.Namespace) -> str:
    """Why an id names no scored document: its record was rejected, or which ids there are
    and where they come from."""
    rejected = corpus.rejects[corpus.rejects["doc_id"] == args.doc_id]
    if len(rejected):
        return f": {rejected['location'].iloc[0]} was not scored ({rejected['reason'].iloc[0]})"
    ids = corpus.docs["doc_id"]
    if ids.empty:
        return ""
    if Path(args.input).is_dir():
        source = "; a folder's ids are its file names without their extension"
    elif args.id_column is None:
        source = "; --id-column picks the column they come from"
    else:
        source = ""
    return f" (its {len(ids)} documents have ids such as {', '.join(map(repr, ids.head(3)))}{source})"


def _claims(args: argparse.Namespace) -> None:
    from openness.analysis.claims_table import claims_to_csv
    from openness.core.corpus import CorpusError
    from openness.core.rubric import RubricError

    id_column = _id_column(args, args.input)
    try:
        summary = claims_to_csv(args.input, args.output, text=args.text_column, id=id_column,
                                dimension=args.dimension_column, rubric=args.rubric, method=args.method,
                                encoding=args.encoding, left_out=args.left_out)
    except (CorpusError, RubricError, FileNotFoundError, ValueError) as error:  # OutputError too
        raise _naming_the_option(error) from error
    if not args.quiet:
        print(summary.describe() + _guessed_ids(args, id_column, args.input), file=sys.stderr)


def _source_frames(name: str) -> dict[str, pd.DataFrame] | None:
    """The frames of a registered text source such as news-scrape, read by its parser; None
    when `name` is no registered source (then it is a corpus path)."""
    from openness.data.catalogue import PARSERS
    from openness.data.sources import source_root

    parsers = {parser.id: parser for parser in PARSERS}
    if name not in parsers:
        if not Path(name).exists():  # a mistyped source name would read as a missing file only
            from openness.data.texts import TEXT_SOURCES

            raise ValueError(f"{name}: no such file or folder, nor a registered text source "
                             f"({', '.join(TEXT_SOURCES)})")
        return None
    frames = parsers[name].frames(source_root(None, name))
    if "documents" not in frames:
        raise ValueError(f"{name} is a registered source without documents: no text to score")
    return frames


def _refuse_corpus_options(args: argparse.Namespace, name: str) -> None:
    """A registered source is read with its own text, ids and decoding: a corpus file's
    options for it are a mistake, said before its raw files are looked for."""
    from openness.data.catalogue import PARSERS

    given = args.text_column != "text" or args.id_column is not None or args.encoding is not None
    if given and name in {parser.id for parser in PARSERS}:
        raise ValueError(f"--text-column, --id-column and --encoding are for a corpus file; {name} is a "
                         "registered source, read with its own text and ids")


def _source_documents(name: str) -> pd.DataFrame | None:
    """The documents (doc_id, text) of a registered text source, None for a corpus path."""
    frames = _source_frames(name)
    return None if frames is None else frames["documents"][["doc_id", "text"]]


def _audit(args: argparse.Namespace) -> None:
    from openness.analysis.audit import VERDICTS, draw_sheet, judging_view, refuse_filled_sheet
    from openness.analysis.coded import CODES, CUE_HIT, LEAN, LEANING, coding_view, draw_coding_sheet
    from openness.core.corpus import CorpusError, read_quietly
    from openness.core.labs import LabsError
    from openness.core.outputs import OutputGroup, check_outputs
    from openness.core.rubric import RubricError
    from openness.core.scoring import score_rows
    from openness.data.registry import FetchError

    try:
        check_outputs({"corpus": args.corpus, "rubric": args.rubric, "labs": args.labs}, sheet=args.output, view=args.view)
        if not args.sentences and (args.lean_on is not None or args.lean is not None):
            raise ValueError("--lean-on and --lean shape a draw of sentences: add --sentences")
        for sheet_path in (args.output, args.view):  # a judge may fill in either
            if sheet_path is not None:
                refuse_filled_sheet(sheet_path, tuple(CODES))
        _refuse_corpus_options(args, args.corpus)
        frames = _source_frames(args.corpus)
        about_input = ""  # for a corpus of the user's: what was left out and how it was read, as `score` says
        if frames is None:  # a corpus of the user's: text and ids found as `openness score` finds them
            id_column = _id_column(args, args.corpus)
            corpus = read_quietly(args.corpus, text=args.text_column, id=id_column, encoding=args.encoding)
            docs = corpus.docs[["doc_id", "text"]]
            about_input = _about_input(args.corpus, corpus, args.encoding) + _guessed_ids(args, id_column, args.corpus)
        else:
            docs = frames["documents"][["doc_id", "text"]]
        scores = score_rows(docs, rubric=args.rubric, labs=args.labs)
        if args.sentences:  # offsets into the page text as parsed, where the source keeps it apart
            parsed = frames["scraped"].set_index("doc_id")["raw"] if frames and "scraped" in frames else scores.texts
            lean_on = CUE_HIT if args.lean_on == "hits" else LEANING
            lean = LEAN if args.lean is None else args.lean
            sheet = draw_coding_sheet(scores.sentences, scores.texts, parsed, args.n, args.seed, lean_on, lean)
            view = None if args.view is None else coding_view(sheet, parsed)
        else:
            sheet = draw_sheet(scores.evidence, args.n, args.seed)
            view = None if args.view is None else judging_view(sheet, scores.sentences, scores.texts)
        with OutputGroup() as group:
            group.write_csv(sheet, args.output)
            if view is not None:
                group.write_csv(view, args.view)
    except (CorpusError, FetchError, RubricError, LabsError, FileNotFoundError, ValueError) as error:  # OutputError too
        raise _naming_the_option(error) from error
    if args.sentences:
        print(f"{args.output}: {len(sheet)} of {len(scores.sentences)} sentences in {_documents(len(docs))} drawn "
              f"(seed {args.seed}){about_input}; code {', '.join(CODES)} with the codebook ({CODEBOOK})", file=sys.stderr)
    else:
        drawn_from = sheet["doc_id"].nunique()
        print(f"{args.output}: {len(sheet)} of the {len(scores.evidence)} hits of {_documents(len(docs))} drawn at random "
              f"(seed {args.seed}), from {_documents(drawn_from)}{about_input}; fill in `verdict` with one of "
              f"{', '.join(VERDICTS)}, as the codebook defines them ({CODEBOOK})", file=sys.stderr)


def _documents(n: int) -> str:
    from openness.core.io import plural

    return f"{n} {plural('document', n)}"


def _about_input(source, corpus, encoding: str | None) -> str:
    """For the audit's summary: the records left out (as `openness score` rejects them; it writes
    them with their reasons) and how a table file was read."""
    from openness.core.corpus import rejects_line
    from openness.core.streaming import reading_notes

    notes = reading_notes(source, encoding, corpus.flags)
    if len(corpus.rejects):
        left_out = rejects_line(len(corpus.rejects), corpus.n_read, corpus.rejects, "records left out")
        notes.insert(0, f"{left_out}, which `openness score` writes with their reasons")
    return f" ({'; '.join(notes)})" if notes else ""


def _rubric_check(args: argparse.Namespace) -> None:
    from openness.core.rubric import RubricError, dead_cues, load_rubric

    try:
        rubric = load_rubric(args.file)  # None: the shipped rubric
    except (RubricError, FileNotFoundError) as error:
        raise UserError(str(error)) from error
    name = args.file if args.file is not None else rubric.source
    dead = dead_cues(rubric)
    for cue, reason in dead:
        never = "can never block" if cue.blocks else "can never count"
        print(f"{name}: theme {cue.theme}: criterion {cue.criterion}: cue {cue.id}: {never}: {reason}")
    if dead:
        raise UserError(f"{name}: {len(dead)} cue(s) can never count (listed above)")
    cues = rubric.counting_cues
    themes = pd.Series([c.theme for c in cues]).value_counts().sort_index()
    counts = ", ".join(f"{theme} {n}" for theme, n in themes.items())
    blockers = len(rubric.cues) - len(cues)
    print(f"{name}: rubric {rubric.id} {rubric.version} (hash {rubric.hash}) is valid: {len(cues)} cues ({counts})"
          + (f" and {blockers} blocker(s)" if blockers else ""))
    if not rubric.negators:
        print(f"{name}: no negators (negation: negators:), so no hit is ever negated: \"not a threat\" counts as "
              "\"a threat\" (the shipped rubric's negation block lists its negators)")
    if args.corpus is not None:
        _report_silent_cues(rubric, args)


def _report_silent_cues(rubric, args: argparse.Namespace) -> None:
    """List the cues that never fire on a corpus: a report, not a failure (a small corpus
    need not use every cue)."""
    from openness.core.corpus import CorpusError, iter_quietly
    from openness.core.io import plural
    from openness.core.labs import load_labs
    from openness.core.scoring import Scorer
    from openness.data.registry import FetchError

    scorer, fired, n_docs, n_rejected = Scorer(rubric, load_labs()), set(), 0, 0
    try:
        _refuse_corpus_options(args, args.corpus)
        source = _source_documents(args.corpus)
        chunks = [(source, 0)] if source is not None else (
            (chunk.docs, len(chunk.rejects)) for chunk in iter_quietly(args.corpus, text=args.text_column, id=args.id_column,
                                                                       encoding=args.encoding))
        for docs, rejected in chunks:
            fired.update(scorer.score(docs).evidence["cue"].tolist())
            n_docs, n_rejected = n_docs + len(docs), n_rejected + rejected
    except (CorpusError, FetchError, FileNotFoundError, ValueError) as error:
        raise _naming_the_option(error) from error
    cues = rubric.counting_cues  # a blocker is never a hit
    silent = [cue for cue in cues if cue.id not in fired]
    # rows `openness score` would reject (empty text, repeated id or text) are not read: say so
    left_out = f"; {n_rejected} {plural('row', n_rejected)} not read, as openness score rejects them" if n_rejected else ""
    print(f"{len(silent)} of {len(cues)} cues never fire on {args.corpus} ({_documents(n_docs)}{left_out})")
    for cue in silent:
        print(f"  {cue.id} ({cue.theme} {cue.criterion})")


def _precision(args: argparse.Namespace) -> None:
    """The precision of judged sheets as CSV on stdout (`> precision.csv` keeps it): each file's
    stem names its audit, so two files of one stem (or one file given twice) would be counted
    as one audit of twice the hits, and are refused."""
    from openness.analysis.audit import AuditError, precision_table, read_judged

    stems: dict[str, str] = {}  # stem -> the sheet named so (a sheet given twice has its own stem twice)
    for path in args.sheets:
        if (stem := Path(path).stem) in stems:
            raise UserError(f"{stems[stem]} and {path} would both be audit {stem!r}, counted as one: "
                            "give each judged sheet once, under a name of its own")
        stems[stem] = path
    try:
        judged = pd.concat([read_judged(path).assign(audit=Path(path).stem) for path in args.sheets], ignore_index=True)
    except AuditError as error:
        raise UserError(str(error)) from error
    print(precision_table(judged).round(3).to_csv(index=False, lineterminator="\n"), end="")


def _labs(args: argparse.Namespace) -> None:
    from openness.core.labs import LabsError, load_labs
    from openness.present.lab_list import describe, entry_table, read_reference

    try:
        registry = load_labs(args.file)
    except (LabsError, FileNotFoundError) as error:
        raise UserError(str(error)) from error
    if args.reference is not None and not Path(args.reference).is_file():
        raise UserError(f"{args.reference}: no such lab reference (data/processed/labs.csv is the built one)")
    reference = read_reference(args.reference)
    try:
        if args.format == "csv":
            print(entry_table(registry, reference, args.ids).to_csv(index=False, lineterminator="\n"), end="")
        else:
            print(describe(registry, reference, args.reference, width=args.width or _terminal_width(),
                           patterns=args.patterns, only=args.ids), end="")
    except ValueError as error:  # an id the registry does not have
        raise UserError(str(error)) from error


def _terminal_width(most: int = 100, least: int = 40) -> int:
    """The terminal's width, within [least, most], when stdout is one; `most` when it is a pipe
    or a file, so that saved output does not depend on the window it was made in."""
    import shutil

    return max(least, min(most, shutil.get_terminal_size((most, 24)).columns)) if sys.stdout.isatty() else most


def _width(value: str) -> int:
    width = int(value)
    if width < 40:
        raise argparse.ArgumentTypeError(f"{width} is too narrow (40 or more)")
    return width


def _data_fetch(args: argparse.Namespace) -> None:
    from openness.data.registry import FetchError, fetch

    try:
        result = fetch(args.sources or None, mirror=args.mirror)
    except (FetchError, ValueError) as error:
        raise UserError(str(error)) from error
    counts = result["status"].value_counts().sort_index()
    replaced = result.loc[result["replaced"], ["source", "path"]]
    lost = (f"; {len(replaced)} of them replaced a local file that did not match its sha256 "
            f"(first: {replaced.iloc[0]['source']}/{replaced.iloc[0]['path']})") if len(replaced) else ""
    print(f"{len(result)} file{'s' * (len(result) != 1)}: " + ", ".join(f"{n} {status}" for status, n in counts.items())
          + lost + " (verified: already there, its sha256 as pinned)" * ("verified" in counts), file=sys.stderr)


def _data_build(args: argparse.Namespace) -> None:
    from openness.data.build import build
    from openness.data.registry import FetchError

    try:
        written = build(args.out) if args.out is not None else build()
    except (FetchError, ValueError, OSError) as error:  # OutputError is a ValueError
        raise UserError(str(error)) from error
    with pd.option_context("display.width", 160):
        print(written.to_string(index=False), file=sys.stderr)


def _report(args: argparse.Namespace) -> None:
    from openness.present.report import ReportError, report

    try:
        page = report(execute=not args.no_execute)
    except ReportError as error:
        raise UserError(str(error)) from error
    print(f"wrote {page}", file=sys.stderr)


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {value}")
    return number


def _share(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 <= number <= 1:
        raise argparse.ArgumentTypeError(f"must be a share between 0 and 1, not {value}")
    return number


def _encoding_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--encoding", default=None,
                         help="codec of a CSV file or of a folder's files, e.g. cp1252, latin-1, gbk, shift_jis, utf-16 "
                              "(default: UTF-8, UTF-16/32 with a byte order mark, else Windows-1252, each noted)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="openness", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    score = commands.add_parser("score", help="score a folder, CSV, JSONL or Parquet file")
    score.add_argument("input", help="folder of .txt/.md/.html files, or a .csv, .jsonl or .parquet file")
    score.add_argument("-o", "--output", required=True,
                       help="output CSV (an earlier output there is replaced; any other file stops the run); rows "
                            "not scored go beside it, to <output stem>.rejects.csv, with their reason")
    score.add_argument("--text-column", default="text", help="column holding the text (default: text)")
    score.add_argument("--id-column", default=None, help="column holding document ids (default: a column named "
                       "doc_id or id, else row numbers from 0)")
    score.add_argument("--unit", choices=["document", "sentence"], default="document",
                       help="one output row per document (default) or per sentence")
    score.add_argument("--stance", choices=["model", "rubric"], default="model",
                       help="stance from the stance model: the rubric's side where its stance cues take one, "
                            "else a model that reads words (default; see openness.core.stance_model), "
                            "or from the sign of the rubric's summed cue stances")
    score.add_argument("--rubric", default=None, help="rubric YAML (default: the shipped openness rubric)")
    score.add_argument("--labs", default=None, help="lab registry YAML (default: the shipped registry)")
    score.add_argument("--evidence", default=None, help="also write one row per cue hit here")
    score.add_argument("--chunksize", type=_positive, default=10_000, help="documents per chunk (memory stays flat; default: 10000)")
    score.add_argument("--n-jobs", type=_positive, default=1, help="worker processes (default: 1)")
    score.add_argument("--quiet", action="store_true", help="no progress bar, no summary")
    _encoding_option(score)
    score.set_defaults(run=_score, parser=score)

    explain = commands.add_parser("explain", help="print one document with its cue hits and lab mentions marked, "
                                  "and what decided each sentence's stance")
    explain.add_argument("input", help="folder of .txt/.md/.html files, or a .csv, .jsonl or .parquet file")
    explain.add_argument("doc_id", help="the document's id, as in the doc_id column of `openness score` (the whole "
                         "input is read to find it)")
    explain.add_argument("--text-column", default="text", help="column holding the text (default: text)")
    explain.add_argument("--id-column", default=None, help="column holding document ids (default: a column named "
                         "doc_id or id, else row numbers from 0)")
    explain.add_argument("--stance", choices=["model", "rubric"], default="model",
                         help="the stance model's stance, as `openness score` gives it (default), with what decided "
                              "each sentence's side, or the rubric's (its marked cues say why)")
    explain.add_argument("--rubric", default=None, help="rubric YAML (default: the shipped openness rubric)")
    explain.add_argument("--labs", default=None, help="lab registry YAML (default: the shipped registry)")
    _encoding_option(explain)
    explain.set_defaults(run=_explain, parser=explain)

    claims = commands.add_parser("claims", help="find claims about openness, or rate texts on a given dimension")
    claims.add_argument("input", help="folder of .txt/.md/.html files, or a .csv, .jsonl or .parquet file")
    claims.add_argument("-o", "--output", required=True,
                        help="output CSV (an earlier output there is replaced; any other file stops the run)")
    claims.add_argument("--text-column", default="text", help="column holding the text (default: text)")
    claims.add_argument("--id-column", default=None, help="column holding document ids (default: a column named "
                        "doc_id or id, else row numbers from 0)")
    claims.add_argument("--dimension-column", default=None,
                        help="column naming the index dimension each text is about, in any case, number and "
                             "spacing ('Model cards' is modelcard, 'Licence' is licenses): one row out per row in")
    claims.add_argument("--rubric", default=None, help="rubric YAML with a claims section (default: the shipped one)")
    claims.add_argument("--method", choices=["model", "rules"], default=None,
                        help="with --dimension-column: the shipped model on the rules' level and the words "
                             "(default with the shipped rubric), or the rules alone (default with --rubric)")
    claims.add_argument("--left-out", default=None, metavar="CSV",
                        help="without --dimension-column: also write the claims the rules left out (made in passing, "
                             "in a question, 'open' with no lab or model named), each with its reason (an earlier "
                             "such file there is replaced; any other file stops the run)")
    claims.add_argument("--quiet", action="store_true", help="no summary")
    _encoding_option(claims)
    claims.set_defaults(run=_claims, parser=claims)

    audit = commands.add_parser("audit", help="draw a seeded sample of cue hits to judge (a precision audit), "
                                "or of sentences to code with the codebook")
    audit.add_argument("corpus", help="a registered text source (e.g. news-scrape), or a folder/.csv/.jsonl/.parquet corpus")
    audit.add_argument("--text-column", default="text", help="of a corpus file: column holding the text (default: text)")
    audit.add_argument("--id-column", default=None, help="of a corpus file: column holding document ids (default: "
                       "a column named doc_id or id, else row numbers from 0)")
    audit.add_argument("-o", "--output", required=True, help="judging sheet CSV (no text: can be committed)")
    audit.add_argument("--n", type=_positive, default=120, help="hits (or sentences) to draw (default: 120)")
    audit.add_argument("--seed", type=int, default=1, help="seed of the draw (default: 1)")
    audit.add_argument("--view", default=None,
                       help="also write the sheet with each sentence's text here, for the judge (keep it under build/)")
    audit.add_argument("--sentences", action="store_true",
                       help="draw sentences to code with the codebook (by default 60%% naming a lab or an openness "
                            "keyword, as for the gold sentences) instead of cue hits to judge")
    audit.add_argument("--lean-on", choices=("keywords", "hits"), default=None,
                       help="with --sentences: lean the draw on sentences naming a lab or a keyword (default), "
                            "or on sentences with a cue hit (where the stance model reads: to code arguments)")
    audit.add_argument("--lean", type=_share, default=None,
                       help="with --sentences: share of the draw taken among the sentences leant on (default: 0.6)")
    audit.add_argument("--rubric", default=None, help="rubric YAML whose hits are drawn (default: the shipped rubric)")
    audit.add_argument("--labs", default=None, help="lab registry YAML (default: the shipped registry)")
    _encoding_option(audit)
    audit.set_defaults(run=_audit, parser=audit)

    precision = commands.add_parser("precision", help="precision per theme and stance, with 95%% intervals, of "
                                    "sheets drawn by `openness audit` and judged (CSV on stdout)")
    precision.add_argument("sheets", nargs="+", help="judged sheets: every row's verdict one of correct, wrong-stance, "
                           "wrong-theme, boilerplate")
    precision.set_defaults(run=_precision, parser=precision)

    rubric = commands.add_parser("rubric", help="work with rubrics")
    rubric_commands = rubric.add_subparsers(dest="rubric_command", required=True)
    check = rubric_commands.add_parser("check", help="validate a rubric YAML file and find cues that can never count")
    check.add_argument("file", nargs="?", default=None, help="rubric YAML file (default: the shipped rubric)")
    check.add_argument("--corpus", default=None, help="also list the cues that never fire on this corpus: a registered "
                       "text source (e.g. news-scrape) or a folder/.csv/.jsonl/.parquet corpus")
    check.add_argument("--text-column", default="text", help="the corpus's text column (default: text)")
    check.add_argument("--id-column", default=None, help="the corpus's id column (default: a column named doc_id or "
                       "id, else row numbers from 0)")
    _encoding_option(check)
    check.set_defaults(run=_rubric_check, parser=check)

    labs = commands.add_parser("labs", help="list the labs the tool finds, by openness group, with the names it "
                               "finds them by")
    labs.add_argument("ids", nargs="*", help="only these labs, by id or name in any case (meta, Meta, \"Hugging Face\"; default: all)")
    labs.add_argument("--file", default=None, help="registry YAML (default: the shipped one)")
    labs.add_argument("--reference", default=None, help="lab reference giving each lab's openness group "
                      "(default: data/processed/labs.csv, which `openness data build` writes)")
    labs.add_argument("--format", choices=("text", "csv"), default="text", help="text: for reading, grouped and "
                      "wrapped (default); csv: one row per alias or product, with its pattern and its lab's group")
    labs.add_argument("--patterns", action="store_true", help="text: show the patterns as the registry writes them "
                      "(regular expressions, case rules) instead of the names they find")
    labs.add_argument("--width", type=_width, default=None, help="text: wrap lines at this many characters "
                      "(default: the terminal's width up to 100; 100 into a pipe or file)")
    labs.set_defaults(run=_labs, parser=labs)

    report = commands.add_parser("report", help="execute every notebook in order, in place (its outputs are "
                                 "rewritten), export its figures, build reports/index.html")
    report.add_argument("--no-execute", action="store_true", help="only rebuild the page from the notebooks and figures as they are")
    report.set_defaults(run=_report, parser=report)

    data = commands.add_parser("data", help="fetch raw sources and build processed tables")
    data_commands = data.add_subparsers(dest="data_command", required=True)
    fetch = data_commands.add_parser("fetch", help="download (or copy from a mirror) and verify raw sources")
    fetch.add_argument("sources", nargs="*", help="source ids (default: all)")
    fetch.add_argument("--mirror", type=Path, default=None, help="folder holding raw/<source>/ (or set OPENNESS_MIRROR)")
    fetch.set_defaults(run=_data_fetch, parser=fetch)
    build = data_commands.add_parser("build", help="rebuild every processed table from the raw sources")
    build.add_argument("--out", default=None, help="output folder (default: data/processed)")
    build.set_defaults(run=_data_build, parser=build)
    return parser


LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def one_line(message: str) -> str:
    """The message with its line breaks escaped: a column name or path from a user's file may
    hold one, and an error stays one line on stderr."""
    return LINE_BREAKS.sub(lambda found: found.group().encode("unicode_escape").decode("ascii"), message)


def main(argv: list[str] | None = None) -> int:
    from openness.core.interrupts import ending_on_sigterm

    args, unknown = build_parser().parse_known_args(argv)
    if unknown:  # said by the command's own parser, whose usage lists the options it takes
        args.parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        with ending_on_sigterm():
            args.run(args)
    except UserError as error:
        print(f"openness: error: {one_line(str(error))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as interruption:  # Ctrl-C, or SIGTERM (see openness.core.interrupts.ending_on_sigterm)
        print("openness: interrupted; no partial output was left behind", file=sys.stderr)
        return 128 + getattr(interruption, "signum", signal.SIGINT)
    except BrokenPipeError:  # `openness labs | head`: the reader stopped early, which is no error to report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so that the exit flush stays quiet
        return 128 + signal.SIGPIPE
    return 0


if __name__ == "__main__":
    sys.exit(main())
