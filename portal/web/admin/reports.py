"""Routes of the dashboards (per team and per posting) and the EEO report (admins only, aggregate counts)."""
from __future__ import annotations

from flask import render_template

from portal import clock
from portal.reports import charts, services
from portal.web.admin import bp, guards
from portal.web.shared import runtime


def _render(dashboard, heading: str, **context):
    return render_template(
        "admin/dashboard.html", d=dashboard, heading=heading, funnel=charts.bars(dashboard.funnel),
        per_day=charts.line(dashboard.per_day),
        workplace=charts.bars(dashboard.workplace_share, lambda r: f"{r[2]}%"),
        hours=charts.bars(dashboard.hours_share, lambda r: f"{r[2]}%"), **context)


@bp.get("/teams/<team_id>/dashboard")
def dashboard(team_id):
    team = guards.team_or_404(team_id)
    found = services.team_dashboard(runtime(), team_id, clock.now().date())
    return _render(found, f"Dashboard of {team.name}", team=team)


@bp.get("/postings/<posting_id>/dashboard")
def dashboard_posting(posting_id):
    posting = guards.posting_or_404(posting_id)
    found = services.posting_dashboard(runtime(), posting_id, clock.now().date())
    return _render(found, f"Dashboard of {posting.title}", posting=posting)


@bp.get("/teams/<team_id>/eeo")
def eeo(team_id):
    """Admins only: even aggregates stay away from the recruiters who decide (OFCCP practice)."""
    team = guards.team_or_404(team_id)
    guards.admin_only()
    return render_template("admin/eeo.html", team=team, report=services.eeo_report(runtime(), team_id),
                           small=services.SMALL_CELL)
