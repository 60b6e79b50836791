"""Bounded-time fuzzing: mutated bad-input files through the readers, the filter and the CLI.

The short runs take a few seconds and always run; ``--runslow`` runs the long ones (2 minutes of
mutations each, or ``JUNKFILTER_FUZZ_SECONDS``). Mutations start from the bad-input corpus
(tests/badinput.py): bit flips, byte insertions from a list of troublemakers, truncation,
splicing two files, and repeating a slice. Every mutated file must give items or skips (no
exception), and every item's cleaned text must be a subsequence of its text.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from junkfilter.clean import assemble
from junkfilter.inputs import Item, Skip, iter_inputs
from junkfilter.outputs import to_bytes
from tests import badinput

TROUBLE = [b"\x00", b"\r", b"\r\n", b"\n\n", b"\xff", b"\xfe\xff", b"\xef\xbb\xbf", b"\xc3",
           b"\xed\xa0\x80", b'"', b"{", b"[" * 50, b"\\u", b"\x1f\x8b", b"---\n",
           b"\x85"]  # fmt: skip
SEEDS_MAX_BYTES = 20_000


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> list[bytes]:
    folder = tmp_path_factory.mktemp("corpus")
    badinput.build(folder)
    os.chmod(folder / "locked" / "inner", 0o700)
    out = []
    for p in sorted(folder.rglob("*")):
        if p.is_file() and not p.is_symlink() and p.stat().st_size <= SEEDS_MAX_BYTES:
            out.append(p.read_bytes())
    return out


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    return badinput.ensure_model(tmp_path_factory.getbasetemp() / "toymodel-shared")


def mutate(rnd: random.Random, seeds: list[bytes]) -> bytes:
    data = bytearray(rnd.choice(seeds))
    for _ in range(rnd.randint(1, 6)):
        op = rnd.randrange(5)
        pos = rnd.randint(0, len(data))
        if op == 0 and data:
            data[min(pos, len(data) - 1)] ^= 1 << rnd.randrange(8)
        elif op == 1:
            data[pos:pos] = rnd.choice(TROUBLE)
        elif op == 2:
            del data[pos:]
        elif op == 3:
            data[pos:] = rnd.choice(seeds)[rnd.randint(0, 50) :]
        else:
            data[pos:pos] = bytes(data[pos : pos + rnd.randint(1, 40)]) * rnd.randint(2, 50)
    return bytes(data)


def check_file(jf, path: Path) -> int:
    """Read ``path`` as text and as JSON Lines; classify what was read. Returns items seen."""
    seen = 0
    for jsonl in (False, True):
        entries = list(iter_inputs([str(path)], jsonl, "text"))
        assert all(isinstance(e, (Item, Skip)) for e in entries)
        for e in entries:
            assert isinstance(e, Item) or ("\n" not in e.reason and e.reason)
        items = [e for e in entries if isinstance(e, Item)]
        for item, paras in zip(items, jf.classify_many([i.text for i in items]), strict=True):
            cleaned = assemble(item.text, paras)
            it = iter(item.text)
            assert all(c in it for c in cleaned)
            to_bytes(cleaned)
            seen += 1
    return seen


def fuzz_for(seconds: float, jf, seeds, folder: Path, seed: int) -> int:
    rnd = random.Random(seed)
    deadline = time.monotonic() + seconds
    runs = 0
    while time.monotonic() < deadline:
        name = rnd.choice(["f.txt", "f.jsonl", "f.txt.gz", "f.jsonl.gz"])
        path = folder / name
        path.write_bytes(mutate(rnd, seeds))
        check_file(jf, path)
        path.unlink()
        runs += 1
    return runs


def _seconds(default: float) -> float:
    return float(os.environ.get("JUNKFILTER_FUZZ_SECONDS", default))


@pytest.fixture(scope="module")
def jf(model):
    import junkfilter

    return junkfilter.load(model)


def test_fuzz_library_short(jf, seeds, tmp_path):
    assert fuzz_for(_seconds(4), jf, seeds, tmp_path, seed=1) > 20


@pytest.mark.slow
def test_fuzz_library_long(jf, seeds, tmp_path):
    assert fuzz_for(_seconds(120), jf, seeds, tmp_path, seed=int(time.time())) > 1000


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2000), name=st.sampled_from(["h.txt", "h.jsonl", "h.txt.gz"]))
def test_fuzz_hypothesis_bytes(jf, tmp_path_factory, data, name):
    path = tmp_path_factory.getbasetemp() / f"hyp-{name}"
    path.write_bytes(data)
    check_file(jf, path)


def _cli_batch(model: Path, folder: Path, rnd: random.Random, seeds, n: int) -> None:
    for i in range(n):
        ext = rnd.choice([".txt", ".jsonl", ".txt.gz", ".jsonl.gz", ".dat"])
        (folder / f"m{i:03d}{ext}").write_bytes(mutate(rnd, seeds))
    res = subprocess.run([sys.executable, "-c", "from junkfilter.cli import main; main()",
                          "filter", "--model", str(model), "-j", "2", "--rejected",
                          str(folder.parent / "rej.jsonl"), str(folder)],
                         capture_output=True, timeout=300)  # fmt: skip
    assert b"Traceback" not in res.stderr, res.stderr.decode(errors="replace")
    assert res.returncode in (0, 1)
    assert res.stderr.decode(errors="replace").splitlines()[-1].startswith("junkfilter: ")


def test_fuzz_cli_short(model, seeds, tmp_path):
    (tmp_path / "in").mkdir()
    _cli_batch(model, tmp_path / "in", random.Random(7), seeds, 60)


@pytest.mark.slow
def test_fuzz_cli_long(model, seeds, tmp_path):
    rnd = random.Random(int(time.time()))
    deadline = time.monotonic() + _seconds(120)
    round_ = 0
    while time.monotonic() < deadline:
        folder = tmp_path / f"in{round_}"
        folder.mkdir()
        _cli_batch(model, folder, rnd, seeds, 200)
        round_ += 1
