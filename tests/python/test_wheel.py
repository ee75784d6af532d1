"""The wheel and the sdist of `make wheel`, each installed into a fresh venv as a user would.

The wheel must work with the system's ICU hidden: in a private mount namespace every
libicu*.so* the dynamic loader could find is covered by an empty file, so only the ICU that
auditwheel copied into the wheel can be loaded. The sdist must build from its own files.
"""

from __future__ import annotations

import glob
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import khabar
import numpy as np
import pytest

pytestmark = pytest.mark.wheel

REPO = Path(__file__).resolve().parents[2]
DIST = REPO / "dist"
SMOKE_SCRIPT = Path(__file__).with_name("wheel_smoke.py")
CMAKE_VERSION = re.search(
    r"^project\(khabar VERSION ([0-9.]+)", (REPO / "CMakeLists.txt").read_text(), re.MULTILINE
)[1]
PROBE_DOCS = ["بوتين في سوتشي", "الأسد في سوتشي مع بوتين", "لا كلمة معروفة هنا"]
# What a build from the sdist reads: the files git tracks here must all be in it, data files
# that a later change adds under cpp/ included.
SDIST_BUILD_INPUTS = ("CMakeLists.txt", "pyproject.toml", "README.md", "cmake", "cpp", "python")
NOT_BUILT = "run `make wheel` first (make py-test and make test do)"


def only_file(pattern: str) -> Path:
    found = sorted(DIST.glob(pattern))
    assert len(found) == 1, f"expected one {DIST / pattern}, found {found}: {NOT_BUILT}"
    return found[0]


@pytest.fixture(scope="module")
def wheel_file() -> Path:
    return only_file(f"khabar-{CMAKE_VERSION}-cp*-manylinux_*_x86_64.whl")


@pytest.fixture(scope="module")
def sdist_file() -> Path:
    return only_file(f"khabar-{CMAKE_VERSION}.tar.gz")


@pytest.fixture(scope="module")
def model_and_probe(tmp_path_factory) -> tuple[Path, Path, dict]:
    """A model fitted and saved by the development build, the documents to transform with it,
    and what the development build itself gives for them."""
    folder = tmp_path_factory.mktemp("model")
    vectorizer = khabar.TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    vectorizer.fit(["بوتين في سوتشي", "أردوغان في أنقرة", "الأسد وبوتين في سوتشي"])
    vectorizer.save(folder / "model.khabar")
    (folder / "probe.json").write_text(json.dumps(PROBE_DOCS), encoding="utf-8")
    expected = {
        "loaded_vocabulary": {t: int(c) for t, c in vectorizer.vocabulary_.items()},
        "loaded_matrix": vectorizer.transform(PROBE_DOCS).toarray(),
    }
    return folder / "model.khabar", folder / "probe.json", expected


def fresh_venv(folder: Path) -> Path:
    """A new venv without the system's or this venv's site-packages; returns its python."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    return folder / "bin" / "python"


def pip_install(python: Path, target: Path, *options: str) -> None:
    # The package's dependencies come from the index (pip's cache makes this quick); the
    # build of an sdist gets its build requirements the same way, in an isolated environment.
    command = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    result = subprocess.run(
        [*command, *options, str(target)],
        capture_output=True,
        text=True,
        env={**os.environ, "CMAKE_BUILD_PARALLEL_LEVEL": "2"},
    )
    assert result.returncode == 0, f"pip install {target.name} failed:\n{result.stderr[-6000:]}"


def check_smoke_report(stdout: str, expected: dict) -> dict:
    report = json.loads(stdout)
    assert report["version"] == CMAKE_VERSION
    assert report["metadata_version"] == CMAKE_VERSION
    assert report["loaded_vocabulary"] == expected["loaded_vocabulary"]
    np.testing.assert_array_equal(np.array(report["loaded_matrix"]), expected["loaded_matrix"])
    return report


def system_icu_files() -> list[str]:
    """Every regular file behind a libicu*.so* name the dynamic loader could find."""
    names = set()
    for folder in ("/lib", "/usr/lib", "/usr/local/lib", "/lib64", "/usr/lib64"):
        names.update(glob.glob(f"{folder}/libicu*.so*"))
        names.update(glob.glob(f"{folder}/*-linux-gnu/libicu*.so*"))
    cache = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    names.update(re.findall(r"=> (\S*/libicu\S*\.so\S*)", cache))
    return sorted({os.path.realpath(name) for name in names if os.path.isfile(name)})


def run_without_system_icu(command: list[str], empty_file: Path) -> subprocess.CompletedProcess:
    """Runs command in a private mount namespace where the system's ICU files are empty."""
    hidden = system_icu_files()
    assert hidden, "no system ICU found to hide (libicu-dev is in the Makefile's apt list)"
    mounts = " && ".join(f"mount --bind {empty_file} {name}" for name in hidden)
    return subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", f'{mounts} && exec "$@"']
        + ["sh", *command],
        capture_output=True,
        text=True,
    )


