"""What "erased" means, once, for the applicant who asks (status.py) and for the retention schedule (retention.py).

A whole submission: its applications with their history and notes, the status and submission items, the self-ID
answers and the résumé. One application of a submission whose other applications stay: that application with its
history and notes; the submission's résumé, answers and status page stay with the others. Either way an audit
record of the erasure holds no personal data.

The table writes are one transaction (portal/applications/repository.py, ``erase``), which also notes the résumé as
still to be deleted; the S3 object goes after it, and the note after that. So a failed transaction deletes nothing
(the résumé of an application that was moved back meanwhile is kept), and an erasure interrupted after it is
finished by the next retention run (``delete_resumes_left``).
"""
from __future__ import annotations

import logging

from botocore.exceptions import BotoCoreError, ClientError

from portal import keys
from portal.applications.models import Application

log = logging.getLogger(__name__)

APPLICANT, RETENTION = "applicant", "retention"  # who asked: requested_by in the audit record


def erase_submission(runtime, token_hash: str, item: dict, at: str, requested_by: str,
                     guards: tuple[Application, ...] = ()) -> int:
    """Erase the whole submission of this status item; returns how many application records were deleted.

    ``guards``: the applications as the caller read them; each is erased only while it is still at that stage and
    version (else StageConflict, and nothing is erased).
    """
    repo = runtime.applications
    resume_key = item.get("resume_key") or ""
    deletes = [key for application_id in item["application_ids"] for key in repo.item_keys_of(application_id)]
    erased = sum(1 for key in deletes if key["sk"] == keys.APPLICATION_SK)
    deletes.append(keys.status(token_hash))
    if item.get("submission_token"):
        deletes.append(keys.submission(item["submission_token"]))
    audit = _audit_record(keys.erasure_audit(at[:7], item["submission_id"]), at, requested_by,
                          erased, list(item.get("teams", [])), bool(resume_key))
    repo.erase(deletes, [audit], selfid=(runtime.settings.selfid_table, keys.selfid(item["submission_id"])),
               guards=guards, resume_key=resume_key)
    if resume_key:
        delete_resume(runtime, resume_key)
    return erased


def erase_applications(runtime, applications: list[Application], at: str, requested_by: str) -> int:
    """Erase these applications (as read, each guarded by its stage and version) while the rest of their
    submission stays; returns how many. Raises StageConflict, erasing nothing, when one changed meanwhile."""
    repo = runtime.applications
    deletes = [key for application in applications for key in repo.item_keys_of(application.id)]
    audits = [_audit_record(keys.erasure_audit(at[:7], a.submission_id, a.id), at, requested_by, 1, [a.team], False)
              for a in applications]
    repo.erase(deletes, audits, guards=tuple(applications))
    return len(applications)


def delete_resume(runtime, resume_key: str) -> bool:
    """Delete an erased submission's résumé, then the note that it was still to be deleted. When S3 fails, the note
    stays and the next retention run tries again."""
    try:
        runtime.resumes.delete(resume_key)
    except (ClientError, BotoCoreError) as exc:
        log.warning("an erased résumé could not be deleted yet (%s); the retention schedule tries again",
                    error_name(exc))
        return False
    runtime.applications.forget_resume_erasing(resume_key)
    return True


def delete_resumes_left(runtime) -> int:
    """Finish erasures interrupted between their transaction and the S3 delete; returns the résumés deleted."""
    return sum(delete_resume(runtime, key) for key in runtime.applications.resumes_erasing())


def _audit_record(key: dict, at: str, requested_by: str, count: int, teams: list[str], resume_deleted: bool) -> dict:
    return {**key, "entity": "erasure", "erased_at": at, "requested_by": requested_by, "application_count": count,
            "teams": teams, "resume_deleted": resume_deleted}


def error_name(exc: Exception) -> str:
    """What a log may say of a failed AWS call: botocore's error code or the class, never a message that may quote
    keys or values."""
    response = getattr(exc, "response", None)
    code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
    return code or type(exc).__name__
