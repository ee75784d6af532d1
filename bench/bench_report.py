"""`khabar analyze` on 1k, 9k and 26k articles: wall time, peak RSS and report size.

- 1k: every 26th article of ANT multi-source (1,000 articles of its 5 outlets),
- 9k: ANT Jawhara FM (8,936 articles, one outlet, 9 categories),
- 26k: ANT multi-source (25,862 articles, 5 outlets).
Corpora: the ANT corpus (citation in bench/_corpus.py; A. Chouigui, O. Ben Khiroun, B. Elayeb,
AICCSA 2017 and Arabian J. Sci. Eng. 46(8), 2021; https://antcorpus.github.io).

Each run is the command line in a fresh process (`python -m khabar analyze FILE`), its peak RSS
taken from the kernel's accounting of that child (wait4). As a yardstick for this shared,
noisy machine, scikit-learn's TfidfVectorizer(sublinear_tf=True).fit_transform of the same
articles runs in a fresh process just before, and the report's time is also given as a multiple
of it. The load average is printed before and after each run. Targets (issue 20): 9k articles
within 60 s and 2 GB, 26k within 3 minutes. Run with `make bench` or `cd bench && python
bench_report.py`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _corpus import SHARED_CORPUS

TARGETS = {"9k": (60.0, 2.0e9), "26k": (180.0, None)}

SKLEARN_FIT = """
import json, sys
from sklearn.feature_extraction.text import TfidfVectorizer
with open(sys.argv[1], encoding="utf-8") as lines:
    texts = [json.loads(line)["text"] for line in lines if line.strip()]
TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
"""


def run(command: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in bytes and stderr of ``command`` in a child process."""
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        errors = stderr.read().decode("utf-8", "replace")
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({child.returncode}):\n{errors}")
    return wall, usage.ru_maxrss * 1024, errors  # ru_maxrss is in KiB on Linux


def sample(path: Path, every: int, out: Path) -> Path:
    with path.open(encoding="utf-8") as lines, out.open("w", encoding="utf-8") as sampled:
        for number, line in enumerate(lines):
            if number % every == 0:
                sampled.write(line)
    return out


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    multisource = SHARED_CORPUS / "ant-multisource" / "articles.jsonl"
    jawhara = SHARED_CORPUS / "ant-jawharafm" / "articles.jsonl"
    for path in (multisource, jawhara):
        if not path.is_file():
            raise SystemExit(f"no {path}: the shared corpora are expected in {SHARED_CORPUS}")
    with tempfile.TemporaryDirectory() as scratch:
        corpora = [
            ("1k", sample(multisource, 26, Path(scratch) / "1k.jsonl")),
            ("9k", jawhara),
            ("26k", multisource),
        ]
        rows, stages = [], {}
        for name, path in corpora:
            before = load()
            fit, _, _ = run([sys.executable, "-c", SKLEARN_FIT, str(path)])
            out = Path(scratch) / f"{name}.html"
            wall, rss, log = run(
                [sys.executable, "-m", "khabar", "analyze", str(path), "--out", str(out)]
            )
            articles = int(re.search(r"… ([\d,]+) articles", log)[1].replace(",", ""))
            stages[name] = re.findall(r"khabar: (.+?) …(?: (.*?))? \((\d+\.\d) s\)", log)
            target_time, target_rss = TARGETS.get(name, (None, None))
            verdict = []
            if target_time is not None:
                verdict.append(f"{'≤' if wall <= target_time else '>'} {target_time:.0f} s")
            if target_rss is not None:
                verdict.append(f"{'≤' if rss <= target_rss else '>'} {target_rss / 1e9:.0f} GB")
            rows.append(
                (
                    name,
                    f"{articles:,}",
                    f"{wall:.1f}",
                    f"{rss / 1e6:,.0f}",
                    f"{out.stat().st_size / 1e6:.1f}",
                    f"{fit:.1f}",
                    f"{wall / fit:.1f}×",
                    f"{before} → {load()}",
                    ", ".join(verdict),
                )
            )
            print(" | ".join(rows[-1]), flush=True)
    headers = (
        "corpus",
        "articles",
        "wall s",
        "peak RSS MB",
        "report MB",
        "sklearn TF-IDF fit s",
        "report / fit",
        "load 1/5/15 min before → after",
        "target",
    )
    print("\n| " + " | ".join(headers) + " |\n|" + "---|" * len(headers))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print("\nseconds per stage (khabar analyze's progress lines):\n")
    names = [name for name, _ in corpora]
    print("| stage | " + " | ".join(names) + " |\n|---|" + "---|" * len(names))

    def label(stage: str) -> str:  # the same stage whatever the corpus or grouping column
        return re.sub(r"[\d,]+ articles|/\S+|'[^']*'|per \w+", "…", stage)

    for stage in [label(stage) for stage, _, _ in stages[names[-1]]]:
        cells = []
        for name in names:
            times = [t for s, _, t in stages[name] if label(s) == stage]
            cells.append(times[0] if times else "")
        print(f"| {stage} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
