from __future__ import annotations

import json
import os
import pickle
import re
import signal
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import khabar
import numpy as np
import pytest
from khabar import _core


@pytest.fixture()
def fitted(sochi_texts):
    return khabar.TfidfVectorizer(stopwords="arabic", sublinear_tf=True, ngram_range=(1, 2)).fit(
        sochi_texts
    )


def same_model(a, b, docs):
    assert a.get_params() == b.get_params()
    assert a.vocabulary_ == b.vocabulary_
    np.testing.assert_array_equal(a.idf_, b.idf_)
    assert (a.transform(docs) != b.transform(docs)).nnz == 0


def test_save_and_load_round_trip(tmp_path, fitted, sochi_texts):
    path = tmp_path / "sochi.khabar"
    fitted.save(path)
    assert path.read_bytes()[:8] == b"KHABARVZ"
    assert not list(tmp_path.glob("*.tmp-*"))
    same_model(khabar.TfidfVectorizer.load(path), fitted, sochi_texts)
    with pytest.raises(ValueError, match="saved by TfidfVectorizer, not CountVectorizer"):
        khabar.CountVectorizer.load(path)
    with pytest.raises(FileNotFoundError):
        khabar.TfidfVectorizer.load(tmp_path / "missing.khabar")


def test_save_replaces_an_existing_file_atomically(tmp_path, fitted, sochi_texts):
    path = tmp_path / "model.khabar"
    path.write_bytes(b"old")
    fitted.save(path)
    same_model(khabar.TfidfVectorizer.load(path), fitted, sochi_texts)


def test_pickle_uses_the_same_bytes(fitted, sochi_texts):
    clone = pickle.loads(pickle.dumps(fitted))
    same_model(clone, fitted, sochi_texts)
    assert clone.to_bytes() == fitted.to_bytes()
    unfitted = pickle.loads(pickle.dumps(khabar.CountVectorizer(min_df=2)))
    assert unfitted.min_df == 2 and not hasattr(unfitted, "vocabulary_")


def test_count_vectorizer_and_fixed_vocabulary_round_trip(sochi_texts):
    vec = khabar.CountVectorizer(vocabulary=["سوريا", "بوتين"], dtype=np.float32).fit(sochi_texts)
    loaded = khabar.CountVectorizer.from_bytes(vec.to_bytes())
    assert loaded.vocabulary == ["سوريا", "بوتين"]
    assert loaded.dtype is np.float32
    assert (loaded.transform(sochi_texts) != vec.transform(sochi_texts)).nnz == 0


def test_a_file_written_without_python_parameters_loads(tmp_path, fitted, sochi_texts):
    # As a C++ program would write it: no annotations.
    path = tmp_path / "from_cpp.khabar"
    _core.save_model(fitted._model, str(path), "{}")
    loaded = khabar.TfidfVectorizer.load(path)
    assert loaded.vocabulary_ == fitted.vocabulary_
    assert (loaded.transform(sochi_texts) != fitted.transform(sochi_texts)).nnz == 0


# --- model files are untrusted input ---------------------------------------------------------


def fnv1a(data: bytes) -> int:
    """FNV-1a 64 from its definition (Fowler, Noll, Vo), to forge files with a valid checksum."""
    h = 0xCBF29CE484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def sections(model: bytes) -> tuple[bytes, bytes, bytes]:
    """(magic + version + reserved, parameters JSON, everything after it up to the checksum)."""
    (length,) = struct.unpack_from("<Q", model, 16)
    return model[:16], model[24 : 24 + length], model[24 + length : -8]


def assemble(header: bytes, parameters: bytes, rest: bytes, length: int | None = None) -> bytes:
    body = header + struct.pack("<Q", len(parameters) if length is None else length)
    body += parameters + rest
    return body + struct.pack("<Q", fnv1a(body))


@pytest.fixture(scope="module")
def small() -> bytes:
    return khabar.TfidfVectorizer().fit(["سوريا روسيا", "تركيا"]).to_bytes()


