"""Small helpers shared by the server starters: ports, temp dirs, processes."""

import atexit
import os
import socket
import subprocess
import tempfile
import time
from pathlib import Path

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def short_tempdir(prefix: str = "crm-") -> Path:
    # Under /tmp, not $TMPDIR: unix socket paths are limited to ~108 characters.
    return Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))


def wait_for_port(port: int, timeout: float, is_alive=lambda: True) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not is_alive():
            raise RuntimeError(f"server exited before listening on port {port}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.02)
    raise TimeoutError(f"nothing listens on {HOST}:{port} after {timeout} s")


def process_running(pid: int) -> bool:
    """True while the process exists and is not a zombie (a dead child nobody reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    state = stat.rsplit(")", 1)[1].split()[0]
    return state not in ("Z", "X")


def wait_until_stopped(pid: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while process_running(pid):
        if time.monotonic() > deadline:
            raise TimeoutError(f"process {pid} still running after {timeout} s")
        time.sleep(0.02)


def log_tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


def running_as_root() -> bool:
    return os.geteuid() == 0


def launch(server, *steps):
    """Run a server's start-up steps; stop it again if one fails, and at interpreter exit."""
    try:
        for step in steps:
            step(server)
    except BaseException:
        server.stop()
        raise
    atexit.register(server.stop)
    return server


def self_signed_cert(directory: Path) -> None:
    """key.pem and cert.pem in `directory`: a certificate for localhost and 127.0.0.1, valid two days."""
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            f"subjectAltName=DNS:localhost,IP:{HOST}",
            "-keyout",
            str(directory / "key.pem"),
            "-out",
            str(directory / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )
