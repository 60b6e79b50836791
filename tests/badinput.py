"""The bad-input corpus: every kind of input junkfilter must answer clearly, generated, not stored.

    python tests/badinput.py OUTDIR            # write every case into OUTDIR + manifest.json
    python tests/badinput.py OUTDIR --big      # same, with the full-size cases (50 MB line, ...)
    python tests/badinput.py --table           # the Markdown summary table (docs/bad-input.md)

Each case is a command line (paths relative to OUTDIR; the test adds ``--model``), the exit code
it must end with, how many inputs it must skip, text its stderr must contain, and whether the
kept output plus the ``--rejected`` records must reconstruct every paragraph. The tests run
every case (tests/test_badinput.py); the same module also makes the small model they use.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

ARTICLE_TITLE = "Story number {i} about the city council"
CONTENT = (
    "The council met on day {j} and discussed the budget for the year, which is something that "
    "many residents have been asking about for a while now. Item {i}-{j}."
)
JUNK = [
    ("metadata", "By Reporter {i} | March {d}, 2020"),
    ("boilerplate", "Leave a Reply"),
    ("boilerplate", "Your email address will not be published. Required fields are marked *"),
    ("comment", "User{i} says:"),
    ("comment", "Great post, thanks for sharing!"),
    ("comment", "I disagree with the council on this one."),
    ("spam", "cheap jordans http://shoes.example.com buy now"),
    ("bio", "About Reporter {i}: a writer at the Gazette."),
]


def toy_documents(n: int = 40) -> list[dict]:
    """Labelled documents in the training format, enough for a model that separates prose."""
    docs = []
    for i in range(n):
        paras = [{"label": "title", "text": ARTICLE_TITLE.format(i=i)}]
        paras.append({"label": "metadata", "text": JUNK[0][1].format(i=i, d=i % 28 + 1)})
        paras += [{"label": "content", "text": CONTENT.format(i=i, j=j)} for j in range(5)]
        paras += [{"label": lab, "text": t.format(i=i, d=1)} for lab, t in JUNK[1:]]
        docs.append({"id": f"toy-{i}", "paragraphs": paras})
    return docs


def ensure_model(folder: Path) -> Path:
    """A small model in ``folder`` (trained once, in a few seconds, on :func:`toy_documents`)."""
    from junkfilter.documents import Document
    from junkfilter.persist import save
    from junkfilter.train import fit

    path = Path(folder) / "toy.skops"
    if not path.exists():
        docs = [Document.from_json(d) for d in toy_documents()]
        estimator, summary = fit(docs, params={"max_iter": 10}, log=lambda *_: None)
        save(estimator, path, {"name": "toy", "training": summary})
    return path


def article(i: int = 0, nl: str = "\n") -> str:
    """One scraped page: title, byline, prose, then a comment section and spam."""
    paras = [ARTICLE_TITLE.format(i=i), JUNK[0][1].format(i=i, d=3)]
    paras += [CONTENT.format(i=i, j=j) for j in range(4)]
    paras += [t.format(i=i) for _, t in JUNK[1:]]
    return (nl + nl).join(paras) + nl


@dataclass
class Case:
    name: str
    outcome: str
    args: list[str]
    code: int
    skipped: int | None = None
    stderr: list[str] = field(default_factory=list)
    reconstruct: str | None = None  # input file whose paragraphs must be accounted for
    stdin: str | None = None
    env: dict = field(default_factory=dict)
    command: str = "filter"
    root_only_skip: bool = False  # cannot be simulated as root (permissions are ignored)


def _write(out: Path, name: str, data: bytes | str) -> str:
    path = out / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return name


def _text_cases(out: Path, big: bool) -> list[Case]:
    rnd = random.Random(4)
    art = article()
    line_mb = 50 if big else 2
    paras = 1_000_000 if big else 20_000
    cases = [
        Case("plain UTF-8 article", "processed", [_write(out, "plain.txt", art)], 0, 0,
             reconstruct="plain.txt"),
        Case("empty file", "processed, no output", [_write(out, "empty.txt", b"")], 0, 0),
        Case("whitespace-only file", "processed, no paragraphs",
             [_write(out, "blank.txt", " \t\n\n \r\n")], 0, 0),
        Case("binary (random bytes)", "skipped: binary data",
             [_write(out, "random.bin", rnd.randbytes(4096))], 1, 1, ["binary data"]),
        Case("binary (PNG header + data)", "skipped: binary data",
             [_write(out, "image.dat", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)], 1, 1,
             ["binary data"]),
        Case("mostly NUL bytes", "skipped: binary data",
             [_write(out, "nuls.txt", b"\x00" * 3000 + b"text")], 1, 1, ["binary data"]),
        Case("a few NUL bytes in text", "processed, NULs kept",
             [_write(out, "somenul.txt", art.replace("council", "coun\x00cil", 2))], 0, 0,
             reconstruct="somenul.txt"),
        Case("invalid UTF-8 bytes in UTF-8 text", "processed, bytes kept as they are",
             [_write(out, "badutf8.txt", art.encode().replace(b"budget", b"bud\xffget\xfe", 3))],
             0, 0, ["decoded as"], reconstruct="badutf8.txt"),
    ]
    for enc, bom in (("utf-16-le", True), ("utf-16-be", True), ("utf-16-le", False),
                     ("utf-16-be", False), ("utf-32-le", True), ("utf-32-be", False)):  # fmt: skip
        data = art.encode(enc)
        if bom:
            data = "\ufeff".encode(enc) + data
        name = f"{enc}{'-bom' if bom else ''}.txt"
        what = "with BOM" if bom else "without BOM"
        cases.append(Case(f"{enc.upper()} {what}", f"processed as {enc}", [_write(out, name, data)],
                          0, 0, [enc], reconstruct=name))  # fmt: skip
    legacy = [
        ("cp1252", "Café crème brûlée — naïve “quotes” façade résumé. " * 6),
        ("gb18030", "中文段落，这是一个测试。我们在这里写了很多中文字符，用来检测编码。" * 6),
        ("shift_jis", "これは日本語のテキストです。シフトJISでエンコードされています。" * 6),
    ]
    for enc, sentence in legacy:
        text = f"{sentence}\n\n{sentence}\n\nUser1 says:\n"
        name = f"{enc}.txt"
        cases.append(Case(f"legacy encoding {enc}", "processed, encoding detected",
                          [_write(out, name, text.encode(enc))], 0, 0, ["decoded as"],
                          reconstruct=name))  # fmt: skip
    cases += [
        Case("UTF-8 with BOM", "processed, BOM dropped",
             [_write(out, "bom8.txt", b"\xef\xbb\xbf" + art.encode())], 0, 0),
        Case("CRLF line ends", "processed", [_write(out, "crlf.txt", article(nl="\r\n"))], 0, 0,
             reconstruct="crlf.txt"),
        Case("lone CR line ends", "processed", [_write(out, "cr.txt", article(nl="\r"))], 0, 0,
             reconstruct="cr.txt"),
        Case(f"single {line_mb} MB line", "processed as one paragraph",
             [_write(out, "longline.txt", "word " * (line_mb * 200_000))], 0, 0),
        Case(f"{paras:,} tiny paragraphs", "processed in parts",
             [_write(out, "tiny.txt", "Tiny para.\n\n" * paras)], 0, 0),
        Case("long file cut into parts", "processed; offsets absolute",
             [_write(out, "parts.txt", "".join(article(i) + "\n" for i in range(60)))], 0, 0,
             reconstruct="parts.txt", env={"JUNKFILTER_PART_CHARS": "3000"}),
        Case("1 MB of one character", "processed", [_write(out, "aaaa.txt", "a" * 10**6)], 0, 0),
        Case("1 MB of punctuation", "processed", [_write(out, "punct.txt", "!?.," * 250_000)],
             0, 0),
        Case("a x 10^6 then !", "processed", [_write(out, "abang.txt", "a" * 10**6 + "!")], 0, 0),
        Case("plain text .txt.gz", "processed, decompressed",
             [_write(out, "page.txt.gz", gzip.compress(art.encode(), mtime=0))], 0, 0),
        Case("garbage .gz", "skipped: cannot read",
             [_write(out, "broken.txt.gz", rnd.randbytes(500))], 1, 1, ["cannot read"]),
    ]
    return cases


def _jsonl_cases(out: Path) -> list[Case]:
    good = json.dumps({"id": "a", "text": article()})
    lines = [good, "not json {", "[1, 2, 3]", '"a string"', json.dumps({"id": "b"}),
             json.dumps({"id": "c", "text": 42}), "", "   ", json.dumps({"id": "d", "text": None}),
             json.dumps({"id": "e", "text": article(1)})]  # fmt: skip
    ok = "\n".join(json.dumps({"id": i, "text": article(i)}) for i in range(3)) + "\n"
    gz = gzip.compress(ok.encode(), mtime=0)
    deep = "[" * 100_000 + "]" * 100_000
    return [
        Case("malformed JSON Lines", "bad lines skipped, good ones processed",
             [_write(out, "mixed.jsonl", "\n".join(lines) + "\n")], 1, 6,
             ["bad JSON", "not a JSON object (list)", "not a JSON object (str)",
              "field 'text' missing", "field 'text' not a string (int)",
              "field 'text' not a string (NoneType)"], reconstruct="mixed.jsonl"),  # fmt: skip
        Case("JSON nested 100,000 deep", "skipped: bad JSON",
             [_write(out, "deep.jsonl", deep + "\n")], 1, 1, ["bad JSON"]),
        Case("JSON Lines with invalid UTF-8", "line skipped: bad JSON",
             [_write(out, "latin.jsonl", b'{"text": "caf\xe9"}\n')], 1, 1, ["bad JSON"]),
        Case("JSON text with lone surrogate escape", "processed, output valid UTF-8",
             [_write(out, "surr.jsonl", '{"text": "A sentence with \\udc80 in it here."}\n')],
             0, 0),
        Case("gzip JSON Lines", "processed", [_write(out, "ok.jsonl.gz", gz)], 0, 0),
        Case("gzip JSON Lines, truncated", "records read, then skipped: cannot read",
             [_write(out, "trunc.jsonl.gz", gz[: len(gz) // 2])], 1, 1, ["cannot read"]),
        Case("gzip JSON Lines, corrupt", "skipped: cannot read",
             [_write(out, "corrupt.jsonl.gz", gz[:20] + b"\x00garbage" * 20)], 1, 1,
             ["cannot read"]),
    ]


def _path_cases(out: Path) -> list[Case]:
    (out / "folder" / "sub").mkdir(parents=True, exist_ok=True)
    _write(out, "folder/a.txt", article(1))
    _write(out, "folder/sub/b.txt", article(2))
    _write(out, "folder/.hidden.txt", b"\x00\x01")
    for name, target in (("loop", "loop"), ("dangling", "nowhere/at/all")):
        link = out / name
        if not link.is_symlink():
            link.symlink_to(target)
    fifo_dir = out / "withpipe"
    fifo_dir.mkdir(exist_ok=True)
    if not (fifo_dir / "pipe").exists():
        os.mkfifo(fifo_dir / "pipe")
    _write(out, "withpipe/c.txt", article(3))
    locked = out / "locked"
    (locked / "inner").mkdir(parents=True, exist_ok=True)
    _write(out, "locked/inner/d.txt", article(4))
    os.chmod(locked / "inner", 0)
    odd = _write(out, "odd\nname.bin", bytes(range(32)) * 20)
    return [
        Case("folder with nested files", "processed; hidden files ignored", ["folder"], 0, 0),
        Case("no such file", "skipped: no such file", ["missing.txt"], 1, 1, ["no such file"]),
        Case("symlink loop", "skipped: cannot read", ["loop"], 1, 1, ["symbolic links"]),
        Case("dangling symlink", "skipped: cannot read", ["dangling"], 1, 1, ["No such file"]),
        Case("FIFO inside a folder", "skipped: not a regular file", ["withpipe"], 1, 1,
             ["not a regular file (pipe)"]),
        Case("device (/dev/null)", "skipped: not a regular file", ["/dev/null"], 1, 1,
             ["not a regular file (device)"]),
        Case("unreadable file (I/O error)", "skipped: cannot read", ["/proc/self/mem"], 1, 1,
             ["cannot read"]),
        Case("folder without permission", "skipped: cannot list folder", ["locked"], 1, 1,
             ["cannot list folder"], root_only_skip=True),
        Case("file name with a newline", "skipped; reason on one line", [odd], 1, 1,
             ["odd\\nname.bin"]),
        Case("binary on stdin", "skipped: binary data", ["-"], 1, 1, ["<stdin>"],
             stdin="random.bin"),
        Case("text on stdin", "processed", [], 0, 0, stdin="plain.txt"),
    ]


def _other_cases() -> list[Case]:
    return [
        Case("--strict: first skip stops the run", "stopped at the first skip",
             ["--strict", "random.bin", "plain.txt"], 1, 1, ["stopped (--strict)"]),
        Case("two workers (-j 2), mixed inputs", "processed, bad ones skipped",
             ["-j", "2", "plain.txt", "random.bin", "folder", "mixed.jsonl"], 1, 7),
        Case("--in-place with --output", "usage error", ["--in-place", "-o", "x", "plain.txt"], 2),
        Case("--backup without --in-place", "usage error", ["--backup", ".bak", "plain.txt"], 2),
        Case("unknown option", "usage error", ["--no-such-option", "plain.txt"], 2),
        Case("unknown label in --keep", "usage error", ["--keep", "prose", "plain.txt"], 2),
        Case("--output folder holding the input", "usage error", ["-o", "folder", "folder/a.txt"],
             2, stderr=["contains the input"]),
        Case("--rejected is an input file", "usage error", ["--rejected", "plain.txt",
             "plain.txt"], 2, stderr=["is an input file"]),  # fmt: skip
        Case("model file does not exist", "refused: model not found",
             ["--model", "no-model.skops", "plain.txt"], 1, stderr=["model file not found"]),
        Case("model is a random zip", "refused: not a junkfilter model",
             ["--model", "random.zip", "plain.txt"], 1, stderr=["not a junkfilter model"]),
        Case("model is random bytes", "refused: not a junkfilter model",
             ["--model", "random.bin", "plain.txt"], 1, stderr=["not a junkfilter model"]),
        Case("explain: binary file", "refused: binary data", ["random.bin"], 1,
             stderr=["binary data"], command="explain"),
        Case("explain: missing file", "refused: no such file", ["missing.txt"], 1,
             stderr=["cannot read"], command="explain"),
        Case("explain: empty file", "explained (0 paragraphs)", ["empty.txt"], 0,
             command="explain"),
        Case("classify: mixed inputs", "paragraphs printed, bad ones skipped",
             ["plain.txt", "random.bin", "mixed.jsonl"], 1, command="classify",
             stderr=["skipped random.bin"]),
    ]


def build(out: str | Path, big: bool = False) -> list[Case]:
    """Write every case into ``out``; return the cases (also written to ``manifest.json``)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    cases = _text_cases(out, big) + _jsonl_cases(out) + _path_cases(out) + _other_cases()
    import zipfile

    with zipfile.ZipFile(out / "random.zip", "w") as zf:
        zf.writestr("data.bin", random.Random(5).randbytes(100))
    manifest = [asdict(c) for c in cases]
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    return cases


def table(cases: list[Case]) -> str:
    """The Markdown summary table: case, outcome, exit code."""
    rows = ["| case | outcome | exit code |", "| --- | --- | --- |"]
    for c in cases:
        cmd = "" if c.command == "filter" else f"`{c.command}`: "
        name = c.name if not cmd else c.name.split(": ", 1)[-1]
        rows.append(f"| {cmd}{name} | {c.outcome} | {c.code} |")
    return "\n".join(rows) + "\n"


def main(argv: list[str]) -> int:
    if "--table" in argv:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            cases = build(tmp)
            os.chmod(Path(tmp) / "locked" / "inner", 0o700)
        sys.stdout.write(table(cases))
        return 0
    folders = [a for a in argv if not a.startswith("--")]
    if len(folders) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    cases = build(folders[0], big="--big" in argv)
    print(f"wrote {len(cases)} cases to {folders[0]} (manifest.json)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
