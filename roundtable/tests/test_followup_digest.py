"""The round table's section of the 红色专递 (roundtable/digest.py), as the digest compiles it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from publications.compile import DIGEST_SECTIONS, compile_content
from roundtable.digest import digest_section
from roundtable.models import TopicStatus
from roundtable.tests.world_followup import meeting, resolution, topic
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
MONTH = TODAY.replace(day=1)


def _solved(community, by, n, *, when=None, month=datetime.date(2024, 3, 1)):
    m = meeting(community, month)
    for i in range(n):
        topic(
            m, by, title=f"已解决{i}", status=TopicStatus.SOLVED, solved_at=when or timezone.now()
        )
    return m


def _overdue(community, by, n, *, month=datetime.date(2024, 4, 1)):
    m = meeting(community, month)
    t = topic(m, by, title="楼道堆物", status=TopicStatus.RESOLVED)
    return [
        resolution(t, by, due_on=TODAY - (i + 2) * DAY, responsible=f"物业{i}") for i in range(n)
    ]


def _section(content):
    return next((s for s in content["sections"] if s["key"] == "roundtable"), None)


def test_nothing_to_say_is_none(org, people):
    _solved(org.guoao, people.secretary, 2, when=timezone.now() - 60 * DAY)  # another month
    assert digest_section(org.district, MONTH) is None


def test_the_section_lists_overdue_resolutions_with_the_months_solved_count(org, people):
    _solved(org.guoao, people.secretary, 3)
    _solved(org.yuehai, people.secretary2, 1, month=datetime.date(2024, 5, 1))
    late = _overdue(org.yuehai, people.secretary2, 2)
    resolution(late[0].topic, people.secretary2, due_on=TODAY - 9 * DAY, status="done")

    section = digest_section(org.district, MONTH)

    assert section["type"] == "list" and section["more"] == 0
    assert "解决问题 4 个" in section["title"] and "超期未办结 2 项" in section["title"]
    first = section["items"][0]
    assert first["title"] == "楼道堆物" and first["meta"] == "八角街道 · 悦海社区"
    assert first["text"].startswith("物业1:") and "已超期 3 天" in first["text"]
    assert first["link"] == late[1].get_absolute_url()


def test_with_nothing_overdue_the_section_carries_its_figures(org, people):
    _solved(org.guoao, people.secretary, 2)
    section = digest_section(org.district, MONTH)
    assert section["items"] == []
    assert [r["value"] for r in section["rows"]] == [2, 2, 0]


def test_more_than_ten_overdue_are_counted_not_listed(org, people):
    _overdue(org.guoao, people.secretary, 12)
    section = digest_section(org.district, MONTH)
    assert len(section["items"]) == 10 and section["more"] == 2


def test_the_section_takes_two_queries_whatever_the_data(org, people):
    _overdue(org.guoao, people.secretary, 1)
    with CaptureQueriesContext(connection) as small:
        digest_section(org.district, MONTH)
    _overdue(org.haiyun, people.secretary, 8)
    _solved(org.yuehai, people.secretary2, 5)
    with CaptureQueriesContext(connection) as large:
        digest_section(org.district, MONTH)
    assert len(small.captured_queries) == len(large.captured_queries) == 2


def test_another_districts_round_tables_are_left_out(org, people):
    other = f.CommunityFactory(
        street=f.StreetFactory(district=f.DistrictFactory(name="别的区"), name="别的街道")
    )
    _overdue(other, people.secretary, 2)
    assert digest_section(org.district, MONTH) is None


def test_the_compiled_digest_contains_the_section(org, people):
    assert digest_section in DIGEST_SECTIONS  # publications registers it
    _overdue(org.guoao, people.secretary, 1)
    _solved(org.guoao, people.secretary, 1)

    content = compile_content("digest", district=org.district, month=MONTH)

    section = _section(content)
    assert section is not None and section["items"][0]["meta"] == "长江路街道 · 国奥社区"
    assert [r["title"] for r in section["items"]] == ["楼道堆物"]


def test_the_digest_page_renders_the_section(org, people):
    from django.template.loader import render_to_string

    from publications.models import Kind, Publication

    _solved(org.guoao, people.secretary, 1)
    content = compile_content("digest", district=org.district, month=MONTH)
    html = render_to_string(
        "publications/_content.html",
        {
            "publication": Publication(
                kind=Kind.DIGEST, district=org.district, month=MONTH, content=content, due_on=MONTH
            ),
            "base": "",
        },
    )
    assert "幸福家园圆桌会" in html and "经圆桌会解决的问题" in html
