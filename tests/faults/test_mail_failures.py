"""SES refusing the confirmation: the application stays, the record is reported failed, the retry sends it once."""
import itertools

import pytest

from portal import keys
from portal.applications.services import submit_application
from portal.postings.repository import PostingRepository
from tests.factories import make_answers, make_posting
from tests.faults.conftest import failed, retried_part
from tests.helpers import sent_mail

_tokens = itertools.count(1)


@pytest.fixture(scope="module")
def posting(main_table):
    found = make_posting(title="Mail Fault Picker", team="faults-mail")
    PostingRepository(main_table).put(found)
    return found


def _apply(runtime, posting):
    answers, token = make_answers(), f"faults-mail-{next(_tokens)}"
    return submit_application(runtime, [posting], answers, token=token), answers.contact.email, token


def _sequence_of(event, entity_sk: str) -> str:
    [found] = [r["dynamodb"]["SequenceNumber"] for r in event["Records"]
               if r["dynamodb"]["Keys"]["sk"]["S"] == entity_sk]
    return found


@pytest.mark.parametrize("kind", ["throttling", "server", "unreachable"])
def test_a_refused_confirmation_is_retried_by_the_sdk_then_by_lambda_and_sent_once(runtime, main_table, stream, handle,
                                                                                  posting, faults, backoff, kind):
    result, email, token = _apply(runtime, posting)
    event = stream.event()
    attempts = [faults.refuse(runtime.mailer.ses, operation, kind) for operation in ("SendEmail", "SendRawEmail")]

    first = handle(event)

    assert sum(a.seen for a in attempts) == 5, "the SDK's own retries first, with the shared policy"
    assert len(backoff) == 4
    assert failed(first) == [_sequence_of(event, keys.status("x")["sk"])], "only the e-mail's record is retried"
    assert sent_mail(email) == []
    application = runtime.applications.get(result.application_ids[0])
    assert application is not None and application.stage == "screened", "the application stands, screened"
    assert runtime.applications.get_submission(token)["reference"] == result.reference
    assert not runtime.pipeline_effects.done(f"SUBMISSION#{result.reference}", "mail#confirmation"), \
        "the claim on the e-mail was given back, so the retry may send it"

    faults.clear()
    assert failed(handle(retried_part(event, first))) == []
    assert failed(handle(event)) == [], "a later redelivery of the whole batch"
    [mail] = sent_mail(email)
    assert result.reference in mail.subject and f"/applications/{result.status_token}" in mail.body


def test_an_e_mail_refused_on_every_retry_is_never_lost_nor_sent_twice(runtime, stream, handle, posting, faults):
    """Lambda retries the record until SES takes it (here: three times refused, then taken): one e-mail in the end."""
    _, email, _ = _apply(runtime, posting)
    event = stream.event()
    attempts = faults.refuse(runtime.mailer.ses, "SendEmail", "throttling", times=3 * 5)
    outcomes = []
    for _ in range(4):
        outcome = handle(event if not outcomes else retried_part(event, outcomes[-1]))
        outcomes.append(outcome)
        if not failed(outcome):
            break
    assert [bool(failed(o)) for o in outcomes] == [True, True, True, False]
    assert attempts.refused == 15 and attempts.seen == 16
    assert len(sent_mail(email)) == 1
