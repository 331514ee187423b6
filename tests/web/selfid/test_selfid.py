"""Voluntary self-ID: a separate step, answers in their own table, counted once per team in the EEO counters."""
import boto3

from portal import keys
from portal.applications import tokens
from tests.helpers import send_application, status_token_of
from tests.helpers import hidden_fields


def test_answers_go_to_the_selfid_table_and_count_once_per_team(client, three_postings, main_table, stack):
    # Kent Picker and Kent Packer are both Fulfillment West; the remote role is Customer service.
    assert send_application(client, three_postings[0], three_postings[1:]).status_code == 303
    token = status_token_of(client)
    before = {team: main_table.get_item(Key=keys.counters(f"EEO#{team}")).get("Item", {})
              for team in ("fulfillment-west", "customer-service")}
    page = client.get(f"/applications/{token}/self-id")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "I do not wish to answer" in html and "never see" in html
    data = {**hidden_fields(html), "veteran": "protected", "disability": "declined"}
    assert "Your answers are recorded" in client.post(f"/applications/{token}/self-id", data=data).get_data(
        as_text=True)
    again = client.post(f"/applications/{token}/self-id", data={**data, "disability": "yes"})
    assert "We already have your answers" in again.get_data(as_text=True)

    submission_id = main_table.get_item(Key=keys.status(tokens.token_hash(token)))["Item"]["submission_id"]
    stored = boto3.resource("dynamodb").Table(stack["SelfIdTableName"]).get_item(Key=keys.selfid(submission_id))
    assert stored["Item"]["answers"] == {"veteran": "protected", "disability": "declined"}
    for team, old in before.items():
        now = main_table.get_item(Key=keys.counters(f"EEO#{team}"))["Item"]
        assert now["veteran:protected"] == old.get("veteran:protected", 0) + 1, team
        assert now["disability:declined"] == old.get("disability:declined", 0) + 1, team
        assert "disability:yes" not in now or now["disability:yes"] == old.get("disability:yes", 0)
    app_item = str(main_table.get_item(Key=keys.application(
        main_table.get_item(Key=keys.status(tokens.token_hash(token)))["Item"]["application_ids"][0]))["Item"])
    assert "protected" not in app_item, "nothing of the self-ID reaches the application"


def test_unanswered_questions_count_as_declined(client, three_postings, main_table):
    assert send_application(client, three_postings[1], zip="97204").status_code == 303
    token = status_token_of(client)
    before = main_table.get_item(Key=keys.counters("EEO#customer-service")).get("Item", {})
    html = client.get(f"/applications/{token}/self-id").get_data(as_text=True)
    client.post(f"/applications/{token}/self-id", data=hidden_fields(html))
    now = main_table.get_item(Key=keys.counters("EEO#customer-service"))["Item"]
    assert now["veteran:declined"] == before.get("veteran:declined", 0) + 1


def test_an_unknown_link_has_no_selfid_step(client):
    assert client.get("/applications/nope/self-id").status_code == 404
