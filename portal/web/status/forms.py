"""Forms of the status page: availability (the same questions as when applying), withdraw and erase."""
from __future__ import annotations

from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired

from portal.applications.stages import parse_versions
from portal.web.forms import AvailabilityForm, PortalForm


class AvailabilityUpdateForm(AvailabilityForm):
    # "<application id>:<version>,...": the versions the applicant saw, so a change made meanwhile is not overwritten.
    versions = HiddenField()

    def seen_versions(self) -> dict[str, int]:
        return parse_versions((self.versions.data or "").split(","))


class WithdrawForm(PortalForm):
    application_id = HiddenField()
    version = HiddenField()


class EraseForm(PortalForm):
    confirm = BooleanField(
        "I understand that this erases all my applications, my résumé and my answers, and cannot be undone",
        [DataRequired("Tick the box to confirm that you want to erase everything.")],
    )
