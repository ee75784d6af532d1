"""Every row of the README's "Bad input" table, for every component that reads documents.

Expected offsets, replacements and messages come from Python itself (its UTF-8 codec and its
UnicodeDecodeError/UnicodeEncodeError positions) or from scikit-learn, never from khabar.
"""

import os
import re

import khabar
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer as SkCountVectorizer

ARABIC = "بوتين يستقبل الأسد في سوتشي"
ILL_FORMED = {
    "truncated": ARABIC.encode()[:-1],  # last letter cut inside its 2-byte sequence
    "overlong": b"\xc0\xaf" + ARABIC.encode(),  # '/' as an overlong 2-byte sequence
    "encoded surrogate": ARABIC.encode() + b" \xed\xa0\x80 " + "سوريا".encode(),
    "0xff": "سوريا ".encode() + b"\xff" + " روسيا".encode(),
    "lone continuation": b"\x80" + ARABIC.encode(),
}


def python_decode_error(data: bytes) -> tuple[int, int]:
    """(offset, byte) of the first ill-formed sequence as Python's codec reports it."""
    with pytest.raises(UnicodeDecodeError) as info:
        data.decode("utf-8")
    return info.value.start, data[info.value.start]


def replace_surrogates(text: str) -> str:
    return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)


def fitted_tfidf():
    return khabar.TfidfVectorizer().fit([ARABIC, "روسيا وسوريا"])


# Each consumer reads a list of documents the way a user would.
CONSUMERS = {
    "Tokenizer.tokenize_many": lambda docs, **kw: khabar.Tokenizer(**kw).tokenize_many(docs),
    "Tokenizer.count_tokens": lambda docs, **kw: khabar.Tokenizer(**kw).count_tokens(docs),
    "CountVectorizer.fit": lambda docs, **kw: khabar.CountVectorizer(**kw).fit(docs),
    "TfidfVectorizer.fit_transform": lambda docs, **kw: khabar.TfidfVectorizer(**kw).fit_transform(
        docs
    ),
    "TfidfVectorizer.transform": lambda docs, **kw: (
        khabar.TfidfVectorizer(**kw).fit([ARABIC]).transform(docs)
    ),
    "TfidfVectorizer.partial_fit": lambda docs, **kw: khabar.TfidfVectorizer(**kw).partial_fit(
        docs
    ),
    "HashingVectorizer.transform": lambda docs, **kw: khabar.HashingVectorizer(**kw).transform(
        docs
    ),
    "BM25.fit": lambda docs, **kw: khabar.BM25(**kw).fit(docs),
    "BM25.search": lambda docs, **kw: khabar.BM25(**kw).fit([ARABIC]).search_many(docs),
    "NearDuplicates.fit": lambda docs, **kw: khabar.NearDuplicates(**kw).fit(docs),
}


def as_comparable(result):
    """A consumer's result in a form that compares with ==."""
    if sp.issparse(result):
        return (result.shape, result.indices.tolist(), result.indptr.tolist(), result.data.tolist())
    if isinstance(result, np.ndarray):
        if result.dtype.kind == "f":  # nan pads rows with fewer hits; nan != nan
            result = np.where(np.isnan(result), -1.0, result)
        return result.tolist()
    if isinstance(result, tuple):
        return tuple(as_comparable(part) for part in result)
    if isinstance(result, khabar.CountVectorizer | khabar.TfidfVectorizer):
        return result.vocabulary_
    if isinstance(result, khabar.BM25):
        return result.search(ARABIC, k=5).to_dict("list")
    if isinstance(result, khabar.NearDuplicates):
        return result.signatures_.tolist()
    if isinstance(result, list) and result and hasattr(result[0], "to_dict"):
        return [frame.to_dict("list") for frame in result]
    return result


# --- invalid UTF-8 ----------------------------------------------------------------------------


@pytest.mark.parametrize("consumer", CONSUMERS)
@pytest.mark.parametrize("kind", ILL_FORMED)
def test_invalid_utf8_names_document_and_byte_offset(consumer, kind):
    bad = ILL_FORMED[kind]
    offset, byte = python_decode_error(bad)
    docs = [ARABIC, "روسيا".encode(), bad]
    message = rf"^document 2: invalid UTF-8 \(byte 0x{byte:02x}\) at byte offset {offset}$"
    with pytest.raises(ValueError, match=message):
        CONSUMERS[consumer](docs)


