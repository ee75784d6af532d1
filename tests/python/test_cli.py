from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BUILD = Path(__file__).resolve().parents[2] / "build"


def run_khabar(*args, check=True):
    return subprocess.run(
        [sys.executable, "-m", "khabar", *map(str, args)],
        capture_output=True,
        text=True,
        check=check,
    )


@pytest.fixture(scope="module")
def report(sochi_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    result = run_khabar("analyze", sochi_dir, "--out", out)
    return result.stdout, out


def test_analyze_prints_a_summary(report):
    out, path = report
    assert "khabar: 5 articles" in out
    assert out.count("top terms:") == 5
    # The title is the first non-empty line: for the first article, its section header.
    assert "== 000_e208450eedd57d33: الاخبار السياسية" in out
    for line in out.splitlines():
        if "top terms:" in line:
            terms = line.split("top terms: ")[1].split("، ")
            assert "في" not in terms and "من" not in terms
    assert "shared passages of 8+ words:" in out
    assert f"report: {path.resolve()}" in out


def test_report_has_every_section(report):
    _, path = report
    page = path.read_text(encoding="utf-8")
    for section in (
        "Corpus",
        "Similarity",
        "Top terms per article",
        "Nearest neighbours",
        "Near-duplicates",
        "Shared passages",
        "Distinctive terms per id",
    ):
        assert f"<h2>{section}</h2>" in page
    assert "<img id='heatmap'" in page and "data:image/png;base64," in page
    assert page.count("<mark>") >= 6  # each shared passage, highlighted in both articles
    assert "src='http" not in page  # self-contained


def test_report_renders_in_headless_chromium(report):
    _, path = report
    chromium = shutil.which("chromium")
    assert chromium, "make test installs Debian's chromium; it is needed to check the report"
    BUILD.mkdir(exist_ok=True)
    screenshot = BUILD / "report-screenshot.png"
    screenshot.unlink(missing_ok=True)
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--screenshot={screenshot}",
            "--window-size=1280,2400",
            path.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert screenshot.stat().st_size > 50_000  # a page with the heatmap, not a blank one


def test_search_prints_ranked_hits(sochi_dir):
    out = run_khabar("search", sochi_dir, "اتصال هاتفي مع ترامب", "-k", "2").stdout.splitlines()
    assert len(out) == 2
    scores = [float(line.split()[0]) for line in out]
    assert scores == sorted(scores, reverse=True)


def test_missing_folder_is_a_clear_error(tmp_path):
    result = run_khabar("analyze", tmp_path / "nope", check=False)
    assert result.returncode != 0
    assert "is not a folder" in result.stderr
