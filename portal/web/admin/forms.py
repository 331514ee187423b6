"""Forms of the admin pages."""
from decimal import Decimal

from wtforms import (
    HiddenField, PasswordField, RadioField, SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField,
)
from wtforms.fields import DateField, EmailField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from portal.accounts.models import ROLES
from portal.applications.queues import FLAGS, SORTS
from portal.postings.models import CATEGORIES, EMPLOYMENT_TYPES, PAY_UNITS, PROGRAMMES, SHIFTS, WORKPLACES
from portal.web.forms import CheckboxesField, DecimalField, IntegerField, PortalForm, choices


class LoginForm(PortalForm):
    email = EmailField("E-mail address", [DataRequired("Enter your e-mail address.")], render_kw={"autocomplete": "username"})
    password = PasswordField(
        "Password", [DataRequired("Enter your password.")], render_kw={"autocomplete": "current-password"}
    )


class LogoutForm(PortalForm):
    """Empty but for its CSRF token: signing out changes state, so it is a POST."""


class QueueFilterForm(PortalForm):
    """The filters of a queue. Read from the query string (a GET form: filtering changes nothing, so no CSRF)."""

    class Meta:
        csrf = False

    stage = SelectField("Stage", choices=[])
    sort = SelectField("Order", choices=choices(SORTS.items()), default="newest")
    posting = SelectField("Posting", choices=[], default="")
    state = SelectField("Applicant's state", choices=[], default="")
    score_min = IntegerField("Fit score from", [Optional(), NumberRange(0, 100, "Enter a score from 0 to 100.")],
                             render_kw={"inputmode": "numeric"})
    score_max = IntegerField("Fit score to", [Optional(), NumberRange(0, 100, "Enter a score from 0 to 100.")],
                             render_kw={"inputmode": "numeric"})
    shift = SelectField("Can work shift", choices=choices([("", "Any shift"), *SHIFTS.items()]), default="")
    hours_min = IntegerField("Can work at least (hours a week)", [Optional(), NumberRange(1, 80, "Enter hours from 1 to 80.")],
                             render_kw={"inputmode": "numeric"})
    flag = SelectField("Circumstance", choices=choices([("", "Any"), *FLAGS.items()]), default="")
    received_from = DateField("Received from", [Optional()], format="%Y-%m-%d")
    received_to = DateField("Received to", [Optional()], format="%Y-%m-%d")

    def validate_score_max(self, field):
        if field.data is not None and self.score_min.data is not None and field.data < self.score_min.data:
            raise ValidationError("The highest score must be at least the lowest.")

    def validate_received_to(self, field):
        if field.data and self.received_from.data and field.data < self.received_from.data:
            raise ValidationError("The end date must be on or after the start date.")


class MoveForm(PortalForm):
    to_stage = HiddenField()
    version = HiddenField()
    reason = TextAreaField("Reason", [Length(max=500, message="Keep the reason to 500 characters or fewer.")],
                           description="Needed to reject or to put on hold. Applicants never see it.")
    next = HiddenField()


class NoteForm(PortalForm):
    body = TextAreaField("Add a note", [DataRequired("Write the note before adding it."),
                                        Length(max=2000, message="Keep a note to 2000 characters or fewer.")])


class TagForm(PortalForm):
    tags = StringField("Add tags", [DataRequired("Enter at least one tag, like night-ok or call-back.")],
                       description="Separate tags with commas.")


class RemoveTagForm(PortalForm):
    tag = HiddenField()


class RatingForm(PortalForm):
    rating = RadioField("Rating", choices=choices((str(n), str(n)) for n in range(1, 6)),
                        validators=[InputRequired("Choose a rating from 1 to 5.")])


class AssignForm(PortalForm):
    version = HiddenField()
    assignee = SelectField("Assign to", choices=[])


class BulkForm(PortalForm):
    selected = SelectMultipleField("Selected applications", choices=[], validate_choice=False)
    action = SelectField("Action", choices=choices([("", "Choose an action"), ("move", "Move to stage"),
                                                    ("reject", "Reject"), ("assign", "Assign to"), ("tag", "Add tags")]))
    to_stage = SelectField("Move to", choices=[], default="")
    reason = StringField("Reason (to reject or hold)", [Length(max=500, message="Keep the reason to 500 characters or fewer.")])
    assignee = SelectField("Assign to", choices=[], default="")
    tags = StringField("Tags", description="Separate tags with commas.")

    def validate_action(self, field):
        if not field.data:
            raise ValidationError("Choose what to do with the selected applications.")
        if field.data == "move" and not self.to_stage.data:
            raise ValidationError("Choose the stage to move them to.")
        if field.data == "reject" and not (self.reason.data or "").strip():
            raise ValidationError("Give a reason for rejecting them.")
        if field.data == "tag" and not (self.tags.data or "").strip():
            raise ValidationError("Enter the tags to add.")

    def validate_selected(self, field):
        if not field.data:
            raise ValidationError("Select at least one application.")


