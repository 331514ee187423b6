"""Routes of the voluntary self-ID step. Thin: find the submission by its status token, record, thank."""
from flask import abort, render_template

from portal import clock
from portal.applications import status as statuses
from portal.selfid.services import AlreadyAnswered, record_answers
from portal.web.selfid import bp
from portal.web.selfid.forms import SelfIdForm
from portal.web.shared import runtime


@bp.route("/<token>/self-id", methods=["GET", "POST"])
def answer(token):
    # Only the status item is read (for the submission id and its teams); the self-ID table is only written.
    item = statuses.status_item(runtime(), token)
    if item is None:
        abort(404)
    form = SelfIdForm()
    if not form.validate_on_submit():
        return render_template("selfid/form.html", form=form, token=token)
    try:
        record_answers(runtime(), item, {"veteran": form.veteran.data, "disability": form.disability.data},
                       clock.iso(clock.now()))
        already = False
    except AlreadyAnswered:
        already = True
    return render_template("selfid/thanks.html", token=token, already=already)
