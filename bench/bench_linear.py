"""Time per MB of single documents built to be slow (issue 15), from 100 KB to 10 MB.

Every text operation must be linear in the text length: the seconds per MB of one document
must stay flat as it grows. The inputs are the attack texts, each one "word" of combining
marks after a letter:

- ``marks``: ``"a" + "\\u0301\\u064e" * k`` (alternating canonical combining classes 230 / 30,
  which ICU's insertion sort into canonical order took quadratic time on);
- ``tatweel``: ``"a" + "\\u0301" * k + "ـ" * k`` (dropped tatweels after a long chunk, whose
  source ranges were extended one by one);

and, as the peer in the same run, ordinary news text of the same size (articles of the
largest corpus under ../shared/corpus joined into one document; citation in bench/_corpus.py).
Printed: seconds per MB for each size and the ratio of the 10 MB figure to the 100 KB one
(1.0 is linear; quadratic would be 100). Run with `make bench`.
"""

from __future__ import annotations

import time

import khabar
from _corpus import largest_jsonl, read_texts

SIZES = [100_000, 1_000_000, 10_000_000]  # bytes of UTF-8


def attack(name: str, size: int) -> str:
    if name == "marks":
        return "a" + "\u0301\u064e" * (size // 4)  # both marks take 2 bytes
    half = size // 4
    return "a" + "\u0301" * half + "\u0640" * half


def news(size: int, articles: list[str]) -> str:
    text, parts = 0, []
    while text < size:
        for article in articles:
            parts.append(article)
            text += len(article.encode())
            if text >= size:
                break
    return " ".join(parts).encode()[:size].decode(errors="ignore")


def seconds(run, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    articles = read_texts(largest_jsonl())
    tokenizer = khabar.Tokenizer()
    operations = {
        "tokenize": lambda t: tokenizer.tokenize(t),
        "tokenize_with_spans": lambda t: tokenizer.tokenize_with_spans(t),
        "shared_passages(t, t)": lambda t: khabar.shared_passages(t, t, min_words=8),
    }
    inputs = {"marks": attack, "tatweel": attack, "news (peer)": None}
    print("seconds per MB of one document, best of 3 (10 MB: best of 1)")
    header = "".join(f"{s // 1000:>9,} KB" for s in SIZES)
    print(f"{'input':<13}{'operation':<24}{header}  10 MB / 100 KB")
    for name, make in inputs.items():
        for operation, run in operations.items():
            per_mb = []
            for size in SIZES:
                text = make(name, size) if make else news(size, articles)
                megabytes = len(text.encode()) / 1e6
                elapsed = seconds(
                    lambda run=run, text=text: run(text), 1 if size >= 10_000_000 else 3
                )
                per_mb.append(elapsed / megabytes)
            cells = "".join(f"{v:>12.4f}" for v in per_mb)
            print(f"{name:<13}{operation:<24}{cells}  {per_mb[-1] / per_mb[0]:>8.2f}")


if __name__ == "__main__":
    main()
