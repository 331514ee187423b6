"""schemathesis drives the JSON API from /api/openapi.json, through the Flask app's WSGI interface.

A couple of dozen generated requests per operation: every answer must be a documented status with a matching
body, and nothing may answer 500. (Driven with hypothesis directly: schemathesis's pytest plugin does not run
under this pytest version.)
"""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from portal.postings.repository import PostingRepository
from tests.factories import make_posting


@pytest.fixture(scope="module")
def api_schema(app, main_table):
    PostingRepository(main_table).put(make_posting(title="Generated Picker"))
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


def test_every_operation_answers_as_documented(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.label for op in operations} == {"GET /api/postings", "GET /api/postings/{posting_id}",
                                               "POST /api/applications", "GET /api/applications/{token}",
                                               "POST /api/resume-uploads", "POST /api/resume-uploads/check"}
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            # The schema states types, not every rule (a real ZIP code, hours min <= max): a schema-valid body may
            # still be answered 422, which the document lists, so "valid data accepted" is not asked for.
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        run()
