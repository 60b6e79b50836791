"""Every case of the bad-input corpus (tests/badinput.py), run through the CLI as a subprocess.

For each case: the documented exit code, no traceback, the one-line reasons on stderr, the skip
count in the summary, and - where marked - that the kept output plus the ``--rejected`` records
account for every paragraph of the input.
"""

from __future__ import annotations

import atexit
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests import badinput

CORPUS = Path(tempfile.mkdtemp(prefix="junkfilter-badinput-"))
CASES = badinput.build(CORPUS)
MAIN = "from junkfilter.cli import main; main()"


def _cleanup() -> None:
    os.chmod(CORPUS / "locked" / "inner", 0o700)
    shutil.rmtree(CORPUS, ignore_errors=True)


atexit.register(_cleanup)


@pytest.fixture(scope="session")
def model(tmp_path_factory) -> Path:
    return badinput.ensure_model(tmp_path_factory.getbasetemp() / "toymodel-shared")


def run_cli(args, cwd=CORPUS, stdin=None, env=None, timeout=120):
    full_env = {**os.environ, **(env or {})}
    stdin_data = Path(cwd, stdin).read_bytes() if stdin else b""
    return subprocess.run([sys.executable, "-c", MAIN, *map(str, args)], cwd=cwd,
                          input=stdin_data, capture_output=True, env=full_env,
                          timeout=timeout)  # fmt: skip


def command(case: badinput.Case, model: Path, rejected: Path) -> list[str]:
    if case.command == "filter":
        return ["filter", "--model", model, "-j", "1", "--rejected", rejected, *case.args]
    return [case.command, "--model", model, *case.args]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: badinput.Case, model: Path, tmp_path: Path):
    if case.root_only_skip and os.geteuid() == 0:
        pytest.skip("running as root: root ignores file permissions, so a folder without read "
                    "permission cannot be simulated (the same path is unit-tested in "
                    "test_inputs with a simulated listing error)")  # fmt: skip
    rejected = tmp_path / "rejected.jsonl"
    res = run_cli(command(case, model, rejected), stdin=case.stdin, env=case.env)
    err = res.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    assert res.returncode == case.code, err
    for needle in case.stderr:
        assert needle in err, (needle, err)
    lines = err.splitlines()
    if case.skipped is not None:
        assert sum(line.startswith("junkfilter: skipped ") for line in lines) == case.skipped, err
        summary = [line for line in lines if re.search(r"\d+ documents \(", line)]
        if summary:  # --strict stops before the summary
            assert f"({case.skipped:,} skipped)" in summary[-1], err
    if case.code == 2:
        assert "Usage" in err or "junkfilter:" in err, err
    if case.reconstruct:
        check_reconstruction(case, model, res.stdout, rejected)


# -- kept + rejected = every paragraph ------------------------------------------------------------
def _documents(case: badinput.Case, stdout: bytes) -> dict[str, tuple[str, str]]:
    """doc name -> (input text, kept output) for the case's input file."""
    from junkfilter.decoding import decode

    name = case.reconstruct
    data = (CORPUS / name).read_bytes()
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    if not name.endswith(".jsonl"):
        return {name: (decode(data)[0], stdout.decode("utf-8", "surrogateescape"))}
    outputs = iter(json.loads(line) for line in stdout.decode().splitlines())
    docs = {}
    for lineno, raw in enumerate(data.splitlines(), 1):
        try:
            record = json.loads(raw)
        except ValueError:
            continue
        if isinstance(record, dict) and isinstance(record.get("text"), str):
            docs[f"{name}:{lineno} ({record['id']})"] = (record["text"], next(outputs)["text"])
    assert next(outputs, None) is None
    return docs


def _by_doc(lines) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for line in lines:
        rec = json.loads(line)
        if "skipped" not in rec:
            out.setdefault(rec["doc"], []).append(rec)
    return out


def check_reconstruction(case, model, stdout: bytes, rejected: Path) -> None:
    res = run_cli(["classify", "--model", model, case.reconstruct], env=case.env)
    paragraphs = _by_doc(res.stdout.decode().splitlines())
    dropped = _by_doc(rejected.read_text().splitlines())
    docs = _documents(case, stdout)
    assert set(paragraphs) == set(docs), (set(paragraphs), set(docs))
    for doc, (text, kept) in docs.items():
        paras = paragraphs[doc]
        assert [p["index"] for p in paras] == list(range(len(paras)))
        pos = 0
        for p in paras:  # paragraphs and whitespace gaps tile the input
            assert text[pos : p["start"]].strip() == "" and p["start"] < p["end"]
            pos = p["end"]
        assert text[pos:].strip() == ""
        want = [(p["index"], p["start"], p["end"]) for p in paras if not p["keep"]]
        got = [(r["index"], r["start"], r["end"]) for r in dropped.get(doc, [])]
        assert got == want, doc
        for r in dropped.get(doc, []):
            assert r["text"] == text[r["start"] : r["end"]]
            assert {"label", "probability"} <= set(r)
        rest = kept
        for p in paras:
            if p["keep"]:
                at = rest.find(text[p["start"] : p["end"]])
                assert at >= 0 and rest[:at].strip() == "", (doc, p)
                rest = rest[at + p["end"] - p["start"] :]
        assert rest.strip() == "", (doc, rest[:200])
    if case.reconstruct == "plain.txt":
        flags = {p["keep"] for paras in paragraphs.values() for p in paras}
        assert flags == {True, False}, "the model should keep some paragraphs and drop others"


def test_every_case_listed_in_the_table():
    table = badinput.table(CASES)
    assert table.count("\n") == len(CASES) + 2
    docs = Path(__file__).resolve().parent.parent / "docs" / "bad-input.md"
    assert table in docs.read_text(), "docs/bad-input.md is stale: python tests/badinput.py --table"


def test_generator_script_writes_manifest(tmp_path):
    res = subprocess.run([sys.executable, str(Path(badinput.__file__)), str(tmp_path / "c")],
                         capture_output=True, timeout=60)  # fmt: skip
    os.chmod(tmp_path / "c" / "locked" / "inner", 0o700)
    assert res.returncode == 0, res.stderr
    manifest = json.loads((tmp_path / "c" / "manifest.json").read_text())
    assert [m["name"] for m in manifest] == [c.name for c in CASES]
    assert all((tmp_path / "c" / m["reconstruct"]).exists() for m in manifest if m["reconstruct"])