@pytest.mark.parametrize("consumer", CONSUMERS)
def test_errors_replace_reads_like_pythons_codec(consumer):
    docs = [ARABIC, *ILL_FORMED.values()]
    decoded = [d if isinstance(d, str) else d.decode("utf-8", "replace") for d in docs]
    ours = CONSUMERS[consumer](docs, errors="replace")
    assert as_comparable(ours) == as_comparable(CONSUMERS[consumer](decoded))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.binary(max_size=4),
            st.sampled_from(["س", "ة", "ً", "a", " ", "😀", "٣"]).map(str.encode),
        ),
        max_size=30,
    ).map(b"".join)
)
def test_replacement_characters_equal_pythons_codec(data):
    # The char analyzer without normalization shows the decoded text character by character.
    ours = khabar.Tokenizer(normalize=False, analyzer="char", errors="replace").tokenize(data)
    python = SkCountVectorizer(analyzer="char", lowercase=False).build_analyzer()(
        data.decode("utf-8", "replace")
    )
    assert ours == python


def test_replaced_bytes_keep_spans_into_the_original_bytes():
    data = "سوريا ".encode() + b"\xff\xfe" + " روسيا".encode()
    spans = khabar.Tokenizer(errors="replace").tokenize_with_spans(data)
    assert [data[a:b].decode() for _, a, b in spans] == ["سوريا", "روسيا"]
    assert [(a, b) for _, a, b in spans] == [(0, 10), (14, 24)]


def test_errors_must_be_strict_or_replace():
    with pytest.raises(ValueError, match="'errors' parameter must be one of 'strict', 'replace'"):
        khabar.Tokenizer(errors="ignore")
    with pytest.raises(ValueError, match="'errors' parameter must be one of 'strict', 'replace'"):
        khabar.TfidfVectorizer(errors="surrogateescape").fit([ARABIC])
    with pytest.raises(ValueError, match="'errors' parameter must be one of 'strict', 'replace'"):
        khabar.normalize(ARABIC, errors="skip")


def test_normalize_replaces_like_pythons_codec():
    data = "سوريّا".encode() + b"\xe0\x80\x80"
    assert khabar.normalize(data, errors="replace") == khabar.normalize(
        data.decode("utf-8", "replace")
    )
    assert khabar.normalize("ا\ud800ب", errors="replace") == "ا\ufffdب"


def test_errors_replace_survives_save_and_pickle(tmp_path):
    import pickle

    vec = khabar.TfidfVectorizer(errors="replace").fit([ARABIC, ILL_FORMED["0xff"]])
    vec.save(tmp_path / "m.khabar")
    copies = [khabar.TfidfVectorizer.load(tmp_path / "m.khabar"), pickle.loads(pickle.dumps(vec))]
    for copy in copies:
        assert copy.errors == "replace"
        assert copy.transform([b"\xff"]).nnz == 0


# --- lone surrogates in str -------------------------------------------------------------------

SURROGATE_TEXTS = {
    "2-byte str": "سوريا\ud800روسيا",
    "4-byte str": "😀 سوريا \udfff روسيا",
    "pair-looking lone surrogates": "سوريا \ud83d\ude00",  # two code points, not an emoji
}


@pytest.mark.parametrize("consumer", CONSUMERS)
@pytest.mark.parametrize("kind", SURROGATE_TEXTS)
def test_lone_surrogates_name_document_and_char_offset(consumer, kind):
    text = SURROGATE_TEXTS[kind]
    with pytest.raises(UnicodeEncodeError) as info:
        text.encode("utf-8")
    message = rf"^document 1: lone surrogate at char offset {info.value.start}$"
    with pytest.raises(ValueError, match=message):
        CONSUMERS[consumer]([ARABIC, text])


@pytest.mark.parametrize("consumer", CONSUMERS)
def test_lone_surrogates_are_replaced_one_for_one(consumer):
    docs = [ARABIC, *SURROGATE_TEXTS.values()]
    expected = CONSUMERS[consumer]([replace_surrogates(d) for d in docs])
    assert as_comparable(CONSUMERS[consumer](docs, errors="replace")) == as_comparable(expected)


