"""Forms shared by more than one blueprint: the application form (apply, api), availability (apply, status), the
checkbox group and choices (admin too). Every field, its label and the message next to it when the answer will not do."""
from __future__ import annotations

import dataclasses

from flask_wtf import FlaskForm
import wtforms
from wtforms import (
    BooleanField, HiddenField, RadioField, SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField,
)
from wtforms.fields import DateField, EmailField, TelField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal import geo, text
from portal.applications.models import CONTACT_METHODS, MAX_POSTINGS_PER_SUBMISSION
from portal.postings.models import PROGRAMMES, SHIFTS, WORKPLACES


class PortalForm(FlaskForm):
    """Every form of the portal: what a field holds is also refused, next to that field, when no page, feed,
    e-mail or CSV could carry it (portal/text.py). tests/web/test_forms.py checks that every form is one."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            values = field.data if isinstance(field.data, list) else [field.data]
            multiline = isinstance(field, TextAreaField)
            if any(isinstance(v, str) and text.unshowable(v, multiline) for v in values):
                field.errors = [*field.errors, text.UNSHOWABLE]
                valid = False
            # Shown again without them: in the messages (WTForms names a refused choice in its message), and in
            # the field (some fields render their data, others what was sent).
            field.errors = [text.shown(e) if isinstance(e, str) else e for e in field.errors]
            if isinstance(field.data, str) and text.unshowable(field.data, multiline):
                field.data = text.shown(field.data, multiline)
            if any(isinstance(v, str) and text.unshowable(v, multiline) for v in field.raw_data or ()):
                field.raw_data = [text.shown(v, multiline) if isinstance(v, str) else v for v in field.raw_data]
        return valid


# More digits than any hours, pay, score or version means. A longer number would reach WTForms' NumberRange,
# which turns it into a float (an OverflowError past 1e308), and a signalling NaN cannot be compared at all.
MAX_NUMBER_CHARACTERS = 15
NOT_A_NUMBER = "Enter a number, like 20."


def _number_text(valuelist) -> None:
    if valuelist and len(valuelist[0].strip()) > MAX_NUMBER_CHARACTERS:
        raise ValueError(NOT_A_NUMBER)


class IntegerField(wtforms.IntegerField):
    """The portal's whole-number field: refuses what no person types for a number, with a message, not a 500."""

    def process_formdata(self, valuelist):
        _number_text(valuelist)
        super().process_formdata(valuelist)


class DecimalField(wtforms.DecimalField):
    """The portal's decimal field: a finite number of a sensible length (no NaN, Infinity or 1e999)."""

    def process_formdata(self, valuelist):
        _number_text(valuelist)
        super().process_formdata(valuelist)
        if self.data is not None and not self.data.is_finite():
            self.data = None
            raise ValueError(NOT_A_NUMBER)


def choices(pairs) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs."""
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


class IsoDateField(DateField):
    """A date input whose message says what to type when the browser shows a plain text box."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter a date like 2026-09-01 (year, month, day).")


def _optional_date(label: str, description: str = "") -> IsoDateField:
    return IsoDateField(label, [Optional()], description=description)


class AvailabilityForm(PortalForm):
    """Hours, shifts, start and term dates: asked when applying, and changeable later on the status page."""

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
        choices=choices(SHIFTS.items()),
    )
    start_date = _optional_date("Earliest start date (optional)", "Leave empty if you can start straight away.")
    term_start = _optional_date("Term starts (optional)")
    term_end = _optional_date("Term ends (optional)")
    summer_only = BooleanField("I can work only outside term time (summer only)")

    def validate_hours_max(self, field):
        if self.hours_min.data is not None and field.data is not None and field.data < self.hours_min.data:
            raise ValidationError("The most hours must be at least the fewest hours.")

    def validate_term_end(self, field):
        if bool(self.term_start.data) != bool(field.data):
            raise ValidationError("Enter both the first and the last day of term, or neither.")
        if field.data and field.data < self.term_start.data:
            raise ValidationError("The term must end after it starts.")

    def availability(self) -> dict:
        """The availability answers under the names the stored preferences use."""
        term = {"start": self.term_start.data.isoformat(), "end": self.term_end.data.isoformat()} \
            if self.term_start.data and self.term_end.data else {}
        return {
            "hours_min": self.hours_min.data,
            "hours_max": self.hours_max.data,
            "shifts": list(self.shifts.data),
            "start_date": self.start_date.data.isoformat() if self.start_date.data else "",
            "term_dates": term,
            "summer_only": bool(self.summer_only.data),
        }


@dataclasses.dataclass(frozen=True)
class Step:
    """One page of the stepped application: its URL name, heading and the fields it asks."""

    name: str
    heading: str
    fields: tuple[str, ...]
    required: bool = True  # whether the application can be sent before this step has been passed


