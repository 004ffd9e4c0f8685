"""Step 2 (链接资源) of a project: the partners linked with what each contributes, the hours and
contributions recorded at held sessions summed per partner and per project, the session
pickers that search instead of listing the community, and a partner's projects in its service
record (projects/contributions.py, projects/partner_history.py)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import AuditEvent
from core.workflow import Conflict
from partners.history import HISTORY_HOOKS, partner_history
from partners.models import PartnerStatus, Resource, ResourceKind
from projects import selectors, services
from projects.contributions import project_resourcing
from projects.models import (
    Activity,
    ActivityContribution,
    Contribution,
    ProjectEvent,
    Status,
)
from projects.partner_history import project_part
from projects.session_forms import LINKED_SHOWN, SEARCH_SIZE, HoldForm
from projects.sessions import session_hold, session_schedule
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def running(org, people, **kwargs):
    """A project of 国奥社区 being implemented, its plan around today."""
    project = f.ProjectFactory(
        community=org.guoao, created_by=people.secretary, announced=True, **kwargs
    )
    project.status = Status.IN_PROGRESS
    project.start_date = TODAY - datetime.timedelta(days=60)
    project.end_date = TODAY + datetime.timedelta(days=300)
    project.save(update_fields=["status", "start_date", "end_date"])
    return project


def held(project, people, *, volunteers=(), contributions=(), day=None, title="百家宴"):
    session = session_schedule(
        project=project,
        by=people.secretary,
        data={"title": title, "date": day or TODAY, "place": "中心广场"},
    )
    return session_hold(
        session=session,
        by=people.secretary,
        data={"participants": 40},
        volunteers=volunteers,
        contributions=contributions,
    )


@pytest.fixture
def unit(org, people):
    return f.PartnerFactory(
        community=org.guoao,
        name="国奥物业",
        kind="organisation",
        category_id="property",
        created_by=people.secretary,
    )


@pytest.fixture
def venue(unit, people):
    return Resource.objects.create(
        partner=unit,
        kind=ResourceKind.VENUE,
        description="物业服务中心会议室",
        quantity=Decimal(60),
        unit="平方米",
        created_by=people.secretary,
    )


def draft(org, people):
    return f.ProjectFactory(community=org.guoao, created_by=people.secretary, title="楼道微更新")


def give(project, partner, by, **data):
    return services.project_add_contribution(
        project=project, by=by, data={"partner": partner, "resource": None, **data}
    )


# --- step 2: linking with what each contributes -------------------------------------------------
def test_a_linked_unit_contributes_its_venue_with_audit_and_timeline(org, people, unit, venue):
    project = draft(org, people)
    services.project_link_partner(project=project, partner=unit, by=people.secretary)
    contribution = give(
        project,
        unit,
        people.secretary,
        resource=venue,
        kind="venue",
        description="议事会场地两次",
        quantity=Decimal(2),
        unit="次",
    )
    assert (contribution.partner, contribution.resource, contribution.amount_label) == (
        unit,
        venue,
        "2 次",
    )
    event = AuditEvent.objects.get(action="project.add_contribution")
    assert event.object_id == str(project.pk)
    assert event.detail == {
        "contribution": contribution.pk,
        "partner": unit.pk,
        "resource": venue.pk,
    }
    timeline = project.events.get(kind=ProjectEvent.Kind.CONTRIBUTION_ADDED)
    assert timeline.note == "国奥物业:场地 · 议事会场地两次 2 次"
    money = give(
        project,
        unit,
        people.worker,
        kind="money",
        description="共建经费",
        quantity=Decimal(800),
        unit="万元",
    )
    assert money.unit == "元"
    services.project_remove_contribution(project=project, contribution=money, by=people.secretary)
    assert list(project.contributions.all()) == [contribution]
    assert AuditEvent.objects.filter(action="project.remove_contribution").count() == 1
    # Unlinking the partner takes what it was to contribute with it.
    services.project_unlink_partner(project=project, partner=unit, by=people.secretary)
    assert not project.contributions.exists()
    assert AuditEvent.objects.get(action="project.unlink_partner").detail["contributions"] == 1
    assert "(及其 1 项贡献)" in project.events.get(kind=ProjectEvent.Kind.PARTNER_UNLINKED).note


def test_a_contribution_needs_a_linked_partner_its_own_active_resource_and_a_description(
    org, people, unit, venue
):
    project = draft(org, people)
    other = f.PartnerFactory(community=org.guoao, created_by=people.secretary)
    services.project_link_partner(project=project, partner=unit, by=people.secretary)
    services.project_link_partner(project=project, partner=other, by=people.secretary)
    elsewhere = f.PartnerFactory(community=org.yuehai, created_by=people.secretary2)
    venue_retired = Resource.objects.create(
        partner=unit, kind="money", description="旧经费", active=False, created_by=people.secretary
    )
    for partner, data, reason in (
        (elsewhere, {"kind": "money", "description": "赞助"}, "请先链接"),
        (other, {"resource": venue, "kind": "venue", "description": "场地"}, "正在提供"),
        (unit, {"resource": venue_retired, "kind": "money", "description": "经费"}, "正在提供"),
        (unit, {"kind": "gold", "description": "金子"}, "贡献类型"),
        (unit, {"kind": "venue", "description": " "}, "贡献的内容"),
        (unit, {"kind": "venue", "description": "场地", "quantity": Decimal(-2)}, "不小于 0"),
    ):
        with pytest.raises(ValidationError) as refused:
            give(project, partner, people.secretary, **data)
        assert reason in " ".join(refused.value.messages)
    assert not Contribution.objects.exists()


def test_only_the_community_records_contributions_and_only_while_the_project_is_edited(
    org, people, unit
):
    project = draft(org, people)
    services.project_link_partner(project=project, partner=unit, by=people.secretary)
    for who in (people.street, people.district, people.secretary2, people.partner):
        with pytest.raises(PermissionDenied):
            give(project, unit, who, kind="venue", description="场地")
    project.status = Status.SUBMITTED
    project.save(update_fields=["status"])
    with pytest.raises(Conflict):
        give(project, unit, people.secretary, kind="venue", description="场地")
    assert not Contribution.objects.exists()


def test_an_inactive_partner_is_neither_offered_nor_linked(org, people, unit):
    project = draft(org, people)
    unit.status = PartnerStatus.INACTIVE
    unit.save(update_fields=["status"])
    active = f.PartnerFactory(community=org.guoao, name="国奥超市", created_by=people.secretary)
    matches, _ = selectors.partner_matches(project, "")
    assert matches == [active]
    with pytest.raises(ValidationError):
        services.project_link_partner(project=project, partner=unit, by=people.secretary)
    assert not project.partners.exists()


def test_contributions_through_the_project_page(client, org, people, unit, venue):
    project = draft(org, people)
    services.project_link_partner(project=project, partner=unit, by=people.secretary)
    client.force_login(people.secretary)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "可提供:场地 · 物业服务中心会议室(60 平方米)" in page
    assert f'action="/projects/{project.pk}/contributions/add/"' in page
    # Picking the resource fills in its kind and description.
    response = client.post(
        f"/projects/{project.pk}/contributions/add/",
        {"partner": unit.pk, "resource": venue.pk, "quantity": "2", "unit": "次"},
    )
    assert response.status_code == 302
    contribution = Contribution.objects.get()
    assert (contribution.kind, contribution.description) == ("venue", "物业服务中心会议室")
    # A refusal comes back under the partner it was for, with what was typed.
    response = client.post(
        f"/projects/{project.pk}/contributions/add/",
        {"partner": unit.pk, "kind": "materials", "description": "", "quantity": "3"},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "请写明贡献的内容" in page and '<details class="mt-1" open>' in page
    page = client.get(project.get_absolute_url()).content.decode()
    assert "贡献:场地 · 物业服务中心会议室" in page and "登记贡献 1 项" in page
    response = client.post(
        f"/projects/{project.pk}/contributions/remove/", {"contribution": contribution.pk}
    )
    assert response.status_code == 302 and not Contribution.objects.exists()
    client.force_login(people.secretary2)
    response = client.post(
        f"/projects/{project.pk}/contributions/add/",
        {"partner": unit.pk, "kind": "venue", "description": "场地"},
    )
    assert response.status_code == 404 and not Contribution.objects.exists()


def test_the_street_reviews_what_each_partner_contributes(org, people, unit, venue):
    project = f.ProjectFactory(community=org.guoao, created_by=people.secretary, ready=True)
    services.project_link_partner(project=project, partner=unit, by=people.secretary)
    give(project, unit, people.secretary, resource=venue, kind="venue", description="会议室")
    from projects.review import snapshot

    assert dict(snapshot(project))["合伙人的贡献"] == "国奥物业:场地 · 会议室"


# --- per session: hours and contributions, summed -------------------------------------------------
def test_hours_and_contributions_add_up_per_partner_and_per_project(org, people, unit, venue):
    project = running(org, people)
    project.partners.add(unit)
    Contribution.objects.create(
        project=project,
        partner=unit,
        resource=venue,
        kind="venue",
        description="会议室",
        created_by=people.secretary,
    )
    helper = f.PartnerFactory(community=org.guoao, name="王阿姨", category_id="volunteer")
    first = held(
        project,
        people,
        volunteers=[(unit, Decimal(3)), (helper, Decimal("1.5"))],
        contributions=[
            {
                "partner": unit,
                "kind": "money",
                "quantity": Decimal(500),
                "unit": "",
                "note": "赞助",
            },
            {"partner": unit, "kind": "venue", "quantity": Decimal(1), "unit": "次", "note": ""},
        ],
        day=TODAY - datetime.timedelta(days=7),
    )
    held(
        project,
        people,
        volunteers=[(unit, Decimal(2))],
        contributions=[
            {"partner": unit, "kind": "money", "quantity": Decimal(300), "unit": "元", "note": ""},
            {
                "partner": helper,
                "kind": "materials",
                "quantity": Decimal(2),
                "unit": "箱",
                "note": "水果",
            },
        ],
    )
    # A scheduled session's rows do not count (there are none), nor another project's.
    session_schedule(
        project=project, by=people.secretary, data={"title": "下次", "date": TODAY, "place": "广场"}
    )
    other = running(org, people)
    held(other, people, volunteers=[(unit, Decimal(5))])

    venue_row = first.contribution_rows.get(kind="venue")
    assert venue_row.resource == venue  # the kind it pledged with a resource names it
    assert first.contribution_rows.get(kind="money").unit == "元"
    figures = project_resourcing(selectors.project_get(user=people.secretary, pk=project.pk))
    (share,) = figures.shares
    assert (share.partner, share.hours, share.sessions) == (unit, Decimal(5), 2)
    assert [str(a) for a in share.given] == ["场地 1 次", "资金 800 元"]
    assert figures.hours == Decimal("6.5") and figures.volunteers == 2
    assert (figures.others, figures.others_hours) == (1, Decimal("1.5"))
    assert [str(a) for a in figures.totals] == ["场地 1 次", "资金 800 元", "物资 2 箱"]
    assert figures.money == Decimal(800)


def test_the_project_page_and_its_retrospective_show_the_sums(client, org, people, unit):
    project = running(org, people)
    project.partners.add(unit)
    held(
        project,
        people,
        volunteers=[(unit, Decimal(3))],
        contributions=[
            {"partner": unit, "kind": "money", "quantity": Decimal(500), "unit": "", "note": ""}
        ],
    )
    client.force_login(people.street)
    page = client.get(project.get_absolute_url()).content.decode()
    totals = page[page.index('id="step2-totals"') :]
    assert "志愿服务 3 小时(1 位合伙人) · 资金 500 元" in totals
    assert "活动中已投入:志愿服务 3 小时(1 场) · 资金 500 元" in page
    retro = page[page.index('data-retro="resources"') :]
    assert retro.startswith('data-retro="resources">志愿服务 3 小时(1 位合伙人);资金 500 元')


def test_a_session_records_no_hours_as_a_contribution_nor_a_stranger_nor_money_without_amount(
    org, people, unit
):
    project = running(org, people)
    stranger = f.PartnerFactory(community=org.yuehai, created_by=people.secretary2)
    left = f.PartnerFactory(community=org.guoao, status=PartnerStatus.LEFT)
    for rows, volunteers, reason in (
        (
            [{"partner": unit, "kind": "hours", "quantity": Decimal(3)}],
            [],
            "志愿时长登记在志愿者一栏",
        ),
        ([{"partner": stranger, "kind": "venue", "quantity": None}], [], "本社区登记的合伙人"),
        ([{"partner": unit, "kind": "money", "quantity": None}], [], "请填写金额"),
        ([{"partner": unit, "kind": "materials", "quantity": Decimal(-1)}], [], "不小于 0"),
        ([], [(left, Decimal(2))], "不能再登记"),
    ):
        session = session_schedule(
            project=project,
            by=people.secretary,
            data={"title": "活动", "date": TODAY, "place": "广场"},
        )
        with pytest.raises(ValidationError) as refused:
            session_hold(
                session=session,
                by=people.secretary,
                data={"participants": 3},
                volunteers=volunteers,
                contributions=rows,
            )
        assert reason in " ".join(refused.value.messages)
        session.refresh_from_db()
        assert session.status == Activity.Status.SCHEDULED
    assert not ActivityContribution.objects.exists()


def test_a_partner_who_left_stays_on_a_record_it_is_already_on(org, people, unit):
    project = running(org, people)
    session = held(project, people, volunteers=[(unit, Decimal(2))])
    unit.status = PartnerStatus.LEFT
    unit.save(update_fields=["status"])
    session_hold(
        session=session, by=people.secretary, data={"participants": 50}, volunteers=[(unit, 3)]
    )
    assert session.volunteer_rows.get().hours == Decimal(3)


# --- the session's pickers search ----------------------------------------------------------------
def test_the_volunteer_picker_lists_a_bounded_few_and_finds_the_others(org, people, unit):
    project = running(org, people)
    session = session_schedule(
        project=project, by=people.secretary, data={"title": "活动", "date": TODAY, "place": "广场"}
    )
    project.partners.add(unit)
    for n in range(40):
        f.PartnerFactory(community=org.guoao, name=f"志愿者{n:02d}", created_by=people.secretary)
    f.PartnerFactory(community=org.guoao, name="赵停用", status=PartnerStatus.INACTIVE)
    found = f.PartnerFactory(community=org.guoao, name="赵大姐", created_by=people.secretary)
    f.PartnerFactory(community=org.yuehai, name="赵外人", created_by=people.secretary2)

    def choices(form, name="partner_0"):
        return dict(form.fields[name].choices)

    plain = choices(HoldForm(session=session))
    assert len(plain) <= 1 + LINKED_SHOWN + SEARCH_SIZE and len(plain) == 1 + 1 + SEARCH_SIZE
    assert list(plain)[1] == unit.pk  # the project's own partner first
    assert found.pk not in plain
    searched = HoldForm(session=session, query={"partner_q": "赵"})
    labels = choices(searched).values()
    assert any("赵大姐" in label for label in labels)
    assert not any("赵停用" in label or "赵外人" in label for label in labels)
    assert choices(searched, "c_partner_1") == choices(searched)
    # A partner chosen after a search is accepted when posted; an inactive one is not.
    posted = HoldForm(
        {"participants": "30", "partner_0": str(found.pk), "hours_0": "2"}, session=session
    )
    assert posted.is_valid(), posted.errors
    assert posted.cleaned_data["volunteer_rows"] == [(found, Decimal(2))]
    inactive = project.community.partners.get(name="赵停用")
    refused = HoldForm(
        {"participants": "30", "partner_0": str(inactive.pk), "hours_0": "2"}, session=session
    )
    assert not refused.is_valid() and "partner_0" in refused.errors


def test_the_picker_renders_the_same_few_choices_whatever_the_community_holds(
    client, org, people, django_assert_max_num_queries
):
    project = running(org, people)
    session = session_schedule(
        project=project, by=people.secretary, data={"title": "活动", "date": TODAY, "place": "广场"}
    )
    client.force_login(people.secretary)
    url = f"/projects/sessions/{session.pk}/hold/"
    sizes = []
    for n in (15, 60):
        for i in range(n):
            f.PartnerFactory(community=org.guoao, name=f"合伙人{n}-{i:03d}")
        with django_assert_max_num_queries(20) as queries:
            page = client.get(url).content.decode()
        sizes.append((page.count("<option"), len(queries.captured_queries)))
    assert sizes[0] == sizes[1]


def test_a_search_by_htmx_returns_the_rows_with_what_was_chosen(client, org, people, unit):
    project = running(org, people)
    session = session_schedule(
        project=project, by=people.secretary, data={"title": "活动", "date": TODAY, "place": "广场"}
    )
    for n in range(30):
        f.PartnerFactory(community=org.guoao, name=f"甲{n:02d}")
    zhao = f.PartnerFactory(community=org.guoao, name="赵大姐", category_id="volunteer")
    client.force_login(people.secretary)
    response = client.get(
        f"/projects/sessions/{session.pk}/hold/",
        {"partner_q": "赵", "partner_1": str(unit.pk), "hours_1": "2.5"},
        headers={"HX-Request": "true"},
    )
    fragment = response.content.decode()
    assert response.status_code == 200 and fragment.lstrip().startswith('<div id="partner-rows"')
    assert "<html" not in fragment and "赵大姐(热心居民)" in fragment
    assert f'<option value="{unit.pk}" selected>' in fragment and 'value="2.5"' in fragment
    # Without htmx the same search is the whole page.
    page = client.get(f"/projects/sessions/{session.pk}/hold/", {"partner_q": "赵"})
    assert "<html" in page.content.decode() and "赵大姐" in page.content.decode()
    response = client.post(
        f"/projects/sessions/{session.pk}/hold/",
        {
            "participants": "20",
            "partner_0": str(zhao.pk),
            "hours_0": "3",
            "c_partner_0": str(zhao.pk),
            "c_kind_0": "materials",
            "c_quantity_0": "2",
            "c_unit_0": "箱",
            "c_note_0": "水果",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    session.refresh_from_db()
    assert session.volunteer_rows.get().partner == zhao
    page = client.get(session.get_absolute_url()).content.decode()
    assert "赵大姐:物资 2 箱 · 水果" in page


# --- a partner's projects in its service record -------------------------------------------------
def test_the_history_hook_is_registered_and_tells_the_partners_projects(org, people, unit, venue):
    assert project_part in HISTORY_HOOKS
    linked = draft(org, people)
    services.project_link_partner(project=linked, partner=unit, by=people.secretary)
    give(linked, unit, people.secretary, resource=venue, kind="venue", description="会议室")
    served = running(org, people, title="国奥花园百家宴")
    held(
        served,
        people,
        volunteers=[(unit, Decimal(3))],
        contributions=[
            {"partner": unit, "kind": "money", "quantity": Decimal(500), "unit": "", "note": ""}
        ],
    )
    deleted = draft(org, people)
    deleted.partners.add(unit)
    deleted.deleted_at = timezone.now()
    deleted.save(update_fields=["deleted_at"])
    f.ProjectFactory(community=org.guoao, created_by=people.secretary)  # not the unit's

    part = project_part(unit)
    assert (part.key, part.title, part.template) == (
        "projects",
        "参与的项目",
        "projects/partner_history.html",
    )
    assert part.count == 2 and part.hours == Decimal(3) and not part.more
    rows = {row.title: row for row in part.rows}
    assert set(rows) == {"楼道微更新", "国奥花园百家宴"}
    assert rows["楼道微更新"].linked and rows["楼道微更新"].pledged == ["场地 · 会议室"]
    assert rows["楼道微更新"].public_url == ""
    assert not rows["国奥花园百家宴"].linked
    assert (rows["国奥花园百家宴"].hours, rows["国奥花园百家宴"].sessions) == (Decimal(3), 1)
    assert [str(a) for a in rows["国奥花园百家宴"].given] == ["资金 500 元"]
    assert rows["国奥花园百家宴"].public_url == f"/p/announcements/{served.pk}/"
    assert [str(a) for a in part.given] == ["资金 500 元"]
    assert partner_history(unit).hours >= Decimal(3)
    assert project_part(f.PartnerFactory(community=org.guoao)) is None


def test_the_history_hook_costs_three_queries_whatever_the_number_of_projects(
    org, people, unit, venue
):
    def build(n):
        for _ in range(n):
            project = running(org, people)
            project.partners.add(unit)
            Contribution.objects.create(
                project=project,
                partner=unit,
                resource=venue,
                kind="venue",
                description="会议室",
                created_by=people.secretary,
            )
            held(
                project,
                people,
                volunteers=[(unit, Decimal(2))],
                contributions=[
                    {
                        "partner": unit,
                        "kind": "money",
                        "quantity": Decimal(100),
                        "unit": "",
                        "note": "",
                    }
                ],
            )

    counts = []
    for n in (1, 4):
        build(n)
        with CaptureQueriesContext(connection) as queries:
            part = project_part(unit)
        counts.append(len(queries.captured_queries))
    assert counts == [3, 3]
    assert part.count == 5 and part.hours == Decimal(10)
    assert [str(a) for a in part.given] == ["资金 500 元"]


def test_staff_open_the_projects_and_the_partner_reads_the_titles(client, org, people):
    own = f.PartnerFactory(community=org.guoao, user=people.partner, name="热心的王阿姨")
    draft_project = draft(org, people)
    draft_project.partners.add(own)
    served = running(org, people, title="国奥花园百家宴")
    held(served, people, volunteers=[(own, Decimal(3))])
    client.force_login(people.secretary)
    page = client.get(own.get_absolute_url()).content.decode()
    history = page[page.index('id="history-projects"') :]
    assert f'href="/projects/{draft_project.pk}/"' in history
    assert f'href="/projects/{served.pk}/"' in history and "志愿服务 3 小时(1 场活动)" in history
    client.force_login(people.partner)
    page = client.get(own.get_absolute_url()).content.decode()
    history = page[page.index('id="history-projects"') :]
    assert "楼道微更新" in history and f"/projects/{draft_project.pk}/" not in history
    assert f'href="/p/announcements/{served.pk}/"' in history


def test_the_project_page_costs_the_same_queries_with_more_partners_and_sessions(
    client, org, people, django_assert_max_num_queries
):
    project = running(org, people)
    client.force_login(people.secretary)

    def build(n):
        for i in range(n):
            partner = f.PartnerFactory(community=org.guoao, name=f"共建单位{i}")
            project.partners.add(partner)
            resource = Resource.objects.create(
                partner=partner, kind="money", description="共建经费", created_by=people.secretary
            )
            Contribution.objects.create(
                project=project,
                partner=partner,
                resource=resource,
                kind="money",
                description="共建经费",
                quantity=Decimal(1000),
                unit="元",
                created_by=people.secretary,
            )
            held(
                project,
                people,
                volunteers=[(partner, Decimal(2))],
                contributions=[
                    {"partner": partner, "kind": "money", "quantity": Decimal(100), "unit": ""}
                ],
                day=TODAY - datetime.timedelta(days=i + len(project.partners.all())),
            )

    build(1)
    # 24: test_views.test_project_detail_queries_are_constant says what they are.
    with django_assert_max_num_queries(24) as small:
        client.get(project.get_absolute_url())
    build(3)
    with django_assert_max_num_queries(24) as large:
        page = client.get(project.get_absolute_url()).content.decode()
    assert len(small.captured_queries) == len(large.captured_queries)
    assert "志愿服务 8 小时(4 位合伙人) · 资金 400 元" in page
