"""Throughput, cold start, memory and worker scaling of ``junkfilter filter`` (GitHub issue 3).

Run ``python benchmarks/throughput.py [--model M] [--mb 10] [--big] [--profile]``; see
``benchmarks/README.md`` for what each figure means. Results: a table on stdout and
``benchmarks/out/throughput.json`` (plus ``profile.txt`` with ``--profile``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
SHARED_FILES = ("dragnet-train", "l3s-gn1", "cleaneval", "msv-news", "readability")


# -- model and corpus -----------------------------------------------------------------------------
def find_model(arg: str | None) -> tuple[str, str]:
    """(model path, where it came from): ``--model``, the shipped model, or one trained here."""
    if arg:
        return arg, "--model"
    from junkfilter.persist import ModelError, default_model_path

    try:
        return str(default_model_path()), "shipped"
    except ModelError:
        pass
    path = OUT / "model" / "bench.skops"
    if not path.exists():
        from junkfilter.documents import read_documents
        from junkfilter.persist import save
        from junkfilter.train import fit

        docs = list(read_documents([ROOT / "training_data"]))
        estimator, summary = fit(docs, params={"max_iter": 20}, log=lambda *_: None)
        save(estimator, path, {"name": "bench", "training": summary})
    return str(path), "trained on training_data/ (no shipped model)"


def shared_data() -> Path | None:
    base = os.environ.get("JUNKFILTER_SHARED")
    for cand in ([Path(base) / "data"] if base else []) + [ROOT.parent / "shared" / "data"]:
        if cand.is_dir():
            return cand
    return None


def rendered_pages(data: Path, limit_chars: int) -> list[str]:
    """Pages of the shared corpora rendered to text by the ``blocks`` renderer, round robin."""
    from junkfilter.corpus.render import RENDERERS

    render = RENDERERS["blocks"]
    paths = [data / f"{n}.jsonl.gz" for n in SHARED_FILES if (data / f"{n}.jsonl.gz").exists()]
    handles = [gzip.open(p, "rt", encoding="utf-8") for p in paths]  # noqa: SIM115 - closed below
    texts, total = [], 0
    try:
        while handles and total < limit_chars:
            for fh in list(handles):
                line = fh.readline()
                if not line:
                    handles.remove(fh)
                    continue
                html = json.loads(line).get("html")
                text = render(html) if isinstance(html, str) else ""
                if text.strip():
                    texts.append(text)
                    total += len(text)
    finally:
        for fh in handles:
            fh.close()
    return texts


def training_texts() -> list[str]:
    from junkfilter.documents import read_documents

    return [d.text for d in read_documents([ROOT / "training_data"])]


def build_corpus(limit_chars: int) -> tuple[list[str], str]:
    """Realistic page texts and a description of where they came from (cached in ``out/``)."""
    cache = OUT / "corpus.json"
    if cache.exists():
        saved = json.loads(cache.read_text(encoding="utf-8"))
        if saved["limit_chars"] == limit_chars:
            return saved["texts"], saved["source"]
    texts, source = [], ""
    data = shared_data()
    try:
        if data is not None:
            texts = rendered_pages(data, limit_chars)
            source = f"{len(texts)} pages of {data} rendered by corpus.render 'blocks'"
    except ImportError:
        texts = []
    if not texts:
        texts = training_texts()
        source = f"{len(texts)} documents of training_data/ (no shared data or renderer)"
    OUT.mkdir(parents=True, exist_ok=True)
    record = {"limit_chars": limit_chars, "source": source, "texts": texts}
    cache.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return texts, source


def write_jsonl(texts: list[str], path: Path, min_bytes: int) -> tuple[int, int]:
    """Records ``{"id", "url", "text"}`` cycling over ``texts`` until the text field bytes reach
    ``min_bytes``; return (documents, text bytes)."""
    n = text_bytes = 0
    with open(path, "w", encoding="utf-8") as fh:
        while text_bytes < min_bytes or n < len(texts):
            text = texts[n % len(texts)]
            rec = {"id": f"doc-{n}", "url": f"https://example.org/{n}", "text": text}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            text_bytes += len(text.encode("utf-8"))
            n += 1
    return n, text_bytes


# -- running the CLI ------------------------------------------------------------------------------
def cli() -> list[str]:
    """The ``junkfilter`` console script of this interpreter's environment."""
    script = Path(sys.executable).parent / "junkfilter"
    return [str(script)] if script.exists() else [sys.executable, "-m", "junkfilter.cli"]


