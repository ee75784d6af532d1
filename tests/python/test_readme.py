"""Every Python block of README.md runs as written, and the values its comments show are true.

Each block runs in a fresh interpreter whose working directory sits beside ../shared as the
checkout does (files the examples write land in a temporary folder). A line of the form
``expression  # literal`` (the comment a Python literal, e.g. ``# ['محادث', 'سوتش']``) is
checked: the expression must equal the literal.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BLOCKS = re.findall(r"^```python\n(.*?)^```", (REPO / "README.md").read_text(), re.M | re.S)


def checked(block: str) -> tuple[str, int]:
    """The block with each ``expression  # literal`` line turned into an assertion, and how many
    such lines there were."""
    lines, checks = [], 0
    for line in block.splitlines():
        code, _, comment = line.partition("  # ")
        try:
            expected = ast.literal_eval(comment.strip()) if comment else None
            expression = ast.parse(code.strip(), mode="eval") if comment else None
        except (ValueError, SyntaxError):
            expected = expression = None
        if expression is not None and expected is not None:
            checks += 1
            message = f"'README: ' + {code.strip()!r} + ' is ' + repr(_value)"
            lines.append(f"_value = {code.strip()}\nassert _value == {expected!r}, {message}")
        else:
            lines.append(line)
    return "\n".join(lines), checks


def test_the_readme_has_python_blocks():
    assert len(BLOCKS) >= 3
    assert sum(checked(block)[1] for block in BLOCKS) >= 5


@pytest.mark.parametrize("number", range(len(BLOCKS)), ids=lambda n: f"block{n + 1}")
def test_readme_block_runs_as_written(number, tmp_path):
    (tmp_path / "shared").symlink_to(REPO.parent / "shared")
    work = tmp_path / "khabar"
    work.mkdir()
    code, _ = checked(BLOCKS[number])
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"README block {number + 1}:\n{result.stderr[-3000:]}"
