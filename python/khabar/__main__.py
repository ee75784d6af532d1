"""Command line: ``khabar analyze PATH`` (also ``python -m khabar analyze PATH``)."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from khabar.tokenizer import Tokenizer


def _read_articles(folder: Path) -> list[tuple[str, str, str]]:
    """(id, title, text) of every ``*.txt`` in ``folder``, sorted by file name."""
    if not folder.is_dir():
        raise SystemExit(f"khabar: {folder} is not a folder of .txt articles")
    articles = []
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        title = next((line.strip() for line in text.splitlines() if line.strip()), "")
        articles.append((path.stem, title, text))
    if not articles:
        raise SystemExit(f"khabar: no .txt articles in {folder}")
    return articles


def analyze(path: Path, top: int = 10) -> None:
    articles = _read_articles(path)
    all_tokens = Tokenizer().tokenize_many([text for _, _, text in articles])
    content = Tokenizer(stopwords="arabic", min_length=2).tokenize_many(
        [text for _, _, text in articles]
    )
    print(f"khabar: {len(articles)} articles in {path}\n")
    for (article_id, title, _), tokens, terms in zip(articles, all_tokens, content):
        print(f"== {article_id}: {title}")
        print(f"   tokens: {len(tokens)}")
        frequent = Counter(terms).most_common(top)
        print("   top terms: " + "، ".join(f"{term} ({count})" for term, count in frequent))
        print()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="khabar", description="Analyze Arabic news text.")
    commands = parser.add_subparsers(dest="command", required=True)
    analyze_parser = commands.add_parser("analyze", help="summarize a folder of .txt articles")
    analyze_parser.add_argument("path", type=Path)
    analyze_parser.add_argument("--top", type=int, default=10, help="terms shown per article")
    args = parser.parse_args(argv)
    if args.command == "analyze":
        analyze(args.path, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
