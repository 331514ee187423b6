"""schemathesis drives the JSON API from /api/openapi.json, through the Flask app's WSGI interface.

Every check schemathesis has, on its coverage cases (each schema boundary, positive and negative) and on
generated cases of both kinds: every answer is documented, with a matching body, negative data is refused, and
nothing answers 5xx. (Driven with hypothesis directly: schemathesis's pytest plugin does not run under this
pytest version.)
"""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from portal.postings.repository import PostingRepository
from tests.factories import make_posting

# The one allowance: answers a schema cannot promise. The schema states shapes (a five-digit ZIP, hours from 1 to
# 80); whether that ZIP exists, that posting is open, hours_max is at least hours_min, an upload is still there, or
# a cursor was signed by this API, only the server knows. Those are 422 (by field) or 400 (a cursor), documented.
RULES_THE_SCHEMA_CANNOT_STATE = {
    "POST /api/applications": ["2xx", "409", "422", "429"],
    "POST /api/resume-uploads/check": ["2xx", "422"],
    "GET /api/postings": ["2xx", "400"],
    # Whether a slot id is one of this submission's postings', and whether it still has a seat.
    "POST /api/applications/{token}/bookings": ["2xx", "404", "409", "422"],
    "DELETE /api/applications/{token}/bookings/{booking_id}": ["2xx", "404", "409"],
}
CONFIG = {"operations": [
    {"include-name": name, "checks": {"positive_data_acceptance": {"expected-statuses": statuses}}}
    for name, statuses in RULES_THE_SCHEMA_CANNOT_STATE.items()]}


@pytest.fixture(scope="module")
def api_schema(app, main_table):
    PostingRepository(main_table).put(make_posting(title="Generated Picker"))
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=SchemathesisConfig.from_dict(CONFIG))


def test_every_operation_answers_as_documented(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.label for op in operations} == {"GET /api/postings", "GET /api/postings/{posting_id}",
                                               "POST /api/applications", "GET /api/applications/{token}",
                                               "POST /api/resume-uploads", "POST /api/resume-uploads/check",
                                               "GET /api/applications/{token}/slots",
                                               "POST /api/applications/{token}/bookings",
                                               "DELETE /api/applications/{token}/bookings/{booking_id}"}
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    cases = 0
    for operation in operations:
        coverage = api_schema.config.generation_for(operation=operation, phase="coverage")
        for case in api_schema.iter_coverage_cases(operation, generation_modes=modes, generation_config=coverage):
            case.call_and_validate()
            cases += 1

        @given(case=st.one_of(*(operation.as_strategy(mode) for mode in modes)))
        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None,
                  derandomize=True)
        def generated(case):
            case.call_and_validate()

        generated()
    assert cases > 50, "the coverage phase made cases for every operation"
