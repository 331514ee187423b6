"""The application form: every field, its label and the message shown next to it when the answer will not do."""
from __future__ import annotations

import email_validator
import phonenumbers
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectChoice, SelectMultipleField, StringField
from wtforms.fields import EmailField, TelField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal import geo
from portal.applications.models import CONTACT_METHODS
from portal.postings.models import SHIFTS, WORKPLACES


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class AtLeastOne:
    """A group of checkboxes needs one ticked. Unlike DataRequired it sets no `required` flag, which on
    every box of a group would tell browsers and screen readers that each box must be ticked."""

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        if not field.data:
            raise ValidationError(self.message)


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ApplyForm(FlaskForm):
    submission_token = HiddenField()
    name = StringField(
        "Full name",
        [DataRequired("Enter your full name."), Length(max=120, message="Use 120 characters or fewer.")],
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        "E-mail address", [DataRequired("Enter your e-mail address.")], render_kw={"autocomplete": "email"}
    )
    phone = TelField(
        "Phone number",
        [DataRequired("Enter a phone number, like 206 555 0147.")],
        description="A US number, with area code.",
        render_kw={"autocomplete": "tel"},
    )
    preferred_contact = RadioField(
        "How should we contact you?", choices=_choices(CONTACT_METHODS.items()), default="email"
    )
    # The state comes from the ZIP code, so it is never asked for separately (WCAG 3.3.7).
    zip = StringField(
        "ZIP code",
        [DataRequired("Enter your five-digit ZIP code.")],
        description="Where you live. We work out your state from it.",
        render_kw={"autocomplete": "postal-code", "inputmode": "numeric", "maxlength": 10},
    )
    hours_min = IntegerField(
        "Fewest hours a week",
        [InputRequired("Enter the fewest hours a week you want."), NumberRange(1, 80, "Enter a number from 1 to 80.")],
        render_kw={"inputmode": "numeric", "min": 1, "max": 80},
    )
    hours_max = IntegerField(
        "Most hours a week",
        [InputRequired("Enter the most hours a week you can work."), NumberRange(1, 80, "Enter a number from 1 to 80.")],
        render_kw={"inputmode": "numeric", "min": 1, "max": 80},
    )
    shifts = CheckboxesField(
        "Shifts you can work",
        [AtLeastOne("Choose at least one shift you can work.")],
        choices=_choices(SHIFTS.items()),
    )
    workplace = RadioField(
        "Where do you want to work?",
        [InputRequired("Choose remote, on-site or hybrid.")],
        choices=_choices(WORKPLACES.items()),
    )

    def validate_email(self, field):
        try:
            result = email_validator.validate_email(field.data or "", check_deliverability=False)
        except email_validator.EmailNotValidError:
            raise ValidationError("Enter an e-mail address like name@example.com.")
        self.email_normalized = result.normalized  # field.data stays as typed, for re-display

    def validate_phone(self, field):
        try:
            number = phonenumbers.parse(field.data or "", "US")
        except phonenumbers.NumberParseException:
            raise ValidationError("Enter a phone number, like 206 555 0147.")
        if not phonenumbers.is_valid_number(number):
            raise ValidationError("That is not a valid phone number. Check the area code and the number of digits.")
        self.phone_e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def validate_zip(self, field):
        place = geo.lookup_zip(field.data or "")
        if place is None:
            raise ValidationError("Enter a real five-digit US ZIP code, like 98101.")
        self.place = place

    def validate_hours_max(self, field):
        if self.hours_min.data is not None and field.data is not None and field.data < self.hours_min.data:
            raise ValidationError("The most hours must be at least the fewest hours.")
