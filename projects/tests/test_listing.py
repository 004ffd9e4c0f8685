"""The project list for those who manage many projects, and its Excel export (projects/listing.py,
projects/export.py)."""

import io
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from core.models import AuditEvent
from projects import export, listing
from projects.models import Project, ProjectClass, Status
from tests import factories as f

pytestmark = pytest.mark.django_db

HEADER = [
    "项目名称",
    "街道",
    "社区",
    "小区",
    "小区类型",
    "类型(美学乐健)",
    "项目类别",
    "状态",
    "当前步骤",
    "状态变更时间",
    "已等待天数",
    "预算总额",
]


@pytest.fixture
def catalogue(org, people):
    """Six projects across both streets, each different in one way from the others; each has
    waited a different number of days in its status (A longest)."""
    old = f.CompoundFactory(community=org.yuehai, name="悦海老街", kind="old")
    resettled = f.CompoundFactory(community=org.guoao, name="国奥安置区", kind="resettlement")
    # The district's classes may be seeded by a migration already: reuse them.
    parking = ProjectClass.objects.get_or_create(name="停车管理")[0]
    elders = ProjectClass.objects.get_or_create(name="为老服务")[0]
    now = timezone.now()
    rows = [
        # title, community, compound, theme, status, class
        ("A", org.guoao, org.compound, "beauty", Status.DRAFT, parking),
        ("B", org.haiyun, None, "learning", Status.SUBMITTED, elders),
        ("C", org.yuehai, old, "joy", Status.ANNOUNCED, None),
        ("D", org.guoao, resettled, "health", Status.IN_PROGRESS, elders),
        ("E", org.haiyun, None, "joy", Status.RETURNED, None),
        ("F", org.yuehai, None, "joy", Status.APPROVED, parking),
    ]
    made = {}
    for days, (title, community, compound, theme, status, klass) in zip(
        range(60, 0, -10), rows, strict=True
    ):
        made[title] = f.ProjectFactory(
            title=f"项目{title}",
            community=community,
            compound=compound,
            theme=theme,
            status=status,
            project_class=klass,
            status_changed_at=now - timedelta(days=days),
            created_by=people.secretary,
        )
    return type("Catalogue", (), {"projects": made, "parking": parking, "elders": elders})


def shown(client, **params) -> list[str]:
    """Titles (without the 项目 prefix) the list shows for these GET parameters, in order."""
    response = client.get("/projects/", params)
    assert response.status_code == 200
    return [p.title.removeprefix("项目") for p in response.context["page"].object_list]


def exported(client, **params):
    response = client.get("/projects/export.xlsx", params)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return response, [list(row) for row in sheet.iter_rows(values_only=True)]


# --- the steps --------------------------------------------------------------------------------
def test_every_status_has_exactly_one_step():
    assert set(listing.STEP_OF_STATUS) == set(Status)
    counted = [s for step in listing.STEPS for s in step.statuses]
    assert len(counted) == len(set(counted))


# --- filters ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, "ABCDEF"),
        ({"street": "@street_b"}, "CF"),
        ({"street": "@street_a", "community": "@guoao"}, "AD"),
        ({"street": "@street_a", "community": "@haiyun"}, "BE"),
        ({"theme": "beauty"}, "A"),
        ({"theme": "joy"}, "CEF"),
        ({"kind": "old"}, "C"),
        ({"kind": "resettlement"}, "D"),
        ({"kind": "commercial"}, "A"),
        ({"status": "submitted"}, "B"),
        ({"step": "plan"}, "AE"),  # draft and returned: steps 3–4
        ({"step": "review"}, "B"),
        ({"step": "announce"}, "F"),
        ({"step": "announced"}, "C"),
        ({"step": "implement"}, "D"),
        ({"project_class": "@parking"}, "AF"),
        ({"project_class": "@elders", "street": "@street_a"}, "BD"),
        ({"q": "项目C"}, "C"),
        ({"theme": "joy", "step": "plan"}, "E"),
    ],
)
def test_each_filter_narrows_the_district_list(client, org, people, catalogue, params, expected):
    refs = {
        "@street_a": org.street_a.pk,
        "@street_b": org.street_b.pk,
        "@guoao": org.guoao.pk,
        "@haiyun": org.haiyun.pk,
        "@parking": catalogue.parking.pk,
        "@elders": catalogue.elders.pk,
    }
    params = {k: refs.get(v, v) for k, v in params.items()}
    client.force_login(people.district)
    assert sorted(shown(client, **params)) == list(expected)


