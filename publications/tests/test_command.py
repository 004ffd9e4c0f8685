"""manage.py publish_monthly: the same services by hand, and what it says."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core.models import AuditEvent
from core.workdays import ensure_calendar
from publications.models import Kind, Publication, PublicationStatus


@pytest.fixture(autouse=True)
def _calendar(db):
    ensure_calendar()


def run(*args) -> str:
    out = StringIO()
    call_command("publish_monthly", *args, stdout=out)
    return out.getvalue()


def test_compiles_every_street_then_says_they_are_already_there(org):
    out = run("--kind", "summary", "--month", "2026-09")
    assert out.count("created 新汇编") == 2 and "新汇编 2" in out
    assert (
        Publication.objects.filter(kind=Kind.SUMMARY, month=datetime.date(2026, 9, 1)).count() == 2
    )
    again = run("--kind", "summary", "--month", "2026-09")
    assert again.count("exists 已存在") == 2 and "新汇编 0,已存在 2" in again
    assert Publication.objects.count() == 2


def test_one_street_by_name_or_id_and_sign_off_as_the_system(org):
    out = run("--kind", "preview", "--month", "2026-10", "--street", "长江路街道", "--sign-off")
    publication = Publication.objects.get()
    assert publication.street == org.street_a
    assert publication.status == PublicationStatus.PUBLISHED and publication.signed_off_by is None
    assert "published 已签发" in out and "本次签发 1" in out
    audit = AuditEvent.objects.get(action="publication.sign_off")
    assert audit.actor is None and audit.detail["by"] == "system"
    again = run(
        "--kind", "preview", "--month", "2026-10", "--street", str(org.street_a.pk), "--sign-off"
    )
    assert "already published 早已发布" in again and "本次签发 0,早已发布 1" in again
    assert AuditEvent.objects.filter(action="publication.sign_off").count() == 1


def test_the_digest_is_the_districts(org):
    out = run("--kind", "digest", "--month", "2026-09")
    assert "红色专递" in out
    assert Publication.objects.get().street is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "summary", "--month", "2026/09"], "YYYY-MM"),
        (["--kind", "summary", "--month", "2026-13"], "YYYY-MM"),
        (["--kind", "summary", "--month", "2026-09", "--street", "不存在街道"], "找不到街道"),
        (["--kind", "digest", "--month", "2026-09", "--street", "长江路街道"], "红色专递属于全区"),
        (["--kind", "summary", "--month", "2099-01"], "起才能汇编"),
    ],
)
def test_bad_arguments_are_a_clear_command_error(org, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not Publication.objects.exists()


def test_an_unknown_kind_is_refused(org):
    with pytest.raises(CommandError):
        run("--kind", "weekly", "--month", "2026-09")
