"""Progress, warning and summary lines of one import run."""

import time
from collections import defaultdict
from dataclasses import dataclass, field

MAX_LINES_PER_TABLE = 20
PROGRESS_EVERY_SECONDS = 5.0


@dataclass
class TableStats:
    read: int = 0
    written: int = 0
    unchanged: int = 0  # read and equal to the mirror's row: not written
    skipped: int = 0
    deleted: int = 0
    warnings: int = 0
    failed: bool = False
    seconds: float = 0.0


@dataclass
class Report:
    """Writes lines through `out` (progress, summary) and `err` (warnings, errors)."""

    out: callable
    err: callable
    verbose: bool = True
    stats: dict = field(default_factory=lambda: defaultdict(TableStats))
    errors: int = 0
    _shown: dict = field(default_factory=lambda: defaultdict(int))
    _last_progress: float = field(default_factory=time.monotonic)

    def warning(self, table: str, message: str) -> None:
        self.stats[table].warnings += 1
        self._limited(table, f"WARNING {table}: {message}")

    def error(self, table: str, message: str) -> None:
        self.errors += 1
        self.stats[table].failed = True
        self.err(f"ERROR {table}: {message}")

    def _limited(self, table: str, line: str) -> None:
        self._shown[table] += 1
        if self._shown[table] <= MAX_LINES_PER_TABLE:
            self.err(line)
        elif self._shown[table] == MAX_LINES_PER_TABLE + 1:
            self.err(f"WARNING {table}: more warnings follow; only their number is in the summary")

    def progress(self, table: str, started: float) -> None:
        now = time.monotonic()
        if not self.verbose or now - self._last_progress < PROGRESS_EVERY_SECONDS:
            return
        self._last_progress = now
        stats = self.stats[table]
        self.out(f"  {table}: {stats.read} read, {stats.written} written ({_rate(stats.read, now - started)})")

    def table_done(self, table: str, started: float) -> None:
        stats = self.stats[table]
        stats.seconds = time.monotonic() - started
        if self.verbose:
            self.out(f"{table}: {_describe(stats)}")

    def summary(self, seconds: float) -> str:
        read = sum(s.read for s in self.stats.values())
        written = sum(s.written for s in self.stats.values())
        unchanged = sum(s.unchanged for s in self.stats.values())
        deleted = sum(s.deleted for s in self.stats.values())
        warnings = sum(s.warnings for s in self.stats.values())
        return (
            f"Import finished in {seconds:.1f} s: {read} rows read, {written} written, {unchanged} unchanged, "
            f"{deleted} deleted, {warnings} warnings, {self.errors} errors ({_rate(read, seconds)})"
        )


def _describe(stats: TableStats) -> str:
    parts = [f"{stats.read} read", f"{stats.written} written"]
    if stats.unchanged:
        parts.append(f"{stats.unchanged} unchanged")
    if stats.skipped:
        parts.append(f"{stats.skipped} skipped")
    if stats.deleted:
        parts.append(f"{stats.deleted} deleted")
    if stats.warnings:
        parts.append(f"{stats.warnings} warnings")
    status = " (FAILED)" if stats.failed else ""
    return f"{', '.join(parts)} in {stats.seconds:.1f} s{status}"


def _rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:.0f} rows/s" if seconds > 0 else "-"