def test_the_forging_helpers_reproduce_a_real_file(small):
    assert assemble(*sections(small)) == small
    header, parameters, rest = sections(small)
    assert header == b"KHABARVZ\x01\x00\x00\x00\x00\x00\x00\x00"
    assert json.loads(parameters)["annotations"]["class"] == "TfidfVectorizer"
    n_terms, term_bytes = struct.unpack_from("<QQ", rest)
    assert (n_terms, term_bytes) == (3, len("تركيا روسيا سوريا".replace(" ", "").encode()))


def test_every_truncation_says_truncated(small):
    for length in range(len(small)):
        with pytest.raises(ValueError, match="truncated"):
            khabar.TfidfVectorizer.from_bytes(small[:length])


def expected_check(offset: int) -> str:
    """The check a damaged byte must trip: header fields first, then the checksum."""
    if offset < 8:
        return r"not a khabar model file \(wrong magic number\)"
    if offset < 12:
        return "format version"
    if offset < 16:
        return "reserved field is not 0"
    return r"corrupt or truncated \(checksum mismatch\)"


def test_every_bit_flip_is_caught_by_the_right_check(small):
    for i in range(len(small)):
        for bit in range(8) if i < 24 else (i % 8,):
            damaged = bytearray(small)
            damaged[i] ^= 1 << bit
            with pytest.raises(ValueError, match=expected_check(i)):
                khabar.TfidfVectorizer.from_bytes(bytes(damaged))


def test_wrong_magic_future_version_and_not_bytes(tmp_path, small):
    with pytest.raises(ValueError, match="not a khabar model file"):
        khabar.TfidfVectorizer.from_bytes(b"PK\x03\x04" + small[4:])
    with pytest.raises(ValueError, match="not a khabar model file"):
        khabar.TfidfVectorizer.from_bytes(b"PK")
    # A pickle is not a model file: it is refused, never unpickled.
    with pytest.raises(ValueError, match="not a khabar model file"):
        khabar.TfidfVectorizer.from_bytes(pickle.dumps(khabar.TfidfVectorizer()))
    header, parameters, rest = sections(small)
    for version, shown in ((2, "2"), (0xFFFFFFFF, "4294967295")):
        future = assemble(header[:8] + struct.pack("<I", version) + header[12:], parameters, rest)
        path = tmp_path / f"v{version}.khabar"
        path.write_bytes(future)
        message = (
            f"model file format version {shown} is not supported by this khabar "
            r"\(it reads version 1\); upgrade khabar"
        )
        with pytest.raises(ValueError, match=message):
            khabar.TfidfVectorizer.load(path)
        with pytest.raises(ValueError, match=message):
            khabar.TfidfVectorizer.from_bytes(future)
    with pytest.raises(TypeError):
        khabar.TfidfVectorizer.from_bytes("not bytes")


def hostile_files(small: bytes) -> dict[str, tuple[bytes, str]]:
    """Files with a valid checksum but hostile lengths or parameters, and the message each must
    raise. Only the length checks stand between them and a multi-GB allocation or a crash."""
    header, parameters, rest = sections(small)
    (n_terms,) = struct.unpack_from("<Q", rest)
    size = len(small)
    files = {}
    for name, length in (("2**62", 2**62), ("2**64-1", 2**64 - 1), ("the file size", size)):
        files[f"parameters length {name}"] = (
            assemble(header, parameters, rest, length=length),
            f"truncated model file: the parameters needs {length} bytes at offset 24",
        )
    for name, n in (("2**60", 2**60), ("2**64-1", 2**64 - 1), ("2**28", 2**28)):
        files[f"{name} terms"] = (
            assemble(header, parameters, struct.pack("<Q", n) + rest[8:]),
            rf"invalid model file: the number of terms \({n}\) exceeds the file size",
        )
        files[f"{name} term bytes"] = (
            assemble(header, parameters, rest[:8] + struct.pack("<Q", n) + rest[16:]),
            f"truncated model file: the terms needs {n} bytes",
        )
    files["idf cut short"] = (
        assemble(header, parameters, rest[:-8]),
        "truncated model file: idf",
    )
    files["no terms"] = (
        assemble(header, parameters, struct.pack("<QQ", 0, 0) + b"\x00\x00"),
        "invalid model file: the vocabulary is empty",
    )
    assert n_terms == 3
    depth = 100_000
    nested = parameters.replace(b'"class":"TfidfVectorizer"', b'"x":' + b"[" * depth + b"]" * depth)
    files["100,000 nested arrays"] = (
        assemble(header, nested, rest),
        "invalid model file: the parameters nest deeper than 64 levels",
    )
    negative = parameters.replace(b'"min_length":1,"ngram_range"', b'"min_length":-1,"ngram_range"')
    assert negative != parameters
    files["min_length -1"] = (
        assemble(header, negative, rest),
        "invalid model file: option 'tokenizer.min_length' is not an integer >= 0: -1",
    )
    return files


