"""Arabic stemmers on gold lemmas (UD Arabic-PADT) and downstream on the ANT corpus.

    python stemming_eval.py [--no-install] [--no-downstream] [--markdown FILE]

1. Grouping of word forms. Each surface token of ../shared/corpus/ud-arabic-padt/dev_tokens.jsonl
   whose syntactic words hold exactly one content word (NOUN, PROPN, VERB, ADJ, ADV, or X with
   Foreign=Foreign, which is how PADT tags most foreign names) is labelled with that word's lemma
   (diacritics removed, normalized as khabar normalizes). A stemmer maps each surface token to a
   stem; tokens sharing a stem form a cluster. Reported: B-cubed precision, recall and F1 over
   tokens (Bagga & Baldwin 1998; Amigó et al. 2009), "strict" against the gold lemmas and
   "lenient" where a nisba adjective X+ي is grouped with its noun X when X is itself a lemma;
   name precision/recall: the same per-token B-cubed scores averaged over the name tokens (PROPN
   or X Foreign) only, clusters still over all tokens, so a name merged with a common word (لبنان
   with لبن) costs name precision; and tokens/s, one Python call per token after one warm-up
   call: for khabar's functions the best of 15 rounds in which they take turns, a first pass in
   a new thread (so that khabar's per-thread memory starts empty) and a warm pass; for a peer
   the best of up to 7 passes in the thread that built it. khabar's stem functions get
   normalized words; peers their own API on the word as written, their output normalized as
   khabar normalizes before it is compared.
   khabar's stemmer learned its PADT names from the even documents of this split only (a
   document starts where sentence ids restart at s-p1; there is no PADT test split in
   ../shared): the "held out" rows are the odd documents, data it did not learn from. The row
   "khabar, ICU names only" is the same stemmer without those names (ICU's and the lexicon
   only; build/cpp/bench/khabar_stem_icu_names_only), to show what the PADT list adds.
2. The stem step alone: tokens/s of light10 and khabar in C++ over the same tokens, from
   build/cpp/bench/khabar_stem_speed (one core; best of several rounds; the khabar figure is a
   first pass, each round with an empty StemMemory).
3. Downstream, with no stemming, light10 and khabar: kNN classification of the ANT
   multi-source split (k=10, cosine, sublinear TF-IDF, Arabic stopwords; macro-F1) and BM25
   known-item search (each test article's title as the query, the article as the one relevant
   document; top-1 and top-3 hit rates). The shared split has no train/test field, so the test
   articles are those whose id's MD5 ends in a hex digit below 4 (a quarter, fixed).

Peers are installed by this script (pip, into the running interpreter's environment) unless
--no-install is given: NLTK (ISRI, ARLSTem, ARLSTem2, Snowball), PyStemmer (Snowball's C
implementation), snowballstemmer, Tashaphyne, qalsadi, arabicstemmer (Assem's Snowball-based
stemmer) and Farasa (an unofficial pure-Python port of the Farasa segmenter; the stem is its
longest segment). farasapy and CAMeL Tools download their data at run time: not usable offline.

Data: Prague Arabic Dependency Treebank, Charles University; UD conversion by Dan Zeman (CC
BY-NC-SA 3.0). ANT corpus: A. Chouigui, O. Ben Khiroun, B. Elayeb, "ANT Corpus: An Arabic News
Text Collection for Textual Classification", AICCSA 2017; "An Arabic Multi-source News Corpus:
Experimenting on Single-document Extractive Summarization", Arabian J. Sci. Eng. 46(8), 2021.
https://antcorpus.github.io
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import importlib
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import khabar
import numpy as np
from _corpus import SHARED_CORPUS

PADT_TOKENS = SHARED_CORPUS / "ud-arabic-padt" / "dev_tokens.jsonl"
# A peer's per-call timing: the best of up to ROUNDS passes, stopping after ROUND_SECONDS.
ROUNDS = 7
ROUND_SECONDS = 3.0
# khabar's functions (and no stemming), timed in SPEED_ROUNDS rounds, taking turns.
KHABAR_FUNCTIONS = ("none", "light10", "khabar")
SPEED_ROUNDS = 15
ANT_MULTISOURCE = SHARED_CORPUS / "ant-multisource" / "articles.jsonl"
SPEED_TOOL = Path(__file__).resolve().parents[1] / "build" / "cpp" / "bench" / "khabar_stem_speed"
CONTENT_UPOS = {"NOUN", "PROPN", "VERB", "ADJ", "ADV"}
# pip name -> module that proves it is importable
PEER_PACKAGES = {
    "nltk": "nltk",
    "PyStemmer": "Stemmer",
    "snowballstemmer": "snowballstemmer",
    "Tashaphyne": "tashaphyne",
    "qalsadi": "qalsadi",
    "arabicstemmer": "arabicstemmer",
    "Farasa": "farasa",
}


def install_peers() -> None:
    missing = []
    for package, module in PEER_PACKAGES.items():
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(package)
    if missing:
        print("installing peers:", " ".join(missing), flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", *missing], check=True)


# --- gold labels ---------------------------------------------------------------------------


def is_name(word: list[str]) -> bool:
    return word[2] == "PROPN" or (word[2] == "X" and "Foreign=Foreign" in word[3])


def labelled_tokens() -> list[dict]:
    """The PADT dev tokens with exactly one content word, with document number and labels."""
    tokens, document, previous = [], -1, None
    for line in PADT_TOKENS.open(encoding="utf-8"):
        token = json.loads(line)
        if token["sid"] == "s-p1" and previous != "s-p1":
            document += 1
        previous = token["sid"]
        content = [w for w in token["words"] if w[2] in CONTENT_UPOS or is_name(w)]
        if len(content) != 1:
            continue
        tokens.append(
            {
                "document": document,
                "form": token["form"],
                "normalized": khabar.normalize(token["form"]),
                "lemma": khabar.normalize(content[0][1]),
                "name": is_name(content[0]),
            }
        )
    lemmas = {t["lemma"] for t in tokens}
    for t in tokens:
        base = t["lemma"][:-1]
        nisba = t["lemma"].endswith("ي") and len(base) >= 2 and base in lemmas
        t["lenient"] = base if nisba else t["lemma"]
    return tokens


def bcubed(stems: list[str], labels: list[str], only: list[bool] | None = None) -> tuple:
    """B-cubed precision, recall, F1 averaged over the tokens (those flagged in `only`)."""
    both = collections.Counter(zip(stems, labels, strict=True))
    per_stem, per_label = collections.Counter(stems), collections.Counter(labels)
    precision = recall = n = 0.0
    for i, (stem, label) in enumerate(zip(stems, labels, strict=True)):
        if only is not None and not only[i]:
            continue
        precision += both[stem, label] / per_stem[stem]
        recall += both[stem, label] / per_label[label]
        n += 1
    precision, recall = precision / n, recall / n
    return precision, recall, 2 * precision * recall / (precision + recall)


# --- the stemmers ----------------------------------------------------------------------------


def longest_segment(segmented: str) -> str:
    parts = segmented.replace(";", "").split("+")
    return max(parts, key=len) if parts else segmented


def stemmers(with_peers: bool) -> dict[str, tuple[Callable[[str], str], bool]]:
    """name -> (stem function, whether it takes the khabar-normalized form)."""
    out: dict[str, tuple[Callable[[str], str], bool]] = {
        "none": (lambda w: w, True),
        "light10": (khabar.light10_stem, True),
        "khabar": (khabar.khabar_stem, True),
    }
    if not with_peers:
        return out
    peers: dict[str, Callable[[], Callable[[str], str]]] = {}

    def nltk_isri():
        from nltk.stem.isri import ISRIStemmer

        return ISRIStemmer().stem

    def nltk_arlstem():
        from nltk.stem.arlstem import ARLSTem

        return ARLSTem().stem

    def nltk_arlstem2():
        from nltk.stem.arlstem2 import ARLSTem2

        return ARLSTem2().stem

    def nltk_snowball():
        from nltk.stem.snowball import SnowballStemmer

        return SnowballStemmer("arabic").stem

    def pystemmer():
        import Stemmer

        return Stemmer.Stemmer("arabic").stemWord

    def tashaphyne():
        from tashaphyne.stemming import ArabicLightStemmer

        return ArabicLightStemmer().light_stem

    def qalsadi():
        import qalsadi.lemmatizer

        return qalsadi.lemmatizer.Lemmatizer().lemmatize

    def assem():
        from arabicstemmer import ArabicStemmer

        return ArabicStemmer().stemWord

    def farasa():
        from farasa.segmentation import segmentLine

        return lambda w: longest_segment(" ".join(segmentLine(w)) or w)

    peers = {
        "NLTK ISRI": nltk_isri,
        "NLTK ARLSTem": nltk_arlstem,
        "NLTK ARLSTem2": nltk_arlstem2,
        "Snowball (NLTK)": nltk_snowball,
        "Snowball (PyStemmer)": pystemmer,
        "Tashaphyne": tashaphyne,
        "qalsadi": qalsadi,
        "arabicstemmer (Assem)": assem,
        "Farasa (PyPI port)": farasa,
    }
    for name, make in peers.items():
        try:
            out[name] = (make(), False)
        except Exception as error:  # a peer that does not load is reported, not fatal
            print(f"{name}: not available ({error!r})", file=sys.stderr)
    return out


def timed_pass(stem: Callable[[str], object], words: list[str]) -> tuple[list, float]:
    started = time.perf_counter()
    stems = [stem(w) for w in words]
    return stems, time.perf_counter() - started


def best_pass(stem: Callable[[str], object], words: list[str]) -> tuple[list, float]:
    """The stems of `words`, one call each, and the seconds of the fastest of up to ROUNDS
    passes (fewer once ROUND_SECONDS have gone by): one pass alone varied by 40% and more from
    run to run on this machine."""
    best, spent = float("inf"), 0.0
    for _ in range(ROUNDS):
        stems, seconds = timed_pass(stem, words)
        best, spent = min(best, seconds), spent + seconds
        if spent > ROUND_SECONDS:
            break
    return stems, best


def khabar_call_speeds(words: list[str]) -> dict[str, tuple[float, float]]:
    """name -> (first-pass, warm) tokens/s of khabar's three functions, one call per word: each
    the best of SPEED_ROUNDS rounds in which the three take turns, so that the machine's slow
    and fast spells fall on all three alike. A first pass runs in a new thread (an empty
    memory of analysed words), a warm one in this thread after a pass."""
    own = stemmers(False)
    functions = {name: own[name][0] for name in KHABAR_FUNCTIONS}
    best = {name: [0.0, 0.0] for name in functions}
    for _ in range(SPEED_ROUNDS):
        for name, stem in functions.items():
            with ThreadPoolExecutor(max_workers=1) as fresh_thread:
                seconds = fresh_thread.submit(timed_pass, stem, words).result()[1]
            best[name][0] = max(best[name][0], len(words) / seconds)
            timed_pass(stem, words)
            best[name][1] = max(best[name][1], len(words) / timed_pass(stem, words)[1])
    return {name: (first, warm) for name, (first, warm) in best.items()}


def print_row(row: dict) -> None:
    held_out = row["held out"]
    print(
        f"{row['stemmer']:24s} held out: strict F1 {held_out['strict'][2]:.3f} "
        f"lenient F1 {held_out['lenient'][2]:.3f} "
        f"name P {held_out['names'][0]:.3f} R {held_out['names'][1]:.3f}  "
        f"{speed_cell(row['tokens/s'])} tokens/s (warm {speed_cell(row['warm tokens/s'])})",
        flush=True,
    )


def grouping_rows(tokens: list[dict], with_peers: bool) -> list[dict]:
    rows = []
    speeds = khabar_call_speeds([t["normalized"] for t in tokens])
    for name, (stem, takes_normalized) in stemmers(with_peers).items():
        words = [t["normalized"] if takes_normalized else t["form"] for t in tokens]
        stem(words[0])  # loads data and builds tables outside the timing
        if name in speeds:
            raw = [stem(w) for w in words]
            row = {"stemmer": name, "tokens/s": speeds[name][0], "warm tokens/s": speeds[name][1]}
        else:  # a peer: the best of passes in the thread that built it, warm or not
            raw, seconds = best_pass(stem, words)
            row = {"stemmer": name, "tokens/s": len(words) / seconds}
            row["warm tokens/s"] = row["tokens/s"]
        row.update(grouping_scores(tokens, [khabar.normalize(str(s)) for s in raw]))
        rows.append(row)
        print_row(row)
        if name == "khabar" and (ablation := icu_names_only_row(tokens)):
            rows.append(ablation)
            print_row(ablation)
    return rows


# --- what the PADT names add ------------------------------------------------------------------

ICU_NAMES_TOOL = SPEED_TOOL.with_name("khabar_stem_icu_names_only")


def grouping_scores(tokens: list[dict], stems: list[str]) -> dict:
    """The dev and held-out views of B-cubed strict, lenient and names for one stemmer."""
    held_out = [i for i, t in enumerate(tokens) if t["document"] % 2 == 1]
    scores = {}
    for view, subset in (("dev", range(len(tokens))), ("held out", held_out)):
        s = [stems[i] for i in subset]
        lemmas = [tokens[i]["lemma"] for i in subset]
        scores[view] = {
            "strict": bcubed(s, lemmas),
            "lenient": bcubed(s, [tokens[i]["lenient"] for i in subset]),
            "names": bcubed(s, lemmas, [tokens[i]["name"] for i in subset]),
        }
    return scores


def icu_names_only_row(tokens: list[dict]) -> dict | None:
    """khabar without the names learned from PADT (cpp/data/names-ar-padt.txt, CC BY-NC-SA):
    ICU's names and the lexicon only. Its held-out columns show what the list adds on
    documents it was not learned from. Not timed (a C++ tool stems the words)."""
    if not ICU_NAMES_TOOL.exists():
        print(f"{ICU_NAMES_TOOL} not built (make bench builds it): PADT-names ablation skipped")
        return None
    stems = run_on_words(ICU_NAMES_TOOL, tokens).removesuffix("\n").split("\n")
    if len(stems) != len(tokens):
        raise RuntimeError(f"{ICU_NAMES_TOOL.name} gave {len(stems)} stems for {len(tokens)} words")
    row = {"stemmer": "khabar, ICU names only", "tokens/s": None, "warm tokens/s": None}
    row.update(grouping_scores(tokens, [khabar.normalize(s) for s in stems]))
    return row


def run_on_words(tool: Path, tokens: list[dict]) -> str:
    """The standard output of a C++ tool given a file of the tokens' normalized words."""
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as f:
        f.write("\n".join(t["normalized"] for t in tokens) + "\n")
    try:
        return subprocess.run(
            [str(tool), f.name], check=True, capture_output=True, text=True
        ).stdout
    finally:
        Path(f.name).unlink()


