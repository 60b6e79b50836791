"""Routing results to their destinations, in input order, with the skip and reject trail.

One :class:`Writer` per run. For each input file it opens a destination (stdout, the mirrored file
under ``--output``, or the file itself with ``--in-place``), writes the file's cleaned documents
or records, and commits it when the next file starts. Skips are reported on stderr and, with
``--rejected``, recorded there together with every dropped paragraph.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from junkfilter.inputs import Item, Skip
from junkfilter.outputs import AtomicFile, JsonLines, Stdout, same_file
from junkfilter.runner import Result, Summary


class StrictStop(Exception):
    """``--strict`` and an input had to be skipped."""


@dataclass
class WriteOptions:
    output: str | None = None
    in_place: bool = False
    backup: str | None = None
    output_field: str | None = None
    text_field: str = "text"
    stats: bool = False
    rejected: str | None = None
    strict: bool = False
    quiet: bool = False


def _stats(result: Result, item: Item) -> dict:
    return {"chars_in": len(item.text), "chars_out": len(result.cleaned),
            "paragraphs": result.paragraphs, "kept": result.kept,
            "dropped": result.dropped}  # fmt: skip


class Writer:
    """Writes results where they belong and keeps the run's :class:`Summary`."""

    def __init__(self, opts: WriteOptions, summary: Summary) -> None:
        self.opts = opts
        self.summary = summary
        self.rejected = JsonLines(opts.rejected) if opts.rejected else None
        self._source: str | None = None
        self._sink = None
        self._stdout = Stdout()
        self._wrote_stdout = False

    # -- destinations ----------------------------------------------------------------------------
    def _destination(self, item: Item):
        src = item.source
        if self.opts.in_place and src != "-":
            return AtomicFile(src, backup=self.opts.backup, gz=src.endswith(".gz"))
        if self.opts.output:
            rel = item.rel
            if src == "-":
                rel = "stdin.jsonl" if item.record is not None else "stdin.txt"
            dest = Path(self.opts.output) / rel
            if same_file(dest, src):
                raise OSError(f"output {dest} is the input file; use --in-place to rewrite inputs")
            return AtomicFile(dest, gz=str(dest).endswith(".gz"))
        return self._stdout

    def _switch(self, item: Item) -> None:
        if item.source == self._source and self._sink is not None:
            return
        self._commit()
        self._source = item.source
        self._sink = self._destination(item)

    def _commit(self) -> None:
        if self._sink is not None:
            self._sink.commit()
        self._sink = None

    # -- entries ---------------------------------------------------------------------------------
    def skip(self, entry: Skip) -> None:
        self.summary.skipped += 1
        print(f"junkfilter: skipped {entry.doc}: {entry.reason}", file=sys.stderr)
        if self.rejected is not None:
            record = {"doc": entry.doc, "skipped": entry.reason}
            if entry.raw is not None:
                record["raw"] = entry.raw
            self.rejected.write(record)
        if self.opts.strict:
            raise StrictStop(f"{entry.doc}: {entry.reason}")

    def write(self, item: Item, result: Result) -> None:
        self._switch(item)
        if not self.opts.quiet and item.part == 0:
            for note in item.notes:
                print(f"junkfilter: {item.doc}: {note}", file=sys.stderr)
        self.summary.add(item, result)
        if result.rejected and self.rejected is not None:
            for record in result.rejected:
                self.rejected.write(record)
        if item.record is not None:
            self._write_record(item, result)
        else:
            self._write_text(item, result)

    def _write_record(self, item: Item, result: Result) -> None:
        record = dict(item.record)
        record[self.opts.output_field or self.opts.text_field] = result.cleaned
        if self.opts.stats:
            record["junkfilter"] = _stats(result, item)
        self._sink.write(json.dumps(record, ensure_ascii=False) + "\n")

    def _write_text(self, item: Item, result: Result) -> None:
        sink = self._sink
        text = result.cleaned
        if sink is self._stdout and item.part == 0 and self._wrote_stdout:
            sink.write("\n")
        sink.write(text)
        if item.last_part and text and not text.endswith("\n"):
            sink.write("\n")
        if sink is self._stdout:
            self._wrote_stdout = True

    # -- end -------------------------------------------------------------------------------------
    def close(self) -> None:
        self._commit()
        if self.rejected is not None:
            self.rejected.close()

    def abort(self) -> None:
        if self._sink is not None:
            self._sink.abort()
        self._sink = None
        if self.rejected is not None:
            self.rejected.abort()
