"""The self-ID form: every question optional, "I do not wish to answer" always offered."""
from __future__ import annotations

from wtforms import RadioField, SelectChoice
from wtforms.validators import Optional

from portal.selfid.models import QUESTIONS
from portal.web.forms import PortalForm


class SelfIdForm(PortalForm):
    veteran = RadioField(QUESTIONS["veteran"]["label"], [Optional()],
                         choices=[SelectChoice(v, label) for v, label in QUESTIONS["veteran"]["answers"].items()])
    disability = RadioField(QUESTIONS["disability"]["label"], [Optional()],
                            choices=[SelectChoice(v, label) for v, label in QUESTIONS["disability"]["answers"].items()])