def test_replaced_surrogates_keep_str_offsets():
    for text in SURROGATE_TEXTS.values():
        spans = khabar.Tokenizer(errors="replace").tokenize_with_spans(text)
        assert spans == khabar.Tokenizer().tokenize_with_spans(replace_surrogates(text))
    # Two lone surrogates side by side stay two replacement characters, never an emoji.
    chars = khabar.Tokenizer(normalize=False, analyzer="char", errors="replace")
    assert chars.tokenize("\ud83d\ude00") == ["\ufffd", "\ufffd"]


def test_shared_passages_checks_both_texts():
    quote = "قال الكرملين إن الرئيسين بحثا التسوية السياسية في سوريا"
    with pytest.raises(ValueError, match=r"^document 1: lone surrogate at char offset 2$"):
        khabar.shared_passages(quote, "نص\ud800" + quote)
    ours = khabar.shared_passages(
        quote, "نص\ud800 " + quote, tokenizer=khabar.Tokenizer(errors="replace")
    )
    assert [(p.a_start, p.b_start, p.n_words) for p in ours] == [(0, 4, 9)]


# --- NUL bytes --------------------------------------------------------------------------------


def test_nul_is_a_separator_not_the_end_of_the_text():
    text = "سوريا\x00روسيا\x00" + ARABIC
    tokens = ["سوريا", "روسيا", *khabar.Tokenizer().tokenize(ARABIC)]
    assert khabar.Tokenizer().tokenize(text) == tokens
    assert khabar.Tokenizer().tokenize(text.encode()) == tokens
    assert khabar.Tokenizer().tokenize_with_spans(text)[:2] == [("سوريا", 0, 5), ("روسيا", 6, 11)]
    vec = khabar.CountVectorizer().fit([text])
    assert sorted(vec.vocabulary_) == sorted(set(tokens))
    assert khabar.normalize("ا\x00ب") == "ا\x00ب"
    assert khabar.BM25().fit([text, "نص"]).search("سوتشي")["doc"].tolist() == [0]


# --- wrong types ------------------------------------------------------------------------------


@pytest.mark.parametrize("consumer", CONSUMERS)
@pytest.mark.parametrize(
    ("value", "name"), [(None, "NoneType"), (3, "int"), (2.5, "float"), (["نص"], "list")]
)
def test_non_text_documents_are_type_errors_naming_the_index(consumer, value, name):
    with pytest.raises(TypeError, match=rf"^document 2: expected str or bytes, got {name}$"):
        CONSUMERS[consumer]([ARABIC, "نص", value])


def test_a_bad_document_deep_in_a_generator_is_numbered_in_the_whole_stream():
    docs = (ARABIC if i != 5000 else None for i in range(6000))
    with pytest.raises(TypeError, match=r"^document 5000:"):
        khabar.TfidfVectorizer().fit(docs)


def test_a_single_string_is_not_a_document_list():
    for consumer in ("Tokenizer.tokenize_many", "BM25.fit", "NearDuplicates.fit"):
        with pytest.raises(TypeError, match="not a single str"):
            CONSUMERS[consumer](ARABIC)
    with pytest.raises(ValueError) as expected:  # the vectorizers say what scikit-learn says
        SkCountVectorizer().fit(ARABIC)
    for consumer in ("CountVectorizer.fit", "TfidfVectorizer.fit_transform"):
        with pytest.raises(ValueError, match=f"^{re.escape(str(expected.value))}$"):
            CONSUMERS[consumer](ARABIC)


# --- empty input ------------------------------------------------------------------------------


def test_empty_document_list():
    assert khabar.Tokenizer().tokenize_many([]) == []
    for ours, theirs in [
        (khabar.CountVectorizer(), SkCountVectorizer()),
        (khabar.TfidfVectorizer(), SkCountVectorizer()),
    ]:
        with pytest.raises(ValueError) as expected:
            theirs.fit([])
        with pytest.raises(ValueError, match=f"^{re.escape(str(expected.value))}$"):
            ours.fit([])
    assert khabar.HashingVectorizer(n_features=8).transform([]).shape == (0, 8)
    assert khabar.TfidfVectorizer().fit([ARABIC]).transform([]).shape == (0, 5)
    with pytest.raises(ValueError, match="at least one document"):
        khabar.BM25().fit([])
    assert khabar.NearDuplicates().fit([]).pairs().empty
    indices, scores = khabar.top_k_similar(sp.csr_matrix((0, 4)), k=3)
    assert indices.shape == scores.shape == (0, 0)  # k is capped at the 0 rows of Y (issue 15)


