"""A throw-away S3-compatible server (moto's server mode) for tests and `make test-deploy`.

No Django import here. moto runs as its own process on a loopback port, so the portal talks to
it over HTTP exactly as to a real object store.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from tools.devservices import ServiceError, free_port, port_open

# Any values do: moto accepts every key pair. Real stores get theirs from the environment.
ACCESS_KEY = "deploy-check"
SECRET_KEY = "deploy-check-secret"  # noqa: S105 - a throw-away local server
REGION = "eu-south-1"


@dataclass
class ObjectStore:
    process: subprocess.Popen[bytes]
    port: int

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self, bucket: str) -> dict[str, str]:
        """The settings' variables for media in `bucket` on this server."""
        return {
            "AWS_STORAGE_BUCKET_NAME": bucket,
            "AWS_S3_ENDPOINT_URL": self.endpoint_url,
            "AWS_S3_REGION_NAME": REGION,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_S3_ADDRESSING_STYLE": "path",
        }

    def client(self) -> Any:
        import boto3  # type: ignore[import-untyped]

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def create_bucket(self, bucket: str) -> None:
        self.client().create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(log: IO[bytes] | None = None, port: int | None = None) -> ObjectStore:
    """Start moto_server on 127.0.0.1 (a free port unless given) and wait until it answers."""
    port = port or free_port()
    exe = Path(sys.executable).parent / "moto_server"
    process = subprocess.Popen(  # noqa: S603 - our own venv's script, fixed arguments
        [str(exe), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log or subprocess.DEVNULL,
        stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not port_open(port):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise ServiceError(f"moto_server did not start on port {port}")
        time.sleep(0.1)
    return ObjectStore(process, port)