def test_wheel_is_tagged_as_auditwheel_shows_and_carries_icu(wheel_file: Path) -> None:
    tag = re.search(r"-(manylinux_\d+_\d+_x86_64)\.whl$", wheel_file.name)[1]
    shown = subprocess.run(
        [str(Path(sys.executable).with_name("auditwheel")), "show", str(wheel_file)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f'consistent with the following platform tag: "{tag}"' in " ".join(shown.split())

    with zipfile.ZipFile(wheel_file) as wheel:
        names = wheel.namelist()
        metadata = wheel.read(f"khabar-{CMAKE_VERSION}.dist-info/METADATA").decode()
    # The module needs ICU's common library and its data (no i18n symbol is used, so the
    # linker's --as-needed drops libicui18n).
    bundled = [Path(n).name for n in names if n.startswith("khabar.libs/")]
    for library in ("libicuuc-", "libicudata-"):
        assert any(name.startswith(library) for name in bundled), (library, bundled)
    assert f"\nVersion: {CMAKE_VERSION}\n" in metadata
    assert any(re.fullmatch(r"khabar/_core\.cpython-\d+-x86_64-linux-gnu\.so", n) for n in names)
    assert "khabar/py.typed" in names and "khabar/_core.pyi" in names


@pytest.mark.skipif(os.geteuid() != 0, reason="a private mount namespace needs root")
def test_wheel_works_with_the_system_icu_hidden(wheel_file, model_and_probe, tmp_path) -> None:
    model_file, probe_file, expected = model_and_probe
    empty_file = tmp_path / "empty"
    empty_file.write_bytes(b"")

    # Control: the development build links the system's ICU, so hiding it must break it;
    # otherwise the namespace hides nothing and the wheel's run below would prove nothing.
    control = run_without_system_icu([sys.executable, "-c", "import khabar"], empty_file)
    assert control.returncode != 0 and "libicu" in control.stderr, control.stderr[-2000:]

    python = fresh_venv(tmp_path / "venv")
    pip_install(python, wheel_file)
    result = run_without_system_icu(
        [str(python), str(SMOKE_SCRIPT), str(model_file), str(probe_file)], empty_file
    )
    assert result.returncode == 0, result.stderr[-4000:]
    report = check_smoke_report(result.stdout, expected)

    site_packages = (tmp_path / "venv").resolve()
    assert Path(report["core_module"]).resolve().is_relative_to(site_packages)
    icu = [Path(name) for name in report["icu_libraries"]]
    assert {p.name.split("-")[0] for p in icu} >= {"libicuuc", "libicudata"}
    assert all(p.parent.name == "khabar.libs" and p.is_relative_to(site_packages) for p in icu)


def test_sdist_has_every_tracked_build_file(sdist_file: Path) -> None:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(
        ["git", "ls-files", *SDIST_BUILD_INPUTS],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    with tarfile.open(sdist_file) as sdist:
        members = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert "PKG-INFO" in members
    missing = sorted(set(tracked) - members)
    assert not missing, f"tracked files left out of the sdist: {missing}"
    assert not [m for m in members if m.split("/")[0] in ("build", "dist", ".venv")]


def test_sdist_builds_and_works_in_a_fresh_venv(sdist_file, model_and_probe, tmp_path) -> None:
    model_file, probe_file, expected = model_and_probe
    python = fresh_venv(tmp_path / "venv")
    # What this proves is that the sdist holds every file its build needs; an unoptimized
    # build (CMake's Debug) proves it as well as the wheel's Release build, in less time (the
    # wheel test above checks the Release artifact itself).
    pip_install(python, sdist_file, "--config-settings=cmake.build-type=Debug")
    result = subprocess.run(
        [str(python), str(SMOKE_SCRIPT), str(model_file), str(probe_file)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    check_smoke_report(result.stdout, expected)


def test_one_version_in_cmake_metadata_and_module() -> None:
    assert khabar.__version__ == CMAKE_VERSION
    assert importlib.metadata.version("khabar") == CMAKE_VERSION