class PostingForm(PortalForm):
    """Every field of a posting; the public rules (remote states, pay range with a unit) are checked in editing.py."""

    title = StringField("Job title", [DataRequired("Enter the job title."), Length(max=120, message="Use 120 characters or fewer.")])
    team = SelectField("Team", choices=[])
    category = SelectField("Category", choices=choices(CATEGORIES.items()))
    employment_types = CheckboxesField("Type of employment", choices=choices(EMPLOYMENT_TYPES.items()))
    workplace = RadioField("Where the work is", [InputRequired("Choose remote, on-site or hybrid.")],
                           choices=choices(WORKPLACES.items()))
    remote_states = SelectMultipleField("States applicants may live in (remote jobs)", choices=[],
                                        description="Hold Ctrl (or Cmd) to choose several.", render_kw={"size": 8})
    site = StringField("Site name (on-site and hybrid)", [Length(max=120, message="Use 120 characters or fewer.")])
    street = StringField("Street address", [Length(max=120, message="Use 120 characters or fewer.")])
    city = StringField("City", [Length(max=80, message="Use 80 characters or fewer.")])
    zip = StringField("ZIP code", description="The state and position come from the ZIP code.",
                      render_kw={"inputmode": "numeric", "maxlength": 10})
    hours_min = IntegerField("Fewest hours a week", [InputRequired("Enter the fewest hours a week."),
                                                     NumberRange(1, 80, "Enter a number from 1 to 80.")])
    hours_max = IntegerField("Most hours a week", [InputRequired("Enter the most hours a week."),
                                                   NumberRange(1, 80, "Enter a number from 1 to 80.")])
    shifts = CheckboxesField("Shifts", choices=choices(SHIFTS.items()))
    pay_min = DecimalField("Pay from ($)", [InputRequired("Enter the lowest pay, like 18.50."),
                                            NumberRange(Decimal("0.01"), message="Enter an amount above zero.")], places=2)
    pay_max = DecimalField("Pay to ($)", [InputRequired("Enter the highest pay, like 21.00."),
                                          NumberRange(Decimal("0.01"), message="Enter an amount above zero.")], places=2)
    pay_unit = SelectField("Pay per", choices=choices(PAY_UNITS.items()), default="HOUR")
    benefits_hours = IntegerField("Benefits from (hours a week)", [InputRequired("Enter the hours that bring benefits."),
                                                                   NumberRange(0, 80, "Enter a number from 0 to 80.")],
                                  default=20)
    programmes = CheckboxesField("Programmes", choices=choices(PROGRAMMES.items()))
    valid_through = DateField("Closes on", [Optional()], format="%Y-%m-%d",
                              description="Leave empty to keep it open until you close it.")
    description = TextAreaField("Description", [DataRequired("Describe the job."),
                                                Length(max=8000, message="Use 8000 characters or fewer.")],
                                description="Separate paragraphs with an empty line.", render_kw={"rows": 8})


class PostingActionForm(PortalForm):
    """Publish, close and duplicate: a button and its CSRF token."""


class AccountForm(PortalForm):
    email = EmailField("E-mail address", [DataRequired("Enter their e-mail address.")])
    name = StringField("Full name", [DataRequired("Enter their name."), Length(max=120, message="Use 120 characters or fewer.")])
    role = RadioField("Role", [InputRequired("Choose a role.")], choices=choices(ROLES.items()), default="recruiter")
    teams = CheckboxesField("Teams (recruiters)", choices=[])
    password = PasswordField("First password", [DataRequired("Enter a first password."),
                                                Length(min=12, message="Use a password of at least 12 characters.")],
                             description="At least 12 characters. Give it to them in person; they sign in with it.",
                             render_kw={"autocomplete": "new-password"})

    def validate_teams(self, field):
        if self.role.data != "admin" and not field.data:
            raise ValidationError("Choose at least one team for a recruiter.")


class TeamForm(PortalForm):
    team_id = StringField("Team id", [DataRequired("Enter a short id, like fulfillment-south."),
                                      Regexp(r"^[a-z0-9][a-z0-9-]{1,39}$", message="Use 2 to 40 lower-case letters, digits and hyphens.")],
                          description="Used in addresses; it cannot be changed later.")
    name = StringField("Team name", [DataRequired("Enter the team's name."), Length(max=80, message="Use 80 characters or fewer.")])
