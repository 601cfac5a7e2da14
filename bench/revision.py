"""Another revision's files in a temporary folder, for measuring it side by side with this one."""

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MERGE_BASE = "merge-base"


def resolve(revision: str) -> str:
    """A commit id; MERGE_BASE means where this branch left main (the code before this branch's changes)."""
    git = ["git", "-C", str(PROJECT_ROOT)]
    if revision == MERGE_BASE:
        return subprocess.run([*git, "merge-base", "HEAD", "main"], capture_output=True, text=True).stdout.strip()
    return subprocess.run([*git, "rev-parse", revision], capture_output=True, text=True, check=True).stdout.strip()


@contextmanager
def checked_out(revision: str) -> Iterator[Path]:
    """The revision's files copied with `git archive` (the repository and its worktrees stay untouched)."""
    folder = Path(tempfile.mkdtemp(prefix="bench-previous-"))
    try:
        tar = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "archive", "--format=tar", revision], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=tar, check=True)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