def test_hostile_lengths_with_a_valid_checksum_are_refused(small):
    for name, (data, message) in hostile_files(small).items():
        with pytest.raises(ValueError, match=message):
            khabar.TfidfVectorizer.from_bytes(data)
        assert name


HOSTILE_LOADS = """
import pickle, resource, sys
import numpy as np
import khabar

files = pickle.loads(sys.stdin.buffer.read())
# 1 GB more address space than this process already maps: a multi-GB allocation would fail.
with open("/proc/self/statm") as statm:
    mapped = int(statm.read().split()[0]) * resource.getpagesize()
limit = mapped + 2**30
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
for name, data in files.items():
    try:
        khabar.TfidfVectorizer.from_bytes(data)
    except ValueError:
        continue
    except BaseException as error:
        sys.exit(f"{name}: {type(error).__name__}: {error}")
    sys.exit(f"{name}: accepted")
try:  # the limit is in force
    np.ones(2**31, dtype=np.uint8)
except MemoryError:
    print("all refused")
"""


def test_hostile_files_allocate_nothing_large():
    small = khabar.TfidfVectorizer().fit(["سوريا روسيا", "تركيا"]).to_bytes()
    files = {name: data for name, (data, _) in hostile_files(small).items()}
    done = subprocess.run(
        [sys.executable, "-c", HOSTILE_LOADS],
        input=pickle.dumps(files),
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().strip() == "all refused"


def test_the_saved_python_parameters_are_checked_too(small):
    header, parameters, rest = sections(small)
    document = json.loads(parameters)

    def with_params(**params):
        forged = json.loads(json.dumps(document))
        forged["annotations"]["params"].update(params)
        return assemble(header, json.dumps(forged).encode(), rest)

    cases = [
        ({"ngram_range": 5}, "'int' object is not iterable"),
        ({"norm": "l7"}, "The 'norm' parameter of TfidfVectorizer must be a str among"),
        ({"dtype": "object"}, "dtype must be one of"),
        (
            {"min_df": 3.5},
            "The 'min_df' parameter of TfidfVectorizer must be a float in the range [0.0, 1.0] "
            "or an int",
        ),
        ({"n_threads": -1}, "n_threads must be an int >= 0"),
        ({"stemmer": "porter"}, "stemmer"),
    ]
    for params, message in cases:
        with pytest.raises(ValueError, match="invalid model file: the saved TfidfVectorizer") as e:
            khabar.TfidfVectorizer.from_bytes(with_params(**params))
        assert message in str(e.value)
    # A vocabulary in the parameters of a model that learned its own is not believed.
    loaded = khabar.TfidfVectorizer.from_bytes(with_params(vocabulary=["x"]))
    assert loaded.vocabulary is None and loaded.vocabulary_ == {"تركيا": 0, "روسيا": 1, "سوريا": 2}


# --- saving is atomic ----------------------------------------------------------------------------

SAVER = """
import os, sys
import khabar

path, n_terms = sys.argv[1], int(sys.argv[2])
# A model of ~50 MB: long distinct terms make the file large and cheap to build.
terms = [f"{i:08d}" + "x" * 1000 for i in range(n_terms)]
vec = khabar.CountVectorizer(vocabulary=terms).fit(["a"])
print(len(vec.to_bytes()), flush=True)
for _ in sys.stdin:  # one save per line, each in a fork that the test stops and kills
    pid = os.fork()
    if pid == 0:
        vec.save(path)
        os._exit(0)
    print(pid, flush=True)
    print(os.waitpid(pid, 0)[1], flush=True)
"""


def process_state(pid: int) -> str:
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0]


