"""The repositories of the running app, each handed its table from the app's configuration."""
from __future__ import annotations

from flask import current_app

from portal.accounts.repository import AccountRepository
from portal.applications.repository import ApplicationRepository
from portal.applications.resumes import ResumeStore
from portal.audit.repository import AuditRepository
from portal.aws import resources
from portal.postings.repository import PostingRepository


def main_table():
    return resources().table(current_app.config["MAIN_TABLE"])


def postings() -> PostingRepository:
    return PostingRepository(main_table())


def applications() -> ApplicationRepository:
    return ApplicationRepository(main_table())


def resumes() -> ResumeStore:
    return ResumeStore(resources().client("s3"), current_app.config["RESUME_BUCKET"])


def accounts() -> AccountRepository:
    return AccountRepository(main_table())


def audit() -> AuditRepository:
    return AuditRepository(main_table())


def resume_link(key: str) -> str:
    """A short-lived presigned GET for one résumé in the private résumé bucket."""
    cfg = current_app.config
    bucket = cfg.get("RESUME_BUCKET") or f"{cfg['STACK_NAME']}-resumes"
    return resources().client("s3").generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": key, "ResponseContentDisposition": "attachment"},
        ExpiresIn=cfg["RESUME_LINK_SECONDS"],
    )
