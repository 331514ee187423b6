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

    @functools.cached_property
    def session(self) -> boto3.session.Session:
        return boto3.session.Session(region_name=self.region)

    @functools.cached_property
    def dynamodb(self):
        return self.session.resource("dynamodb", config=RETRY_CONFIG)

    def table(self, name: str):
        return self.dynamodb.Table(name)

    def client(self, service: str):
        # S3 signs with SigV4: presigned résumé links and uploads then expire as asked and work in every region.
        config = RETRY_CONFIG.merge(Config(signature_version="s3v4")) if service == "s3" else RETRY_CONFIG
        return self.session.client(service, config=config)


def init_app(app) -> None:
    app.extensions["aws"] = AwsResources(app.config["AWS_REGION"])


def resources() -> AwsResources:
    return current_app.extensions["aws"]
