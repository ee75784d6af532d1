"""Shared helpers for the benchmarks: locating and reading ../shared/corpus.

The ANT corpora are used under their citation licence: A. Chouigui, O. Ben Khiroun, B. Elayeb,
"ANT Corpus: An Arabic News Text Collection for Textual Classification", AICCSA 2017; and
"An Arabic Multi-source News Corpus: Experimenting on Single-document Extractive
Summarization", Arabian J. Sci. Eng. 46(8), 2021. https://antcorpus.github.io
"""

from __future__ import annotations

import json
from pathlib import Path

SHARED_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def largest_jsonl() -> Path:
    files = sorted(SHARED_CORPUS.glob("*/articles.jsonl"), key=lambda p: p.stat().st_size)
    if not files:
        raise SystemExit(f"no */articles.jsonl under {SHARED_CORPUS}")
    return files[-1]


def read_texts(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines if line.strip()]
