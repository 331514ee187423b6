"""On Lambda the secret key comes from SSM Parameter Store, once per runtime (a container's cold start), never a file."""
import uuid

import boto3
import pytest

from portal import create_app
from portal.parameters import MissingSecret
from portal.runtime import Runtime


@pytest.fixture
def parameter_name():
    name = f"/t-{uuid.uuid4().hex[:8]}/secret-key"
    boto3.client("ssm").put_parameter(Name=name, Value="from-parameter-store", Type="SecureString")
    return name


def test_the_secret_key_is_read_from_the_named_parameter_once_per_runtime(parameter_name):
    runtime = Runtime.from_environment({"stack_name": "t-secrets", "secret_key_parameter": parameter_name})
    app = create_app(runtime=runtime)
    assert app.config["SECRET_KEY"] == "from-parameter-store"
    boto3.client("ssm").put_parameter(Name=parameter_name, Value="rotated", Type="SecureString", Overwrite=True)
    assert runtime.secret_key == "from-parameter-store", "read once: a rotation reaches new containers"
    fresh = Runtime.from_environment({"stack_name": "t-secrets", "secret_key_parameter": parameter_name})
    assert fresh.secret_key == "rotated"


def test_a_missing_parameter_stops_the_start_with_its_name():
    with pytest.raises(MissingSecret, match="/t-none/secret-key"):
        create_app({"STACK_NAME": "t-secrets", "SECRET_KEY_PARAMETER": "/t-none/secret-key"})


def test_without_a_secret_or_a_parameter_the_portal_refuses_to_start():
    with pytest.raises(MissingSecret, match="PORTAL_SECRET_KEY_PARAMETER"):
        create_app({"STACK_NAME": "t-secrets"})


def test_the_secret_is_not_read_until_something_needs_it(parameter_name):
    """The pipeline needs it only to sign status links in e-mails: a runtime that never signs never reads it."""
    runtime = Runtime.from_environment({"stack_name": "t-secrets", "secret_key_parameter": "/t-none/secret-key"})
    assert runtime.postings is not None and runtime.settings.secret_key_parameter == "/t-none/secret-key"
    with pytest.raises(MissingSecret):
        runtime.secret_key