class TreeSampler(threading.Thread):
    """Peak RSS of a process and its children, sampled every 0.1 s (needs psutil)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_total, self.peak_one, self.stop = pid, 0, 0, threading.Event()

    def run(self) -> None:
        try:
            import psutil
        except ImportError:
            return
        while not self.stop.is_set():
            try:
                root = psutil.Process(self.pid)
                rss = [p.memory_info().rss for p in [root, *root.children(recursive=True)]]
            except psutil.Error:
                rss = []
            if rss:
                self.peak_total = max(self.peak_total, sum(rss))
                self.peak_one = max(self.peak_one, max(rss))
            self.stop.wait(0.1)


def run_cli(args: list[str], stdin=None) -> dict:
    """Run ``junkfilter ARGS`` with stdout to /dev/null; wall time and memory figures."""
    with open(os.devnull, "wb") as null:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cli() + args, stdout=null, stderr=subprocess.PIPE, stdin=stdin)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        err = b"".join(iter(lambda: proc.stderr.read(65536), b""))
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        sampler.stop.set()
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"junkfilter {' '.join(args)} failed: {err.decode()[-2000:]}")
    return {"seconds": wall, "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "maxrss_mb": usage.ru_maxrss / 1024, "loadavg_1min_after": os.getloadavg()[0],
            "tree_peak_mb": sampler.peak_total / 2**20,
            "process_peak_mb": sampler.peak_one / 2**20}  # fmt: skip


def bench_filter(path: Path, text_bytes: int, model: str, jobs: int, repeat: int = 2) -> dict:
    """The fastest of ``repeat`` runs (the one least disturbed by whatever else runs here)."""
    runs = [run_cli(["filter", "--jsonl", "-j", str(jobs), "-q", "-m", model, str(path)])
            for _ in range(max(1, repeat))]  # fmt: skip
    return fastest(runs, text_bytes)


def bench_workers(path: Path, text_bytes: int, model: str, repeat: int = 3) -> dict:
    """``filter -j 1`` and ``-j 2``, the fastest of ``repeat`` runs each, the two alternating:
    this host's speed drifts by several per cent over a minute, and runs of one kind in a block
    then the other would put that drift into the speed-up."""
    runs: dict = {1: [], 2: []}
    for _ in range(max(1, repeat)):
        for jobs in (1, 2):
            cmd = ["filter", "--jsonl", "-j", str(jobs), "-q", "-m", model, str(path)]
            runs[jobs].append(run_cli(cmd))
    return {jobs: fastest(rs, text_bytes) for jobs, rs in runs.items()}


def fastest(runs: list[dict], text_bytes: int) -> dict:
    """The fastest run, with every run's seconds and its rates."""
    res = min(runs, key=lambda run: run["seconds"])
    res["all_seconds"] = [round(run["seconds"], 3) for run in runs]
    res["mb_per_s"] = text_bytes / 1e6 / res["seconds"]
    res["mb_per_cpu_s"] = text_bytes / 1e6 / res["cpu_seconds"]  # includes reaped workers
    return res