def wait_for_temporary(pid: int, target: Path, written: Callable[[int], bool]) -> Path | None:
    """The temporary file of process `pid` beside `target` once `written(its size)` holds, or
    None if `target` changed first (the save finished before we looked)."""
    original = target.stat()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        now = target.stat()
        if (now.st_ino, now.st_size, now.st_mtime_ns) != (
            original.st_ino,
            original.st_size,
            original.st_mtime_ns,
        ):
            return None
        for temporary in target.parent.glob(f"{target.name}.tmp-{pid}-*"):
            try:
                if written(temporary.stat().st_size):
                    return temporary
            except FileNotFoundError:  # renamed this instant
                pass
    raise AssertionError("the save never wrote a temporary file")


def kill_saving(pid: int, target: Path, moment: str, full_size: int) -> int | None:
    """SIGKILLs process `pid` while it saves over `target`: "opened" as soon as the temporary
    file exists, "writing" while it is partly written, "fsync" once it is complete but not yet
    renamed (the process is stopped first to check). Returns the bytes the temporary file then
    holds, or None when the save finished before the kill (the caller tries again)."""
    conditions = {
        "opened": lambda size: True,
        "writing": lambda size: 0 < size < full_size,
        "fsync": lambda size: size == full_size,
    }
    temporary = wait_for_temporary(pid, target, conditions[moment])
    if temporary is not None and moment == "fsync":
        os.kill(pid, signal.SIGSTOP)
        while process_state(pid) not in ("T", "t"):
            time.sleep(0.001)
        if not temporary.exists():  # renamed before it stopped
            temporary = None
    os.kill(pid, signal.SIGKILL)
    return temporary.stat().st_size if temporary is not None else None


