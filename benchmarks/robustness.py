"""Time and peak memory on huge inputs: is ``junkfilter filter`` linear in input size?

    python benchmarks/robustness.py [--model PATH] [--quick] [--jobs N]

Three families of generated files, each at several sizes:

* one single line (12.5, 25, 50 MB): a single paragraph, held whole;
* many article paragraphs (25, 50, 100, 200 MB): cut into parts, classified part by part;
* tiny paragraphs (250k, 500k, 1M of ``Tiny para.``);
* side-by-side columns (12.5, 25, 50 MB): every line an article sentence and a menu item apart by
  a column gap, so every line is cut and read in reading order (the slow, scalar path).

Each run is a fresh ``junkfilter filter`` process (output to /dev/null); its wall time and peak
resident memory (``ru_maxrss`` of the child from ``os.wait4``; with ``--jobs`` > 1 the workers are
not included, so memory is measured with one job by default) are reported with the ratios to the
smallest size: linear time means time ratio ~ size ratio; bounded memory means the RSS of the
part-by-part families stays flat. ``--quick`` uses sizes 8x smaller. Results also go to
``benchmarks/out/robustness.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import badinput  # noqa: E402


def _write_line(path: Path, mb: float) -> None:
    with open(path, "w") as fh:
        for _ in range(int(mb * 10)):
            fh.write("word " * 20_000)  # 100 KB
        fh.write("\n")


def _write_articles(path: Path, mb: float) -> None:
    target = int(mb * 1e6)
    with open(path, "w") as fh:
        size, i = 0, 0
        while size < target:
            chunk = "".join(badinput.article(i + k) + "\n" for k in range(100))
            fh.write(chunk)
            size += len(chunk)
            i += 100


def _write_tiny(path: Path, count: int) -> None:
    with open(path, "w") as fh:
        for _ in range(count // 10_000):
            fh.write("Tiny para.\n\n" * 10_000)


def _write_columns(path: Path, mb: float) -> None:
    target = int(mb * 1e6)
    with open(path, "w") as fh:
        size, i = 0, 0
        while size < target:
            chunk = "".join(f"The council met on day {i + k} and agreed the plan for the path."
                            f"      Menu item {k % 7}\n" for k in range(1000))  # fmt: skip
            fh.write(chunk)
            size += len(chunk)
            i += 1000


def run(model: Path, path: Path, jobs: int) -> dict:
    cmd = [sys.executable, "-c", "from junkfilter.cli import main; main()", "filter", "--model",
           str(model), "-j", str(jobs), "-q", str(path)]  # fmt: skip
    t0 = time.perf_counter()
    with open(os.devnull, "wb") as null:
        proc = subprocess.Popen(cmd, stdout=null, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0 or "Traceback" in err:
        raise SystemExit(f"{path.name}: exit {code}\n{err}")
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1)}


def family(name, writer, sizes, unit, model, folder, jobs) -> list[dict]:
    rows = []
    for size in sizes:
        path = folder / f"{name}-{size}.txt"
        writer(path, size)
        mb = path.stat().st_size / 1e6
        result = run(model, path, jobs)
        path.unlink()
        rows.append({"family": name, "size": f"{size:,} {unit}", "mb": round(mb, 1), **result})
        base = rows[0]
        rows[-1]["size_ratio"] = round(mb / base["mb"], 2)
        rows[-1]["time_ratio"] = round(result["seconds"] / base["seconds"], 2)
        print(f"{name:10} {rows[-1]['size']:>14} {mb:8.1f} MB {result['seconds']:8.1f} s "
              f"{result['peak_rss_mb']:8.0f} MB RSS  size x{rows[-1]['size_ratio']:<5} "
              f"time x{rows[-1]['time_ratio']}", flush=True)  # fmt: skip
    return rows


def _train(folder: Path) -> Path:
    """The toy model, trained in a child process: ``ru_maxrss`` of later children would otherwise
    include this process's memory (it is inherited across fork)."""
    code = f"from tests import badinput; print(badinput.ensure_model({str(folder)!r}))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)  # fmt: skip
    return Path(out.stdout.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model file (default: a toy model trained now)")
    parser.add_argument("--quick", action="store_true", help="sizes 8x smaller")
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    scale = 1 / 8 if args.quick else 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        model = args.model or _train(folder)
        rows = family("one line", _write_line, [x * scale for x in (12.5, 25, 50)], "MB", model,
                      folder, args.jobs)  # fmt: skip
        rows += family("articles", _write_articles, [x * scale for x in (25, 50, 100, 200)], "MB",
                       model, folder, args.jobs)  # fmt: skip
        rows += family("tiny", _write_tiny, [int(x * scale) for x in (250_000, 500_000, 10**6)],
                       "paragraphs", model, folder, args.jobs)  # fmt: skip
        rows += family("columns", _write_columns, [x * scale for x in (12.5, 25, 50)], "MB",
                       model, folder, args.jobs)  # fmt: skip
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "robustness.json").write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
