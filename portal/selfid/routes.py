"""Routes of the voluntary self-ID step. Thin: find the submission by its status token, record, thank."""
from flask import abort, current_app, render_template

from portal import clock, storage
from portal.applications import status as statuses
from portal.applications import tokens
from portal.selfid import bp
from portal.selfid.forms import SelfIdForm
from portal.selfid.repository import SelfIdRepository
from portal.selfid.services import AlreadyAnswered, record_answers


@bp.route("/<token>/self-id", methods=["GET", "POST"])
def answer(token):
    # Only the status item is read (for the submission id and its teams); the self-ID table is only written.
    item = storage.applications().get_status(tokens.token_hash(token)) if token and len(token) < 100 else None
    if item is None:
        abort(404)
    form = SelfIdForm()
    if not form.validate_on_submit():
        return render_template("selfid/form.html", form=form, token=token)
    repo = SelfIdRepository(current_app.config["SELFID_TABLE"], storage.main_table())
    try:
        record_answers(repo, item, {"veteran": form.veteran.data, "disability": form.disability.data},
                       clock.iso(clock.now()))
        already = False
    except AlreadyAnswered:
        already = True
    return render_template("selfid/thanks.html", token=token, already=already)
