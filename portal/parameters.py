"""Secrets read from SSM Parameter Store when the portal starts, once per process, so none sits in a committed file."""
from __future__ import annotations

import functools

import boto3

from portal.aws import RETRY_CONFIG


class MissingSecret(RuntimeError):
    """The named parameter does not exist or is empty: the portal refuses to start without its secret."""


@functools.lru_cache(maxsize=None)
def secret(name: str, region: str) -> str:
    """The decrypted value of one SecureString parameter.

    Cached for the life of the process: a Lambda container reads it on its cold start only, and a later
    rotation reaches new containers (deploy or `zappa update` to recycle the warm ones).
    """
    client = boto3.client("ssm", region_name=region, config=RETRY_CONFIG)
    try:
        value = client.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
    except client.exceptions.ParameterNotFound as exc:
        raise MissingSecret(f"SSM parameter {name} does not exist (see README, 'Deploying to AWS').") from exc
    if not value:
        raise MissingSecret(f"SSM parameter {name} is empty.")
    return value
