"""Nothing lost, nothing half-written: atomic files, backups, --in-place, -o, interrupted runs."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from junkfilter.outputs import AtomicFile, json_line, one_line, to_bytes
from tests import badinput

MAIN = "from junkfilter.cli import main; main()"


@pytest.fixture(scope="session")
def model(tmp_path_factory) -> Path:
    return badinput.ensure_model(tmp_path_factory.getbasetemp() / "toymodel-shared")


def cli(*args, model=None, **kw):
    extra = ["--model", str(model)] if model else []
    cmd = [sys.executable, "-c", MAIN, str(args[0]), *extra, *map(str, args[1:])]
    return subprocess.run(cmd, capture_output=True, timeout=180, **kw)


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob(".*.tmp")]


# -- AtomicFile ----------------------------------------------------------------------------------
def test_atomic_commit_and_abort(tmp_path):
    dest = tmp_path / "a.txt"
    dest.write_text("original")
    f = AtomicFile(dest)
    f.write("new text")
    assert dest.read_text() == "original"  # nothing visible before commit
    f.commit()
    assert dest.read_text() == "new text" and not leftovers(tmp_path)
    g = AtomicFile(dest)
    g.write("half")
    g.abort()
    assert dest.read_text() == "new text" and not leftovers(tmp_path)


def test_backup_mode_and_new_file_permissions(tmp_path):
    dest = tmp_path / "a.txt"
    dest.write_text("original")
    os.chmod(dest, 0o640)
    f = AtomicFile(dest, backup=".bak")
    f.write("cleaned")
    f.commit()
    assert (tmp_path / "a.txt.bak").read_text() == "original"
    assert dest.read_text() == "cleaned" and (dest.stat().st_mode & 0o777) == 0o640
    new = AtomicFile(tmp_path / "sub" / "n.txt")
    new.write("x")
    new.commit()
    umask = os.umask(0)
    os.umask(umask)
    assert ((tmp_path / "sub" / "n.txt").stat().st_mode & 0o777) == 0o666 & ~umask


def test_symlink_destination_rewrites_target(tmp_path):
    target = tmp_path / "real.txt"
    target.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    f = AtomicFile(link)
    f.write("new")
    f.commit()
    assert link.is_symlink() and target.read_text() == "new"


def test_gzip_destination(tmp_path):
    f = AtomicFile(tmp_path / "a.jsonl.gz", gz=True)
    f.write('{"text": "x"}\n')
    f.commit()
    assert gzip.decompress((tmp_path / "a.jsonl.gz").read_bytes()) == b'{"text": "x"}\n'


def test_bytes_round_trip_and_valid_json():
    raw = b"caf\xe9 \xff ok"
    text = raw.decode("utf-8", "surrogateescape")
    assert to_bytes(text) == raw
    line = json_line({"text": text})
    assert json.loads(line.encode("utf-8"))["text"] == text
    assert one_line("a\nb\udcff") == "a\\nb\\udcff"


# -- the CLI -------------------------------------------------------------------------------------
def _corpus(folder: Path, n: int, size: int = 1) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        p = folder / f"d{i:03d}" / f"page{i}.txt" if i % 3 else folder / f"page{i}.txt"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("\n".join(badinput.article(i + k) for k in range(size)))
        paths.append(p)
    return paths


def test_output_folder_mirrors_names(tmp_path, model):
    paths = _corpus(tmp_path / "in", 7)
    res = cli("filter", tmp_path / "in", "-o", tmp_path / "out", "-j", "2", model=model)
    assert res.returncode == 0, res.stderr
    for p in paths:
        rel = p.relative_to(tmp_path / "in")
        one = cli("filter", p, "-j", "1", "-q", model=model)
        assert (tmp_path / "out" / rel).read_bytes() == one.stdout
        assert p.read_text().startswith("Story number")  # input untouched


def test_output_name_collision_skips_second(tmp_path, model):
    for sub in ("x", "y"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "same.txt").write_text(badinput.article(ord(sub)))
    res = cli("filter", tmp_path / "x" / "same.txt", tmp_path / "y" / "same.txt",
              "-o", tmp_path / "out", model=model)  # fmt: skip
    assert res.returncode == 1 and b"already written" in res.stderr
    assert b"Story number 120" in (tmp_path / "out" / "same.txt").read_bytes()


def test_in_place_with_backup(tmp_path, model):
    paths = _corpus(tmp_path / "in", 4)
    originals = {p: p.read_bytes() for p in paths}
    expected = {p: cli("filter", p, "-q", model=model).stdout for p in paths}
    res = cli("filter", "--in-place", "--backup", ".orig", tmp_path / "in", model=model)
    assert res.returncode == 0, res.stderr
    for p in paths:
        assert p.read_bytes() == expected[p] != originals[p]
        assert p.with_name(p.name + ".orig").read_bytes() == originals[p]
    assert not leftovers(tmp_path)


def test_in_place_jsonl_keeps_unusable_lines(tmp_path, model):
    good = json.dumps({"id": 1, "text": badinput.article()})
    lines = [good, "not json", "", '{"no_text": 1}', good]
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(lines))  # no newline at the end either
    res = cli("filter", "--in-place", path, model=model)
    assert res.returncode == 1, res.stderr
    out = path.read_text().split("\n")
    assert out[1:4] == lines[1:4]
    cleaned = json.loads(out[0])["text"]
    assert cleaned and cleaned != badinput.article() and json.loads(out[4])["text"] == cleaned


def test_in_place_leaves_truncated_gzip_untouched(tmp_path, model):
    body = "\n".join(json.dumps({"text": badinput.article(i)}) for i in range(200)) + "\n"
    data = gzip.compress(body.encode())
    path = tmp_path / "t.jsonl.gz"
    path.write_bytes(data[: len(data) * 3 // 4])
    before = path.read_bytes()
    res = cli("filter", "--in-place", path, model=model)
    assert res.returncode == 1 and b"cannot read" in res.stderr
    assert path.read_bytes() == before and not leftovers(tmp_path)


def test_stdout_redirected_onto_input_is_refused(tmp_path, model):
    path = tmp_path / "a.txt"
    path.write_text(badinput.article())
    before = path.read_bytes()
    with open(path, "ab") as out:
        cmd = [sys.executable, "-c", MAIN, "filter", "--model", str(model), str(path)]
        res = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE, timeout=60)
    assert res.returncode == 2 and b"standard output is the input" in res.stderr
    assert path.read_bytes() == before


def test_rejected_inside_in_place_folder_is_refused(tmp_path, model):
    _corpus(tmp_path / "in", 1)
    res = cli("filter", "--in-place", tmp_path / "in", "--rejected", tmp_path / "in" / "r.jsonl",
              model=model)  # fmt: skip
    assert res.returncode == 2


# -- interrupted runs ----------------------------------------------------------------------------
@pytest.mark.parametrize(("sig", "jobs"), [(signal.SIGTERM, "2"), (signal.SIGINT, "1")])
def test_interrupted_in_place_run(tmp_path, model, sig, jobs):
    """Kill a slow --in-place run mid-way: every file is byte-identical or fully cleaned."""
    paths = _corpus(tmp_path / "in", 150, size=6)
    originals = {p: p.read_bytes() for p in paths}
    res = cli("filter", tmp_path / "in", "-o", tmp_path / "expected", "-q", model=model)
    assert res.returncode == 0, res.stderr
    expected = {p: (tmp_path / "expected" / p.relative_to(tmp_path / "in")).read_bytes()
                for p in paths}  # fmt: skip
    cmd = [sys.executable, "-c", MAIN, "filter", "--model", str(model), "--in-place", "-j", jobs,
           "--backup", ".bak", str(tmp_path / "in")]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if any(p.read_bytes() != originals[p] for p in paths[:60]):
            break
        time.sleep(0.01)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err, err.decode()
    assert proc.returncode == 130, err.decode()
    done = untouched = 0
    for p in paths:
        data = p.read_bytes()
        assert data in (originals[p], expected[p]), p
        done += data == expected[p]
        untouched += data == originals[p]
        if data == expected[p]:
            assert p.with_name(p.name + ".bak").read_bytes() == originals[p]
    assert done and untouched, (done, untouched)  # the signal really came mid-run
    assert not leftovers(tmp_path / "in")
