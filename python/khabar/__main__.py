"""Command line: ``khabar analyze PATH`` and ``khabar search PATH QUERY`` (or python -m khabar)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from khabar.corpus import Corpus


def _load(path: Path, format: str) -> Corpus:
    if format == "auto":
        format = "jsonl" if path.is_file() and path.suffix == ".jsonl" else "dir"
    if format == "jsonl":
        if not path.is_file():
            raise SystemExit(f"khabar: {path} is not a JSONL file")
        return Corpus.from_jsonl(path)
    if not path.is_dir():
        raise SystemExit(f"khabar: {path} is not a folder of .txt articles")
    corpus = Corpus.from_dir(path, errors="skip")
    for skipped, reason in corpus.skipped:
        print(f"khabar: skipped {skipped}: {reason}", file=sys.stderr)
    for replaced, reason in corpus.replaced:
        print(f"khabar: read {replaced} with U+FFFD replacements: {reason}", file=sys.stderr)
    return corpus


def analyze(path: Path, out: Path | None, format: str) -> None:
    from khabar.report import write_report
    from khabar.tokenizer import Tokenizer

    corpus = _load(path, format)
    out = out or Path("khabar-report.html")
    summary = write_report(corpus, out, source=str(path))
    lengths = Tokenizer().count_tokens(corpus.texts)
    print(f"khabar: {summary['articles']} articles, {summary['tokens']:,} tokens in {path}\n")
    for i in range(len(corpus)):
        print(f"== {corpus.ids[i]}: {corpus.titles[i]}")
        print(f"   tokens: {lengths[i]}")
        print(f"   top terms: {summary['top_terms'][corpus.ids[i]]}")
    a, b, score = summary["most_similar"]
    print(f"\nmost similar pair: {a} and {b} (cosine {score:.2f})")
    print(
        f"shared passages of 8+ words: {summary['shared_passages']} "
        f"(longest {summary['longest_passage']} words); "
        f"near-duplicate pairs: {summary['near_duplicates']}"
    )
    print(f"report: {out.resolve()}")


def search(path: Path, query: str, k: int, format: str) -> None:
    corpus = _load(path, format)
    hits = corpus.search(query, k)
    if hits.empty:
        print("no article matches")
    for row in hits.itertuples():
        print(f"{row.score:7.3f}  {row.id}  {row.title}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="khabar", description="Analyze Arabic news text.")
    commands = parser.add_subparsers(dest="command", required=True)
    a = commands.add_parser("analyze", help="write an HTML report on a corpus")
    a.add_argument("path", type=Path)
    a.add_argument("--format", choices=["auto", "dir", "jsonl"], default="auto")
    a.add_argument(
        "--out", type=Path, default=None, help="report file (default khabar-report.html)"
    )
    s = commands.add_parser("search", help="BM25 search of a corpus")
    s.add_argument("path", type=Path)
    s.add_argument("query")
    s.add_argument("-k", type=int, default=10)
    s.add_argument("--format", choices=["auto", "dir", "jsonl"], default="auto")
    args = parser.parse_args(argv)
    if args.command == "analyze":
        analyze(args.path, args.out, args.format)
    else:
        search(args.path, args.query, args.k, args.format)
    return 0


if __name__ == "__main__":
    sys.exit(main())