class ApplyForm(AvailabilityForm):
    submission_token = HiddenField()
    # When the form was shown, signed: a form sent back faster than a person can fill it is not accepted.
    started = HiddenField()
    # A honeypot: hidden from people (and screen readers), so only a robot fills it in.
    website = StringField("Leave this empty", render_kw={"autocomplete": "off", "tabindex": "-1"})
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
        "How should we contact you?", choices=choices(CONTACT_METHODS.items()), default="email"
    )
    # The state comes from the ZIP code, so it is never asked for separately (WCAG 3.3.7).
    zip = StringField(
        "ZIP code",
        [DataRequired("Enter your five-digit ZIP code.")],
        description="Where you live. We work out your state from it.",
        render_kw={"autocomplete": "postal-code", "inputmode": "numeric", "maxlength": 10},
    )
    workplace = RadioField(
        "Where do you want to work?",
        [InputRequired("Choose remote, on-site or hybrid.")],
        choices=choices(WORKPLACES.items()),
    )
    max_commute_miles = IntegerField(
        "Longest commute you would accept, in miles (optional)",
        [Optional(), NumberRange(1, 300, "Enter a number of miles from 1 to 300.")],
        render_kw={"inputmode": "numeric", "min": 1, "max": 300},
    )
    # Up to four more postings, in order of preference, beside the one this form is for (choices set per request).
    more_postings = [f"choice_{n}" for n in range(2, MAX_POSTINGS_PER_SUBMISSION + 1)]
    choice_2 = SelectField("Second choice (optional)", validate_choice=False)
    choice_3 = SelectField("Third choice (optional)", validate_choice=False)
    choice_4 = SelectField("Fourth choice (optional)", validate_choice=False)
    choice_5 = SelectField("Fifth choice (optional)", validate_choice=False)

    military_spouse = BooleanField("I am a military spouse or partner")
    may_relocate = BooleanField("I may have to move (a new duty station)")
    move_date = _optional_date("Expected move date (optional)")
    veteran = BooleanField("I am a veteran")
    student = BooleanField("I am a student")
    parent_carer = BooleanField("I am a parent or carer")
    accommodation = TextAreaField(
        "Anything we should arrange for you (optional)",
        [Length(max=1000, message="Use 1,000 characters or fewer.")],
        description="For example a step-free site, a screen reader, or interviews at certain times. "
                    "Only the recruiter sees it.",
    )
    programmes = CheckboxesField("Programmes you are interested in (optional)", choices=choices(PROGRAMMES.items()))
    # A signed reference to a résumé the page's script uploaded straight to S3 (portal/applications/resumes.py).
    resume_upload = HiddenField()
    consent = BooleanField(
        "I agree that Flexwork Jobs may process and keep my answers as the privacy notice describes",
        [DataRequired("Tick the box to agree, so that we can process your application.")],
    )

    def set_posting_choices(self, options: list[tuple[str, str]]) -> None:
        for name in self.more_postings:
            self[name].choices = choices([("", "No other job")] + options)

    def chosen_posting_ids(self) -> list[str]:
        return [self[name].data for name in self.more_postings if self[name].data]

    def circumstances(self) -> dict:
        return {
            "military_spouse": bool(self.military_spouse.data),
            "may_relocate": bool(self.may_relocate.data),
            "move_date": self.move_date.data.isoformat() if self.move_date.data else "",
            "veteran": bool(self.veteran.data),
            "student": bool(self.student.data),
            "parent_carer": bool(self.parent_carer.data),
            "accommodation": (self.accommodation.data or "").strip(),
        }

    # email_validator and phonenumbers load their tables when imported: only a sent form pays for that (a cold
    # start that shows a page does not).
    def validate_email(self, field):
        import email_validator

        try:
            result = email_validator.validate_email(field.data or "", check_deliverability=False)
        except email_validator.EmailNotValidError:
            raise ValidationError("Enter an e-mail address like name@example.com.")
        self.email_normalized = result.normalized  # field.data stays as typed, for re-display

    def validate_phone(self, field):
        import phonenumbers

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

    # The application in steps, one short page each (GOV.UK's "one thing per page"): what each asks, in order.
    STEPS = (
        Step("contact", "Your contact details", ("name", "email", "phone", "preferred_contact")),
        Step("home", "Where you live", ("zip", "workplace", "max_commute_miles")),
        Step("availability", "When you can work", ("hours_min", "hours_max", "shifts", "start_date", "term_start",
                                                   "term_end", "summer_only")),
        Step("about", "About you", ("military_spouse", "may_relocate", "move_date", "veteran", "student",
                                    "parent_carer", "accommodation", "programmes"), required=False),
        Step("jobs", "More jobs", ("choice_2", "choice_3", "choice_4", "choice_5"), required=False),
        Step("review", "Check and send", ("resume_upload", "consent", "website"), required=False),
    )

    @classmethod
    def step_of(cls, field_name: str) -> Step:
        """The step that asks ``field_name`` (the last, check and send, for anything else)."""
        return next((s for s in cls.STEPS if field_name in s.fields), cls.STEPS[-1])

    # The order of the page, so the error summary lists problems in the order the applicant meets them
    # (the availability fields are declared first, in the base class shared with the status page).
    PAGE_ORDER = ("name", "email", "phone", "preferred_contact", "zip", "choice_2", "choice_3", "choice_4", "choice_5",
                  "max_commute_miles", "hours_min", "hours_max", "shifts", "workplace", "start_date", "term_start",
                  "term_end", "summer_only", "military_spouse", "may_relocate", "move_date", "veteran", "student",
                  "parent_carer", "accommodation", "programmes", "resume_upload", "consent")
    # Fields whose problem is shown next to another control: the summary links there.
    ERROR_TARGETS = {"resume_upload": "resume-file"}

    @property
    def errors(self):
        found = super().errors
        rank = {name: i for i, name in enumerate(self.PAGE_ORDER)}
        return {name: found[name] for name in sorted(found, key=lambda n: rank.get(n, len(rank)))}