@pytest.mark.parametrize(
    ("docs", "params"),
    [(["", "  ", "\n"], {}), (["في على", "من الى"], {"stopwords": "arabic"}), (["،؛!"], {})],
)
def test_documents_without_tokens(docs, params):
    assert khabar.Tokenizer(**params).tokenize_many(docs) == [[]] * len(docs)
    with pytest.raises(ValueError) as expected:
        SkCountVectorizer(analyzer=khabar.Tokenizer(**params)).fit(docs)
    for cls in (khabar.CountVectorizer, khabar.TfidfVectorizer):
        with pytest.raises(ValueError, match=f"^{re.escape(str(expected.value))}$"):
            cls(**params).fit(docs)
    assert khabar.HashingVectorizer(**params).transform(docs).nnz == 0
    with pytest.raises(ValueError, match=r"^empty vocabulary"):
        khabar.BM25(**params).fit(docs)
    assert khabar.NearDuplicates(**params).fit(docs + docs).pairs().empty


# --- very large input -------------------------------------------------------------------------


def test_a_50_mb_document(sochi_texts):
    article = sochi_texts[0]
    copies = 50 * 2**20 // len(article.encode()) + 1
    huge = "\n".join([article] * copies)
    assert len(huge.encode()) >= 50 * 2**20
    tokenizer = khabar.Tokenizer()
    per_article = len(tokenizer.tokenize(article))
    assert tokenizer.count_tokens([huge]).tolist() == [per_article * copies]
    vec = khabar.CountVectorizer()
    row = vec.fit_transform([huge])
    single = khabar.CountVectorizer().fit_transform([article])
    np.testing.assert_array_equal(row.toarray(), single.toarray() * copies)


def test_a_million_one_word_documents():
    words = ["سوريا", "روسيا", "تركيا", "ايران"]
    docs = [words[i % 4] for i in range(1_000_000)]
    X = khabar.CountVectorizer().fit_transform(docs)
    assert X.shape == (1_000_000, 4) and X.nnz == 1_000_000
    np.testing.assert_array_equal(np.asarray(X.sum(axis=0)).ravel(), [250_000] * 4)
    assert khabar.Tokenizer().count_tokens(docs).sum() == 1_000_000


def test_a_word_of_a_million_letters():
    word = "ب" * 10**6
    text = f"سوريا {word} روسيا"
    assert khabar.Tokenizer().tokenize_with_spans(text) == [
        ("سوريا", 0, 5),
        (word, 6, 6 + 10**6),
        ("روسيا", 7 + 10**6, 12 + 10**6),
    ]
    vec = khabar.TfidfVectorizer().fit([text, "سوريا"])
    assert vec.vocabulary_ == {word: 0, "روسيا": 1, "سوريا": 2}
    from sklearn.feature_extraction.text import HashingVectorizer as SkHashing

    sk = SkHashing(analyzer=khabar.Tokenizer()).transform([text])
    ours = khabar.HashingVectorizer().transform([text])
    assert (ours != sk).nnz == 0
    nd = khabar.NearDuplicates(shingle_size=1).fit([text, text, "نص"])
    assert nd.pairs()[["i", "j", "jaccard"]].values.tolist() == [[0, 1, 1.0]]


# --- queries, k and shapes --------------------------------------------------------------------


def test_queries_with_no_known_terms():
    index = khabar.BM25().fit([ARABIC, "روسيا"])
    assert index.search("كلمة مجهولة").empty
    assert index.search("").empty
    nd = khabar.NearDuplicates().fit([ARABIC])
    assert nd.query("كلمة مجهولة").empty
    assert fitted_tfidf().transform(["كلمة مجهولة"]).nnz == 0


