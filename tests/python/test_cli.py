from __future__ import annotations

import subprocess
import sys


def test_analyze_prints_every_article(sochi_dir):
    result = subprocess.run(
        [sys.executable, "-m", "khabar", "analyze", str(sochi_dir)],
        capture_output=True,
        text=True,
        check=True,
    )
    out = result.stdout
    assert "khabar: 5 articles" in out
    assert out.count("top terms:") == 5
    # The title is the first non-empty line: for the first article, its section header.
    assert "== 000_e208450eedd57d33: الاخبار السياسية" in out
    # Stopwords never appear among the top terms.
    for line in out.splitlines():
        if "top terms:" in line:
            terms = [t.split(" (")[0] for t in line.split("top terms: ")[1].split("، ")]
            assert "في" not in terms and "من" not in terms


def test_missing_folder_is_a_clear_error(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "khabar", "analyze", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "is not a folder" in result.stderr
