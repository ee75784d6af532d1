"""TF-IDF fit_transform throughput on Dask (khabar.dask, LocalCluster with 1 and 2 worker
processes) against single-process khabar, on the same JSONL file.

Every configuration reads and parses the JSONL itself, so the times compare the same work: read
+ parse + fit + transform. Single-process khabar fits and transforms in one pass
(fit_transform); khabar.dask makes two passes over the partitions (fit_tfidf, then transform,
the rows kept on the workers with persist). Each configuration runs in a fresh subprocess;
cluster start-up is not timed; best of 3 runs after a warm-up. Corpus: the ANT multi-source
corpus under ../shared/corpus (citation in bench/_corpus.py). Run with `make bench`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from _corpus import largest_jsonl

PARAMS = {"sublinear_tf": True, "min_df": 2}
BLOCKSIZE = 5_000_000  # bytes of JSONL per partition: 16 partitions of the 78 MB corpus
RUNS = 3
CONFIGS = [
    "khabar, 1 thread",
    "khabar, 2 threads",
    "khabar.dask, 1 worker",
    "khabar.dask, 2 workers",
]


def best_of(run: object) -> tuple[float, object]:
    run()  # warm-up: imports, page cache, worker start
    best, result = float("inf"), None
    for _ in range(RUNS):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def run_local(threads: int) -> dict:
    import khabar

    path = largest_jsonl()

    def run() -> tuple[int, int]:
        with path.open(encoding="utf-8") as lines:
            texts = [json.loads(line)["text"] for line in lines]
        X = khabar.TfidfVectorizer(n_threads=threads, **PARAMS).fit_transform(texts)
        return X.shape[1], X.nnz

    seconds, (features, nnz) = best_of(run)
    return {"seconds": seconds, "features": features, "nnz": nnz}


def run_dask(workers: int) -> dict:
    import dask
    import dask.bag as db
    import khabar.dask
    from distributed import Client, LocalCluster, wait

    path = largest_jsonl()
    nnz = dask.delayed(lambda block: block.nnz, pure=True)
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster),
    ):
        docs = db.read_text(str(path), blocksize=BLOCKSIZE).map(json.loads).pluck("text")

        def run() -> tuple[int, int]:
            vectorizer = khabar.dask.fit_tfidf(docs, **PARAMS)
            X = khabar.dask.transform(vectorizer, docs).persist()
            wait(X)
            blocks = X.to_delayed().ravel().tolist()
            return len(vectorizer.vocabulary_), sum(dask.compute(*[nnz(b) for b in blocks]))

        seconds, (features, nnz) = best_of(run)
        return {
            "seconds": seconds,
            "features": features,
            "nnz": int(nnz),
            "partitions": docs.npartitions,
        }


def run_one(name: str) -> dict:
    if name.startswith("khabar.dask"):
        return run_dask(int(name.split(", ")[1].split()[0]))
    return run_local(int(name.split(", ")[1].split()[0]))


def main() -> None:
    path = largest_jsonl()
    with path.open(encoding="utf-8") as lines:
        megabytes = sum(len(json.loads(line)["text"].encode()) for line in lines) / 1e6
    params = ", ".join(f"{k}={v}" for k, v in PARAMS.items())
    print(
        f"corpus: {path} ({path.stat().st_size / 1e6:.1f} MB JSONL, {megabytes:.1f} MB of text), "
        f"{os.cpu_count()} cores; TfidfVectorizer({params})"
    )
    results = {}
    for name in CONFIGS:
        output = subprocess.run(
            [sys.executable, __file__, "--run", name], capture_output=True, text=True, check=True
        ).stdout
        results[name] = json.loads(output.strip().splitlines()[-1])
    base = results[CONFIGS[0]]["seconds"]
    print(
        f"\n{'read + fit + transform':24s} {'seconds':>8s} {'MB/s':>6s} {'vs 1 thread':>11s}"
        "  terms, nnz"
    )
    for name, r in results.items():
        print(
            f"{name:24s} {r['seconds']:8.2f} {megabytes / r['seconds']:6.1f} "
            f"{base / r['seconds']:10.2f}x  {r['features']:,}, {r['nnz']:,}"
        )
    print(f"(khabar.dask: {results[CONFIGS[-1]].get('partitions')} partitions of the JSONL file)")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--run":
        print(json.dumps(run_one(sys.argv[2])))
    else:
        main()
