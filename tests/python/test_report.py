"""The HTML report (khabar.report): what each section shows, at small and large sizes."""

from __future__ import annotations

import re

import khabar
import khabar.report as report
import numpy as np
import pytest
from khabar.plots import similarity_heatmap


def articles(n, sources=None, titles=None):
    """``n`` short synthetic articles, pairwise similar through shared words."""
    words = ["سوريا", "روسيا", "تركيا", "مصر", "قطر", "ايران", "العراق", "لبنان", "ليبيا", "تونس"]
    rows = []
    for i in range(n):
        chosen = [words[(i + k) % len(words)] for k in range(4)]
        row = {"id": f"doc-{i}", "text": f"خبر عن {' و'.join(chosen)} رقم{i}"}
        if sources is not None:
            row["source"] = sources[i % len(sources)]
        if titles is not None:
            row["title"] = titles[i % len(titles)]
        rows.append(row)
    return khabar.Corpus.from_records(rows)


def test_excerpts_are_cut_at_word_boundaries():
    text = "كلمة_بعيدة " * 30 + "البداية النص المشترك هنا النهاية" + " كلمة_بعيدة" * 30
    start = text.index("النص")
    end = text.index(" النهاية")
    shown = report.in_context(text, start, end, margin=30)
    before, rest = shown.split("<mark>")
    marked, after = rest.split("</mark>")
    assert marked == "النص المشترك هنا"
    # 30 characters either side would cut a word; the excerpt drops the partial word.
    assert before == "…كلمة_بعيدة كلمة_بعيدة البداية "
    assert after == " النهاية كلمة_بعيدة كلمة_بعيدة…"
    for word in before.strip("…").split() + after.strip("…").split():
        assert word in text.split()
    # Nothing cut, no ellipsis.
    assert report.in_context("أ ب ج", 2, 3) == "أ <mark>ب</mark> ج"


def test_heatmap_colour_scale_fits_the_off_diagonal_values():
    similarity = np.array([[1.0, 0.2, 0.3], [0.2, 1.0, 0.25], [0.3, 0.25, 1.0]])
    image = similarity_heatmap(similarity, ["أ", "ب", "ج"]).axes[0].images[0]
    assert image.norm.vmin == pytest.approx(0.2) and image.norm.vmax == pytest.approx(0.3)
    assert image.get_array().mask.diagonal().all()  # the diagonal is blank
    groups = similarity_heatmap(similarity, ["أ", "ب", "ج"], diagonal=True).axes[0].images[0]
    assert groups.norm.vmax == pytest.approx(1.0)


def test_titles_with_dollars_are_plain_text(tmp_path):
    corpus = articles(4, titles=[r"$\foo$ خبر", "سعر $5 و $10", "عادي", "^_^ {x}"])
    page, _ = report.build_report(corpus)
    assert r"$\foo$ خبر" in page and "data:image/png;base64," in page


def test_a_small_corpus_has_the_heatmap_a_large_one_does_not():
    page, _ = report.build_report(articles(report.HEATMAP_ARTICLES))
    assert "<img id='heatmap'" in page
    page, _ = report.build_report(articles(report.HEATMAP_ARTICLES + 1, sources=["أ", "ب"]))
    assert "<img id='heatmap'" not in page
    assert "more than 40 (it would be unreadable)" in page
    assert "<img id='group-heatmap'" in page
    assert "<h3>Most similar pairs across groups of source</h3>" in page


def test_grouping_uses_the_metadata_there_is():
    corpus = articles(6, sources=["وكالة"])  # a single outlet
    frame = corpus.to_pandas()
    assert report.choose_grouping(frame)[0] is None
    frame["category"] = ["sport", "economy"] * 3
    assert report.choose_grouping(frame) == ("category", "")
    frame["source"] = ["a", "b", "c"] * 2
    assert report.choose_grouping(frame) == ("source", "")
    column, reason = report.choose_grouping(frame[["id", "title", "text"]])
    assert column is None and "no metadata" in reason


def test_a_single_outlet_gets_no_distinctive_terms_per_source():
    page, summary = report.build_report(articles(6, sources=["وكالة"]))
    assert "Distinctive terms per source" not in page
    assert "<h2>Distinctive terms</h2>" in page
    assert "Left out: terms distinctive of a group need groups to compare" in page
    assert "&#x27;source&#x27; has one value (وكالة)" in page
    assert summary["group"] is None


def test_articles_are_labelled_by_title_with_the_id_as_tooltip():
    corpus = articles(3, titles=["عنوان أول", "عنوان ثان", "عنوان ثالث"])
    page, _ = report.build_report(corpus)
    assert "<a href='#a1' title='doc-1' dir='rtl'>عنوان ثان</a>" in page
    assert "<span title='doc-0'>عنوان أول</span>" in page


