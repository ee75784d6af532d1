"""What a user first does with an installed khabar, run by test_wheel.py in a fresh venv (for
the wheel, inside a mount namespace where the system's ICU libraries are empty files).

Usage: python wheel_smoke.py MODEL_FILE PROBE_JSON. Checks tokenization and a TF-IDF fit against
hand-worked values and scikit-learn, saves and reloads a model, then prints one JSON object:
the versions seen, the ICU libraries mapped into this process, and the matrix that the model in
MODEL_FILE (saved by another build of khabar) gives for the documents in PROBE_JSON.
"""

from __future__ import annotations

import importlib.metadata
import json
import math
import sys
import tempfile
from pathlib import Path

import khabar
from sklearn.feature_extraction.text import TfidfVectorizer as SklearnTfidfVectorizer


def main() -> None:
    model_file, probe_file = Path(sys.argv[1]), Path(sys.argv[2])

    # Diacritics removed by normalization, punctuation dropped by the UAX #29 word breaks.
    tokens = khabar.Tokenizer().tokenize("الرَّئِيسُ بوتين، سوريا؟")
    if tokens != ["الرئيس", "بوتين", "سوريا"]:
        raise SystemExit(f"unexpected tokens {tokens}")

    # "سوريا" is in both documents (smoothed idf 1), "روسيا" in one (idf 1 + ln 1.5); rows are
    # L2-normalized.
    docs = ["سوريا روسيا", "سوريا تركيا"]
    vectorizer = khabar.TfidfVectorizer()
    matrix = vectorizer.fit_transform(docs)
    rare = 1.0 + math.log(1.5)
    common = matrix[0, vectorizer.vocabulary_["سوريا"]]
    if not math.isclose(common, 1.0 / math.sqrt(1.0 + rare * rare), rel_tol=0, abs_tol=1e-12):
        raise SystemExit(f"unexpected TF-IDF weight {common}")
    reference = SklearnTfidfVectorizer(analyzer=khabar.Tokenizer().tokenize).fit(docs)
    if vectorizer.vocabulary_ != reference.vocabulary_:
        raise SystemExit("vocabulary differs from scikit-learn's")
    if abs(matrix - reference.transform(docs)).max() > 1e-12:
        raise SystemExit("TF-IDF matrix differs from scikit-learn's")

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.khabar"
        vectorizer.save(path)
        if (khabar.TfidfVectorizer.load(path).transform(docs) != matrix).nnz:
            raise SystemExit("a saved and reloaded model transforms differently")

    loaded = khabar.TfidfVectorizer.load(model_file)
    probe = json.loads(probe_file.read_text(encoding="utf-8"))
    with open("/proc/self/maps", encoding="utf-8") as maps:
        icu_libraries = sorted({line.split()[-1] for line in maps if "libicu" in line})
    report = {
        "version": khabar.__version__,
        "metadata_version": importlib.metadata.version("khabar"),
        "core_module": khabar._core.__file__,
        "icu_libraries": icu_libraries,
        "loaded_vocabulary": {term: int(column) for term, column in loaded.vocabulary_.items()},
        "loaded_matrix": loaded.transform(probe).toarray().tolist(),
    }
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
