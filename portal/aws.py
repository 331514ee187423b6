"""AWS clients of one runtime: made on first use, pointed at the emulator by AWS_ENDPOINT_URL when it is set."""
from __future__ import annotations

import functools
import os

import boto3
from botocore import exceptions as sdk
from botocore.config import Config

# Standard retry mode backs off on throttling; after these attempts (max_attempts counts the retries: five tries in
# all) the error reaches the caller, which shows "please try again" and keeps what the user typed.
RETRY_CONFIG = Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=3, read_timeout=10)
# S3 signs with SigV4, so presigned résumé links and uploads expire as asked and work in every region.
SERVICE_CONFIG = {"s3": Config(signature_version="s3v4")}
# What AWS answers when it refuses for load rather than for the request (the codes botocore's retries back off on).
BUSY_CODES = frozenset({"ProvisionedThroughputExceededException", "ThrottlingException", "Throttling",
                        "RequestLimitExceeded", "RequestThrottled", "SlowDown", "TooManyRequestsException",
                        "TransactionInProgressException"})
# What an AWS call raises: an answer refusing it, or the SDK's own failure (no connection, a timeout).
ERRORS = (sdk.ClientError, sdk.BotoCoreError)


def unavailable(exc: BaseException) -> bool:
    """Whether ``exc``, raised after the SDK's retries, says AWS could not do it just now (throttled, failing on its
    side, or unreachable): the same request may work in a moment, unlike one AWS refused for what it asked."""
    if isinstance(exc, sdk.ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        return error_code(exc) in BUSY_CODES or status >= 500
    return isinstance(exc, (sdk.ConnectionError, sdk.HTTPClientError))  # no connection, or it broke off


def error_code(exc: BaseException) -> str:
    """AWS's error code, or the SDK's error class: what to log (messages may quote keys or values)."""
    code = exc.response.get("Error", {}).get("Code") if isinstance(exc, sdk.ClientError) else None
    return code or type(exc).__name__


class AwsClients:
    """``endpoint_url`` points every client at one other endpoint (a second emulator in tests); without it, boto3's
    own configuration decides (AWS_ENDPOINT_URL locally, AWS itself on Lambda)."""

    def __init__(self, region: str, endpoint_url: str | None = None):
        self.region = region
        self.endpoint_url = endpoint_url
        self._clients: dict[str, object] = {}

    @functools.cached_property
    def session(self) -> boto3.session.Session:
        return boto3.session.Session(region_name=self.region)

    @functools.cached_property
    def dynamodb(self):
        return self.session.resource("dynamodb", config=RETRY_CONFIG, endpoint_url=self.endpoint_url)

    def table(self, name: str):
        return self.dynamodb.Table(name)

    def endpoint_of(self, service: str) -> str | None:
        """The endpoint boto3 would give the service's client, without making one (which costs ~100 ms): this
        one's, else AWS_ENDPOINT_URL_<SERVICE> or AWS_ENDPOINT_URL; None for AWS itself."""
        return (self.endpoint_url or os.environ.get(f"AWS_ENDPOINT_URL_{service.upper()}")
                or os.environ.get("AWS_ENDPOINT_URL") or None)

    def client(self, service: str):
        """The one client for the service, made on first use: making one costs more than most calls with it
        (clients are thread-safe; a race at first use makes a spare, which is harmless)."""
        found = self._clients.get(service)
        if found is None:
            config = RETRY_CONFIG.merge(SERVICE_CONFIG[service]) if service in SERVICE_CONFIG else RETRY_CONFIG
            found = self._clients.setdefault(service, self.session.client(service, config=config,
                                                                           endpoint_url=self.endpoint_url))
        return found
