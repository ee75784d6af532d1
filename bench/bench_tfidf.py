"""TF-IDF fit_transform throughput and peak memory: scikit-learn vs khabar, same run.

Each configuration runs in a fresh subprocess so that peak RSS is comparable. Corpus: the ANT
multi-source corpus under ../shared/corpus (citation in bench/_corpus.py). Run with `make bench`.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

from _corpus import largest_jsonl, read_texts

CONFIGS = {
    "scikit-learn": "sklearn.feature_extraction.text.TfidfVectorizer(sublinear_tf=True)",
    "khabar, 1 thread": "khabar.TfidfVectorizer(sublinear_tf=True, n_threads=1)",
    "khabar, all threads": "khabar.TfidfVectorizer(sublinear_tf=True, n_threads=0)",
}


def run_one(name: str) -> dict:
    import khabar  # noqa: F401  (imported for the expressions in CONFIGS)
    import sklearn.feature_extraction.text  # noqa: F401

    texts = read_texts(largest_jsonl())
    baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    vectorizer = eval(CONFIGS[name])  # the expressions above, nothing from outside
    start = time.perf_counter()
    X = vectorizer.fit_transform(texts)
    fit_seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
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
        f"{os.cpu_count()} cores"
    )
    del texts
    results = {}
    for name in CONFIGS:
        output = subprocess.run(
            [sys.executable, __file__, "--run", name], capture_output=True, text=True, check=True
        ).stdout
        results[name] = json.loads(output.strip().splitlines()[-1])
    base = results["scikit-learn"]
    print(
        "\npeak RSS: of the process up to the end of fit_transform, the corpus loaded as str; "
        "'added': that peak above the RSS before fit_transform, what the vectorizer needed."
    )
    print(
        f"\n{'fit_transform':22s} {'MB/s':>7s} {'vs sklearn':>10s} {'peak RSS':>9s} "
        f"{'ratio':>6s} {'added':>7s} {'ratio':>6s} {'transform MB/s':>15s}  shape, nnz"
    )
    for name, r in results.items():
        print(
            f"{name:22s} {megabytes / r['fit_seconds']:7.1f} "
            f"{base['fit_seconds'] / r['fit_seconds']:9.2f}x {r['peak_mb']:7.0f}MB "
            f"{r['peak_mb'] / base['peak_mb']:6.2f} {r['added_mb']:5.0f}MB "
            f"{r['added_mb'] / base['added_mb']:6.2f} {megabytes / r['transform_seconds']:15.1f}  "
            f"{tuple(r['shape'])}, {r['nnz']:,}"
        )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--run":
        print(json.dumps(run_one(sys.argv[2])))
    else:
        main()
