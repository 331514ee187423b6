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

