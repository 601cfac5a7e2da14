"""Run a manage.py command that pauses right after it takes its first crm.locks lock.

    python tests/crm/hold_lock.py READY_FILE GO_FILE <manage.py arguments>

It writes the lock's name into READY_FILE, then waits for GO_FILE to exist before going on:
a test starts a second run of the same job meanwhile, knowing for sure that the first holds
the lock (no timing guesswork). Everything else is the real command.
"""

import contextlib
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

WAIT_SECONDS = 120


def main(ready: Path, go: Path, arguments: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings_test")
    import django

    django.setup()
    from django.core.management import execute_from_command_line

    from crm import locks

    real_exclusive = locks.exclusive

    @contextlib.contextmanager
    def pausing_once(name):
        with real_exclusive(name) as lock:
            if not ready.exists():
                ready.write_text(name)
                deadline = time.monotonic() + WAIT_SECONDS
                while not go.exists() and time.monotonic() < deadline:
                    time.sleep(0.02)
            yield lock

    locks.exclusive = pausing_once
    execute_from_command_line(["manage.py", *arguments])


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:])
