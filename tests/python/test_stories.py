"""Stories: the C++ clustering against a direct NumPy implementation of its definition, the
Corpus API, provenance, agency credits and the timeline."""

from __future__ import annotations

import khabar
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from khabar.stories import agency_credits, assign_stories, name_columns

DAY = 86400.0


def reference_stories(X, times, names, window, threshold, name_weight, size_penalty=0.0):
    """Single-pass clustering written from its definition, scoring EVERY open story with dense
    vectors: the oracle for the C++ pass (which scores the stories of the nearest articles)."""
    X = X.toarray()
    X = X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-300)
    names = names.toarray()
    story = np.full(len(X), -1)
    score = np.full(len(X), np.nan)
    opened = 0
    for g in range(len(X)):
        open_members: dict[int, list[int]] = {}
        for a in range(g):
            if times[a] >= times[g] - window:
                open_members.setdefault(story[a], []).append(a)
        best, best_score = -1, -np.inf
        for s in sorted(open_members):
            centroid = X[open_members[s]].sum(axis=0)
            norm = np.linalg.norm(centroid)
            cosine = X[g] @ centroid / norm if norm > 0 else 0.0
            if cosine <= 0:
                continue  # shares no term: never among the nearest articles
            total = names[g].sum()
            mentioned = names[open_members[s]].sum(axis=0) > 0
            value = (
                cosine
                if total <= 0
                else (1 - name_weight) * cosine + name_weight * names[g][mentioned].sum() / total
            )
            needed = threshold + size_penalty * np.log(len(open_members[s]))
            if value >= needed and value > best_score:
                best, best_score = s, value
        if best >= 0:
            story[g], score[g] = best, best_score
        else:
            story[g], opened = opened, opened + 1
    return story, score


def random_articles(seed, n=120, terms=30, n_names=8):
    rng = np.random.default_rng(seed)
    X = sp.random(n, terms, density=0.12, random_state=rng, format="csr")
    X.data = rng.uniform(0.1, 1.0, size=X.nnz)
    names = sp.csr_matrix((X[:, :n_names].toarray() > 0) * rng.uniform(1, 3, size=n_names))
    times = np.sort(rng.uniform(0, 20 * DAY, size=n))
    return X, times, names


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("window_days", [2.0, None])
@pytest.mark.parametrize("size_penalty", [0.0, 0.05])
def test_assign_stories_equals_the_definition(seed, window_days, size_penalty):
    X, times, names = random_articles(seed)
    window = np.inf if window_days is None else window_days * DAY
    expected_story, expected_score = reference_stories(
        X, times, names, window, 0.35, 0.3, size_penalty
    )
    story, score, _ = assign_stories(
        X,
        times,
        names,
        window_days=window_days,
        threshold=0.35,
        name_weight=0.3,
        size_penalty=size_penalty,
        candidates=len(times),
    )
    np.testing.assert_array_equal(story, expected_story)
    np.testing.assert_allclose(score, expected_score, rtol=1e-12, equal_nan=True)
    assert 1 < story.max() + 1 < len(times)  # neither one story nor all singletons


def test_a_stream_in_batches_equals_one_pass():
    X, times, names = random_articles(3, n=300)
    whole, whole_scores, _ = assign_stories(X, times, names, threshold=0.3)
    window, parts, part_scores = None, [], []
    for start in range(0, 300, 70):
        story, score, window = assign_stories(
            X[start : start + 70],
            times[start : start + 70],
            names[start : start + 70],
            threshold=0.3,
            earlier=window,
        )
        parts.append(story)
        part_scores.append(score)
        # the window keeps only the articles a later batch can still reach
        assert window.times.min() >= times[min(start + 69, 299)] - 3 * DAY
    np.testing.assert_array_equal(np.concatenate(parts), whole)
    np.testing.assert_allclose(np.concatenate(part_scores), whole_scores, equal_nan=True)


def test_assign_stories_rejects_bad_input():
    X, times, _names = random_articles(4, n=10)
    with pytest.raises(ValueError, match="date order"):
        assign_stories(X, times[::-1].copy())
    with pytest.raises(ValueError, match="NaN"):
        assign_stories(X, np.where(np.arange(10) == 3, np.nan, times))
    with pytest.raises(ValueError, match="window_days"):
        assign_stories(X, times, window_days=-1)
    with pytest.raises(ValueError, match="candidates"):
        assign_stories(X, times, candidates=0)
    with pytest.raises(ValueError, match="size_penalty"):
        assign_stories(X, times, size_penalty=-0.1)
    with pytest.raises(ValueError, match="times of shape"):
        assign_stories(X, times[:5])


def test_name_columns_by_the_definite_article():
    vocabulary = ["بوتين", "الحكومه", "حكومه", "الاسد", "سوتشي", "ترامب", "2018", "قال"]
    frequency = np.array([3, 5, 4, 2, 1, 3, 9, 90])
    # سوتشي is in one article only; 2018 has digits; قال is in 90% of them
    assert name_columns(vocabulary, frequency, 100).tolist() == [0, 3, 5]


def test_agency_credits():
    assert agency_credits("دمشق - (أ.ف.ب) قال مسؤول") == ["أ ف ب"]
    assert agency_credits("بحسب وكالة الأنباء السعودية (واس) ووكالة رويترز") == ["رويترز", "واس"]
    assert agency_credits("ذكرت وام ووكالة الأناضول، وكالات") == ["وام", "الأناضول", "وكالات"]
    assert agency_credits("ذكرت وكالة فرانس برس") == ["أ ف ب"]
    assert agency_credits("حسانا وإواس والوامض") == []  # inside other words: not credits


