"""AWS clients for one app: created on first use, pointed at the emulator by AWS_ENDPOINT_URL when it is set."""
from __future__ import annotations

import functools

import boto3
from botocore.config import Config
from flask import current_app

# Standard retry mode backs off on throttling; after these attempts the error reaches the caller,
# which shows "please try again" and keeps what the user typed.
RETRY_CONFIG = Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=3, read_timeout=10)


class AwsResources:
    def __init__(self, region: str):
        self.region = region
        self._clients: dict[str, object] = {}

    @functools.cached_property
    def session(self) -> boto3.session.Session:
        return boto3.session.Session(region_name=self.region)

    @functools.cached_property
    def dynamodb(self):
        return self.session.resource("dynamodb", config=RETRY_CONFIG)

    def table(self, name: str):
        return self.dynamodb.Table(name)

    def client(self, service: str):
        """The app's one client for the service, made on first use: making one costs more than most calls with it
        (clients are thread-safe; a race at first use makes a spare, which is harmless)."""
        found = self._clients.get(service)
        if found is None:
            # S3 signs with SigV4: presigned résumé links and uploads then expire as asked and work in every region.
            config = RETRY_CONFIG.merge(Config(signature_version="s3v4")) if service == "s3" else RETRY_CONFIG
            found = self._clients.setdefault(service, self.session.client(service, config=config))
        return found


def init_app(app) -> None:
    app.extensions["aws"] = AwsResources(app.config["AWS_REGION"])


def resources() -> AwsResources:
    return current_app.extensions["aws"]