def test_terms_are_shown_as_written():
    corpus = khabar.Corpus.from_records(
        [
            {"text": "زار الوفد سورية اليوم وقال إن سورية بلد مهم"},
            {"text": "أعلنت روسيا دعمها"},
        ]
    )
    _, summary = report.build_report(corpus)
    assert "سورية" in summary["top_terms"]["0"] and "سوريه" not in summary["top_terms"]["0"]


def test_the_similarity_section_says_how_the_features_were_made():
    records = [{"text": "زار الوفد سورية اليوم"}, {"text": "أعلنت روسيا دعمها لسورية"}]
    stemmed = khabar.Corpus.from_records(records)
    page, _ = report.build_report(stemmed)
    assert (
        "Cosine similarity of TF-IDF vectors (Arabic stopwords removed, words stemmed "
        "(khabar stemmer), log tf)." in page
    )
    plain = khabar.Corpus.from_records(records)
    plain.tfidf(stemmer=None, stopwords=["زار"], sublinear_tf=False)
    page, _ = report.build_report(plain)
    assert "Cosine similarity of TF-IDF vectors (1 stopword removed)." in page


def test_long_tables_are_cut_and_say_so(monkeypatch):
    monkeypatch.setattr(report, "SHOWN_PAIRS", 3)
    monkeypatch.setattr(report, "OPEN_ARTICLES", 5)
    corpus = articles(12)
    page, _ = report.build_report(corpus)
    pairs = page.split("<h3>Most similar pairs</h3>")[1].split("</table>")[0]
    assert pairs.count("<tr>") == 1 + 3
    assert "<details><summary>All 12 articles" in page
    assert len(re.findall(r"<span id='a\d+'>", page)) == 12  # every article is listed


def test_there_is_a_place_for_further_sections():
    names = [section.__name__ for section in report.SECTIONS]
    assert names.index("_similarity") < names.index("_near_duplicates")


def test_a_large_report_never_builds_the_articles_by_articles_matrix(monkeypatch):
    import khabar.corpus
    import khabar.similarity

    def refuse(*args, **kwargs):
        raise AssertionError("the dense similarity matrix was requested")

    monkeypatch.setattr(khabar.similarity, "cosine_similarity", refuse)
    monkeypatch.setattr(khabar.corpus, "cosine_similarity", refuse)
    monkeypatch.setattr(khabar.Corpus, "nearest", refuse)  # one call per article
    page, summary = report.build_report(articles(report.HEATMAP_ARTICLES + 1, sources=["أ", "ب"]))
    assert summary["articles"] == 41 and "<h3>Most similar pairs</h3>" in page


def test_truncated_candidate_pairs_are_said_and_the_first_are_kept():
    # Six copies of one article (at 0, 2, 3, 5, 6, 8) among synthetic others: 15 copy pairs,
    # the first four in article order (0, 2), (0, 3), (0, 5), (0, 6).
    copy = " ".join(f"كلمة{i}" for i in range(40))
    rows = [
        {"id": f"doc-{i}", "text": copy if i in (0, 2, 3, 5, 6, 8) else f"خبر{i} " * 3 + "آخر"}
        for i in range(10)
    ]
    corpus = khabar.Corpus.from_records(rows)
    analysis = report.analyze(corpus, max_pairs=4)
    assert analysis.pairs_truncated
    assert sorted(zip(analysis.duplicates.i, analysis.duplicates.j, strict=True)) == [
        (0, 2),
        (0, 3),
        (0, 5),
        (0, 6),
    ]
    page = report.render(analysis)
    notice = (
        "<p class='truncated'><b>Incomplete:</b> More than 4 pairs of articles share at least "
        "5% of their 5-word shingles (Jaccard ≥ 0.05); only the first 4, in article order, were "
        "kept, so near-duplicates of the later articles are missing."
    )
    assert notice in page.split("<h2>Near-duplicates</h2>")[1].split("<h2>")[0]
    assert report.summary_of(analysis)["pairs_truncated"].startswith("More than 4 pairs")

    complete = report.analyze(corpus, max_pairs=15)
    assert not complete.pairs_truncated and len(complete.duplicates) == 15
    assert "Incomplete:" not in report.render(complete)
    assert report.summary_of(complete)["pairs_truncated"] is None


def test_beyond_all_pairs_articles_the_passages_say_they_are_incomplete(monkeypatch):
    monkeypatch.setattr(report, "ALL_PAIRS_ARTICLES", 3)
    copy = " ".join(f"كلمة{i}" for i in range(40))
    corpus = khabar.Corpus.from_records([{"id": str(i), "text": copy} for i in range(5)])
    analysis = report.analyze(corpus, max_pairs=2)
    page = report.render(analysis)
    passages = page.split("<h2>Shared passages</h2>")[1].split("<h2>")[0]
    assert "near-duplicates and shared passages of the later articles are missing" in passages
    # Only the pairs kept were compared for passages: (0, 1) and (0, 2).
    assert sorted(set(zip(analysis.passages.i, analysis.passages.j, strict=True))) == [
        (0, 1),
        (0, 2),
    ]
