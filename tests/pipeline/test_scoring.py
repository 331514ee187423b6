"""The fit score, its reasons and flags: pure rules, fed stored application items as the apply form writes them."""
import datetime

from portal.pipeline import scoring
from portal.pipeline.routing import least_loaded
from tests.factories import make_posting, make_remote_posting

TODAY = datetime.date(2026, 11, 23)


def _item(**prefs):
    location = prefs.pop("location", {"zip": "98032", "state": "WA"})
    extra = prefs.pop("extra", {})
    return {"location": location, "preferences": {"hours_min": 20, "hours_max": 30, "shifts": ["day"], **prefs},
            **extra}


def test_a_full_match_scores_high_with_reasons_in_words():
    posting = make_posting(hours_min=20, hours_max=30, shifts=["evening", "weekend"])
    fit = scoring.assess(posting, _item(shifts=["evening", "weekend"], start_date="2026-11-30"), TODAY)
    assert fit.score == 100
    assert "evenings and weekends match" in fit.reasons
    assert "all 30 hours" in fit.reasons
    assert fit.hold_reason == ""


def test_partial_hours_and_shifts_are_counted_in_proportion():
    posting = make_posting(hours_min=20, hours_max=30, shifts=["day", "night"])
    fit = scoring.assess(posting, _item(hours_max=25, shifts=["day"], start_date="2026-11-23"), TODAY)
    assert "25 of 30 hours" in fit.reasons
    assert "days match; not nights" in fit.reasons
    assert 60 < fit.score < 85


def test_unknown_answers_earn_half_their_points_and_never_fail():
    posting = make_posting()
    fit = scoring.assess(posting, {"location": {}, "preferences": {}}, TODAY)
    assert fit.score == 55  # half of each part, and all of term time, which only concerns students
    assert set(fit.reasons) == {"commute unknown", "hours unknown", "shifts unknown", "start date unknown"}
    assert fit.flags == [] and fit.hold_reason == ""


def test_remote_roles_accept_only_their_states_and_hold_the_others():
    posting = make_remote_posting(remote_states=["TX", "OR"], shifts=["day"])
    accepted = scoring.assess(posting, _item(location={"zip": "78701", "state": "TX"}), TODAY)
    assert "lives in TX, which this remote role accepts" in accepted.reasons and not accepted.hold_reason
    held = scoring.assess(posting, _item(location={"zip": "98101", "state": "WA"}), TODAY)
    assert held.hold_reason == "Remote role open only to applicants in OR, TX; the applicant lives in WA."
    assert held.score < accepted.score


def test_commute_uses_the_longest_commute_the_applicant_accepts():
    posting = make_posting()  # Kent, WA 98032
    near = scoring.assess(posting, _item(location={"zip": "98101", "state": "WA"}, max_commute_miles=25), TODAY)
    assert any("miles from the site, within the 25 they can travel" in r for r in near.reasons)
    too_far = scoring.assess(posting, _item(location={"zip": "98101", "state": "WA"}, max_commute_miles=5), TODAY)
    assert any("more than the 5 they can travel" in r for r in too_far.reasons)
    assert too_far.score == near.score - scoring.LOCATION_POINTS
    portland = scoring.assess(posting, _item(location={"zip": "97204", "state": "OR"}), TODAY)
    assert any("a long commute" in r for r in portland.reasons)
    assert not too_far.hold_reason and not portland.hold_reason  # soft: a recruiter may still call


def test_a_late_start_scores_less():
    posting = make_posting(valid_through="2026-12-31")
    soon = scoring.assess(posting, _item(start_date="2026-11-30"), TODAY)
    later = scoring.assess(posting, _item(start_date="2027-01-04"), TODAY)
    assert "can start 2026-11-30" in soon.reasons
    assert "can start 2027-01-04, in 6 weeks" in later.reasons
    assert later.score < soon.score


def test_students_term_time_and_programme_flags():
    posting = make_posting(hours_min=30, hours_max=40)
    circumstances = {"student": True, "military_spouse": True, "veteran": True, "accommodation": "a stool"}
    in_term = scoring.assess(posting, _item(circumstances=circumstances,
                                            term_dates={"start": "2026-09-01", "end": "2026-12-18"}), TODAY)
    assert "term time: the role needs at least 30 hours a week" in in_term.reasons
    assert in_term.flags == ["military-spouse", "veteran", "student", "accommodation"]
    summer_only = scoring.assess(posting, _item(circumstances={"student": True}, summer_only=True,
                                                term_dates={"start": "2026-09-01", "end": "2026-12-18"}), TODAY)
    assert "available only outside term time (term ends 2026-12-18)" in summer_only.reasons
    assert summer_only.score < in_term.score
    assert summer_only.hold_reason == ""


def test_the_least_loaded_active_member_is_chosen_deterministically():
    members = [{"email": "c@x.org", "active": True, "open_count": 2}, {"email": "b@x.org", "active": True, "open_count": 1},
               {"email": "a@x.org", "active": True, "open_count": 1}, {"email": "z@x.org", "active": False, "open_count": 0},
               {"open_count": 0, "active": True}]
    assert least_loaded(members) == "a@x.org"
    assert least_loaded([{"email": "z@x.org", "active": False}]) is None
