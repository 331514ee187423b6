"""/dev/outbox shows what the emulator's SES received, in local mode only."""
import boto3

from portal import create_app


def test_the_outbox_lists_sent_mail_in_local_mode(client):
    ses = boto3.client("ses")
    ses.verify_email_identity(EmailAddress="jobs@example.com")
    ses.send_email(Source="jobs@example.com", Destination={"ToAddresses": ["outbox.reader@example.com"]},
                   Message={"Subject": {"Data": "Your application"}, "Body": {"Text": {"Data": "Status link inside"}}})
    html = client.get("/dev/outbox").get_data(as_text=True)
    assert "Your application" in html and "outbox.reader@example.com" in html and "Status link inside" in html


def test_the_outbox_is_not_there_outside_local_mode(stack):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "STACK_NAME": stack["StackName"], "LOCAL_MODE": False})
    assert app.test_client().get("/dev/outbox").status_code == 404
    assert "dev.outbox" not in app.view_functions
