"""On Lambda the secret key comes from SSM Parameter Store at start, once per process, never from a file."""
import uuid

import boto3
import pytest

from portal import create_app, parameters


@pytest.fixture
def parameter_name():
    name = f"/t-{uuid.uuid4().hex[:8]}/secret-key"
    boto3.client("ssm").put_parameter(Name=name, Value="from-parameter-store", Type="SecureString")
    yield name
    parameters.secret.cache_clear()


def test_the_secret_key_is_read_from_the_named_parameter_and_cached(parameter_name):
    app = create_app({"STACK_NAME": "t-secrets", "SECRET_KEY_PARAMETER": parameter_name})
    assert app.config["SECRET_KEY"] == "from-parameter-store"
    boto3.client("ssm").put_parameter(Name=parameter_name, Value="rotated", Type="SecureString", Overwrite=True)
    again = create_app({"STACK_NAME": "t-secrets", "SECRET_KEY_PARAMETER": parameter_name})
    assert again.config["SECRET_KEY"] == "from-parameter-store"  # read once per process (a Lambda cold start)


def test_a_missing_parameter_stops_the_start_with_its_name():
    with pytest.raises(parameters.MissingSecret, match="/t-none/secret-key"):
        create_app({"STACK_NAME": "t-secrets", "SECRET_KEY_PARAMETER": "/t-none/secret-key"})


def test_without_a_secret_or_a_parameter_the_portal_refuses_to_start():
    with pytest.raises(RuntimeError, match="PORTAL_SECRET_KEY_PARAMETER"):
        create_app({"STACK_NAME": "t-secrets"})