def test_a_street_leader_cannot_widen_to_another_street(client, org, people, catalogue):
    client.force_login(people.street)
    own = ["A", "B", "D", "E"]
    assert sorted(shown(client)) == own
    # No street picker for one street: the parameter is ignored…
    assert sorted(shown(client, street=org.street_b.pk)) == own
    # …and another street's community is refused with a message, the list staying in scope.
    response = client.get("/projects/", {"community": org.yuehai.pk, "street": org.street_b.pk})
    assert sorted(p.title[-1] for p in response.context["page"].object_list) == own
    assert "所选社区不在您能查看的范围内" in response.content.decode()
    assert sorted(shown(client, community=org.guoao.pk)) == ["A", "D"]


def test_a_secretary_cannot_widen_to_another_community(client, org, people, catalogue):
    client.force_login(people.secretary)
    assert sorted(shown(client, community=org.haiyun.pk)) == ["A", "D"]
    assert sorted(shown(client, street=org.street_b.pk, kind="old")) == []


def test_pickers_list_only_the_users_scope(client, org, people, catalogue):
    client.force_login(people.street)
    form = client.get("/projects/").context["form"]
    assert "street" not in form.fields
    assert [name for _, name in form.fields["community"].choices] == [
        "全部社区",
        "国奥社区",
        "海韵社区",
    ]
    client.force_login(people.secretary)
    html = client.get("/projects/").content.decode()
    assert 'id="f-community"' not in html and 'id="f-street"' not in html


def test_district_staff_pick_a_street_before_its_communities(client, org, people, catalogue):
    client.force_login(people.district)
    form = client.get("/projects/").context["form"]
    assert [name for _, name in form.fields["street"].choices][1:] == ["八角街道", "长江路街道"]
    assert form.fields["community"].choices == [("", "全部社区")]
    assert "请先选择街道" in client.get("/projects/").content.decode()
    # Picking a street swaps in its communities (htmx), nothing else.
    response = client.get(
        "/projects/",
        {"street": org.street_a.pk},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="f-community-box",
    )
    html = response.content.decode()
    assert "国奥社区" in html and "海韵社区" in html and "悦海社区" not in html
    assert "<html" not in html and "项目A" not in html
    # A community without its street: a clear message, the other filters still apply.
    response = client.get("/projects/", {"community": org.guoao.pk, "theme": "joy"})
    assert "请先选择街道,再选择社区" in response.content.decode()
    assert sorted(p.title[-1] for p in response.context["page"].object_list) == ["C", "E", "F"]
    response = client.get("/projects/", {"street": org.street_b.pk, "community": org.guoao.pk})
    assert "所选社区不属于所选街道" in response.content.decode()
    assert sorted(p.title[-1] for p in response.context["page"].object_list) == ["C", "F"]


@pytest.mark.parametrize(
    "value",
    ["abc", "9" * 40, "-1", "0", "1e309", str(2**70), "\x00", "<script>", '=HYPERLINK("x")', ""],
)
def test_bad_filter_values_are_ignored_never_a_500(client, people, catalogue, value):
    client.force_login(people.district)
    params = {
        name: value
        for name in ("street", "community", "status", "step", "theme", "kind", "project_class")
    }
    params |= {"sort": value, "q": value, "page": value}
    assert client.get("/projects/", params).status_code == 200
    assert client.get("/projects/export.xlsx", params).status_code == 200


# --- waiting ------------------------------------------------------------------------------------
def test_the_waiting_sort_puts_the_longest_waiting_first(client, people, catalogue):
    client.force_login(people.district)
    assert shown(client) == list("FEDCBA")  # the most recent change first, as before
    assert shown(client, sort="waiting") == list("ABCDEF")
    assert shown(client, sort="waiting", street="") == list("ABCDEF")
    assert shown(client, sort="nonsense") == list("FEDCBA")


def test_each_row_says_how_long_it_has_waited_and_its_step(client, people, catalogue):
    client.force_login(people.district)
    html = client.get("/projects/", {"q": "项目A"}).content.decode()
    assert "已等待 60 天" in html and "第3–4步 定好计划/制定方案" in html


# --- export -------------------------------------------------------------------------------------
def test_export_holds_the_header_and_only_the_filtered_rows_in_the_lists_order(
    client, org, people, catalogue
):
    client.force_login(people.district)
    response, rows = exported(client, street=org.street_a.pk, sort="waiting")
    assert response["Content-Type"] == export.CONTENT_TYPE
    assert "filename*=utf-8''" + quote("领办项目-") in response["Content-Disposition"]
    assert rows[0] == HEADER
    assert [r[0] for r in rows[1:]] == ["项目A", "项目B", "项目D", "项目E"]
    first = dict(zip(HEADER, rows[1], strict=True))
    assert first["街道"] == "长江路街道" and first["社区"] == "国奥社区"
    assert first["小区"] == "国奥花园" and first["小区类型"] == "商住小区"
    assert first["类型(美学乐健)"] == "美" and first["项目类别"] == "停车管理"
    assert first["状态"] == "草稿" and first["当前步骤"] == "第3–4步 定好计划/制定方案"
    assert first["已等待天数"] == 60 and first["预算总额"] is None
    assert first["状态变更时间"].date() == timezone.localdate() - timedelta(days=60)


