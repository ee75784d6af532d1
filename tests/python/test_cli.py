from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BUILD = Path(__file__).resolve().parents[2] / "build"


def run_khabar(*args, check=True, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "khabar", *(a if isinstance(a, bytes) else str(a) for a in args)],
        capture_output=True,
        text=True,
        check=check,
        cwd=cwd,
    )


def write_jsonl(path, lines):
    path.write_bytes(
        b"\n".join(line if isinstance(line, bytes) else line.encode() for line in lines)
    )
    return path


def record(**fields):
    return json.dumps(fields, ensure_ascii=False)


@pytest.fixture(scope="module")
def report(sochi_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    result = run_khabar("analyze", sochi_dir, "--out", out)
    return result, out


def test_analyze_prints_progress_and_a_one_line_summary(report):
    result, path = report
    [summary] = result.stdout.splitlines()
    assert summary.startswith("khabar: 5 articles (")
    assert re.search(r"most similar: \S+ and \S+ \(cosine 0\.\d\d\)", summary)
    assert re.search(r"\d+ shared passages of 8\+ words \(longest \d+\)", summary)
    assert f"report {path.resolve()} in " in summary
    stages = result.stderr.splitlines()
    assert stages[0].startswith("khabar: reading ") and stages[0].endswith(" s)")
    assert any(line.startswith("khabar: tf-idf … 5 × ") for line in stages)
    assert all(re.search(r"\(\d+\.\d s\)$", line) for line in stages)


def test_quiet_prints_only_the_summary(sochi_dir, tmp_path):
    result = run_khabar("analyze", sochi_dir, "--out", tmp_path / "r.html", "--quiet")
    assert result.stderr == ""
    assert len(result.stdout.splitlines()) == 1


def test_version_and_help_for_every_argument():
    import khabar
    from khabar.__main__ import main

    assert run_khabar("--version").stdout.strip() == f"khabar {khabar.__version__}"
    parser_help = run_khabar("analyze", "--help").stdout
    for option in (
        "--format",
        "--out",
        "--max-bytes",
        "--min-words",
        "--max-pairs",
        "--quiet",
        "path",
    ):
        assert option in parser_help
    # Every argument of every command has a help text.
    import argparse

    seen = []

    def no_exit(self, *args, **kwargs):
        seen.append(self)
        raise SystemExit(0)

    original = argparse.ArgumentParser.parse_args
    try:
        argparse.ArgumentParser.parse_args = no_exit
        with pytest.raises(SystemExit):
            main([])
    finally:
        argparse.ArgumentParser.parse_args = original
    [parser] = seen
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in commands.choices.items():
        for action in command._actions:
            assert action.help, f"khabar {name} {action.dest} has no help text"


def test_report_has_every_section(report):
    _, path = report
    page = path.read_text(encoding="utf-8")
    for section in (
        "Corpus",
        "Similarity",
        "Near-duplicates",
        "Stories",
        "Shared passages",
        "Distinctive terms",
        "Articles",
    ):
        assert f"<h2>{section}</h2>" in page
    assert "<img id='heatmap'" in page and "data:image/png;base64," in page
    assert page.count("<mark>") >= 6  # each shared passage, highlighted in both articles
    assert "src='http" not in page  # self-contained
    # A folder of .txt files has no metadata to group by: the section says so.
    assert "Distinctive terms per" not in page and "the articles carry no metadata" in page
    # Articles by title (the headline, not the section label of 000), the id as tooltip.
    assert (
        "<span title='000_e208450eedd57d33'>بوتين يبحث مع ترامب الأزمة السورية و نتائج لقائه"
        " الأسد</span>" in page
    )
    # Terms as written: SANA's article writes سورية (normalized سوريه).
    assert "سورية" in page and "سوريه" not in page


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


def test_dirty_jsonl_lines_are_skipped_and_listed(tmp_path):
    path = write_jsonl(
        tmp_path / "dirty.jsonl",
        [
            record(
                id="a", source="BBC", title=r"$\foo$ و $x^2$", text="بوتين يستقبل الأسد في سوتشي"
            ),
            "{not json",
            record(id="b", source="CNN", text="الأسد يلتقي بوتين في سوتشي اليوم"),  # no title
            b'{"id": "c", "text": "\xff\xfe"}',
            record(id="d", source="CNN", text=None),
            record(id="e", source="BBC", title="خبر", text="ترامب يتصل ببوتين " * 200),
            record(id="f", source="BBC", title="آخر", text="روسيا وتركيا في سوتشي"),
        ],
    )
    out = tmp_path / "report.html"
    result = run_khabar("analyze", path, "--out", out, "--max-bytes", "2k")
    stderr = result.stderr
    assert "line 2: Expecting property name" in stderr
    assert "line 4: invalid UTF-8 (byte 0xff)" in stderr
    assert "line 5: 'text' must be a string, got NoneType" in stderr
    assert "line 6: " in stderr and "over the limit of 2,000" in stderr
    assert "3 articles" in result.stdout and "4 files or lines skipped" in result.stdout
    page = out.read_text(encoding="utf-8")
    assert r"$\foo$ و $x^2$" in page  # drawn as text, not parsed as TeX
    assert "الأسد يلتقي بوتين في سوتشي اليوم" in page  # the untitled record's title: its text
    assert "<h2>Input left out or changed</h2>" in page and "4 left out:" in page


def test_a_folder_with_a_non_utf8_file_name_and_a_huge_file(tmp_path):
    folder = tmp_path / "dirty"
    folder.mkdir()
    for name, text in ((b"caf\xe9.txt", "بوتين يستقبل الأسد"), (b"ok.txt", "الأسد في سوتشي")):
        with open(os.path.join(os.fsencode(folder), name), "wb") as file:
            file.write(text.encode())
    with open(folder / "huge.txt", "wb") as file:
        file.truncate(3 * 10**6)  # sparse: 3 MB that costs no disk
    out = tmp_path / "report.html"
    result = run_khabar("analyze", folder, "--out", out, "--max-bytes", "1M")
    assert "huge.txt: 3,000,000 bytes, over the limit of 1,000,000" in result.stderr
    assert "caf\ufffd.txt: file name is not valid UTF-8" in result.stderr
    assert "2 articles" in result.stdout
    assert "title='caf\ufffd'" in out.read_text(encoding="utf-8")


def test_unreadable_input_is_a_clear_error(tmp_path):
    path = write_jsonl(tmp_path / "bad.jsonl", ["{not json", "[1, 2]"])
    result = run_khabar("analyze", path, "--out", tmp_path / "r.html", check=False)
    assert result.returncode == 1
    assert "khabar: no readable records in" in result.stderr
    assert "Traceback" not in result.stderr
    result = run_khabar("analyze", path, "--max-bytes", "lots", check=False)
    assert result.returncode == 2 and "expected a positive size" in result.stderr


def test_truncated_near_duplicate_pairs_are_said_on_the_page_and_the_command_line(tmp_path):
    # Five copies of one article are 10 pairs; --max-pairs 3 keeps (0, 1), (0, 2), (0, 3).
    text = " ".join(f"كلمة{i}" for i in range(40))
    rows = [record(id=f"copy-{i}", title=f"نسخة {i}", text=text) for i in range(5)]
    rows.append(record(id="other", title="آخر", text="روسيا وتركيا في سوتشي " * 5))
    path = write_jsonl(tmp_path / "copies.jsonl", rows)
    out = tmp_path / "report.html"
    result = run_khabar("analyze", path, "--out", out, "--max-pairs", "3")
    assert "3 near-duplicate pairs (incomplete: see the report)" in result.stdout
    assert "More than 3 pairs of articles share at least 5% of their 5-word shingles" in (
        result.stderr
    )
    assert "run khabar analyze again with a larger --max-pairs" in result.stderr
    page = out.read_text(encoding="utf-8")
    section = page.split("<h2>Near-duplicates</h2>")[1].split("<h2>")[0]
    assert "<p class='truncated'><b>Incomplete:</b> More than 3 pairs" in section
    assert "<p>3 pairs share half or more" in section
    complete = run_khabar("analyze", path, "--out", tmp_path / "all.html", "--max-pairs", "10")
    assert "10 near-duplicate pairs;" in complete.stdout and "incomplete" not in complete.stdout
    assert "Incomplete:" not in (tmp_path / "all.html").read_text(encoding="utf-8")
    assert "--max-pairs" not in complete.stderr
    bad = run_khabar("analyze", path, "--max-pairs", "0", check=False)
    assert bad.returncode == 2 and "--max-pairs must be at least 1" in bad.stderr
