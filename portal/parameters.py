"""Secrets read from SSM Parameter Store, so none sits in a committed file."""
from __future__ import annotations


class MissingSecret(RuntimeError):
    """No secret is configured, or the named parameter does not exist or is empty: nothing that needs it starts."""


def read_secret(ssm_client, name: str) -> str:
    """The decrypted value of one SecureString parameter (the runtime reads it once, on first use)."""
    try:
        value = ssm_client.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
    except ssm_client.exceptions.ParameterNotFound as exc:
        raise MissingSecret(f"SSM parameter {name} does not exist (see README, 'Deploying to AWS').") from exc
    if not value:
        raise MissingSecret(f"SSM parameter {name} is empty.")
    return value
