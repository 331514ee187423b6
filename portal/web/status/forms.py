"""Forms of the status page: availability (the same questions as when applying), withdraw and erase."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired

from portal.applications.stages import parse_version
from portal.web.forms import AvailabilityForm


class AvailabilityUpdateForm(AvailabilityForm):
    # "<application id>:<version>,...": the versions the applicant saw, so a change made meanwhile is not overwritten.
    versions = HiddenField()

    def seen_versions(self) -> dict[str, int]:
        seen = {}
        for pair in (self.versions.data or "").split(","):
            application_id, _, version = pair.partition(":")
            if application_id and parse_version(version) is not None:
                seen[application_id] = parse_version(version)
        return seen


class WithdrawForm(FlaskForm):
    application_id = HiddenField()
    version = HiddenField()


class EraseForm(FlaskForm):
    confirm = BooleanField(
        "I understand that this erases all my applications, my résumé and my answers, and cannot be undone",
        [DataRequired("Tick the box to confirm that you want to erase everything.")],
    )
