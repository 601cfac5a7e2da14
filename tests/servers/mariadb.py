"""A throwaway MariaDB (Debian's `mariadb-server` binaries) in a short temp dir on a free port.

The root account has no password and may log in over TCP (`--auth-root-authentication-method=normal`);
durability is switched off because the data only lives as long as the test run.
"""

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pymysql

from tests.servers._local import (
    HOST,
    free_port,
    launch,
    log_tail,
    process_running,
    short_tempdir,
    wait_for_port,
    wait_until_stopped,
)


@dataclass
class MariaDBServer:
    directory: Path
    port: int
    host: str = HOST
    user: str = "root"
    password: str = ""
    process: subprocess.Popen | None = field(default=None, repr=False)
    stopped: bool = False

    def url_for(self, database: str) -> str:
        return f"mysql://{self.user}:{self.password}@{self.host}:{self.port}/{database}"

    def connect(self, database: str | None = None, **options) -> pymysql.connections.Connection:
        return pymysql.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            database=database,
            charset="utf8mb4",
            autocommit=True,
            **options,
        )

    def create_database(self, name: str) -> str:
        """Create database `name` (utf8mb4, as PrestaShop does) and return its mysql:// URL."""
        self.execute(f"CREATE DATABASE `{name}` DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci")
        return self.url_for(name)

    def execute(self, sql: str | bytes, params=None, database: str | None = None) -> list[tuple]:
        """Run one statement and return its rows (empty for statements without a result)."""
        with self.connect(database) as connection, connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        if self.process and process_running(self.process.pid):
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            wait_until_stopped(self.process.pid, timeout=5)
        shutil.rmtree(self.directory, ignore_errors=True)


def start_mariadb() -> MariaDBServer:
    directory = short_tempdir("crm-my-")
    server = MariaDBServer(directory=directory, port=free_port())
    return launch(server, _install, _start)


def _binary(name: str) -> str:
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if not path:
        raise RuntimeError(f"MariaDB is not installed: no {name} (apt-get install mariadb-server)")
    return path


def _install(server: MariaDBServer) -> None:
    command = [
        _binary("mariadb-install-db"),
        "--no-defaults",
        f"--datadir={server.directory / 'data'}",
        "--user=root",
        "--auth-root-authentication-method=normal",
        "--skip-test-db",
    ]
    result = subprocess.run(command, capture_output=True, text=True, cwd="/tmp")
    if result.returncode != 0:
        raise RuntimeError(f"mariadb-install-db failed ({result.returncode}): {result.stderr.strip()[-2000:]}")


def _start(server: MariaDBServer) -> None:
    log = server.directory / "error.log"
    command = [
        _binary("mariadbd"),
        "--no-defaults",
        f"--datadir={server.directory / 'data'}",
        f"--socket={server.directory / 'mysql.sock'}",
        f"--pid-file={server.directory / 'mariadbd.pid'}",
        f"--log-error={log}",
        f"--port={server.port}",
        f"--bind-address={HOST}",
        "--user=root",
        "--skip-log-bin",
        "--innodb-flush-log-at-trx-commit=0",
        "--innodb-doublewrite=0",
        "--innodb-buffer-pool-size=256M",
        "--skip-name-resolve",
    ]
    server.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/tmp")
    try:
        wait_for_port(server.port, timeout=30, is_alive=lambda: server.process.poll() is None)
    except (RuntimeError, TimeoutError) as error:
        raise RuntimeError(f"MariaDB did not start on port {server.port}: {error}\n{log_tail(log)}") from None
