from __future__ import annotations

import json
import math
import os

import khabar
import khabar.plots
import numpy as np
import pytest


@pytest.fixture(scope="module")
def sochi(sochi_dir):
    return khabar.Corpus.from_dir(sochi_dir)


def test_from_dir_reads_ids_titles_and_texts(sochi, sochi_dir, sochi_texts):
    assert len(sochi) == 5
    assert sochi.ids[0] == "000_e208450eedd57d33"
    assert sochi.titles[0] == "الاخبار السياسية"
    assert sochi.titles[3] == "موسكو-سانا"
    assert sochi.texts == sochi_texts
    assert set(sochi.to_pandas().columns) >= {"id", "title", "text", "path"}


def test_from_dir_reports_what_it_skipped(tmp_path):
    (tmp_path / "good.txt").write_text("بوتين في سوتشي\nنص", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("café".encode("latin-1"))
    (tmp_path / "sub.txt").mkdir()
    os.symlink(tmp_path / "missing", tmp_path / "broken.txt")
    with pytest.raises(ValueError, match=r"latin1\.txt"):
        khabar.Corpus.from_dir(tmp_path)
    corpus = khabar.Corpus.from_dir(tmp_path, errors="skip")
    assert corpus.ids == ["good"]
    skipped = dict(corpus.skipped)
    assert any(p.endswith("latin1.txt") and "invalid UTF-8" in r for p, r in skipped.items())
    assert any(p.endswith("broken.txt") for p in skipped)
    with pytest.raises(FileNotFoundError):
        khabar.Corpus.from_dir(tmp_path / "nope")


def test_from_jsonl_and_pandas_keep_metadata(tmp_path):
    rows = [
        {"id": "x1", "source": "BBC", "title": "عنوان", "text": "بوتين يستقبل الأسد"},
        {"id": "x2", "source": "CNN", "title": "آخر", "text": "الأسد في سوتشي"},
    ]
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    corpus = khabar.Corpus.from_jsonl(path)
    assert corpus.ids == ["x1", "x2"] and corpus.titles == ["عنوان", "آخر"]
    assert corpus.to_pandas()["source"].tolist() == ["BBC", "CNN"]
    path.write_text('{"text": "ok"}\n{broken', encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        khabar.Corpus.from_jsonl(path)
    with pytest.raises(TypeError, match="document 1"):
        khabar.Corpus.from_records([{"text": "a"}, {"text": None}])


def test_similarity_nearest_and_top_terms(sochi):
    sim = sochi.similarity()
    assert sim.shape == (5, 5)
    np.testing.assert_allclose(np.diag(sim.to_numpy()), 1.0)
    np.testing.assert_allclose(sim.to_numpy(), khabar.cosine_similarity(sochi.matrix), atol=1e-12)
    near = sochi.nearest(0, k=2)
    assert len(near) == 2 and 0 not in near["index"].tolist()
    row = sim.to_numpy()[0].copy()
    row[0] = -1
    assert near["index"].tolist()[0] == int(np.argmax(row))
    top = sochi.top_terms(5)
    assert (
        len(top) == 25
        and top.groupby("id")["weight"].apply(lambda w: w.is_monotonic_decreasing).all()
    )


def test_near_duplicates_exact_jaccard():
    base = " ".join(f"كلمة{i}" for i in range(20))
    corpus = khabar.Corpus.from_records(
        [{"text": base}, {"text": base + " زيادة"}, {"text": "نص مختلف تماما عن غيره في كل شيء"}]
    )
    pairs = corpus.near_duplicates(threshold=0.5, shingle_size=5)
    # 16 shingles against 17, all 16 shared: Jaccard 16 / 17.
    assert pairs[["i", "j"]].values.tolist() == [[0, 1]]
    assert pairs["jaccard"][0] == pytest.approx(16 / 17, abs=1e-15)


def test_corpus_defaults_to_the_khabar_stemmer(sochi):
    assert sochi.vectorizer.get_params()["stemmer"] == "khabar"
    terms = set(sochi.top_terms(15)["term"])
    # The names the sochi articles are about, whole (light10 would give بوت and سور).
    assert {"بوتين", "سوريا"} <= terms
    # لروسيا finds the articles with روسيا, as روسيا does; without stemming it finds none.
    assert (
        sochi.search("لروسيا", k=5)["index"].tolist()
        == sochi.search("روسيا", k=5)["index"].tolist()
    )
    assert len(sochi.search("لروسيا", k=5, stemmer=None)) < len(sochi.search("روسيا", k=5))


def test_bm25_stem_exclusion():
    docs = ["الوزير في بيروت", "وزير الخارجية"]
    # Both hold وزير once stemmed; the shorter article scores higher (BM25's length norm).
    stemmed = khabar.BM25(stemmer="khabar").fit(docs)
    assert stemmed.search("الوزير")["doc"].tolist() == [1, 0]
    kept = khabar.BM25(stemmer="khabar", stem_exclusion=["الوزير"]).fit(docs)
    assert kept.search("الوزير")["doc"].tolist() == [0]


def test_search_and_shared_passages(sochi):
    hits = sochi.search("اتصال هاتفي مع ترامب", k=3)
    assert list(hits.columns) == ["index", "id", "title", "score"]
    assert hits["score"].is_monotonic_decreasing
    passages = sochi.shared_passages(min_words=8)
    assert len(passages) >= 3 and passages["n_words"].min() >= 8
    first = passages.iloc[0]
    assert sochi.texts[first.i][first.i_start : first.i_end] == first.text_i


def test_distinctive_terms_follow_monroe_et_al():
    docs = ["الأسد الرئيس", "الرئيس بشار الأسد", "بوتين الرئيس", "الرئيس بوتين"]
    groups = ["سانا", "سانا", "روسيا", "روسيا"]
    table = khabar.distinctive_terms(docs, groups, top=10)
    # By hand for بوتين in روسيا: y_i = 2, y_j = 0, alpha = 2 (its corpus count), n_i = 4,
    # n_j = 5, alpha0 = 9 (all counts: الاسد 2, الرئيس 4, بشار 1, بوتين 2).
    delta = math.log((2 + 2) / (4 + 9 - 2 - 2)) - math.log((0 + 2) / (5 + 9 - 0 - 2))
    z = delta / math.sqrt(1 / (2 + 2) + 1 / (0 + 2))
    row = table[(table.group == "روسيا") & (table.term == "بوتين")].iloc[0]
    assert row.log_odds == pytest.approx(delta, rel=1e-12)
    assert row.z == pytest.approx(z, rel=1e-12)
    assert table[table.group == "روسيا"].iloc[0].term == "بوتين"
    with pytest.raises(ValueError, match="group labels"):
        khabar.distinctive_terms(docs, groups[:3])


def test_plots_and_html_summary(sochi, tmp_path):
    sochi.plot_similarity().savefig(tmp_path / "heat.png")
    sochi.plot_terms(3).savefig(tmp_path / "terms.png")
    assert (tmp_path / "heat.png").stat().st_size > 10_000
    # Shaped and reordered by khabar only where matplotlib cannot lay out Arabic itself.
    shaped = khabar.plots.arabic_label("سوريا")
    assert (shaped == "سوريا") == khabar.plots.matplotlib_lays_out_text()
    page = sochi._repr_html_()
    assert "5 articles" in page and "موسكو-سانا" in page


def test_shared_passages_of_a_large_corpus_use_near_duplicate_candidates(sochi_texts):
    quote = "قال الكرملين في بيان ان الرئيس بوتين بحث مع نظيره الاوضاع في سوريا"
    filler = [f"خبر رقم {i} عن موضوع {i % 7} في مدينة {i % 11}" for i in range(500)]
    copy = sochi_texts[0].replace("\n", " ") + " " + quote
    corpus = khabar.Corpus.from_records([{"text": t} for t in [sochi_texts[0], copy, *filler]])
    passages = corpus.shared_passages(min_words=8)
    assert (0, 1) in set(zip(passages.i, passages.j, strict=True))
    with pytest.raises(TypeError, match="both i and j"):
        corpus.shared_passages(0)
