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
    # The first line of 000 is its section label; the headline follows it.
    assert sochi.titles[0] == "بوتين يبحث مع ترامب الأزمة السورية و نتائج لقائه الأسد"
    # 003 has no headline: its dateline is followed by the lead paragraph, not a title.
    assert sochi.titles[3] == "موسكو-سانا"
    assert sochi.titles[1].startswith("خلال 36 ساعة.. بوتين")
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


def test_titles_skip_section_labels_only_before_a_headline():
    from khabar.corpus import _title_of

    assert _title_of("رياضة\nالترجي يفوز على النجم في الدربي\nنص الخبر.") == (
        "الترجي يفوز على النجم في الدربي"
    )
    # A short headline followed by a lead sentence stays the title.
    lead = "قال الرئيس الروسي فلاديمير بوتين اليوم إن المحادثات مع نظيره السوري كانت مثمرة."
    assert _title_of(f"بوتين يستقبل الأسد\n{lead}") == "بوتين يستقبل الأسد"
    # Lines without letters (a date, a rule) are never titles.
    assert _title_of("21.11.2017 | 22:04\n\nالأسد في سوتشي") == "الأسد في سوتشي"
    assert _title_of("") == ""


def test_records_without_a_title_get_one_from_their_text(tmp_path):
    path = tmp_path / "a.jsonl"
    rows = [{"id": "1", "title": "عنوان", "text": "نص أول"}, {"id": "2", "text": "سطر أول\nنص"}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    assert khabar.Corpus.from_jsonl(path).titles == ["عنوان", "سطر أول"]
    corpus = khabar.Corpus.from_records([{"text": "أ ب", "title": None}, {"text": "ج", "id": 7}])
    assert corpus.titles == ["أ ب", "ج"] and corpus.ids == ["0", "7"]


def test_max_bytes_skips_and_lists_large_files_and_lines(tmp_path):
    folder = tmp_path / "dir"
    folder.mkdir()
    (folder / "small.txt").write_text("خبر قصير", encoding="utf-8")
    (folder / "large.txt").write_text("كلمة " * 1000, encoding="utf-8")  # 9 bytes a word
    corpus = khabar.Corpus.from_dir(folder, max_bytes=2_000)
    assert corpus.ids == ["small"]
    assert [(os.path.basename(p), r) for p, r in corpus.skipped] == [
        ("large.txt", "9,000 bytes, over the limit of 2,000")
    ]
    path = tmp_path / "a.jsonl"
    long_line = json.dumps({"text": "كلمة " * 5000}, ensure_ascii=False)
    path.write_text(f'{{"text": "أول"}}\n{long_line}\n{{"text": "ثالث"}}', encoding="utf-8")
    corpus = khabar.Corpus.from_jsonl(path, max_bytes=2_000)
    assert corpus.texts == ["أول", "ثالث"]
    [(where, reason)] = corpus.skipped
    assert where.endswith("line 2")
    assert reason == f"{len(long_line.encode()) + 1:,} bytes, over the limit of 2,000"
    # A line of exactly max_bytes (before its newline) is read.
    exact = json.dumps({"text": "x" * 20})
    path.write_text(exact + "\n" + exact, encoding="utf-8")
    assert len(khabar.Corpus.from_jsonl(path, max_bytes=len(exact))) == 2
    with pytest.raises(ValueError, match="max_bytes"):
        khabar.Corpus.from_dir(folder, max_bytes=0)


def test_file_names_that_are_not_utf8(tmp_path):
    folder = os.fsencode(tmp_path)
    with open(os.path.join(folder, b"caf\xe9.txt"), "wb") as file:
        file.write("نص الخبر".encode())
    corpus = khabar.Corpus.from_dir(tmp_path)
    assert corpus.ids == ["caf\ufffd"]
    [(where, reason)] = corpus.replaced
    assert where.endswith("caf\ufffd.txt") and "not valid UTF-8" in reason
    where.encode("utf-8")  # every name the corpus reports can be printed and written
    assert corpus.to_pandas()["path"][0] == where and corpus.texts == ["نص الخبر"]


def test_spellings_are_the_most_frequent_original_forms():
    corpus = khabar.Corpus.from_records(
        [
            {"text": "زار سورية وفد، ثم عاد إلى سورية"},
            {"text": "سوريا بلد و سوريّة كذلك"},
            {"text": "قال الرئيس ترامب إن ترامب يريد"},
            {"text": "TRUMP و Trump و Trump"},
        ]
    )
    spelled = corpus.spellings(["سوريه", "ترامب", "trump", "غائب"])
    # سوريه: سورية ×2, سوريا is another term, سوريّة ×1 (its shadda is a diacritic).
    assert spelled == {"سوريه": "سورية", "ترامب": "ترامب", "trump": "Trump", "غائب": "غائب"}


def test_neighbours_are_one_top_k_call(sochi):
    indices, scores = sochi.neighbours(2)
    dense = khabar.cosine_similarity(sochi.matrix)
    np.fill_diagonal(dense, -1)
    np.testing.assert_array_equal(indices, np.argsort(-dense, axis=1, kind="stable")[:, :2])
    np.testing.assert_allclose(scores, -np.sort(-dense, axis=1)[:, :2], atol=1e-12)


def _grouped_corpus(sochi_texts):
    rows = []
    for n, text in enumerate(sochi_texts * 3):
        paragraphs = [p for p in text.split("\n") if p.strip()]
        rows.append({"text": "\n".join(paragraphs[n % 3 :: 2]), "source": "ABC"[n % 3]})
    rows.append({"text": "", "source": "C"})  # an empty article: a zero vector
    return khabar.Corpus.from_records(rows)


def test_group_similarity_is_the_mean_over_pairs_of_articles(sochi_texts):
    corpus = _grouped_corpus(sochi_texts)
    dense = khabar.cosine_similarity(corpus.matrix)
    labels = np.array(corpus.to_pandas()["source"])
    table = corpus.group_similarity("source")
    assert table.index.tolist() == ["A", "B", "C"]
    for a in "ABC":
        for b in "ABC":
            block = dense[np.ix_(labels == a, labels == b)]
            if a == b:  # distinct articles only
                expected = (block.sum() - np.trace(block)) / (len(block) * (len(block) - 1))
            else:
                expected = block.mean()
            assert table.loc[a, b] == pytest.approx(expected, abs=1e-12)


def test_cross_group_pairs_are_the_best_pairs_of_different_groups(sochi_texts):
    corpus = _grouped_corpus(sochi_texts)
    dense = khabar.cosine_similarity(corpus.matrix)
    labels = corpus.to_pandas()["source"].tolist()
    brute = sorted(
        (-dense[i, j], i, j)
        for i in range(len(labels))
        for j in range(i + 1, len(labels))
        if labels[i] != labels[j] and dense[i, j] > 0
    )[:7]
    pairs = corpus.cross_group_pairs("source", n=7)
    assert list(zip(pairs.i, pairs.j, strict=True)) == [(i, j) for _, i, j in brute]
    np.testing.assert_allclose(pairs.score, [-s for s, _, _ in brute], atol=1e-12)