# --- the stem step in C++ --------------------------------------------------------------------


def stem_step_speed(tokens: list[dict]) -> dict[str, float] | None:
    if not SPEED_TOOL.exists():
        print(f"{SPEED_TOOL} not built (make bench builds it): stem-step speed skipped")
        return None
    return json.loads(run_on_words(SPEED_TOOL, tokens))


# --- downstream ------------------------------------------------------------------------------


def is_test_article(article_id: str) -> bool:
    return hashlib.md5(article_id.encode()).hexdigest()[-1] in "0123"


# Whole tokenization timed in a process of its own: the only way to meet every word for the first
# time again, since a thread's workspace (with its memory of analysed words) passes to the next
# thread of the same process. Five rounds: with three, two runs minutes apart differed by 8%
# (2026-12-07).
TOKENIZE_ROUNDS = 5
TOKENIZE_ONCE = """
import json, sys, time, khabar
articles = map(json.loads, open(sys.argv[1], encoding="utf-8"))
texts = [a["title"] + "\\n" + a["text"] for a in articles]
stemmer = None if sys.argv[2] == "none" else sys.argv[2]
tokenizer = khabar.Tokenizer(stopwords="arabic", stemmer=stemmer)
started = time.perf_counter()
n_tokens = int(tokenizer.count_tokens(texts, n_threads=1).sum())
print(n_tokens / (time.perf_counter() - started))
"""


