"""Writes the Unicode tables of khabar's python_regex.cpp from the Python that builds khabar.

scikit-learn tokenizes with Python's `re` and lowercases with `str.lower()`, whose character data
is the `unicodedata` of that interpreter (Unicode 14.0 for Python 3.11, 15.0 for 3.12...), not
ICU's. The tables are therefore asked of Python itself, at build time (cpp/CMakeLists.txt runs
this script), and never checked in.

Per code point it records four properties, each with CPython's definition:
- word: re's `\\w` on a str pattern, SRE_UNI_IS_WORD in Modules/_sre/sre.c, that is
  Py_UNICODE_ISALNUM (isalpha or isdecimal or isdigit or isnumeric) or "_";
- cased and case-ignorable: what handle_capital_sigma in Objects/unicodeobject.c asks to pick
  final "ς" or "σ" for "Σ". Cased is Unicode's Cased (Lowercase, Uppercase or Lt): for one
  character, islower() or isupper() or istitle(). Case_Ignorable is not exposed by Python, so it
  is read from lower() itself (see case_ignorable below);
- lowercase: c.lower() when it differs from c, SpecialCasing's unconditional full mappings
  included ("İ" → "i̇", two code points).

Usage: python generate_python_unicode.py OUTPUT.inc
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

MAX_CODE_POINT = 0x10FFFF
WORD, CASED, CASE_IGNORABLE, HAS_LOWER = 1, 2, 4, 8
CAPITAL_SIGMA, FINAL_SIGMA = "\u03a3", "\u03c2"


def is_surrogate(code_point: int) -> bool:
    return 0xD800 <= code_point <= 0xDFFF


def is_word(c: str) -> bool:
    return c.isalpha() or c.isdecimal() or c.isdigit() or c.isnumeric() or c == "_"


def is_cased(c: str) -> bool:
    return c.islower() or c.isupper() or c.istitle()


def sigma_is_final(text: str) -> bool:
    return text.lower()[-1] == FINAL_SIGMA


def case_ignorable(c: str) -> bool:
    # handle_capital_sigma skips case-ignorable characters looking back from "Σ" and asks whether
    # the first other one is cased. "AcΣ" ends in "ς" when c is skipped or cased, "cΣ" when c is
    # cased and not skipped: c is skipped (case-ignorable) exactly when the first holds and the
    # second does not.
    return sigma_is_final("A" + c + CAPITAL_SIGMA) and not sigma_is_final(c + CAPITAL_SIGMA)


def properties() -> tuple[list[int], dict[int, str]]:
    flags = [0] * (MAX_CODE_POINT + 1)
    lowercase: dict[int, str] = {}
    for code_point in range(MAX_CODE_POINT + 1):
        if is_surrogate(code_point):
            continue
        c = chr(code_point)
        value = 0
        if is_word(c):
            value |= WORD
        ignorable = case_ignorable(c)
        if ignorable:
            value |= CASE_IGNORABLE
        if is_cased(c):
            value |= CASED
        # The sigma rule only sees the cased property of characters it does not skip; there the
        # two readings of Cased must agree, or this script misreads CPython.
        if not ignorable and is_cased(c) != sigma_is_final(c + CAPITAL_SIGMA):
            raise SystemExit(
                f"U+{code_point:04X}: cased per islower/isupper/istitle disagrees "
                "with str.lower()'s final sigma"
            )
        lower = c.lower()
        if lower != c:
            value |= HAS_LOWER
            lowercase[code_point] = lower
        flags[code_point] = value
    return flags, lowercase


def two_stage(values: list[int], shift: int) -> tuple[list[int], list[int]]:
    """Splits `values` into blocks of 2**shift, keeping each distinct block once."""
    size = 1 << shift
    index: list[int] = []
    blocks: list[int] = []
    seen: dict[tuple[int, ...], int] = {}
    for start in range(0, len(values), size):
        block = tuple(values[start : start + size])
        if block not in seen:
            seen[block] = len(seen)
            blocks.extend(block)
        index.append(seen[block])
    return index, blocks


def c_array(type_name: str, name: str, values: list[int], per_line: int = 16) -> str:
    lines = [
        "    " + ", ".join(str(v) for v in values[i : i + per_line]) + ","
        for i in range(0, len(values), per_line)
    ]
    return f"constexpr {type_name} {name}[{len(values)}] = {{\n" + "\n".join(lines) + "\n};\n"


def render(flags: list[int], lowercase: dict[int, str]) -> str:
    # The block size that makes the two stages smallest (index entries are 2 bytes).
    best = min(
        range(4, 10), key=lambda s: len(two_stage(flags, s)[0]) * 2 + len(two_stage(flags, s)[1])
    )
    index, blocks = two_stage(flags, best)
    if len(blocks) >> best > 0xFFFF:
        raise SystemExit("too many distinct blocks for a 16-bit index")
    # Lowercase: one sorted entry per code point whose lower() differs. A single code point is
    # stored as is; a longer mapping as kLowerExpansionFlag | its position in kLowerExpansions,
    # which holds each expansion as its length followed by its code points.
    expansions: list[int] = []
    entries: list[tuple[int, int]] = []
    for code_point, lower in sorted(lowercase.items()):
        if len(lower) == 1:
            entries.append((code_point, ord(lower)))
        else:
            entries.append((code_point, 0x80000000 | len(expansions)))
            expansions.append(len(lower))
            expansions.extend(ord(c) for c in lower)
    if not expansions:
        expansions.append(0)  # a C++ array cannot be empty
    version = sys.version.split()[0]
    return "\n".join(
        [
            "// Generated by cpp/src/generate_python_unicode.py from Python "
            f"{version} (unicodedata {unicodedata.unidata_version}). Do not edit.",
            "// Included by python_regex.cpp only.",
            "",
            f'constexpr const char* kPythonVersion = "{version}";',
            f'constexpr const char* kPythonUnidataVersion = "{unicodedata.unidata_version}";',
            f"constexpr std::uint8_t kWordFlag = {WORD};",
            f"constexpr std::uint8_t kCasedFlag = {CASED};",
            f"constexpr std::uint8_t kCaseIgnorableFlag = {CASE_IGNORABLE};",
            f"constexpr std::uint8_t kHasLowerFlag = {HAS_LOWER};",
            f"constexpr unsigned kFlagBlockShift = {best};",
            c_array("std::uint16_t", "kFlagBlockIndex", index),
            c_array("std::uint8_t", "kFlagBlocks", blocks, per_line=32),
            "constexpr std::uint32_t kLowerExpansionFlag = 0x80000000u;",
            c_array("char32_t", "kLowerFrom", [e[0] for e in entries], per_line=12),
            c_array("std::uint32_t", "kLowerTo", [e[1] for e in entries], per_line=12),
            c_array("char32_t", "kLowerExpansions", expansions, per_line=12),
        ]
    )


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    flags, lowercase = properties()
    output = Path(sys.argv[1])
    text = render(flags, lowercase)
    # Rewritten only when different, so that a re-run does not recompile python_regex.cpp.
    if not output.exists() or output.read_text(encoding="utf-8") != text:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
