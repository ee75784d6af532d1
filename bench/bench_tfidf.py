"""TF-IDF fit_transform throughput and peak memory: scikit-learn vs khabar, same run.

Every configuration runs in a fresh subprocess, so that peak RSS is comparable, and ROUNDS
times, the configurations taking turns, so that a slow spell of this shared machine does not
fall on one of them only: the table gives each configuration's best round. Corpus: the ANT
multi-source corpus under ../shared/corpus (citation in bench/_corpus.py). Run with `make bench`.

Two ways to hand over the corpus:
- a list of str, loaded before timing (the issue's setting): the process peak then includes
  the corpus and the libraries, which both vectorizers share; 'added' is the peak above the
  RSS just before fit_transform, what the vectorizer itself needed;
- streamed: a generator over the JSONL lines, parsed while fitting, so that the corpus is
  never held whole (both vectorizers consume an iterable in one pass).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

from _corpus import largest_jsonl, read_texts

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SKLEARN = "sklearn.feature_extraction.text.TfidfVectorizer(sublinear_tf=True)"
CONFIGS = {
    "scikit-learn": (SKLEARN, "list"),
    "khabar, 1 thread": ("khabar.TfidfVectorizer(sublinear_tf=True, n_threads=1)", "list"),
    "khabar, all threads": ("khabar.TfidfVectorizer(sublinear_tf=True, n_threads=0)", "list"),
    "scikit-learn, streamed": (SKLEARN, "stream"),
    "khabar, all threads, streamed": (
        "khabar.TfidfVectorizer(sublinear_tf=True, n_threads=0)",
        "stream",
    ),
}
PEERS = {"khabar, 1 thread": "scikit-learn", "khabar, all threads": "scikit-learn"}
PEERS["khabar, all threads, streamed"] = "scikit-learn, streamed"


def streamed_texts(path):
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)["text"]


def run_one(name: str) -> dict:
    import khabar  # noqa: F401  (imported for the expressions in CONFIGS)
    import sklearn.feature_extraction.text  # noqa: F401

    expression, feed = CONFIGS[name]
    path = largest_jsonl()
    texts = read_texts(path) if feed == "list" else None
    baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    vectorizer = eval(expression)  # the expressions above, nothing from outside
    start = time.perf_counter()
    X = vectorizer.fit_transform(texts if texts is not None else streamed_texts(path))
    fit_seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    transform_seconds = None
    if texts is not None:
        start = time.perf_counter()
        vectorizer.transform(texts)
        transform_seconds = time.perf_counter() - start
    return {
        "fit_seconds": fit_seconds,
        "transform_seconds": transform_seconds,
        "peak_mb": peak_kb / 1024,
        "added_mb": (peak_kb - baseline_kb) / 1024,
        "shape": list(X.shape),
        "nnz": int(X.nnz),
    }


def main() -> None:
    path = largest_jsonl()
    texts = read_texts(path)
    megabytes = sum(len(t.encode()) for t in texts) / 1e6
    print(
        f"corpus: {path} ({len(texts):,} documents, {megabytes:.1f} MB of text), "
        f"{os.cpu_count()} cores, best of {ROUNDS} rounds"
    )
    del texts
    rounds: dict[str, list[dict]] = {name: [] for name in CONFIGS}
    for _ in range(ROUNDS):
        for name in CONFIGS:
            output = subprocess.run(
                [sys.executable, __file__, "--run", name],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            rounds[name].append(json.loads(output.strip().splitlines()[-1]))
    best = {name: min(runs, key=lambda r: r["fit_seconds"]) for name, runs in rounds.items()}
    print(
        "\npeak RSS: of the process up to the end of fit_transform; 'added': that peak above the "
        "RSS before fit_transform\n(for a list: what the vectorizer needed beyond the loaded "
        "corpus). Ratios: to scikit-learn fed the same way."
    )
    print(
        f"\n{'fit_transform':30s} {'MB/s':>7s} {'vs sklearn':>10s} {'peak RSS':>9s} "
        f"{'ratio':>6s} {'added':>7s} {'ratio':>6s} {'transform MB/s':>15s} {'vs sklearn':>10s}"
        "  shape, nnz"
    )
    for name, r in best.items():
        peer = best[PEERS.get(name, name)]
        transform = (
            f"{megabytes / r['transform_seconds']:15.1f} "
            f"{peer['transform_seconds'] / r['transform_seconds']:9.2f}x"
            if r["transform_seconds"]
            else " " * 26
        )
        print(
            f"{name:30s} {megabytes / r['fit_seconds']:7.1f} "
            f"{peer['fit_seconds'] / r['fit_seconds']:9.2f}x {r['peak_mb']:7.0f}MB "
            f"{r['peak_mb'] / peer['peak_mb']:6.2f} {r['added_mb']:5.0f}MB "
            f"{r['added_mb'] / peer['added_mb']:6.2f} {transform}  "
            f"{tuple(r['shape'])}, {r['nnz']:,}"
        )
    spread = {
        name: (
            megabytes / max(x["fit_seconds"] for x in runs),
            megabytes / best[name]["fit_seconds"],
        )
        for name, runs in rounds.items()
    }
    print(f"load average (1, 5, 15 min): {os.getloadavg()}")
    print(
        "\nMB/s over the rounds (slowest - best): "
        + "; ".join(f"{name} {low:.1f} - {high:.1f}" for name, (low, high) in spread.items())
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--run":
        print(json.dumps(run_one(sys.argv[2])))
    else:
        main()