def first_pass_tokenize_rates(stemmer_names: list[str | None]) -> dict[str | None, float]:
    """Tokens/s of whole tokenization of ANT multi-source on one thread for each stemmer: the
    best of TOKENIZE_ROUNDS first passes, each in a new process, the stemmers taking turns (and
    all of it before the kNN, whose BLAS threads keep spinning for a while after each product)."""
    best = dict.fromkeys(stemmer_names, 0.0)
    for _ in range(TOKENIZE_ROUNDS):
        for stemmer in stemmer_names:
            command = [sys.executable, "-c", TOKENIZE_ONCE, str(ANT_MULTISOURCE), stemmer or "none"]
            output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            best[stemmer] = max(best[stemmer], float(output))
    return best


def downstream(stemmer_names: list[str | None]) -> list[dict]:
    from sklearn.metrics import f1_score
    from sklearn.neighbors import KNeighborsClassifier

    articles = [json.loads(line) for line in ANT_MULTISOURCE.open(encoding="utf-8")]
    test = np.array([is_test_article(a["id"]) for a in articles])
    texts = [a["title"] + "\n" + a["text"] for a in articles]
    labels = np.array([a["category"] for a in articles])
    rows = []
    # Whole tokenization (normalize, ICU word breaks, stopwords, stem) on one thread: the stem
    # step's share of what a user waits for.
    tokenize_rates = first_pass_tokenize_rates(stemmer_names)
    for stemmer in stemmer_names:
        tokenize_rate = tokenize_rates[stemmer]
        started = time.perf_counter()
        vectorizer = khabar.TfidfVectorizer(stopwords="arabic", sublinear_tf=True, stemmer=stemmer)
        train_matrix = vectorizer.fit_transform(
            [t for t, is_test in zip(texts, test, strict=True) if not is_test]
        )
        test_matrix = vectorizer.transform(
            [t for t, is_test in zip(texts, test, strict=True) if is_test]
        )
        knn = KNeighborsClassifier(n_neighbors=10, metric="cosine", algorithm="brute", n_jobs=1)
        knn.fit(train_matrix, labels[~test])
        predicted = knn.predict(test_matrix)
        macro_f1 = f1_score(labels[test], predicted, average="macro")
        # Known-item search: every test article's title finds its own text among all bodies.
        bodies = [a["text"] for a in articles]
        index = khabar.BM25(stopwords="arabic", stemmer=stemmer).fit(bodies)
        queries = [a["title"] for a, is_test in zip(articles, test, strict=True) if is_test]
        wanted = np.flatnonzero(test)
        found, _ = index.search_many(queries, k=3)
        top1 = float(np.mean(found[:, 0] == wanted))
        top3 = float(np.mean((found == wanted[:, None]).any(axis=1)))
        rows.append(
            {
                "stemmer": stemmer or "none",
                "knn_macro_f1": macro_f1,
                "bm25_top1": top1,
                "bm25_top3": top3,
                "tokenize_tokens_per_s": tokenize_rate,
                "seconds": time.perf_counter() - started,
            }
        )
        print(
            f"{stemmer or 'none':8s} kNN macro-F1 {macro_f1:.4f}  BM25 top-1 {top1:.4f} "
            f"top-3 {top3:.4f}  tokenize {tokenize_rate:,.0f} tokens/s "
            f"({rows[-1]['seconds']:.0f} s)",
            flush=True,
        )
    return rows