def test_a_save_killed_midway_leaves_the_old_file_intact(tmp_path, sochi_texts):
    path = tmp_path / "model.khabar"
    old = khabar.TfidfVectorizer().fit(sochi_texts)
    old_bytes = old.to_bytes()
    killed_at = {}
    with subprocess.Popen(
        [sys.executable, "-c", SAVER, str(path), "50000"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as saver:
        full_size = int(saver.stdout.readline())
        for moment in ("opened", "writing", "fsync"):
            for _attempt in range(5):
                old.save(path)
                for leftover in tmp_path.glob("model.khabar.tmp-*"):
                    leftover.unlink()
                saver.stdin.write("\n")
                saver.stdin.flush()
                pid = int(saver.stdout.readline())
                written = kill_saving(pid, path, moment, full_size)
                assert int(saver.stdout.readline()) == signal.SIGKILL  # the fork's wait status
                if written is None:  # finished before the kill: a whole new file replaced it
                    assert path.stat().st_size == full_size
                    continue
                killed_at[moment] = written
                # The old file is intact and still the old model; the new one never replaced it.
                assert path.read_bytes() == old_bytes
                same_model(khabar.TfidfVectorizer.load(path), old, sochi_texts[:5])
                break
    # Each moment was reached (a busy machine may let a write run on before the kill lands, so
    # only the stopped fsync moment has an exact size).
    assert list(killed_at) == ["opened", "writing", "fsync"], killed_at
    assert killed_at["fsync"] == full_size


def test_unfitted_cannot_be_saved(tmp_path):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        khabar.TfidfVectorizer().save(tmp_path / "x.khabar")


def test_io_failures_are_os_errors(tmp_path):
    vec = khabar.TfidfVectorizer().fit(["سوريا روسيا"])
    with pytest.raises(FileNotFoundError, match=r"cannot write .*missing"):
        vec.save(tmp_path / "missing" / "model.khabar")
    (tmp_path / "folder.khabar").mkdir()
    with pytest.raises(IsADirectoryError):
        vec.save(tmp_path / "folder.khabar")


def test_document_frequencies_travel_as_checked_bytes(sochi_texts):
    vec = khabar.TfidfVectorizer(ngram_range=(1, 2))
    frequencies = vec.count_frequencies(sochi_texts[:3]) + vec.count_frequencies(sochi_texts[3:])
    data = frequencies.to_bytes()
    assert data[:8] == b"KHABARDF"
    clone = pickle.loads(pickle.dumps(frequencies))
    assert clone == frequencies and clone.to_dict() == frequencies.to_dict()
    assert clone.n_documents == len(sochi_texts)
    assert khabar.DocumentFrequencies.from_bytes(data) == frequencies
    # Fitting from the shipped counts gives the model fitted on the documents.
    same_model(
        khabar.TfidfVectorizer.from_frequencies(clone, ngram_range=(1, 2)),
        vec.fit(sochi_texts),
        sochi_texts,
    )
    with pytest.raises(ValueError, match="checksum mismatch"):
        khabar.DocumentFrequencies.from_bytes(data[:20] + bytes([data[20] ^ 1]) + data[21:])
    with pytest.raises(ValueError, match="truncated document frequencies"):
        khabar.DocumentFrequencies.from_bytes(data[:12])
    with pytest.raises(ValueError, match="wrong magic number"):
        khabar.DocumentFrequencies.from_bytes(vec.to_bytes())
    with pytest.raises(TypeError, match="expected bytes"):
        khabar.DocumentFrequencies.from_bytes("KHABARDF")


# --- forged contents with a valid checksum (issue 15) --------------------------------------------


def with_idf(model: bytes, values: list[float]) -> bytes:
    """The model with its idf (the last 8 bytes per term before the checksum) replaced."""
    header, parameters, rest = sections(model)
    forged = rest[: -8 * len(values)] + struct.pack(f"<{len(values)}d", *values)
    return assemble(header, parameters, forged)


def test_a_forged_idf_is_refused_naming_it(small):
    # small: 2 documents, smooth idf, so scikit-learn's idf is ln(3 / (1 + df)) + 1 >= 1.
    assert khabar.TfidfVectorizer.from_bytes(small).idf_.tolist() == pytest.approx(
        [np.log(3 / 2) + 1] * 3
    )
    for bad in (float("inf"), float("-inf"), float("nan"), -1.0, 0.0, 0.999, 1e308, 46.0):
        forged = with_idf(small, [1.5, 1.5, bad])
        with pytest.raises(ValueError, match=r"invalid model file: idf\[2\] is "):
            khabar.TfidfVectorizer.from_bytes(forged)
    # The formula's own extremes load: df = n gives exactly 1, and ln(2^64) + 1 is what 2^64 - 1
    # documents with df = 0 would give.
    largest = float(np.log(np.float64(2.0**64)) + 1)
    loaded = khabar.TfidfVectorizer.from_bytes(with_idf(small, [1.0, largest, 2.0]))
    assert loaded.idf_.tolist() == [1.0, largest, 2.0]


def test_an_infinite_idf_loads_where_scikit_learn_gives_one():
    # Non-smooth idf of a fixed-vocabulary term that no document holds: ln(n / 0) + 1 = inf.
    from sklearn.feature_extraction.text import TfidfVectorizer as SkTfidf

    with np.errstate(divide="ignore"):
        theirs = SkTfidf(smooth_idf=False, vocabulary=["سوريا", "روسيا"]).fit(["سوريا"]).idf_
    assert theirs.tolist() == [1.0, float("inf")]
    ours = khabar.TfidfVectorizer(smooth_idf=False, vocabulary=["سوريا", "روسيا"]).fit(["سوريا"])
    assert ours.idf_.tolist() == theirs.tolist()
    assert khabar.TfidfVectorizer.from_bytes(ours.to_bytes()).idf_.tolist() == theirs.tolist()
    # ...and nowhere else: a smooth idf, or one of a learned vocabulary, is never infinite.
    learned = khabar.TfidfVectorizer(smooth_idf=False).fit(["سوريا", "روسيا"]).to_bytes()
    with pytest.raises(ValueError, match=r"idf\[1\] is inf"):
        khabar.TfidfVectorizer.from_bytes(with_idf(learned, [1.5, float("inf")]))


def with_options(model: bytes, change: Callable[[dict], None]) -> bytes:
    header, parameters, rest = sections(model)
    document = json.loads(parameters)
    change(document["options"])
    return assemble(header, json.dumps(document).encode(), rest)


def test_options_that_disagree_with_the_saved_parameters_are_refused(small):
    def ngram(options):
        options["tokenizer"]["ngram_range"] = [1, 2**64 - 1]

    def sublinear(options):
        options["sublinear_tf"] = True

    def hamza(options):
        options["tokenizer"]["normalizer"]["hamza"] = not options["tokenizer"]["normalizer"][
            "hamza"
        ]

    for change, name in (
        (ngram, "tokenizer.ngram_range"),
        (sublinear, "sublinear_tf"),
        (hamza, "tokenizer.normalizer.hamza"),
    ):
        with pytest.raises(ValueError, match=rf"invalid model file: option '{name}' is "):
            khabar.TfidfVectorizer.from_bytes(with_options(small, change))


def test_a_file_written_by_cpp_gets_the_parameters_of_its_options(tmp_path, fitted, sochi_texts):
    path = tmp_path / "from_cpp.khabar"
    _core.save_model(fitted._model, str(path), "{}")
    loaded = khabar.TfidfVectorizer.load(path)
    params = loaded.get_params()
    assert params["stopwords"] == "arabic" and params["sublinear_tf"] is True
    assert params["ngram_range"] == (1, 2) and params["normalize"] is True
    assert params == fitted.get_params()
    assert loaded._core_options() == fitted._model.options


def test_a_model_saved_reading_files_loads_reading_content(tmp_path, sochi_texts):
    files = []
    for i, text in enumerate(sochi_texts[:4]):
        files.append(tmp_path / f"doc{i}.txt")
        files[-1].write_text(text, encoding="utf-8")
    vec = khabar.TfidfVectorizer(input="filename").fit(files)
    vec.save(tmp_path / "m.khabar")
    loaded = khabar.TfidfVectorizer.load(tmp_path / "m.khabar")
    assert loaded.input == "content"
    # A document that is a file name is text: the file is not opened.
    secret = tmp_path / "secret"
    secret.write_text(sochi_texts[0], encoding="utf-8")
    # The path's words (tmp, pytest-22…) may be terms of the corpus (22:04): the path is
    # weighted as the same string given as content, not as the file's 300-odd terms.
    as_content = khabar.TfidfVectorizer().fit(sochi_texts[:4])
    read_as_text = loaded.transform([str(secret)])
    assert (read_as_text != as_content.transform([str(secret)])).nnz == 0
    assert read_as_text.nnz <= len(secret.parts)
    assert vec.transform([secret]).nnz > 100
    # The caller may grant it.
    granted = khabar.TfidfVectorizer.load(tmp_path / "m.khabar", input="filename")
    assert granted.input == "filename"
    assert (granted.transform(files) != vec.transform(files)).nnz == 0
    assert khabar.TfidfVectorizer.from_bytes(vec.to_bytes()).input == "content"
    with pytest.raises(ValueError, match="'input' parameter"):
        khabar.TfidfVectorizer.load(tmp_path / "m.khabar", input="url")


MUTATIONS = 3000


def mutated(model: bytes, rng: np.random.Generator, fix_checksum: bool) -> bytes:
    """`model` with 1 to 4 bytes replaced (past the fixed header when the checksum is
    recomputed, which those checks would otherwise stop first), one byte inserted or removed."""
    data = bytearray(model[:-8] if fix_checksum else model)
    first = 16 if fix_checksum else 0
    kind = rng.integers(0, 10)
    if kind == 0:
        del data[int(rng.integers(first, len(data)))]
    elif kind == 1:
        data.insert(int(rng.integers(first, len(data))), int(rng.integers(0, 256)))
    else:
        for _ in range(int(rng.integers(1, 5))):
            data[int(rng.integers(first, len(data)))] = int(rng.integers(0, 256))
    if fix_checksum:
        data += struct.pack("<Q", fnv1a(bytes(data)))
    return bytes(data)


@pytest.mark.parametrize("fix_checksum", [True, False])
def test_random_mutations_raise_only_value_errors(fix_checksum, sochi_texts):
    model = (
        khabar.TfidfVectorizer(stopwords=["في"], ngram_range=(1, 2), max_df=0.9)
        .fit(sochi_texts[:3])
        .to_bytes()
    )
    rng = np.random.default_rng(15)
    outcomes: dict[str, int] = {}
    for _ in range(MUTATIONS):
        data = mutated(model, rng, fix_checksum)
        try:
            loaded = khabar.TfidfVectorizer.from_bytes(data)
        except ValueError:
            outcomes["ValueError"] = outcomes.get("ValueError", 0) + 1
            continue
        except Exception as error:
            pytest.fail(f"{type(error).__name__}: {error} from {data!r}")
        # A mutation that still makes a valid model (a term's letter changed) must work.
        loaded.transform(sochi_texts[:1])
        outcomes["loaded"] = outcomes.get("loaded", 0) + 1
    assert outcomes.get("ValueError", 0) > MUTATIONS // 2, outcomes


HUGE_FILE = """
import resource, sys, time
import khabar

with open("/proc/self/statm") as statm:
    mapped = int(statm.read().split()[0]) * resource.getpagesize()
limit = mapped + 2**28
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
try:
    khabar.TfidfVectorizer.load(sys.argv[1])
except ValueError as error:
    print(error)
"""


def test_a_huge_file_with_a_bad_header_fails_without_being_read(tmp_path, small):
    header, parameters, rest = sections(small)
    path = tmp_path / "huge.khabar"
    with path.open("wb") as out:
        # A real header and parameters whose lengths describe a small model; then 1.5 GiB of
        # holes (a sparse file: no disk is used).
        out.write(small[:-8])
        out.truncate(3 * 2**29)
    done = subprocess.run(
        [sys.executable, "-c", HUGE_FILE, str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        f"invalid model file: the lengths in its header ({len(parameters)} bytes of parameters, "
        f"3 terms in {struct.unpack_from('<Q', rest, 8)[0]} bytes) do not match the file size "
        f"({3 * 2**29} bytes)"
    )
    # Declared lengths beyond the file say so before reading it, as from bytes.
    path.write_bytes(assemble(header, parameters, rest, length=2**40))
    with pytest.raises(
        ValueError, match=r"truncated model file: the parameters needs 1099511627776"
    ):
        khabar.TfidfVectorizer.load(path)
    path.write_bytes(small[:-30])
    with pytest.raises(ValueError, match="truncated model file"):
        khabar.TfidfVectorizer.load(path)


def test_merging_counts_that_overflow_raises_and_changes_nothing():
    a, b = _core.DocumentFrequencies(), _core.DocumentFrequencies()
    for counts in (a, b):
        counts.add("سوريا", 2**62, 2**62)
        counts.add("روسيا", 1, 1)
    before = khabar.DocumentFrequencies(a.copy())
    with pytest.raises(OverflowError, match="'سوريا' overflow a signed 64-bit integer"):
        khabar.DocumentFrequencies(a).merge(khabar.DocumentFrequencies(b))
    assert khabar.DocumentFrequencies(a) == before
    assert khabar.DocumentFrequencies(a).to_dict()["سوريا"] == (2**62, 2**62)
    with pytest.raises(OverflowError):
        khabar.DocumentFrequencies(a) + khabar.DocumentFrequencies(b)
    with pytest.raises(OverflowError, match="overflow"):
        a.add("سوريا", 2**62, 2**62)
    # Up to the limit is fine: 2^62 + (2^62 - 1) + 2^62 = 2^63 - 1.
    c = _core.DocumentFrequencies()
    c.add("سوريا", 2**62 - 1, 2**62 - 1)
    c.add("سوريا", 2**62, 2**62)
    assert khabar.DocumentFrequencies(c).to_dict()["سوريا"] == (2**63 - 1, 2**63 - 1)


def test_document_limits_no_int_can_hold_are_refused_by_name(small):
    # A forged max_df of 1e300 documents (valid checksum) passed validation, and reading the
    # loaded options cast it to long long: undefined behaviour, in practice a negative max_df.
    # Whether the file carries the Python parameters or was written by C++ without them, the
    # option is refused naming it.
    header, parameters, rest = sections(small)
    for value, shown in ((1e300, "1e+300"), (2.0**63, "9.223372036854776e+18"), (2.5, "2.5")):
        for written_by in ("Python", "C++"):
            document = json.loads(parameters)
            document["options"]["max_df"] = {"value": value, "proportion": False}
            if written_by == "C++":  # no saved parameters
                document["annotations"] = {}
            forged = assemble(header, json.dumps(document).encode(), rest)
            message = (
                r"invalid model file: The 'max_df' parameter must be a whole number of "
                r"documents <= 2\*\*53 \(9007199254740992\) when it is not a proportion, got "
            )
            with pytest.raises(ValueError, match=message + re.escape(shown)):
                khabar.TfidfVectorizer.from_bytes(forged)
    # The largest whole number a double holds exactly is a valid number of documents.
    document = json.loads(parameters)
    document["options"]["max_df"] = {"value": 2**53, "proportion": False}
    document["annotations"] = {}
    loaded = khabar.TfidfVectorizer.from_bytes(
        assemble(header, json.dumps(document).encode(), rest)
    )
    assert loaded.max_df == 2**53 and isinstance(loaded.max_df, int)


def test_document_totals_that_overflow_raise_and_change_nothing():
    # Before, add_documents added unchecked: 2**63 - 1 documents and one more made -2**63 as
    # int64, which Python read as 2**63; a further 2**63 wrapped to 0 documents.
    counts = _core.DocumentFrequencies()
    counts.add_documents(2**63 - 1)
    with pytest.raises(OverflowError, match=r"9223372036854775807 \+ 1 documents overflow"):
        counts.add_documents(1)
    assert counts.n_documents == 2**63 - 1
    other = _core.DocumentFrequencies()
    other.add_documents(1)
    with pytest.raises(OverflowError, match="the number of documents overflows"):
        khabar.DocumentFrequencies(counts).merge(khabar.DocumentFrequencies(other))
    assert counts.n_documents == 2**63 - 1
    # Negative counts would wrap every later sum: refused, naming the term.
    with pytest.raises(ValueError, match="the counts of 'سوريا' must be >= 0, got -1 documents"):
        counts.add("سوريا", -1, 0)
    assert len(counts) == 0
    # A forged file declaring 2**63 documents (valid checksum) is refused as a model file error.
    empty = _core.DocumentFrequencies().to_bytes()
    body = empty[:16] + struct.pack("<Q", 2**63) + empty[24:-8]
    with pytest.raises(
        ValueError, match="invalid document frequencies: 9223372036854775808 documents overflow"
    ):
        _core.DocumentFrequencies.from_bytes(body + struct.pack("<Q", fnv1a(body)))
