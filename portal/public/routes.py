"""Routes of the public pages. Thin: read the request, call a service, render."""
from flask import abort, current_app, render_template, request

from portal import clock, storage
from portal.paging import BadCursor, CursorCodec
from portal.postings import services
from portal.public import bp


@bp.get("/")
def home():
    return render_template("public/home.html")


@bp.get("/jobs/")
def jobs():
    codec = CursorCodec(current_app.config["SECRET_KEY"])
    try:
        start_key = codec.decode(request.args.get("page"))
    except BadCursor:
        abort(400, "This page link is not valid any more. Start again from the first page.")
    page = services.list_published_postings(storage.postings(), current_app.config["PAGE_SIZE"], start_key)
    return render_template(
        "public/jobs.html", postings=page.items, next_page=codec.encode(page.next_key), first_page=start_key is None
    )


@bp.get("/jobs/<posting_id>/")
def posting(posting_id):
    found = services.get_public_posting(storage.postings(), posting_id)
    if found is None:
        abort(404)
    return render_template(
        "public/posting.html", posting=found, is_open=services.is_open(found, clock.now().date())
    )