def speed_cell(tokens_per_second: float | None) -> str:
    return "not timed" if tokens_per_second is None else f"{tokens_per_second:,.0f}"


def markdown(rows: list[dict], speed: dict | None, down: list[dict]) -> str:
    lines = [
        "| stemmer | strict P / R / F1 | lenient F1 | names P / R | held-out strict F1 | "
        "held-out lenient F1 | held-out names P / R | tokens/s (Python, 1 call/token): "
        "first pass | warm |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        d, h = r["dev"], r["held out"]
        lines.append(
            f"| {r['stemmer']} | {d['strict'][0]:.3f} / {d['strict'][1]:.3f} / {d['strict'][2]:.3f}"
            f" | {d['lenient'][2]:.3f} | {d['names'][0]:.3f} / {d['names'][1]:.3f}"
            f" | {h['strict'][2]:.3f} | {h['lenient'][2]:.3f}"
            f" | {h['names'][0]:.3f} / {h['names'][1]:.3f} | {speed_cell(r['tokens/s'])}"
            f" | {speed_cell(r['warm tokens/s'])} |"
        )
    if speed:
        lines += [
            "",
            "Stem step in C++ (one core, best round): "
            f"light10 {speed['light10'] / 1e6:.1f} M tokens/s, khabar first pass "
            f"{speed['khabar'] / 1e6:.1f} M ({speed['ratio']:.2f}x light10), khabar warm "
            f"{speed['khabar_warm'] / 1e6:.1f} M ({speed['ratio_warm']:.2f}x).",
        ]
    if down:
        lines += [
            "",
            "| stemmer | ANT kNN macro-F1 | BM25 known-item top-1 | top-3 "
            "| tokenize, 1 thread (tokens/s) |",
            "|---|---|---|---|---|",
        ]
        for r in down:
            lines.append(
                f"| {r['stemmer']} | {r['knn_macro_f1']:.4f} | {r['bm25_top1']:.4f} "
                f"| {r['bm25_top3']:.4f} | {r['tokenize_tokens_per_s']:,.0f} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-install", action="store_true", help="do not pip-install peers")
    parser.add_argument("--no-peers", action="store_true", help="khabar's stemmers only")
    parser.add_argument("--no-downstream", action="store_true", help="skip the ANT part")
    parser.add_argument("--markdown", type=Path, help="also write the tables to this file")
    args = parser.parse_args()
    if not args.no_install and not args.no_peers:
        install_peers()
    tokens = labelled_tokens()
    print(
        f"PADT dev: {len(tokens)} labelled tokens ({sum(t['name'] for t in tokens)} names), "
        f"{sum(t['document'] % 2 for t in tokens)} in held-out documents"
    )
    rows = grouping_rows(tokens, with_peers=not args.no_peers)
    speed = stem_step_speed(tokens)
    if speed:
        print("stem step (C++):", {k: round(v, 3) for k, v in speed.items()})
    down = [] if args.no_downstream else downstream([None, "light10", "khabar"])
    table = markdown(rows, speed, down)
    print(table)
    if args.markdown:
        args.markdown.write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
