"""A throwaway PostgreSQL (Debian's binaries) in a short temp dir on a free port."""

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from tests.servers._local import HOST, free_port, launch, log_tail, running_as_root, short_tempdir, wait_until_stopped

PG_ROOT = Path("/usr/lib/postgresql")


def pg_bin_dir() -> Path:
    versions = sorted((p for p in PG_ROOT.glob("*/bin") if (p / "initdb").exists()), key=_major_version)
    if not versions:
        raise RuntimeError(
            f"PostgreSQL is not installed: no {PG_ROOT}/<version>/bin/initdb (apt-get install postgresql)"
        )
    return versions[-1]


def _major_version(bin_dir: Path) -> int:
    name = bin_dir.parent.name
    return int(name) if name.isdigit() else 0


@dataclass
class PostgresServer:
    directory: Path
    port: int
    bin_dir: Path
    stopped: bool = False

    @property
    def data_dir(self) -> Path:
        return self.directory / "data"

    @property
    def url(self) -> str:
        return self.url_for("postgres")

    def url_for(self, database: str) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create database `name` and return its URL."""
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url_for(name)

    def restart(self) -> None:
        """Stop (ending every session at once, as a crash or an upgrade would) and start again."""
        log = self.directory / "pg.log"
        command = ["pg_ctl", "-D", str(self.data_dir), "-l", str(log), "-m", "fast", "-w", "restart"]
        result = _run(self.bin_dir, command, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not restart on port {self.port}:\n{log_tail(log)}")

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        pid = self._postmaster_pid()
        _run(self.bin_dir, ["pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop"], check=False)
        if pid:
            wait_until_stopped(pid, timeout=30)
        shutil.rmtree(self.directory, ignore_errors=True)

    def _postmaster_pid(self) -> int | None:
        try:
            return int((self.data_dir / "postmaster.pid").read_text().split()[0])
        except (FileNotFoundError, IndexError, ValueError):
            return None


def start_postgres() -> PostgresServer:
    bin_dir = pg_bin_dir()
    directory = short_tempdir("crm-pg-")
    if running_as_root():
        shutil.chown(directory, "postgres", "postgres")
    server = PostgresServer(directory=directory, port=free_port(), bin_dir=bin_dir)
    return launch(server, _initdb, _start)


def _initdb(server: PostgresServer) -> None:
    command = ["initdb", "-D", str(server.data_dir), "-U", "postgres", "-A", "trust"]
    _run(server.bin_dir, command + ["-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])


def _start(server: PostgresServer) -> None:
    options = " ".join(
        f"-c {setting}"
        for setting in (
            f"listen_addresses={HOST}",
            f"port={server.port}",
            f"unix_socket_directories={server.directory}",
            "fsync=off",
            "synchronous_commit=off",
            "full_page_writes=off",
        )
    )
    log = server.directory / "pg.log"
    command = ["pg_ctl", "-D", str(server.data_dir), "-l", str(log), "-w", "-o", options, "start"]
    result = _run(server.bin_dir, command, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"PostgreSQL did not start on port {server.port}:\n{log_tail(log)}")


def _run(bin_dir: Path, command: list[str], check: bool = True) -> subprocess.CompletedProcess:
    argv = [str(bin_dir / command[0]), *command[1:]]
    if running_as_root():  # initdb and postgres refuse to run as root
        argv = ["runuser", "-u", "postgres", "--", *argv]
    result = subprocess.run(argv, capture_output=True, text=True, cwd="/tmp")
    if check and result.returncode != 0:
        raise RuntimeError(
            f"{command[0]} failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}"
        )
    return result
