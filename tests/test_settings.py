"""Settings (portal/settings.py): defaults in code, `PORTAL_*` variables over them, the caller's overrides last."""
import pytest

from portal.settings import Settings


def test_the_defaults_name_the_stacks_tables_buckets_and_queue():
    settings = Settings.load({"stack_name": "abc"}, environ={})
    assert (settings.main_table, settings.selfid_table, settings.site_bucket, settings.resume_bucket,
            settings.pipeline_dlq_name) == ("abc-main", "abc-selfid", "abc-site", "abc-resumes", "abc-pipeline-dlq")
    assert settings.local_mode is False and settings.secret_key == ""


def test_variables_are_read_as_json_when_they_are_json_and_as_text_otherwise():
    settings = Settings.load(environ={"PORTAL_LOCAL_MODE": "true", "PORTAL_PAGE_SIZE": "7",
                                      "PORTAL_PIPELINE_POLL_SECONDS": "0.5", "PORTAL_STACK_NAME": "portal-prod",
                                      "PORTAL_SECRET_KEY": "12345", "PORTAL_UNRELATED": "ignored"})
    assert settings.local_mode is True and settings.page_size == 7 and settings.pipeline_poll_seconds == 0.5
    assert settings.stack_name == "portal-prod" and settings.main_table == "portal-prod-main"
    assert settings.secret_key == "12345", "a JSON number for a text setting stays text"


def test_overrides_win_in_either_case_and_a_name_that_is_no_setting_is_refused():
    settings = Settings.load({"PAGE_SIZE": 3, "main_table": "custom"}, environ={"PORTAL_PAGE_SIZE": "7"})
    assert settings.page_size == 3 and settings.main_table == "custom"
    with pytest.raises(TypeError, match="PAGE_SIZ"):
        Settings.load({"PAGE_SIZ": 3}, environ={})


def test_settings_are_frozen():
    with pytest.raises(AttributeError):
        Settings().page_size = 5