def test_export_never_holds_more_than_the_user_sees(client, org, people, catalogue):
    client.force_login(people.secretary)
    _, rows = exported(client, community=org.yuehai.pk, street=org.street_b.pk)
    assert sorted(r[0] for r in rows[1:]) == ["项目A", "项目D"]


@pytest.mark.parametrize(
    "title",
    ['=HYPERLINK("http://x")', "+1+2", "-3+4", "@SUM(A1)", "\t=1+1", "\r=1+1"],
)
def test_a_formula_in_a_title_is_exported_as_text(client, org, people, title):
    f.ProjectFactory(community=org.guoao, title=title)
    client.force_login(people.secretary)
    response = client.get("/projects/export.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cell = sheet["A2"]
    # (openpyxl's own XML reader turns a bare carriage return into a line feed, lxml's keeps it:
    # still text, still marked.)
    assert cell.value in (title, title.replace("\r", "\n"))
    assert cell.data_type == "s" and cell.quotePrefix
    assert not sheet["B2"].quotePrefix  # only the dangerous ones are marked


def test_control_characters_that_excel_refuses_are_dropped(client, org, people):
    f.ProjectFactory(community=org.guoao, title="楼道\x01点亮\x1f")
    client.force_login(people.secretary)
    _, rows = exported(client)
    assert rows[1][0] == "楼道点亮"


def test_each_export_is_audited_with_its_filters_and_row_count(client, org, people, catalogue):
    client.force_login(people.street)
    exported(client, theme="joy", community=org.haiyun.pk)
    event = AuditEvent.objects.get(action="project.export")
    assert event.actor == people.street
    assert event.detail == {
        "filters": {"theme": "joy", "community": org.haiyun.pk},
        "rows": 1,
        "capped": False,
    }


def test_a_capped_export_says_so(client, people, catalogue, monkeypatch):
    monkeypatch.setattr(export, "EXPORT_CAP", 4)
    client.force_login(people.district)
    _, rows = exported(client)
    assert [r[0] for r in rows[1:5]] == ["项目F", "项目E", "项目D", "项目C"]
    assert "只导出了前 4 条" in rows[-1][0]
    assert AuditEvent.objects.get(action="project.export").detail["capped"] is True


def test_the_list_links_to_the_export_of_what_it_shows(client, org, people, catalogue):
    client.force_login(people.district)
    html = client.get("/projects/", {"theme": "joy", "page": "1"}).content.decode()
    assert "/projects/export.xlsx?theme=joy&amp;" in html and "page=1" not in html


@pytest.mark.parametrize("who", ["auditor", "resident", "nobody"])
def test_those_who_do_not_work_with_projects_cannot_export(client, people, catalogue, who):
    client.force_login(getattr(people, who))
    assert client.get("/projects/export.xlsx").status_code == 403
    assert not AuditEvent.objects.filter(action="project.export").exists()


def test_export_needs_a_login(client):
    response = client.get("/projects/export.xlsx")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- queries constant in the number of rows -----------------------------------------------------
def _build(org, n):
    klass = ProjectClass.objects.get_or_create(name="环境整治")[0]
    for _ in range(n):
        f.ProjectFactory(community=org.guoao, compound=org.compound, project_class=klass)
        f.ProjectFactory(community=org.haiyun, theme="joy")
        f.ProjectFactory(community=org.yuehai, status=Status.SUBMITTED)


@pytest.mark.parametrize(
    "who, params",
    [
        ("district", {}),
        ("district", {"street": "a", "sort": "waiting"}),
        ("street", {"theme": "joy", "step": "plan"}),
        ("secretary", {"kind": "commercial"}),
    ],
)
def test_list_and_export_queries_are_constant(
    client, org, people, who, params, django_assert_max_num_queries
):
    if params.get("street") == "a":
        params = {**params, "street": org.street_a.pk}
    client.force_login(getattr(people, who))
    counts = []
    for more in (4, 8):  # n rows of each kind, then 3n
        _build(org, more)
        with django_assert_max_num_queries(8) as page:
            assert client.get("/projects/", params).status_code == 200
        with django_assert_max_num_queries(10) as sheet:
            response = client.get("/projects/export.xlsx", params)
            b"".join(response.streaming_content)
        counts.append((len(page.captured_queries), len(sheet.captured_queries)))
    assert counts[0] == counts[1]
    assert Project.objects.count() == 36