def dated_corpus():
    shared = "أعلن الكرملين أن الرئيس فلاديمير بوتين استقبل الرئيس السوري بشار الأسد في سوتشي"
    return khabar.Corpus.from_records(
        [
            {"id": "a", "source": "سانا", "date": "2017-11-21T08:00Z", "text": shared + " (سانا)"},
            {
                "id": "b",
                "source": "بي بي سي",
                "date": "2017-11-21T10:00Z",
                "text": shared + " وبحث معه التسوية. (أ ف ب)",
            },
            {
                "id": "c",
                "source": "سكاي",
                "date": "2017-11-20T09:00Z",
                "text": "منتخب مصر يفوز على غانا في تصفيات كأس العالم",
            },
            {
                "id": "d",
                "source": "سكاي",
                "date": "2017-11-28T09:00Z",
                "text": shared + " مرة أخرى",
            },
        ]
    )


def test_corpus_stories_in_date_order_with_a_window():
    stories = dated_corpus().stories(threshold=0.3)
    # c is earliest (story 0); a opens story 1 and b joins it; d is 7 days later: a new story
    assert stories.labels_.tolist() == [1, 1, 0, 2]
    assert stories.order_.tolist() == [2, 0, 1, 3]
    story = stories[1]
    assert story.ids == ["a", "b"]
    assert story.first_publisher == "سانا"
    assert story.first == pd.Timestamp("2017-11-21T08:00Z")
    assert story.last == pd.Timestamp("2017-11-21T10:00Z")
    table = stories.to_pandas()
    assert table["story"].tolist() == [1, 1, 0, 2]
    assert table["agencies"].tolist() == ["سانا", "أ ف ب", "", ""]
    assert table["story_size"].tolist() == [2, 2, 1, 1]
    assert np.isnan(table["score"][0]) and table["score"][1] >= 0.3
    summary = stories.summary()
    assert summary["story"].tolist()[0] == 1 and summary["articles"].tolist()[0] == 2
    assert summary["sources"][0] == "سانا، بي بي سي"
    # without a window d joins the Sochi story
    assert dated_corpus().stories(window_days=None, threshold=0.3).labels_.tolist() == [1, 1, 0, 1]


def test_articles_without_dates_need_window_days_none():
    corpus = khabar.Corpus.from_records(
        [{"id": "x", "text": "بوتين في سوتشي"}, {"id": "y", "text": "بوتين في سوتشي اليوم"}]
    )
    with pytest.raises(ValueError, match=r"need a date for every article.*window_days=None"):
        corpus.stories()
    assert corpus.stories(window_days=None).labels_.tolist() == [0, 0]
    undated = khabar.Corpus.from_records(
        [
            {"id": "x", "text": "بوتين", "date": "2018-01-01"},
            {"id": "y", "text": "بوتين", "date": None},
        ]
    )
    with pytest.raises(ValueError, match=r"1 without a date.*article 1, id 'y'"):
        undated.stories()
    garbled = khabar.Corpus.from_records([{"id": "x", "text": "بوتين", "date": "أمس"}])
    with pytest.raises(ValueError, match=r"article 0 .*'أمس' is not a date"):
        garbled.stories()


def test_provenance_containment_by_hand():
    stories = dated_corpus().stories(threshold=0.3)
    pairs = stories.provenance(1, min_words=8)
    assert len(pairs) == 1
    row = pairs.iloc[0]
    assert (row["earlier_id"], row["later_id"]) == ("a", "b")
    # b has 19 tokens (the 13 of `shared`, then وبحث معه التسوية أ ف ب); the 13 lie in a
    assert row["shared_words"] == 13
    assert row["containment"] == pytest.approx(13 / 19)
    assert row["kind"] == "partial copy"
    assert (row["earlier_agencies"], row["later_agencies"]) == ("سانا", "أ ف ب")
    assert stories.provenance(1, copy_containment=0.6)["kind"].tolist() == ["copy"]


def test_timeline_is_plain_text():
    pytest.importorskip("matplotlib")
    stories = dated_corpus().stories(threshold=0.3)
    fig = stories.plot_timeline(min_articles=1)
    texts = [t for t in fig.findobj(lambda o: hasattr(o, "get_parse_math"))]
    assert texts and all(not t.get_parse_math() for t in texts)
    assert len(fig.axes[0].get_yticklabels()) == 3


def test_dask_stories_equal_corpus_stories():
    dask = pytest.importorskip("dask")
    import dask.dataframe as dd
    from khabar.dask import stories as dask_stories

    records = pd.DataFrame(
        {
            "id": list("abcd"),
            "text": [r["text"] for r in dated_corpus().to_pandas().to_dict("records")],
            "date": [
                "2017-11-20T09:00Z",
                "2017-11-21T08:00Z",
                "2017-11-21T10:00Z",
                "2017-11-28T09:00Z",
            ],
        }
    )
    # the order of the dated corpus, by date: c, a, b, d
    records["text"] = records["text"].iloc[[2, 0, 1, 3]].tolist()
    expected = khabar.Corpus.from_pandas(records).stories(threshold=0.3)
    frame = dd.from_pandas(records, npartitions=3, sort=False)
    with dask.config.set(scheduler="synchronous"):
        got = dask_stories(frame, threshold=0.3).compute()
    assert got["story"].tolist() == expected.labels_.tolist() == [0, 1, 1, 2]
    np.testing.assert_allclose(got["score"], expected.scores_, equal_nan=True)
    backwards = dd.from_pandas(records.iloc[::-1], npartitions=2, sort=False)
    with dask.config.set(scheduler="synchronous"), pytest.raises(ValueError, match="ordered by"):
        dask_stories(backwards).compute()
