"""Routes of the dashboards (per team and per posting) and the EEO report (admins only, aggregate counts)."""
from __future__ import annotations

from flask import abort, g, render_template

from portal import clock, storage
from portal.admin import bp, guards
from portal.reports import charts, services
from portal.reports.repository import ReportRepository


def _render(dashboard, heading: str, **context):
    return render_template(
        "admin/dashboard.html", d=dashboard, heading=heading, funnel=charts.bars(dashboard.funnel),
        per_day=charts.line(dashboard.per_day),
        workplace=charts.bars(dashboard.workplace_share, lambda r: f"{r[2]}%"),
        hours=charts.bars(dashboard.hours_share, lambda r: f"{r[2]}%"), **context)


@bp.get("/teams/<team_id>/dashboard")
def dashboard(team_id):
    team = guards.team_or_404(team_id)
    found = services.team_dashboard(ReportRepository(storage.main_table()), team_id, clock.now().date())
    return _render(found, f"Dashboard of {team.name}", team=team)


@bp.get("/postings/<posting_id>/dashboard")
def dashboard_posting(posting_id):
    posting = guards.posting_or_404(posting_id)
    found = services.posting_dashboard(ReportRepository(storage.main_table()), posting_id, clock.now().date())
    return _render(found, f"Dashboard of {posting.title}", posting=posting)


@bp.get("/teams/<team_id>/eeo")
def eeo(team_id):
    """Admins only: even aggregates stay away from the recruiters who decide (OFCCP practice)."""
    team = guards.team_or_404(team_id)
    if not g.account.is_admin:
        abort(404)
    report = services.eeo_report(ReportRepository(storage.main_table()), team_id)
    return render_template("admin/eeo.html", team=team, report=report, small=services.SMALL_CELL)
