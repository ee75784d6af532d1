from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED_CORPUS = REPO.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def sochi_dir() -> Path:
    path = SHARED_CORPUS / "sochi-2017"
    assert path.is_dir(), f"the shared corpus is expected at {path}"
    return path


@pytest.fixture(scope="session")
def sochi_texts(sochi_dir: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(sochi_dir.glob("*.txt"))]
