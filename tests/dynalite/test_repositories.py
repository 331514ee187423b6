"""The repository tests of postings, accounts and stage moves, run again on dynalite; and what it cannot do, said clearly.

The imported tests take `main_table` from tests/dynalite/conftest.py, a table dynalite created from the
template. Applications are written here with batch writes, because submitting needs TransactWriteItems,
which dynalite does not have: that path is checked to fail loudly and write nothing.
"""
import pytest
from boto3.dynamodb.conditions import Key

from portal import keys
from portal.applications.models import APPLIED, Application
from portal.applications.repository import ApplicationRepository
from portal.applications.services import submit_application
from portal.dynamo import TransactionsUnsupported
from tests.accounts.test_services import *  # noqa: F403  (the tests themselves, collected again here)
from tests.applications.test_stages import *  # noqa: F403
from tests.factories import make_answers, make_posting
from tests.dynalite.server import create_table_requests
from tests.postings.test_repository import *  # noqa: F403

AT = "2026-11-23T10:00:00Z"


def _application(team: str, n: int) -> Application:
    answers = make_answers()
    return Application(id=f"01DYNALITE{n:016d}", submission_id="01DYNALITESUBMISSION000000", posting_id="p-1",
                       posting_title="Picker", team=team, contact=answers.contact, location=answers.location,
                       preferences=answers.preferences, stage=APPLIED, created_at=AT, updated_at=AT)


@pytest.fixture
def application(main_table, request):
    """Replaces the stage tests' fixture, which submits through a transaction."""
    repo = ApplicationRepository(main_table)
    created = _application("team-stages", abs(hash(request.node.name)) % 10**12)
    repo.put_many([created])
    return repo.get(created.id)


def test_submitting_raises_transactions_unsupported_and_writes_nothing(runtime, main_table):
    repo = ApplicationRepository(main_table)
    with pytest.raises(TransactionsUnsupported, match="TransactWriteItems"):
        submit_application(runtime, [make_posting(team="team-no-tx")], make_answers(), token="tok-no-tx")
    assert repo.get_submission("tok-no-tx") is None
    assert repo.list_for_team("team-no-tx", 10).items == []


def test_team_listing_is_newest_first_and_paged(main_table):
    repo = ApplicationRepository(main_table)
    written = [_application("team-paging", n) for n in range(5)]
    repo.put_many(written)
    page1 = repo.list_for_team("team-paging", 3)
    page2 = repo.list_for_team("team-paging", 3, page1.next_key)
    assert [a.id for a in page1.items + page2.items] == [a.id for a in reversed(written)]
    assert page2.next_key is None


def test_tables_have_the_templates_keys_and_indexes_but_no_stream(dynalite, dynalite_tables):
    client = dynalite.client()
    main = client.describe_table(TableName=dynalite_tables["MainTable"])["Table"]
    wanted = create_table_requests("any")["MainTable"]["GlobalSecondaryIndexes"]
    assert sorted(i["IndexName"] for i in main["GlobalSecondaryIndexes"]) == sorted(i["IndexName"] for i in wanted)
    assert "StreamSpecification" not in main
    selfid = client.describe_table(TableName=dynalite_tables["SelfIdTable"])["Table"]
    assert selfid["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]


def test_the_queue_index_keys_are_queryable(main_table):
    repo = ApplicationRepository(main_table)
    created = _application("team-queue", 77)
    repo.put_many([created])
    resp = main_table.query(IndexName="gsi2",
                            KeyConditionExpression=Key("gsi2pk").eq(keys.team_stage_partition("team-queue", APPLIED)))
    assert [i["id"] for i in resp["Items"]] == [created.id]


def test_the_server_listens_on_loopback_only_and_stops_with_its_process():
    from tests.dynalite.server import Dynalite

    server = Dynalite().start()
    process = server.process
    assert server.endpoint_url.startswith("http://127.0.0.1:")
    assert server.client().list_tables()["TableNames"] == []
    server.stop()
    assert process.poll() is not None  # the PID held was the server's own, and it has exited