def test_k_larger_than_the_corpus():
    X = khabar.TfidfVectorizer().fit_transform(["سوريا روسيا", "روسيا تركيا", "سوريا"])
    indices, scores = khabar.top_k_similar(X, k=10)
    assert indices.shape == (3, 3)  # k is capped at the rows of Y (issue 15)
    assert (indices[:, 2:] == -1).all() and np.isnan(scores[:, 2:]).all()
    assert indices[:, :2].tolist() == [[2, 1], [0, 2], [0, 1]]
    hits = khabar.BM25().fit(["سوريا", "روسيا سوريا", "تركيا"]).search("سوريا", k=10)
    assert hits["doc"].tolist() == [0, 1]


def test_mismatched_shapes():
    X = khabar.TfidfVectorizer().fit_transform(["سوريا روسيا", "روسيا تركيا"])
    Y = sp.csr_matrix((2, 5))
    message = r"X.shape\[1\] == 3 while Y.shape\[1\] == 5"
    with pytest.raises(ValueError, match=message):
        khabar.cosine_similarity(X, Y)
    with pytest.raises(ValueError, match=message):
        khabar.top_k_similar(X, Y, k=1)
    with pytest.raises(ValueError, match="k must be a positive int"):
        khabar.top_k_similar(X, k=0)


# --- Corpus loaders ---------------------------------------------------------------------------


@pytest.fixture
def dirty_folder(tmp_path):
    (tmp_path / "good.txt").write_text("بوتين في سوتشي\nنص", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("café".encode("latin-1"))
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "inner.txt").write_text("الأسد", encoding="utf-8")
    os.symlink(tmp_path / "missing", tmp_path / "broken.txt")
    return tmp_path


def test_from_dir_strict_names_the_file_and_offset(dirty_folder):
    message = r"latin1\.txt: invalid UTF-8 \(byte 0xe9\) at byte offset 3"
    with pytest.raises(ValueError, match=message):
        khabar.Corpus.from_dir(dirty_folder)


def test_from_dir_skip_and_replace_report_what_they_did(dirty_folder):
    skip = khabar.Corpus.from_dir(dirty_folder, errors="skip")
    assert skip.ids == ["good"]
    reasons = {os.path.basename(p): r for p, r in skip.skipped}
    assert reasons == {
        "notes": "sub-folder, not read (recursive=False)",
        "broken.txt": "broken link or not a regular file",
        "latin1.txt": "invalid UTF-8 (byte 0xe9) at byte offset 3",
    }
    replace = khabar.Corpus.from_dir(dirty_folder, errors="replace", recursive=True)
    assert replace.ids == ["good", "latin1", "notes/inner"]
    assert replace.texts[1] == b"caf\xe9".decode("utf-8", "replace")
    assert [os.path.basename(p) for p, _ in replace.replaced] == ["latin1.txt"]
    assert [os.path.basename(p) for p, _ in replace.skipped] == ["broken.txt"]
    with pytest.raises(FileNotFoundError, match="no folder"):
        khabar.Corpus.from_dir(dirty_folder / "nope")
    with pytest.raises(ValueError, match="errors must be one of"):
        khabar.Corpus.from_dir(dirty_folder, errors="ignore")


def test_from_jsonl_reports_bad_lines(tmp_path):
    path = tmp_path / "a.jsonl"
    lines = [
        '{"id": "1", "text": "بوتين في سوتشي"}'.encode(),
        b'{"id": "2", "text": "caf\xe9"}',
        b'{"id": "3", "text": "x\\ud800y"}',
        b"[1, 2]",
        b'{"id": "5", "text": null}',
        b"{broken",
    ]
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(ValueError, match=r"line 2: invalid UTF-8 \(byte 0xe9\) at byte offset 24"):
        khabar.Corpus.from_jsonl(path)
    skip = khabar.Corpus.from_jsonl(path, errors="skip")
    assert skip.ids == ["1"]
    assert [where.rsplit(" ", 1)[1] for where, _ in skip.skipped] == ["2", "3", "4", "5", "6"]
    replace = khabar.Corpus.from_jsonl(path, errors="replace")
    assert replace.ids == ["1", "2", "3"]
    assert replace.texts[1:] == ["caf\ufffd", "x\ufffdy"]
    assert [where.rsplit(" ", 1)[1] for where, _ in replace.replaced] == ["2", "3"]
    with pytest.raises(FileNotFoundError):
        khabar.Corpus.from_jsonl(tmp_path / "nope.jsonl")