def bench_steady(texts: list[str], tmp: Path, model: str, r: dict, small_mb: float) -> dict:
    """Per-MB speed without the fixed start-up: the same runs on a tenth of the input, and
    the rate of the difference (``(MB - MB_small) / (t - t_small)``) for 1 and 2 workers."""
    small = tmp / "small-corpus.jsonl"
    _, small_bytes = write_jsonl(texts[: max(1, len(texts) // 10)], small, int(small_mb * 1e6))
    out = {"small_mb": small_bytes / 1e6}
    for jobs in (1, 2):
        run = bench_filter(small, small_bytes, model, jobs)
        full = r[f"filter_j{jobs}"]
        extra_mb = full["mb_per_s"] * full["seconds"] - small_bytes / 1e6
        out[f"j{jobs}_mb_per_s"] = extra_mb / max(full["seconds"] - run["seconds"], 1e-9)
    out["speedup"] = out["j2_mb_per_s"] / out["j1_mb_per_s"]
    return out


def bench_c4(texts: list[str]) -> dict:
    """The C4-style line filter over the same texts, in this process (best of 3)."""
    from junkfilter.evaluate import c4_line_filter

    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for t in texts:
            c4_line_filter(t)
        best = min(best, time.perf_counter() - t0)
    return {"seconds": best, "mb_per_s": mb / best}


def _median_wall(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_cold_start(model: str, runs: int, tmp: Path) -> dict:
    """Median wall time of ``junkfilter filter small.txt`` and of ``python -c pass``."""
    small = tmp / "small.txt"
    small.write_text("A Title\n\nA short paragraph of prose, the kind a page carries.\n")
    _median_wall(cli() + ["filter", "-q", "-m", model, str(small)], 1)  # warm the file cache
    junk = _median_wall(cli() + ["filter", "-q", "-m", model, str(small)], runs)
    bare = _median_wall([sys.executable, "-c", "pass"], runs)
    cmd = [sys.executable, "-X", "importtime", "-m", "junkfilter.cli", "filter", "-q", "-m", model]
    imports = subprocess.run(cmd + [str(small)], capture_output=True, text=True).stderr
    by_package: dict[str, float] = {}
    for line in imports.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[0].split(":")[-1].strip().isdigit():
            pkg = parts[2].strip().split(".")[0]
            by_package[pkg] = by_package.get(pkg, 0.0) + int(parts[0].split(":")[-1]) / 1e6
    top = sorted(((s, n) for n, s in by_package.items()), reverse=True)[:8]
    return {"junkfilter_s": junk, "python_s": bare, "overhead_s": junk - bare, "runs": runs,
            "import_seconds_by_package": {n: round(s, 4) for s, n in top}}  # fmt: skip


def profile_filter(path: Path, model: str, tmp: Path, top: int = 15) -> str:
    """cProfile of one in-process ``filter --jsonl -j 1`` run over ``path``: top functions."""
    import cProfile
    import io
    import pstats

    import junkfilter
    from junkfilter.session import run_filter
    from junkfilter.writer import WriteOptions

    jf = junkfilter.load(model)
    opts = WriteOptions(output=str(tmp / "profile-out"), quiet=True)
    prof = cProfile.Profile()
    prof.runcall(run_filter, [str(path)], jf, opts, jsonl=True, jobs=1)
    prof.dump_stats(OUT / "profile.pstats")
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return buf.getvalue()


def stage_breakdown(texts: list[str], model: str, batch_chars: int = 1 << 18) -> dict:
    """Seconds per stage of cleaning ``texts`` in process, without profiler overhead.

    The stages are run one after the other on the same batches, exactly as
    :meth:`JunkFilter.verdicts` (the path of ``filter`` without ``--rejected``) chains them.
    """
    import numpy as np

    import junkfilter
    from junkfilter.fastshape import shape_matrix
    from junkfilter.features import _hashed_block, featurize_texts
    from junkfilter.segment import spans_many
    from junkfilter.verdicts import Verdicts, decide

    jf = junkfilter.load(model)
    m = jf.model
    names = ("segment", "text_hashing", "shape", "context", "stage1", "stage2", "hmm_decode",
             "decide", "assemble", "json_in_out")  # fmt: skip
    t = dict.fromkeys(names, 0.0)
    batches, batch, size = [], [], 0
    for text in texts:
        batch.append(text)
        size += len(text)
        if size >= batch_chars:
            batches.append(batch)
            batch, size = [], 0
    batches += [batch] if batch else []
    labels = [str(c) for c in m.classes]
    for b in batches:
        clock = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            t[name] += now - clock
            clock = now

        starts, ends, sizes, _ = spans_many(b)
        doc = np.repeat(np.arange(len(b)), sizes).tolist()
        paras = [b[d][s:e] for d, s, e in zip(doc, starts.tolist(), ends.tolist(), strict=True)]
        lap("segment")
        _hashed_block(paras)
        lap("text_hashing")
        shape_matrix(paras)
        lap("shape")
        rows = featurize_texts(paras, sizes)  # all of it again; the parts above are subtracted
        lap("context")
        p1 = m.stage1_proba(rows)
        lap("stage1")
        groups = np.repeat(np.arange(len(b)), sizes)
        proba = m.context_proba(p1, rows, groups, jf.config.shortcut)
        lap("stage2")
        proba = m.decoded(proba, groups)
        lap("hmm_decode")
        best, keep, why = decide(proba, jf._labels, sizes, jf.config)
        lap("decide")
        v = Verdicts(b, np.r_[0, np.cumsum(sizes)], starts, ends, best, keep, why, tuple(labels))
        cleaned = [v.cleaned(i) for i in range(len(b))]
        v.counts()
        lap("assemble")
        lines = [json.dumps({"id": i, "text": x}, ensure_ascii=False) for i, x in enumerate(b)]
        for line, c in zip(lines, cleaned, strict=True):
            rec = json.loads(line)
            rec["text"] = c
            json.dumps(rec, ensure_ascii=False)
        lap("json_in_out")
    t["context"] = max(t["context"] - t["text_hashing"] - t["shape"], 0.0)
    mb = sum(len(x.encode("utf-8")) for x in texts) / 1e6
    total = sum(t.values())
    return {"mb": mb, "seconds": t, "share": {k: v / total for k, v in t.items()},
            "mb_per_s_in_process": mb / total}  # fmt: skip


# -- report ---------------------------------------------------------------------------------------
def table(r: dict) -> str:
    f, c, cold = r["filter_j1"], r["c4"], r["cold_start"]
    rows = [
        ("corpus", r["corpus"]["source"]),
        ("input", f"{r['corpus']['documents']:,} docs, {r['corpus']['text_mb']:.1f} MB text"),
        ("model", f"{r['model']['path']} ({r['model']['source']})"),
        ("filter --jsonl -j 1 (per core)",
         f"{f['mb_per_s']:.2f} MB/s wall, {f['mb_per_cpu_s']:.2f} MB per CPU-s  "
         f"[{f['seconds']:.1f} s; goal >= 5, stretch 20]"),
        ("C4 line filter, same texts", f"{c['mb_per_s']:.1f} MB/s (in process)"),
        ("junkfilter / C4 speed ratio",
         f"{r['ratio_to_c4']:.3f} (C4 is {1 / r['ratio_to_c4']:.0f}x faster)"),
        ("cold start filter small.txt",
         f"{cold['junkfilter_s']:.3f} s (python -c pass {cold['python_s']:.3f} s); goal <= 0.5"),
        ("filter -j 2",
         f"{r['filter_j2']['mb_per_s']:.2f} MB/s  [{r['filter_j2']['seconds']:.1f} s]"),
        ("speed-up 2 workers / 1", f"{r['speedup_j2']:.2f}x (goal >= 1.8x on 2 cores; load "
         f"average before the runs {r['machine']['loadavg_1min_before']:.1f})"),
        ("steady state (start-up excluded)",
         f"-j 1 {r['steady']['j1_mb_per_s']:.2f} MB/s, -j 2 {r['steady']['j2_mb_per_s']:.2f} "
         f"MB/s: {r['steady']['speedup']:.2f}x (difference of the runs above and runs on "
         f"{r['steady']['small_mb']:.0f} MB)"),
        ("peak RSS -j 1, corpus run", f"{f['maxrss_mb']:.0f} MB"),
    ]  # fmt: skip
    stages = ", ".join(f"{k} {v:.0%}" for k, v in r["stages"]["share"].items())
    rows.append(("in-process time by stage", stages))
    if "big" in r:
        b = r["big"]
        rows.append((f"peak RSS on {b['text_mb'] / 1e3:.2f} GB JSONL (-j {b['jobs']})",
                     f"{b['maxrss_mb']:.0f} MB main process, {b['process_peak_mb']:.0f} MB "
                     f"largest process, {b['tree_peak_mb']:.0f} MB all processes; goal <= 300 "
                     f"[{b['mb_per_s']:.2f} MB/s]"))  # fmt: skip
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="model file [default: shipped, else one trained here]")
    ap.add_argument("--mb", type=float, default=100.0,
                    help="MB of text for the speed runs, the pages repeated as needed [100]")
    ap.add_argument(
        "--corpus-mb",
        type=float,
        default=12.0,
        help="MB of distinct page text to render (cached in out/) [12]",
    )
    ap.add_argument("--big", action="store_true", help="peak RSS on a >= 1 GB JSONL (slow)")
    ap.add_argument(
        "--big-mb",
        type=float,
        default=None,
        help="size of the memory run's input [1100 with --big, else 100]",
    )
    ap.add_argument("--big-jobs", type=int, default=None, help="workers of the memory run [all]")
    ap.add_argument("--runs", type=int, default=7, help="cold-start runs (median) [7]")
    ap.add_argument("--profile", action="store_true", help="also write out/profile.txt")
    return ap.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    model, model_source = find_model(args.model)
    texts, source = build_corpus(int(args.corpus_mb * 1e6))
    r: dict = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                           "platform": platform.platform(),
                           "loadavg_1min_before": os.getloadavg()[0]},
               "model": {"path": model, "source": model_source}}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="jf-bench-") as tmpname:
        tmp = Path(tmpname)
        corpus = tmp / "corpus.jsonl"
        docs, text_bytes = write_jsonl(texts, corpus, int(args.mb * 1e6))
        r["corpus"] = {"source": source, "documents": docs, "text_mb": text_bytes / 1e6,
                       "distinct_documents": len(texts)}  # fmt: skip
        print(f"corpus: {source}; {docs:,} docs, {text_bytes / 1e6:.1f} MB", file=sys.stderr)
        r["filter_j1"], r["filter_j2"] = bench_workers(corpus, text_bytes, model).values()
        r["speedup_j2"] = r["filter_j1"]["seconds"] / r["filter_j2"]["seconds"]
        r["steady"] = bench_steady(texts, tmp, model, r, args.mb / 10)
        r["c4"] = bench_c4(texts)
        r["ratio_to_c4"] = r["filter_j1"]["mb_per_s"] / r["c4"]["mb_per_s"]
        r["cold_start"] = bench_cold_start(model, args.runs, tmp)
        r["stages"] = stage_breakdown(texts, model)
        if args.profile:
            (OUT / "profile.txt").write_text(profile_filter(corpus, model, tmp))
        if args.big or args.big_mb:
            r["big"] = bench_big(texts, model, tmp, args)
    (OUT / "throughput.json").write_text(json.dumps(r, indent=2) + "\n")
    print(table(r))
    return 0


def bench_big(texts: list[str], model: str, tmp: Path, args) -> dict:
    """Peak memory on a large generated JSONL (>= 1 GB with ``--big``)."""
    size_mb = args.big_mb or (1100.0 if args.big else 100.0)
    jobs = args.big_jobs or len(os.sched_getaffinity(0))
    path = tmp / "big.jsonl"
    print(f"writing {size_mb:.0f} MB JSONL for the memory run ...", file=sys.stderr)
    docs, text_bytes = write_jsonl(texts, path, int(size_mb * 1e6))
    res = bench_filter(path, text_bytes, model, jobs, repeat=1)
    res.update(
        jobs=jobs, documents=docs, text_mb=text_bytes / 1e6, file_mb=path.stat().st_size / 1e6
    )
    path.unlink()
    return res


if __name__ == "__main__":
    sys.exit(main())
