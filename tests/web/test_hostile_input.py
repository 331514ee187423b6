"""Hostile input on every form and JSON endpoint: control characters refused at the field, oversize bodies
refused before they are read, JSON malformed at any depth answered 400 in JSON."""
import importlib
import io
import json
import pkgutil

import pytest
import wtforms
from flask_wtf import FlaskForm
from wtforms.fields.core import UnboundField

import portal.web
import portal.web.forms
from portal.postings.repository import PostingRepository
from portal.text import UNSHOWABLE, unshowable
from portal.web.forms import PortalForm
from tests.factories import apply_form, make_posting
from tests.helpers import hidden_fields

TWENTY_MB = 20 * 1024 * 1024


@pytest.fixture(scope="module")
def posting(main_table):
    posting = make_posting(team="hostile-team")
    PostingRepository(main_table).put(posting)
    return posting


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_form_of_the_portal_refuses_unshowable_text():
    for module in pkgutil.walk_packages(portal.web.__path__, "portal.web."):
        importlib.import_module(module.name)
    forms = [f for f in _all_subclasses(FlaskForm) if f.__module__.startswith("portal.")]
    assert len(forms) >= 15
    assert [f.__qualname__ for f in forms if not issubclass(f, PortalForm)] == []
    numbers = {(form.__qualname__, name): field.field_class for form in forms for name, field in vars(form).items()
               if isinstance(field, UnboundField)
               and issubclass(field.field_class, (wtforms.IntegerField, wtforms.DecimalField))}
    assert len(numbers) >= 8
    ours = (portal.web.forms.IntegerField, portal.web.forms.DecimalField)
    assert [where for where, cls in numbers.items() if cls not in ours] == [], (
        "every number field is the portal's, which refuses numbers no one means")


@pytest.mark.parametrize("text, multiline, refused", [
    ("Ana Silva", False, False), ("Zoë Ørsted-Núñez 李", False, False), ("a\tb", False, True),
    ("line one\nline two\r\n\tthree", True, False), ("\x00", True, True), ("a\x0bb", True, True),
    ("\x7f", False, True), ("\x85", True, True), ("\ud800", False, True), ("\ufffe", True, True),
    ("\U0010ffff", False, True), ("\ufdd0", False, True), ("emoji 👍", False, False),
])
def test_the_rule_for_unshowable_text(text, multiline, refused):
    assert unshowable(text, multiline) is refused


class CountingInput(io.BytesIO):
    """A request body that records how much of it was read."""

    def __init__(self, size: int):
        super().__init__(b"x" * 64)
        self.read_bytes = 0
        self.size = size

    def read(self, n=-1):
        chunk = super().read(n)
        self.read_bytes += len(chunk)
        return chunk


@pytest.mark.parametrize("path, content_type", [
    ("/apply/{id}", "application/x-www-form-urlencoded"),
    ("/admin/login", "application/x-www-form-urlencoded"),
    ("/api/applications", "application/json"),
    ("/apply/place", "application/json"),
])
def test_a_body_over_the_limit_is_refused_with_413_before_a_byte_is_read(client, posting, path, content_type):
    body = CountingInput(TWENTY_MB)
    resp = client.post(path.format(id=posting.id), input_stream=body, content_type=content_type,
                       environ_overrides={"CONTENT_LENGTH": str(TWENTY_MB)}, headers={"Idempotency-Key": "k" * 20})
    assert resp.status_code == 413
    assert body.read_bytes == 0, "the limit is checked on Content-Length, before parsing"
    if content_type == "application/json":
        assert "larger than we accept" in resp.get_json()["error"]
    else:
        assert "larger than we accept" in resp.get_data(as_text=True)


def test_a_form_just_under_the_limit_is_still_read(client, posting):
    """The limit is not a form's: a long (refused) answer gets its message, not a 413."""
    data = {**hidden_fields(client.get(f"/apply/{posting.id}").get_data(as_text=True)),
            **apply_form(accommodation="x" * 200_000)}
    resp = client.post(f"/apply/{posting.id}", data=data)
    assert resp.status_code == 422 and 'id="accommodation-error"' in resp.get_data(as_text=True)


DEEP = "[" * 10_000 + "]" * 10_000


@pytest.mark.parametrize("body", [DEEP, '{"a":' * 10_000 + "1" + "}" * 10_000, json.dumps([[[[[[[[[[1]]]]]]]]]]),
                                  "{", '{"zip": "98101"', "[]", '"98101"', "\x00", "\xff\xfe"])
@pytest.mark.parametrize("path", ["/api/applications", "/api/resume-uploads/check", "/apply/place",
                                  "/apply/resume/check"])
def test_malformed_json_at_any_depth_is_a_400_in_json(client, posting, path, body):
    csrf = hidden_fields(client.get(f"/apply/{posting.id}").get_data(as_text=True))["csrf_token"]
    resp = client.post(path, data=body, content_type="application/json",
                       headers={"Idempotency-Key": "hostile-key-000001", "X-CSRFToken": csrf})
    assert resp.status_code == 400, resp.get_data(as_text=True)[:200]
    assert resp.is_json and resp.get_json()["error"]


def test_a_zip_with_half_a_surrogate_pair_is_not_a_zip(client, posting):
    csrf = hidden_fields(client.get(f"/apply/{posting.id}").get_data(as_text=True))["csrf_token"]
    resp = client.post("/apply/place", data='{"zip": "\\ud800"}', content_type="application/json",
                       headers={"X-CSRFToken": csrf})
    assert resp.status_code == 404 and "five-digit" in resp.get_json()["error"]


@pytest.mark.parametrize("name", ["Ana\x00Silva", "Ana\u0007Silva", "Ana Silva\r\n", "\ud83d"])
def test_the_api_refuses_control_characters_at_the_field(client, posting, name):
    body = {**apply_form(name=name), "posting_ids": [posting.id]}
    resp = client.post("/api/applications", json=body, headers={"Idempotency-Key": "hostile-api-" + str(len(name)) * 8})
    assert resp.status_code == 422
    assert resp.get_json()["errors"]["name"] == UNSHOWABLE


@pytest.mark.parametrize("key", ["bad\x00key-000000000000", "key-with-é-000000000000", "tab\tkey-0000000000000"])
def test_an_idempotency_key_must_be_printable_ascii(client, posting, key):
    resp = client.post("/api/applications", json={**apply_form(), "posting_ids": [posting.id]},
                       headers={"Idempotency-Key": key})
    assert resp.status_code == 400 and "printable ASCII" in resp.get_json()["error"]
