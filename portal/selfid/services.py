"""Rules of self-identification: optional answers, recorded once per submission, counted per team."""
from __future__ import annotations

from portal.selfid.models import QUESTIONS, counter_name
from portal.selfid.repository import AlreadyAnswered

__all__ = ["record_answers", "AlreadyAnswered"]


def record_answers(runtime, status_item: dict, answers: dict, at: str) -> None:
    """Store the answers of the submission behind ``status_item`` and count them once for each of its teams.

    Unanswered questions count as declined. Raises AlreadyAnswered when this submission answered before.
    """
    clean = {q: answers.get(q) if answers.get(q) in spec["answers"] else "declined" for q, spec in QUESTIONS.items()}
    counters = [counter_name(q, a) for q, a in clean.items()]
    runtime.selfid.record(status_item["submission_id"], clean, counters, sorted(status_item.get("teams", [])), at)
