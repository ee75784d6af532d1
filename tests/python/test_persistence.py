from __future__ import annotations

import pickle

import khabar
import numpy as np
import pytest
from khabar import _core


@pytest.fixture()
def fitted(sochi_texts):
    return khabar.TfidfVectorizer(stopwords="arabic", sublinear_tf=True, ngram_range=(1, 2)).fit(
        sochi_texts
    )


def same_model(a, b, docs):
    assert a.get_params() == b.get_params()
    assert a.vocabulary_ == b.vocabulary_
    np.testing.assert_array_equal(a.idf_, b.idf_)
    assert (a.transform(docs) != b.transform(docs)).nnz == 0


def test_save_and_load_round_trip(tmp_path, fitted, sochi_texts):
    path = tmp_path / "sochi.khabar"
    fitted.save(path)
    assert path.read_bytes()[:8] == b"KHABARVZ"
    assert not list(tmp_path.glob("*.tmp-*"))
    same_model(khabar.TfidfVectorizer.load(path), fitted, sochi_texts)
    with pytest.raises(ValueError, match="saved by TfidfVectorizer, not CountVectorizer"):
        khabar.CountVectorizer.load(path)
    with pytest.raises(FileNotFoundError):
        khabar.TfidfVectorizer.load(tmp_path / "missing.khabar")


def test_save_replaces_an_existing_file_atomically(tmp_path, fitted, sochi_texts):
    path = tmp_path / "model.khabar"
    path.write_bytes(b"old")
    fitted.save(path)
    same_model(khabar.TfidfVectorizer.load(path), fitted, sochi_texts)


def test_pickle_uses_the_same_bytes(fitted, sochi_texts):
    clone = pickle.loads(pickle.dumps(fitted))
    same_model(clone, fitted, sochi_texts)
    assert clone.to_bytes() == fitted.to_bytes()
    unfitted = pickle.loads(pickle.dumps(khabar.CountVectorizer(min_df=2)))
    assert unfitted.min_df == 2 and not hasattr(unfitted, "vocabulary_")


def test_count_vectorizer_and_fixed_vocabulary_round_trip(sochi_texts):
    vec = khabar.CountVectorizer(vocabulary=["سوريا", "بوتين"], dtype=np.float32).fit(sochi_texts)
    loaded = khabar.CountVectorizer.from_bytes(vec.to_bytes())
    assert loaded.vocabulary == ["سوريا", "بوتين"]
    assert loaded.dtype is np.float32
    assert (loaded.transform(sochi_texts) != vec.transform(sochi_texts)).nnz == 0


def test_a_file_written_without_python_parameters_loads(tmp_path, fitted, sochi_texts):
    # As a C++ program would write it: no annotations.
    path = tmp_path / "from_cpp.khabar"
    _core.save_model(fitted._model, str(path), "{}")
    loaded = khabar.TfidfVectorizer.load(path)
    assert loaded.vocabulary_ == fitted.vocabulary_
    assert (loaded.transform(sochi_texts) != fitted.transform(sochi_texts)).nnz == 0


def test_every_truncation_and_corruption_is_a_value_error():
    small = khabar.TfidfVectorizer().fit(["سوريا روسيا", "تركيا"]).to_bytes()
    for length in range(len(small)):
        with pytest.raises(ValueError):
            khabar.TfidfVectorizer.from_bytes(small[:length])
    for i in range(len(small)):
        damaged = bytearray(small)
        damaged[i] ^= 0x01
        with pytest.raises(ValueError):
            khabar.TfidfVectorizer.from_bytes(bytes(damaged))
    with pytest.raises(ValueError, match="wrong magic number"):
        khabar.TfidfVectorizer.from_bytes(b"PK\x03\x04" + small[4:])
    with pytest.raises(TypeError):
        khabar.TfidfVectorizer.from_bytes("not bytes")


def test_unfitted_cannot_be_saved(tmp_path):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        khabar.TfidfVectorizer().save(tmp_path / "x.khabar")


def test_document_frequencies_travel_as_checked_bytes(sochi_texts):
    vec = khabar.TfidfVectorizer(ngram_range=(1, 2))
    frequencies = vec.count_frequencies(sochi_texts[:3]) + vec.count_frequencies(sochi_texts[3:])
    data = frequencies.to_bytes()
    assert data[:8] == b"KHABARDF"
    clone = pickle.loads(pickle.dumps(frequencies))
    assert clone == frequencies and clone.to_dict() == frequencies.to_dict()
    assert clone.n_documents == len(sochi_texts)
    assert khabar.DocumentFrequencies.from_bytes(data) == frequencies
    # Fitting from the shipped counts gives the model fitted on the documents.
    same_model(
        khabar.TfidfVectorizer.from_frequencies(clone, ngram_range=(1, 2)),
        vec.fit(sochi_texts),
        sochi_texts,
    )
    with pytest.raises(ValueError, match="checksum mismatch"):
        khabar.DocumentFrequencies.from_bytes(data[:20] + bytes([data[20] ^ 1]) + data[21:])
    with pytest.raises(ValueError, match="truncated document frequencies"):
        khabar.DocumentFrequencies.from_bytes(data[:12])
    with pytest.raises(ValueError, match="wrong magic number"):
        khabar.DocumentFrequencies.from_bytes(vec.to_bytes())
    with pytest.raises(TypeError, match="expected bytes"):
        khabar.DocumentFrequencies.from_bytes("KHABARDF")
