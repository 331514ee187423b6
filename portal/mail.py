"""E-mail to applicants through Amazon SES, one plain-text template per message in templates/email/.

Each template defines two blocks: ``subject`` (one line) and ``body``. Only the stream pipeline sends e-mail;
it makes sure each message goes out at most once (see portal/pipeline/services.py).
"""
from __future__ import annotations

import functools
from pathlib import Path

import jinja2

EMAIL_TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "email"


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    # Plain text: nothing is HTML-escaped, and a missing value is an error rather than an empty gap in a letter.
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(EMAIL_TEMPLATES)), autoescape=False,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def render(template_name: str, context: dict) -> tuple[str, str]:
    """The subject and the body of ``templates/email/<template_name>.txt``."""
    template = _environment().get_template(f"{template_name}.txt")
    subject = "".join(template.blocks["subject"](template.new_context(context))).strip()
    body = "".join(template.blocks["body"](template.new_context(context))).strip() + "\n"
    return " ".join(subject.split()), body


def has_template(template_name: str) -> bool:
    return (EMAIL_TEMPLATES / f"{template_name}.txt").is_file()


class Mailer:
    """Sends rendered templates through an SES client from one verified sender address."""

    def __init__(self, ses_client, sender: str):
        self.ses = ses_client
        self.sender = sender

    def send(self, template_name: str, to: str, context: dict) -> str:
        """Send one message; returns SES's message id. Errors (throttling, rejection) reach the caller."""
        subject, body = render(template_name, context)
        resp = self.ses.send_email(
            Source=self.sender,
            Destination={"ToAddresses": [to]},
            Message={"Subject": {"Data": subject, "Charset": "UTF-8"},
                     "Body": {"Text": {"Data": body, "Charset": "UTF-8"}}},
        )
        return resp["MessageId"]


def verify_sender(ses_client, sender: str) -> None:
    """Local mode only: the emulator's SES refuses mail from an address it has not verified."""
    ses_client.verify_email_identity(EmailAddress=sender)
