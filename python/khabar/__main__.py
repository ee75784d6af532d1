"""Command line: ``khabar analyze PATH`` and ``khabar search PATH QUERY`` (or python -m khabar)."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from khabar.corpus import Corpus, displayable
from khabar.near_duplicates import DEFAULT_MAX_PAIRS

#: Articles larger than this are left out (and listed) unless --max-bytes says otherwise: a news
#: article is a few KB, and a multi-GB file by mistake must not cost the whole report.
DEFAULT_MAX_BYTES = "10M"
#: Problems listed one per line on stderr; the rest are counted (and all are in the report).
LISTED_PROBLEMS = 20
_UNITS = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9}


def byte_size(text: str) -> int:
    """'10M' → 10,000,000: a number of bytes with an optional k, M or G (powers of 1,000)."""
    match = re.fullmatch(r"\s*(\d+)\s*([kmg]?)b?\s*", text, re.IGNORECASE)
    if not match or int(match[1]) == 0:
        raise argparse.ArgumentTypeError(f"expected a positive size such as 500k or 10M: {text!r}")
    return int(match[1]) * _UNITS[match[2].lower()]


def _say(message: str) -> None:
    print(f"khabar: {displayable(message)}", file=sys.stderr)


def _load(path: Path, format: str, max_bytes: int | None, quiet: bool = False) -> Corpus:
    shown = displayable(str(path))
    if format == "auto":
        format = "jsonl" if path.is_file() and path.suffix == ".jsonl" else "dir"
    try:
        if format == "jsonl":
            if not path.is_file():
                raise SystemExit(f"khabar: {shown} is not a JSONL file")
            corpus = Corpus.from_jsonl(path, errors="skip", max_bytes=max_bytes)
        else:
            if not path.is_dir():
                raise SystemExit(f"khabar: {shown} is not a folder of .txt articles")
            corpus = Corpus.from_dir(path, errors="skip", max_bytes=max_bytes)
    except (ValueError, OSError) as error:
        raise SystemExit(f"khabar: {displayable(str(error))}") from None
    for what, entries in (
        ("skipped", corpus.skipped),
        ("read with U+FFFD replacements", corpus.replaced),
    ):
        listed = 0 if quiet else LISTED_PROBLEMS
        for where, reason in entries[:listed]:
            _say(f"{what} {where}: {reason}")
        if len(entries) > listed:
            more = "" if listed == 0 else " more"
            _say(f"{what} {len(entries) - listed:,}{more} files or lines (listed in the report)")
    return corpus


def analyze(
    path: Path,
    out: Path | None,
    format: str,
    max_bytes: int | None = None,
    quiet: bool = False,
    min_words: int = 8,
    max_pairs: int = DEFAULT_MAX_PAIRS,
) -> None:
    from khabar.report import Stages, build_report

    stages = Stages(quiet=quiet)
    with stages(f"reading {displayable(str(path))}") as note:
        corpus = _load(path, format, max_bytes, quiet)
        note.append(f"{len(corpus):,} articles")
    out = out or Path("khabar-report.html")
    page, summary = build_report(
        corpus,
        source=displayable(str(path)),
        min_words=min_words,
        stages=stages,
        max_pairs=max_pairs,
    )
    with stages(f"writing {displayable(str(out))}") as note:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(page, encoding="utf-8")
        note.append(f"{out.stat().st_size / 1e6:.1f} MB")
    findings = [f"{summary['articles']:,} articles ({summary['tokens']:,} tokens)"]
    if summary["most_similar"] is not None:
        a, b, score = summary["most_similar"]
        findings.append(f"most similar: {a} and {b} (cosine {score:.2f})")
    findings.append(
        f"{summary['near_duplicates']:,} near-duplicate pairs"
        + (" (incomplete: see the report)" if summary["pairs_truncated"] else "")
    )
    findings.append(
        f"{summary['shared_passages']:,} shared passages of {min_words}+ words"
        + (f" (longest {summary['longest_passage']})" if summary["shared_passages"] else "")
    )
    if summary["pairs_truncated"]:
        _say(summary["pairs_truncated"])
    left_out = summary["skipped"]
    if left_out:
        findings.append(f"{left_out:,} files or lines skipped")
    print(
        displayable(
            f"khabar: {'; '.join(findings)}; report {out.resolve()} in {stages.elapsed:.1f} s"
        )
    )


def search(path: Path, query: str, k: int, format: str, max_bytes: int | None = None) -> None:
    corpus = _load(path, format, max_bytes)
    hits = corpus.search(query, k)
    if hits.empty:
        print("no article matches")
    for row in hits.itertuples():
        print(displayable(f"{row.score:7.3f}  {row.id}  {row.title}"))


def _add_corpus_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path",
        type=Path,
        help="a folder of UTF-8 .txt articles (one per file, the first line its title) or a "
        "JSONL file (one JSON object per line with a 'text' field; 'id', 'title', 'source' and "
        "any other fields are kept)",
    )
    parser.add_argument(
        "--format",
        choices=["auto", "dir", "jsonl"],
        default="auto",
        help="how to read PATH (default auto: a .jsonl file as JSONL, otherwise a folder)",
    )
    parser.add_argument(
        "--max-bytes",
        type=byte_size,
        default=byte_size(DEFAULT_MAX_BYTES),
        metavar="SIZE",
        help="skip (and list) any article file or JSONL line larger than SIZE, e.g. 500k, 10M, "
        f"2G (default {DEFAULT_MAX_BYTES})",
    )


def main(argv: Sequence[str] | None = None) -> int:
    from khabar import __version__

    parser = argparse.ArgumentParser(
        prog="khabar",
        description="Analyze Arabic news text: an HTML report on a corpus, or BM25 search.",
    )
    parser.add_argument("--version", action="version", version=f"khabar {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    a = commands.add_parser(
        "analyze",
        help="write an HTML report on a corpus",
        description="Write a self-contained HTML report on a corpus (similar articles, "
        "near-duplicates, shared passages, distinctive terms); progress on stderr, a one-line "
        "summary on stdout. Files or lines that cannot be read are skipped and listed.",
    )
    _add_corpus_arguments(a)
    a.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="FILE",
        help="where to write the report (default khabar-report.html)",
    )
    a.add_argument(
        "--min-words",
        type=int,
        default=8,
        metavar="N",
        help="shortest shared passage reported, in words (default 8)",
    )
    a.add_argument(
        "--max-pairs",
        type=int,
        default=DEFAULT_MAX_PAIRS,
        metavar="N",
        help="keep at most N candidate pairs of similar articles, the first in article order "
        f"(default {DEFAULT_MAX_PAIRS:,}; the report says when more exist)",
    )
    a.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress lines; skipped input is counted, not listed (the report lists it)",
    )
    s = commands.add_parser(
        "search", help="BM25 search of a corpus", description="Rank the articles for a query."
    )
    _add_corpus_arguments(s)
    s.add_argument("query", help="the words to search for (normalized as the articles are)")
    s.add_argument("-k", type=int, default=10, help="how many articles to show (default 10)")
    args = parser.parse_args(argv)
    if args.command == "analyze":
        if args.min_words < 1:
            parser.error("--min-words must be at least 1")
        if args.max_pairs < 1:
            parser.error("--max-pairs must be at least 1")
        analyze(
            args.path,
            args.out,
            args.format,
            args.max_bytes,
            args.quiet,
            args.min_words,
            args.max_pairs,
        )
    else:
        if args.k < 1:
            parser.error("-k must be at least 1")
        search(args.path, args.query, args.k, args.format, args.max_bytes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
