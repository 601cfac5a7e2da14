"""A throwaway nginx (Debian's nginx-light) in the foreground, serving the `server { }` blocks it is given
with its pid, logs and temp files in its own folder."""

import shutil
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tests.servers._local import launch, log_tail, running_as_root, wait_for_port

NGINX = "/usr/sbin/nginx"
START_TIMEOUT = 20

MAIN_CONFIG = """\
{user}
daemon off;
master_process on;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log info;
events {{ worker_connections 64; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
{servers}
}}
"""


@dataclass
class Nginx:
    directory: Path
    ports: list[int]
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def error_log(self) -> Path:
        return self.directory / "error.log"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: finish the open requests
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_nginx(servers: str, directory: Path, ports: list[int]) -> Nginx:
    """nginx with `servers` inside its http block, once it listens on every one of `ports`."""
    if shutil.which(NGINX) is None:
        raise RuntimeError(f"{NGINX} is missing: install Debian's nginx-light (scripts/test does)")
    # As root the workers would run as `nobody`, who may not read the test's folder.
    user = "user root;" if running_as_root() else ""
    (directory / "nginx.conf").write_text(MAIN_CONFIG.format(user=user, dir=directory, servers=servers))
    return launch(Nginx(directory, ports), _check_config, _run)


def _check_config(server: Nginx) -> None:
    checked = subprocess.run(
        [NGINX, "-t", "-q", "-c", str(server.directory / "nginx.conf")], capture_output=True, text=True
    )
    if checked.returncode != 0:
        raise RuntimeError(f"nginx refuses its configuration: {checked.stderr.strip()}")


def _run(server: Nginx) -> None:
    log = (server.directory / "stderr.log").open("wb")
    server.process = subprocess.Popen(
        [NGINX, "-c", str(server.directory / "nginx.conf")], stdout=log, stderr=subprocess.STDOUT
    )
    try:
        for port in server.ports:
            wait_for_port(port, START_TIMEOUT, is_alive=lambda: server.process.poll() is None)
    except (RuntimeError, TimeoutError) as error:
        raise RuntimeError(f"nginx did not start: {error}\n{log_tail(server.error_log)}") from error
