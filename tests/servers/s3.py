"""A throwaway S3 API server (moto's standalone server, its own process) on a free port."""

import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tests.servers._local import HOST, free_port, launch, log_tail, short_tempdir, wait_for_port

# moto accepts any keys; real ones are never needed (or wanted) here.
ACCESS_KEY_ID = "crm-test-key"
SECRET_ACCESS_KEY = "crm-test-secret"
REGION = "us-east-1"


@dataclass
class S3Server:
    port: int
    directory: Path
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def endpoint_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY_ID,
            aws_secret_access_key=SECRET_ACCESS_KEY,
        )

    def create_bucket(self) -> str:
        name = f"crm-{uuid.uuid4().hex[:16]}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str) -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def environment(self, bucket: str) -> dict[str, str]:
        """The CRM settings (crm.config.file_storage) that point at `bucket` on this server."""
        return {
            "CRM_S3_BUCKET": bucket,
            "CRM_S3_ENDPOINT_URL": self.endpoint_url,
            "CRM_S3_REGION": REGION,
            "CRM_S3_ACCESS_KEY_ID": ACCESS_KEY_ID,
            "CRM_S3_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
            "CRM_S3_ADDRESSING_STYLE": "path",
        }

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


def start_s3() -> S3Server:
    server = S3Server(port=free_port(), directory=short_tempdir("crm-s3-"))
    return launch(server, _start)


def _start(server: S3Server) -> None:
    log = server.directory / "moto.log"
    with log.open("wb") as output:
        server.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(server.port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=server.directory,
        )
    try:
        wait_for_port(server.port, timeout=60, is_alive=lambda: server.process.poll() is None)
    except (RuntimeError, TimeoutError) as error:
        raise RuntimeError(f"moto S3 server did not start: {error}\n{log_tail(log)}") from None
