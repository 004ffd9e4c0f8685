"""The needs pages: the list's filters, figures, charts and export; a need's page and its actions;
merging; the categories page; the residents' receipt lookup. Query counts stay flat with n and 3n
needs."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from core.models import AuditEvent
from needs import services
from needs.models import Need, NeedMention
from projects.models import Status
from tests import factories as f

from .factories import need, receipt

pytestmark = pytest.mark.django_db


def _titles(response):
    return [n.title for n in response.context["page"]]


# --- the list -----------------------------------------------------------------------------------
def test_list_filters_by_category_compound_source_status_period_and_title(client, org, people):
    a = need(org.guoao, title="楼道灯不亮", category="environment", compound=org.compound)
    b = need(org.guoao, title="增设充电桩", category="facilities", status="studying")
    services.need_mention(need=b, by=people.secretary, source="round_table", count=2)
    old = need(org.guoao, title="去年的需求")
    Need.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=400))
    client.force_login(people.secretary)
    assert set(_titles(client.get("/needs/"))) == {a.title, b.title, old.title}
    assert _titles(client.get("/needs/?category=facilities")) == [b.title]
    assert _titles(client.get(f"/needs/?compound={org.compound.pk}")) == [a.title]
    assert _titles(client.get("/needs/?source=round_table")) == [b.title]
    assert _titles(client.get("/needs/?status=studying")) == [b.title]
    assert _titles(client.get("/needs/?q=充电")) == [b.title]
    assert old.title not in _titles(client.get("/needs/?period=year"))
    since = (timezone.localdate() - datetime.timedelta(days=500)).isoformat()
    until = (timezone.localdate() - datetime.timedelta(days=300)).isoformat()
    assert _titles(client.get(f"/needs/?since={since}&until={until}")) == [old.title]


def test_a_bad_filter_is_ignored_with_a_message(client, org, people):
    need(org.guoao)
    client.force_login(people.secretary)
    response = client.get("/needs/?category=nope&status=bogus&since=2026-02-30")
    assert response.status_code == 200
    body = response.content.decode()
    assert "没有这个类别,已忽略" in body and "日期格式不正确" in body
    assert response.context["page"].paginator.count == 1


def test_street_sees_its_communities_with_a_breakdown_and_a_community_filter(client, org, people):
    need(org.guoao, mentions=4)
    need(org.haiyun, mentions=2, status="declined")
    need(org.yuehai)
    client.force_login(people.street)
    assert client.get("/needs/").context["breakdown_communities"] == 2
    response = client.get("/needs/breakdown/")  # loaded after the list, with its filters
    rows = {r["community"].name: r for r in response.context["breakdown"]}
    assert set(rows) == {"国奥社区", "海韵社区"}
    assert (rows["国奥社区"]["needs"], rows["国奥社区"]["mentions"]) == (1, 4)
    assert rows["海韵社区"]["statuses"][4] == 1  # declined is the fifth status
    filtered = client.get(f"/needs/?community={org.haiyun.pk}")
    assert filtered.context["page"].paginator.count == 1
    # Another street's community is not offered: ignored, with a message.
    foreign = client.get(f"/needs/?community={org.yuehai.pk}")
    assert foreign.context["page"].paginator.count == 2
    assert "不在您能查看的范围内" in foreign.content.decode()


def test_secretary_gets_no_breakdown_and_no_community_filter(client, org, people):
    need(org.guoao)
    client.force_login(people.secretary)
    response = client.get("/needs/")
    assert response.context["breakdown_communities"] == 0
    assert "needs/breakdown/" not in response.content.decode()
    assert client.get("/needs/breakdown/").context["breakdown"] is None
    assert "community" not in response.context["form"].fields


def test_grouping_by_category_heads_each_group_with_its_count(client, org, people):
    for category in ("culture", "environment", "culture"):
        need(org.guoao, category=category)
    client.force_login(people.secretary)
    response = client.get("/needs/?group=on")
    assert [n.category_id for n in response.context["page"]] == [
        "environment",
        "culture",
        "culture",
    ]
    assert '文体活动 <span class="fw-normal">(2 条)' in response.content.decode()


def test_deleted_and_merged_needs_leave_the_list(client, org, people):
    kept, gone, merged = need(org.guoao), need(org.guoao), need(org.guoao)
    services.need_delete(need=gone, by=people.secretary)
    services.need_merge(old=merged, new=kept, by=people.secretary)
    client.force_login(people.secretary)
    assert _titles(client.get("/needs/")) == [kept.title]


@pytest.mark.parametrize("who", ["secretary", "street", "district"])
def test_needs_list_keeps_its_query_count_with_three_times_the_needs(
    client, org, people, django_assert_max_num_queries, who
):
    client.force_login(getattr(people, who))
    query = f"?community={org.guoao.pk}&source=questionnaire&group=on" if who != "secretary" else ""
    for _ in range(3):
        need(org.guoao, compound=org.compound)
    with django_assert_max_num_queries(8) as small:
        client.get(f"/needs/{query}")
    for _ in range(6):
        need(org.guoao, status="studying")
        need(org.haiyun)
    with django_assert_max_num_queries(8) as large:
        response = client.get(f"/needs/{query}")
    assert len(small.captured_queries) == len(large.captured_queries)
    assert response.status_code == 200


def test_charts_carry_counts_by_category_and_residents_by_source(client, org, people):
    a = need(org.guoao, category="culture", mentions=3)
    services.need_mention(need=a, by=people.secretary, source="round_table", count=2)
    need(org.yuehai, category="culture", mentions=9)
    client.force_login(people.secretary)
    response = client.get("/needs/charts/")
    data = response.context["data"]
    culture = data["category"]["labels"].index("文体活动")
    assert data["category"]["values"][culture] == 1
    by_source = dict(zip(data["source"]["labels"], data["source"]["values"], strict=True))
    assert by_source["问卷调查"] == 3 and by_source["圆桌会"] == 2
    assert 'id="need-chart-data"' in response.content.decode()
    assert "<script>" not in response.content.decode()  # json_script's is type=application/json


def test_export_streams_the_filtered_list_as_text_cells_and_is_audited(client, org, people):
    need(org.guoao, title='=HYPERLINK("x")', category="culture")
    need(org.guoao, title="另一条", category="environment")
    need(org.yuehai, title="别的社区")
    client.force_login(people.secretary)
    response = client.get("/needs/export.xlsx?category=culture")
    assert response.status_code == 200 and response.streaming
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "需求" and len(rows) == 2
    assert rows[1][0] == '=HYPERLINK("x")' and sheet["A2"].data_type == "s"
    event = AuditEvent.objects.get(action="need.export")
    assert event.detail["rows"] == 1 and event.detail["filters"] == {"category": "culture"}


def test_export_never_holds_a_phone_number(client, org, people):
    need(org.guoao, title="请回电13812345678", description="联系人 13912345678")
    client.force_login(people.secretary)
    response = client.get("/needs/export.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row)
    assert "13912345678" not in cells  # descriptions are not exported; people's phones never


# --- a need's page ------------------------------------------------------------------------------
def test_need_page_groups_sources_lists_receipts_history_and_actions(client, org, people):
    n = need(org.guoao, mentions=2)
    services.need_mention(need=n, by=people.secretary, source="round_table", count=3, note="圆桌")
    receipt(n, "3号楼楼道灯坏了")
    services.need_set_status(need=n, by=people.secretary, action="study")
    client.force_login(people.secretary)
    response = client.get(f"/needs/{n.pk}/")
    groups = {g.label: g.count for g in response.context["groups"]}
    assert groups == {"问卷调查": 2, "圆桌会": 3}
    body = response.content.decode()
    assert "3号楼楼道灯坏了" in body and "1 份" in body
    assert "已收集 → 研究中" in body
    assert "纳入已有项目" in body and "以此需求新建项目" in body
    assert "暂不采纳" in body and "合并重复需求" in body


def test_street_reads_a_need_without_any_button(client, org, people):
    n = need(org.guoao)
    client.force_login(people.street)
    body = client.get(f"/needs/{n.pk}/").content.decode()
    assert n.title in body
    for label in ("修改</a>", "合并重复需求", "纳入已有项目", "添加一条来源", "暂不采纳"):
        assert label not in body
    assert client.get(f"/needs/{n.pk}/edit/").status_code == 403


def test_need_page_keeps_its_query_count(client, org, people, django_assert_max_num_queries):
    n = need(org.guoao)
    receipt(n)
    client.force_login(people.secretary)
    with django_assert_max_num_queries(10) as small:
        client.get(f"/needs/{n.pk}/")
    for i in range(5):
        services.need_mention(need=n, by=people.secretary, source="home_visit", count=i + 1)
        receipt(n)
    services.need_set_status(need=n, by=people.secretary, action="study")
    with django_assert_max_num_queries(10) as large:
        client.get(f"/needs/{n.pk}/")
    assert len(small.captured_queries) == len(large.captured_queries)


def test_declining_from_the_page_needs_a_reason(client, org, people):
    n = need(org.guoao)
    client.force_login(people.secretary)
    refused = client.post(f"/needs/{n.pk}/status/", {"action": "decline", "note": ""})
    assert refused.status_code == 422 and "暂不采纳的理由" in refused.content.decode()
    done = client.post(f"/needs/{n.pk}/status/", {"action": "decline", "note": "暂无场地"})
    assert done.status_code == 302
    n.refresh_from_db()
    assert (n.status, n.status_note) == ("declined", "暂无场地")
    again = client.post(f"/needs/{n.pk}/status/", {"action": "decline", "note": "再来"})
    assert again.status_code == 409


def test_adding_a_mention_by_hand(client, org, people):
    n = need(org.guoao, mentions=1)
    client.force_login(people.worker)
    data = {"once": f.once(), "source": "other", "count": "4", "noted_on": "2026-01-05"}
    assert client.post(f"/needs/{n.pk}/mentions/", data).status_code == 302
    n.refresh_from_db()
    assert n.mentions == 5
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    bad = {"once": f.once(), "source": "other", "count": "4", "noted_on": future}
    response = client.post(f"/needs/{n.pk}/mentions/", bad)
    assert response.status_code == 422 and "不能晚于今天" in response.content.decode()
    assert NeedMention.objects.filter(need=n).count() == 2


def test_edit_and_delete_pages(client, org, people):
    n = need(org.guoao)
    client.force_login(people.secretary)
    assert client.get(f"/needs/{n.pk}/edit/").status_code == 200
    data = {"title": "新标题", "category": "culture", "compound": "", "description": "说明"}
    assert client.post(f"/needs/{n.pk}/edit/", data).status_code == 302
    n.refresh_from_db()
    assert (n.title, n.category_id) == ("新标题", "culture")
    assert "确定删除" in client.get(f"/needs/{n.pk}/delete/").content.decode()
    assert client.post(f"/needs/{n.pk}/delete/")["Location"] == "/needs/"
    assert client.get(f"/needs/{n.pk}/").status_code == 404


# --- merging ------------------------------------------------------------------------------------
def test_merge_page_searches_compares_and_merges_then_the_old_address_leads_on(client, org, people):
    old = need(org.guoao, title="3号楼路灯坏了", mentions=2)
    kept = need(org.guoao, title="3号楼楼道灯不亮", mentions=5)
    need(org.yuehai, title="3号楼灯 悦海")
    client.force_login(people.secretary)
    found = client.get(f"/needs/{old.pk}/merge/?q=3号楼").context["found"]
    assert [n.pk for n in found] == [kept.pk]
    compare = client.get(f"/needs/{old.pk}/merge/?into={kept.pk}")
    assert "合并后删除" in compare.content.decode() and "7 人次" in compare.content.decode()
    response = client.post(f"/needs/{old.pk}/merge/", {"into": kept.pk})
    assert response.status_code == 302 and response["Location"] == f"/needs/{kept.pk}/"
    followed = client.get(f"/needs/{old.pk}/")
    assert followed.status_code == 302 and followed["Location"] == f"/needs/{kept.pk}/"
    client.force_login(people.secretary2)
    assert client.get(f"/needs/{old.pk}/").status_code == 404


def test_merge_into_another_communitys_need_is_refused(client, org, people):
    old, foreign = need(org.guoao), need(org.yuehai)
    client.force_login(people.secretary)
    response = client.post(f"/needs/{old.pk}/merge/", {"into": foreign.pk})
    assert response.status_code == 422
    old.refresh_from_db()
    assert old.deleted_at is None


# --- categories ---------------------------------------------------------------------------------
def test_categories_page_district_keeps_others_read(client, people):
    client.force_login(people.secretary)
    page = client.get("/needs/categories/")
    assert page.status_code == 200 and "环境整治" in page.content.decode()
    assert "添加类别" not in page.content.decode()
    assert client.post("/needs/categories/", {"op": "add", "name": "新"}).status_code == 403
    client.force_login(people.district)
    assert client.post("/needs/categories/", {"op": "add", "name": ""}).status_code == 422
    assert client.post("/needs/categories/", {"op": "add", "name": "安全隐患"}).status_code == 302
    assert "安全隐患" in client.get("/needs/categories/").content.decode()


# --- the residents' receipt page ------------------------------------------------------------------
def _lookup(client, code):
    return client.post("/p/receipts/", {"code": code})


def test_receipt_shows_each_status_in_plain_words(client, org, people):
    n = need(org.guoao)
    _, code = receipt(n)
    assert "已收到" in _lookup(client, code).content.decode()
    services.need_set_status(need=n, by=people.secretary, action="study")
    assert "研究中" in _lookup(client, code).content.decode()
    services.need_set_status(need=n, by=people.secretary, action="solve", note="物业已修好")
    body = _lookup(client, code).content.decode()
    assert "已解决" in body and "物业已修好" in body
    other = need(org.guoao)
    _, code2 = receipt(other)
    services.need_set_status(need=other, by=people.secretary, action="decline", note="暂无场地")
    body = _lookup(client, code2.lower().replace("-", " ")).content.decode()
    assert "暂不采纳" in body and "暂无场地" in body


def test_receipt_follows_a_merge_and_names_the_project_with_its_public_page(client, org, people):
    old, kept = need(org.guoao), need(org.guoao)
    _, code = receipt(old)
    services.need_merge(old=old, new=kept, by=people.secretary)
    project = f.ProjectFactory(community=org.guoao, status=Status.ANNOUNCED)
    project.needs.add(kept)
    services.need_adopt(need=kept, by=people.secretary)
    body = _lookup(client, code).content.decode()
    assert "已纳入项目" in body and f"《{project.title}》" in body
    assert f'href="/p/announcements/{project.pk}/"' in body


def test_a_wrong_code_and_an_unknown_code_get_the_same_422(client, org):
    wrong, unknown = _lookup(client, "nonsense"), _lookup(client, "ABCD-EFGH-JKMN")
    assert wrong.status_code == unknown.status_code == 422
    assert wrong.context["error"] == unknown.context["error"]


def test_receipt_lookup_is_rate_limited(client, org, settings):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "receipt_lookup": {"device": "2/h", "ip": "100/h"},
    }
    client.get("/p/receipts/")
    statuses = [_lookup(client, "ABCD-EFGH-JKMN").status_code for _ in range(3)]
    assert statuses == [422, 422, 429]


def test_front_page_links_the_receipt_lookup(client, org):
    assert 'href="/p/receipts/"' in client.get("/p/").content.decode()


# --- what a secretary, the street and the district read on a phone ----------------------------------
def test_a_refused_reason_opens_again_with_what_was_typed(client, org, people):
    n = need(org.guoao)
    services.need_set_status(need=n, by=people.secretary, action="study")
    client.force_login(people.secretary)
    # Solving needs how; the page comes back with that form open and the typed text kept.
    refused = client.post(f"/needs/{n.pk}/status/", {"action": "solve", "note": "  "})
    body = refused.content.decode()
    assert refused.status_code == 422
    assert '<details class="mb-2" open>' in body and body.count(" open>") == 1
    stale = need(org.guoao, status="declined")
    conflict = client.post(f"/needs/{stale.pk}/status/", {"action": "decline", "note": "<b>再说"})
    assert conflict.status_code == 409
    assert "&lt;b&gt;再说" not in conflict.content.decode()  # decline is not offered any more
    n2 = need(org.guoao)
    kept = client.post(f"/needs/{n2.pk}/status/", {"action": "decline", "note": "x" * 1001})
    assert kept.status_code == 422 and "x" * 1001 in kept.content.decode()


def test_history_says_who_recorded_the_need_and_who_added_a_source_by_hand(client, org, people):
    n = services.need_create(
        by=people.secretary,
        community=org.guoao,
        data={"title": "楼道灯", "category_id": "environment", "source": "home_visit"},
    )
    services.need_mention(need=n, by=people.worker, source="round_table", count=2, note="圆桌")
    services.need_mention(need=n, by=people.worker, source="questionnaire", origin="surveys.x:1")
    client.force_login(people.secretary)
    history = client.get(f"/needs/{n.pk}/").context["history"]
    assert [(e.label, e.note, e.actor) for e in history] == [
        ("添加来源", "圆桌会 2 人次:圆桌", people.worker),
        ("记入需求清单", "首次来源:入户走访,1 人次", people.secretary),
    ]


def test_the_breakdown_folds_on_a_phone_and_the_district_reads_it_street_by_street(
    client, org, people
):
    need(org.guoao)
    need(org.yuehai, mentions=3)
    client.force_login(people.district)
    body = client.get("/needs/").content.decode()
    assert 'data-bs-target="#need-breakdown-box"' in body and "个社区)" in body
    assert 'hx-get="/needs/breakdown/?' in body
    table = client.get("/needs/breakdown/").content.decode()
    assert 'scope="rowgroup" colspan="8">长江路街道' in table
    assert table.index(">长江路街道<") < table.index(">国奥社区<")
    client.force_login(people.street)  # one street: no street headings
    assert 'scope="rowgroup"' not in client.get("/needs/breakdown/").content.decode()


def test_a_nul_byte_in_the_search_is_ignored_in_plain_words(client, org, people):
    need(org.guoao)
    client.force_login(people.secretary)
    response = client.get("/needs/", {"q": "灯\x00", "since": "2026-13-01"})
    body = response.content.decode()
    assert "需求名称:含有无法识别的字符,已忽略。" in body
    assert "记录日期从:日期格式不正确,已忽略。" in body and "空字符串" not in body


def test_the_breakdown_follows_the_lists_filters_in_a_fixed_number_of_queries(
    client, org, people, django_assert_max_num_queries
):
    need(org.guoao, category="culture")
    need(org.haiyun, category="environment")
    client.force_login(people.street)
    with django_assert_max_num_queries(8) as few:
        response = client.get("/needs/breakdown/?category=culture")
    rows = {r["community"].name: r["needs"] for r in response.context["breakdown"]}
    assert rows == {"国奥社区": 1, "海韵社区": 0}
    for _ in range(4):
        need(org.guoao, category="culture")
        need(org.haiyun, category="culture")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/needs/breakdown/?category=culture")
