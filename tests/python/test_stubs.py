"""python/khabar/_core.pyi against the built module: every name of khabar._core is declared
and every declared name exists with the kind of object the stub says (mypy.stubtest)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
STUBS = REPO / "python"
CONFIG = REPO / "pyproject.toml"


def test_core_stubs_match_the_module():
    result = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "khabar._core", "--mypy-config-file", str(CONFIG)],
        capture_output=True,
        text=True,
        env={**os.environ, "MYPYPATH": str(STUBS)},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
