"""Routing results to their destinations, in input order, with the skip and reject trail.

One :class:`Writer` per run. For each input file it opens a destination (stdout, the mirrored file
under ``--output``, or the file itself with ``--in-place``), writes the file's cleaned documents
or records, and commits it when the next file starts. Skips are reported on stderr (one line) and,
with ``--rejected``, recorded there together with every dropped paragraph, so that the kept
output and the rejected records account for every paragraph of the input.

Choices:

* a file that turns out unreadable after some of it was read (a truncated ``.gz``) is counted as
  skipped; with ``--in-place`` it is left as it was, elsewhere what could be read is written;
* with ``--in-place``, JSON Lines lines that cannot be used (bad JSON, no text field, blank) are
  kept verbatim in the rewritten file; elsewhere they are left out (``--rejected`` has them);
* two inputs that would be written to the same ``--output`` name: the second is skipped;
* a destination that cannot be written (no permission, a folder in the way) skips that input.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from junkfilter.inputs import Item, Skip
from junkfilter.outputs import (
    AtomicFile,
    JsonLines,
    Stdout,
    deferred_signals,
    json_line,
    one_line,
    same_file,
)
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
        self._dests: dict[str, str] = {}
        self._failed: set[str] = set()
        self._index_base = 0  # paragraphs of earlier parts of the current document
        self._tail = ""  # last character written for the current document

    # -- destinations ----------------------------------------------------------------------------
    def _destination(self, source: str, rel: str, is_record: bool):
        if self.opts.in_place and source != "-":
            return AtomicFile(source, backup=self.opts.backup, gz=source.endswith(".gz"))
        if self.opts.output:
            if source == "-":
                rel = "stdin.jsonl" if is_record else "stdin.txt"
            dest = Path(self.opts.output) / rel
            if same_file(dest, source):
                raise OSError(f"{dest} is the input file; use --in-place to rewrite inputs")
            earlier = self._dests.setdefault(str(dest), source)
            if earlier != source:
                raise OSError(f"{dest} was already written for {earlier}")
            return AtomicFile(dest, gz=str(dest).endswith(".gz"))
        return self._stdout

    def _switch(self, source: str, rel: str, is_record: bool) -> bool:
        """Make ``source``'s destination current; False if it cannot be written."""
        if source in self._failed:
            return False
        if source == self._source and self._sink is not None:
            return True
        self._commit()
        try:
            with deferred_signals():
                self._sink = self._destination(source, rel, is_record)
        except OSError as exc:
            self._failed.add(source)
            self.skip(Skip(rel or source, f"cannot write output: {exc}", source=source))
            return False
        self._source = source
        return True

    def _commit(self) -> None:
        with deferred_signals():
            if self._sink is not None:
                self._sink.commit()
            self._sink = None
            self._source = None

    def _drop_current(self) -> None:
        """Abandon the current destination: an in-place or mirrored file stays as it was."""
        if self._sink is not None and self._sink is not self._stdout:
            self._sink.abort()
            self._sink = None
            self._source = None

    # -- entries ---------------------------------------------------------------------------------
    def skip(self, entry: Skip) -> None:
        if not entry.counted:  # a blank JSON Lines line
            self._pass_through(entry)
            return
        if entry.whole and self.opts.in_place and entry.source == self._source:
            self._drop_current()
            self._failed.add(entry.source)
        self.summary.skipped += 1
        reason = f"{one_line(entry.doc)}: {one_line(entry.reason)}"
        print(f"junkfilter: skipped {reason}", file=sys.stderr)
        if self.rejected is not None:
            record = {"doc": entry.doc, "skipped": entry.reason}
            if entry.raw is not None:
                record["raw"] = entry.raw
            self.rejected.write(record)
        self._pass_through(entry)
        if self.opts.strict:
            raise StrictStop(f"{entry.doc}: {entry.reason}")

    def _pass_through(self, entry: Skip) -> None:
        wanted = self.opts.in_place and entry.line is not None and entry.source not in self._failed
        if wanted and self._switch(entry.source, entry.source, True):
            self._sink.write_bytes(entry.line)

    def write(self, item: Item, result: Result) -> None:
        if not self._switch(item.source, item.rel, item.record is not None):
            return
        if item.part == 0:
            self._index_base, self._tail = 0, ""
            if not self.opts.quiet:
                for note in item.notes:
                    print(f"junkfilter: {one_line(item.doc)}: {note}", file=sys.stderr)
        self.summary.add(item, result)
        if result.rejected and self.rejected is not None:
            for record in result.rejected:
                if self._index_base:
                    record = {**record, "index": record["index"] + self._index_base}
                self.rejected.write(record)
        self._index_base += result.paragraphs
        if item.record is not None:
            self._write_record(item, result)
        else:
            self._write_text(item, result)

    def _write_record(self, item: Item, result: Result) -> None:
        record = dict(item.record)
        record[self.opts.output_field or self.opts.text_field] = result.cleaned
        if self.opts.stats:
            record["junkfilter"] = result.stats(item.text)
        self._sink.write(json_line(record, item.plain_json))

    def _write_text(self, item: Item, result: Result) -> None:
        sink, text = self._sink, result.cleaned
        if sink is self._stdout and item.part == 0 and self._wrote_stdout:
            sink.write("\n")
        if item.part and text and self._tail:  # keep paragraphs of two parts apart
            sink.write("\n" if self._tail in "\r\n" else "\n\n")
        sink.write(text)
        if item.last_part and (text or self._tail) and not (text or self._tail).endswith("\n"):
            sink.write("\n")
        self._tail = text[-1:] or self._tail
        if sink is self._stdout:
            self._wrote_stdout = True

    # -- end -------------------------------------------------------------------------------------
    def close(self) -> None:
        with deferred_signals():
            self._commit()
            if self.rejected is not None:
                self.rejected.close()
                self.rejected = None

    def abort(self) -> None:
        with deferred_signals():
            if self._sink is not None:
                self._sink.abort()
            self._sink = None
            if self.rejected is not None:
                self.rejected.abort()
