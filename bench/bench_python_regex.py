"""scikit-learn's default tokenization in C++ (khabar/python_regex.hpp) against Python's own.

Times re.findall(r"(?u)\\b\\w\\w+\\b", s.lower()) over each text in Python, and the same
(python_lower + PythonWordPattern::find_all) in build/cpp/bench/khabar_python_regex_speed,
both on one thread, best of a few rounds, and prints the ratio. The token counts must agree.
Texts: the ANT multi-source articles (Arabic news, ../shared/corpus) and, for English prose,
the docstrings of Python's standard library (no English news is available offline).
Run with `make bench`. Corpus citation: see bench/_corpus.py.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from _corpus import SHARED_CORPUS, read_texts

PATTERN = re.compile(r"(?u)\b\w\w+\b")
SPEED_TOOL = (
    Path(__file__).resolve().parents[1] / "build" / "cpp" / "bench" / "khabar_python_regex_speed"
)


def stdlib_docstrings() -> list[str]:
    texts = []
    for path in sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                doc = ast.get_docstring(node)
                if doc and len(doc) > 200:
                    texts.append(doc)
    return texts


def python_seconds(texts: list[str], rounds: int) -> tuple[float, int]:
    best, tokens = float("inf"), 0
    for _ in range(rounds):
        start = time.perf_counter()
        tokens = sum(len(PATTERN.findall(text.lower())) for text in texts)
        best = min(best, time.perf_counter() - start)
    return best, tokens


def khabar_seconds(texts: list[str], rounds: int) -> tuple[float, int]:
    if any("\0" in text for text in texts):
        raise SystemExit("a text holds a NUL byte, the separator of the speed tool's input")
    with tempfile.NamedTemporaryFile(suffix=".txt") as file:
        file.write("\0".join(texts).encode("utf-8"))
        file.flush()
        out = subprocess.run(
            [str(SPEED_TOOL), file.name, str(rounds)], capture_output=True, text=True, check=True
        ).stdout
    result = json.loads(out)
    return result["seconds"], result["tokens"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    args = parser.parse_args()
    if not SPEED_TOOL.exists():
        raise SystemExit(
            f"{SPEED_TOOL} is missing: cmake --build build/cpp --target {SPEED_TOOL.name}"
        )
    sets = {
        "ant-multisource (Arabic news)": read_texts(
            SHARED_CORPUS / "ant-multisource" / "articles.jsonl"
        )[: args.limit],
        "stdlib docstrings (English)": stdlib_docstrings(),
    }
    print("| texts | MB | tokens | Python re.findall(p, s.lower()) s | khabar C++ s | ratio |")
    print("|---|---|---|---|---|---|")
    for name, texts in sets.items():
        megabytes = sum(len(t.encode()) for t in texts) / 1e6
        python, python_tokens = python_seconds(texts, args.rounds)
        # Small sets get more C++ rounds, so that the best one is not a scheduler's hiccup.
        cpp_rounds = max(args.rounds, 5, int(50 / max(megabytes, 0.01)))
        khabar, khabar_tokens = khabar_seconds(texts, cpp_rounds)
        if python_tokens != khabar_tokens:
            sys.exit(f"{name}: {khabar_tokens} tokens in C++, {python_tokens} in Python")
        print(
            f"| {name} | {megabytes:.1f} | {python_tokens} | {python:.3f} | {khabar:.3f} "
            f"| {python / khabar:.1f}x |"
        )


if __name__ == "__main__":
    main()
