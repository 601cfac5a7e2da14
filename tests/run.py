"""Run the whole test suite on PostgreSQL (a throwaway server) and then on SQLite.

    python -m tests.run [pytest args]

Prints one result line per database and a final total; exits non-zero if either run
failed, including a run that collected no tests (pytest exit code 5).
"""

import os
import signal
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from tests.servers.postgres import start_postgres

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEARDOWN_GRACE_SECONDS = 60


@dataclass
class Outcome:
    database: str
    exit_code: int
    passed: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    def line(self) -> str:
        status = "ok" if self.ok else f"FAILED (pytest exit code {self.exit_code})"
        return f"{self.database}: {self.passed} passed, {self.failed} failed, {self.skipped} skipped - {status}"


def run_pytest(database: str, database_url: str | None, pytest_args: list[str], report_dir: Path) -> Outcome:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    if database_url:
        env["DATABASE_URL"] = database_url
    report = report_dir / f"{database}.xml"
    print(f"\n===== {database} =====", flush=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest", f"--junitxml={report}", *pytest_args], cwd=PROJECT_ROOT, env=env
    )
    try:
        exit_code = process.wait()
    except KeyboardInterrupt:
        # pytest got the same Ctrl-C: let it stop its servers before we go on.
        exit_code = _wait_for_teardown(process)
        raise
    return _count(Outcome(database, exit_code), report)


def _wait_for_teardown(process: subprocess.Popen) -> int:
    try:
        return process.wait(timeout=TEARDOWN_GRACE_SECONDS)
    except (subprocess.TimeoutExpired, KeyboardInterrupt):
        process.kill()
        return process.wait()


def _count(outcome: Outcome, report: Path) -> Outcome:
    try:
        suites = ET.parse(report).getroot().iter("testsuite")
    except (FileNotFoundError, ET.ParseError):
        return outcome
    for suite in suites:
        total, skipped = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
        failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        outcome.passed += total - skipped - failed
        outcome.failed += failed
        outcome.skipped += skipped
    return outcome


def _terminate_as_interrupt(signum, frame):
    raise KeyboardInterrupt


def main(pytest_args: list[str]) -> int:
    signal.signal(signal.SIGTERM, _terminate_as_interrupt)
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="crm-run-") as report_dir:
        postgres = start_postgres()
        try:
            outcomes.append(run_pytest("postgresql", postgres.url, pytest_args, Path(report_dir)))
        finally:
            postgres.stop()
        outcomes.append(run_pytest("sqlite", None, pytest_args, Path(report_dir)))
    print()
    for outcome in outcomes:
        print(outcome.line())
    passed, failed = sum(o.passed for o in outcomes), sum(o.failed for o in outcomes)
    skipped = sum(o.skipped for o in outcomes)
    print(f"total: {passed} passed, {failed} failed, {skipped} skipped")
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        print("\ninterrupted: servers stopped", file=sys.stderr)
        sys.exit(130)
