"""Behind CloudFront the per-IP limits count the viewer's own address, and only when CloudFront vouches for it."""
import pytest
from flask import request

from portal import create_app
from portal.web.viewer import origin_token

EDGE = "130.176.0.10"  # a CloudFront edge, as API Gateway sees the connection


@pytest.fixture(scope="module")
def seen(stack):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "STACK_NAME": stack["StackName"],
                      "LOCAL_MODE": True})

    @app.get("/test-only/remote-addr")
    def remote_addr():
        return {"addr": request.remote_addr, "headers": sorted(k.lower() for k in request.headers.keys())}

    client = app.test_client()

    def run(**headers):
        return client.get("/test-only/remote-addr", headers=headers, environ_base={"REMOTE_ADDR": EDGE}).get_json()
    return run


def test_the_viewer_address_counts_when_cloudfront_vouches_for_it(seen):
    found = seen(**{"X-Viewer-Ip": "203.0.113.9", "X-Origin-Verify": origin_token("test-secret")})
    assert found["addr"] == "203.0.113.9"
    assert "x-origin-verify" not in found["headers"] and "x-viewer-ip" not in found["headers"], "never passed on"
    assert seen(**{"X-Viewer-Ip": "2001:db8::1", "X-Origin-Verify": origin_token("test-secret")})["addr"] == "2001:db8::1"


@pytest.mark.parametrize("headers", [
    {"X-Viewer-Ip": "203.0.113.9"},  # straight to API Gateway, choosing an address
    {"X-Viewer-Ip": "203.0.113.9", "X-Origin-Verify": "guessed"},
    {"X-Viewer-Ip": "203.0.113.9", "X-Origin-Verify": origin_token("another-secret")},
    {"X-Viewer-Ip": "not an address", "X-Origin-Verify": origin_token("test-secret")},
    {},
])
def test_otherwise_the_connection_address_counts(seen, headers):
    found = seen(**headers)
    assert found["addr"] == EDGE
    assert "x-viewer-ip" not in found["headers"]


def test_the_cli_prints_the_token_the_stack_passes_to_cloudfront(app):
    result = app.test_cli_runner().invoke(args=["origin-token"])
    assert result.exit_code == 0 and result.output.strip() == origin_token("test-secret")

