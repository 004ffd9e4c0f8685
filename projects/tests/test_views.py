import pytest
from django.urls import reverse

from core.models import AuditEvent
from needs.models import Need
from projects.models import (
    BudgetLine,
    Milestone,
    Project,
    ReviewCondition,
    ReviewRound,
    Status,
    Supervision,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_secretary_files_a_project_through_the_browser_forms(client, org, people):
    need = f.NeedFactory(community=org.guoao)
    client.force_login(people.secretary)
    response = client.post(
        "/projects/new/",
        {
            "once": f.once(),
            "title": "邻居节",
            "theme": "joy",
            "summary": "第15届",
            "needs": [need.pk],
        },
    )
    project = Project.objects.get(title="邻居节")
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}/"
    assert project.community == org.guoao and project.created_by == people.secretary
    assert list(project.needs.all()) == [need]


def test_create_form_preselects_the_need_it_came_from(client, org, people):
    need = f.NeedFactory(community=org.guoao)
    client.force_login(people.secretary)
    form = client.get(f"/projects/new/?need={need.pk}").context["form"]
    assert [str(v) for v in form.initial["needs"]] == [str(need.pk)]


def test_posting_protected_fields_changes_nothing(client, org, people):
    client.force_login(people.secretary)
    client.post(
        "/projects/new/",
        {
            "once": f.once(),
            "title": "越权尝试",
            "theme": "joy",
            "status": "approved",
            "community": org.yuehai.pk,
            "created_by": people.street.pk,
        },
    )
    project = Project.objects.get(title="越权尝试")
    assert project.status == Status.DRAFT
    assert project.community == org.guoao
    assert project.created_by == people.secretary
    client.post(
        f"/projects/{project.pk}/plan/",
        {
            "goal": "目标",
            "start_date": "2026-12-01",
            "end_date": "2026-12-02",
            "budget_total": "10",
            "status": "retrospected",
            "community": org.yuehai.pk,
        },
    )
    project.refresh_from_db()
    assert (
        project.status == Status.DRAFT and project.community == org.guoao and project.goal == "目标"
    )


@pytest.mark.parametrize(
    "url, data, message",
    [
        ("/projects/new/", {"once": f.once(), "title": "", "theme": "joy"}, "这个字段是必填项"),
        (
            "/projects/new/",
            {"once": f.once(), "title": "x" * 101, "theme": "joy"},
            "不超过 100 字符",
        ),
        ("/projects/new/", {"once": f.once(), "title": "t", "theme": "evil"}, "不在可用的选项中"),
        (
            "/projects/new/",
            {"once": f.once(), "title": "t", "theme": "joy", "needs": ["abc"]},
            "不是一个有效的值",
        ),
        (
            "/projects/new/",
            {"once": f.once(), "title": "t", "theme": "joy", "compound": "999999"},
            "不在可用的选项中",
        ),
    ],
)
def test_bad_input_on_create_gets_a_message_and_saves_nothing(
    client, org, people, url, data, message
):
    client.force_login(people.secretary)
    response = client.post(url, data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Project.objects.exists()


def test_need_of_another_community_cannot_be_linked(client, org, people):
    foreign = f.NeedFactory(community=org.yuehai)
    client.force_login(people.secretary)
    response = client.post(
        "/projects/new/", {"once": f.once(), "title": "t", "theme": "joy", "needs": [foreign.pk]}
    )
    assert response.status_code == 422
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {
                "goal": "g",
                "start_date": "2026-12-10",
                "end_date": "2026-12-01",
            },
            "结束日期不能早于开始日期",
        ),
        (
            {
                "goal": "g",
                "start_date": "2026-13-45",
                "end_date": "2026-12-01",
            },
            "有效的日期",
        ),
    ],
)
def test_bad_plan_gets_a_message_and_saves_nothing(client, org, people, data, message):
    project = f.ProjectFactory(community=org.guoao)
    client.force_login(people.secretary)
    response = client.post(f"/projects/{project.pk}/plan/", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    project.refresh_from_db()
    assert project.goal == "" and project.budget_total is None


@pytest.mark.parametrize(
    "amount, message",
    [
        ("-5", "大于或等于0.01"),
        ("0", "大于或等于0.01"),
        ("1e99", "不超过 10 个数字"),
        ("abc", "输入一个数字"),
        ("", "这个字段是必填项"),
    ],
)
def test_bad_budget_line_gets_a_message_and_saves_nothing(client, org, people, amount, message):
    project = f.ProjectFactory(community=org.guoao)
    client.force_login(people.secretary)
    response = client.post(
        f"/projects/{project.pk}/plan/budget/add/",
        {"once": f.once(), "item": "物料", "amount": amount, "source": "street"},
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    project.refresh_from_db()
    assert not project.budget_lines.exists() and project.budget_total is None


def test_budget_lines_keep_the_total_and_a_foreign_line_cannot_be_removed(client, org, people):
    project = f.ProjectFactory(community=org.guoao)
    other = f.ProjectFactory(community=org.guoao, ready=True)
    client.force_login(people.secretary)
    for item, amount in (("物料", "1200.50"), ("餐补", "300")):
        response = client.post(
            f"/projects/{project.pk}/plan/budget/add/",
            {"once": f.once(), "item": item, "amount": amount, "source": "street"},
        )
        assert response.status_code == 302
    project.refresh_from_db()
    assert str(project.budget_total) == "1500.50"
    line = other.budget_lines.get()
    response = client.post(f"/projects/{project.pk}/plan/budget/remove/", {"budget_line": line.pk})
    assert response.status_code == 422
    assert other.budget_lines.exists()
    first = project.budget_lines.first()
    client.post(f"/projects/{project.pk}/plan/budget/remove/", {"budget_line": first.pk})
    project.refresh_from_db()
    assert str(project.budget_total) == "300.00"


def test_submit_of_incomplete_project_says_what_is_missing(client, org, people):
    project = f.ProjectFactory(community=org.guoao)
    client.force_login(people.secretary)
    response = client.post(f"/projects/{project.pk}/submit/")
    assert response.status_code == 422
    page = response.content.decode()
    for missing in ("摸清需求", "链接资源", "定好计划", "联席会", "实施方案"):
        assert missing in page
    project.refresh_from_db()
    assert project.status == Status.DRAFT


def test_editing_a_submitted_project_is_refused_with_a_message(client, org, people):
    project = f.ProjectFactory(community=org.guoao, ready=True, status=Status.SUBMITTED)
    client.force_login(people.secretary)
    response = client.post(f"/projects/{project.pk}/plan/", {"goal": "改了"}, follow=True)
    assert "不能修改" in response.content.decode()
    project.refresh_from_db()
    assert project.goal != "改了"


def test_return_without_comment_is_refused(client, org, people):
    project = f.ProjectFactory(community=org.guoao, ready=True, status=Status.SUBMITTED)
    client.force_login(people.street)
    response = client.post(f"/projects/{project.pk}/return/", {"comment": ""})
    assert response.status_code == 422
    assert "退回时请写明修改意见" in response.content.decode()
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED


def test_second_decision_on_the_same_proposal_gets_409_and_a_message(client, org, people):
    project = f.ProjectFactory(community=org.guoao, ready=True, status=Status.SUBMITTED)
    client.force_login(people.street)
    assert client.post(f"/projects/{project.pk}/approve/").status_code == 302
    response = client.post(f"/projects/{project.pk}/return/", {"comment": "再看看"})
    assert response.status_code == 409
    assert "请刷新页面" in response.content.decode()


def test_activity_with_a_bad_photo_saves_nothing(client, org, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    project = f.ProjectFactory(community=org.guoao, announced=True)
    client.force_login(people.secretary)
    response = client.post(
        f"/projects/{project.pk}/activities/new/",
        {
            "once": f.once(),
            "date": "2026-12-05",
            "place": "广场",
            "participants": "30",
            "volunteers": "2",
            "spending": "0",
            "photo": SimpleUploadedFile("x.jpg", b"not an image"),
        },
    )
    assert response.status_code == 422
    assert not project.activities.exists()
    project.refresh_from_db()
    assert project.status == Status.ANNOUNCED


def test_activity_with_negative_participants_is_refused(client, org, people):
    project = f.ProjectFactory(community=org.guoao, announced=True)
    client.force_login(people.secretary)
    response = client.post(
        f"/projects/{project.pk}/activities/new/",
        {
            "once": f.once(),
            "date": "2026-12-05",
            "place": "广场",
            "participants": "-3",
            "volunteers": "0",
            "spending": "0",
        },
    )
    assert response.status_code == 422
    assert not project.activities.exists()


def test_yuehai_secretary_gets_404_for_every_page_of_a_guoao_project(client, org, people, tiny_png):
    from core.uploads import store_upload

    project = f.ProjectFactory(community=org.guoao, ready=True, status=Status.IN_PROGRESS)
    upload = store_upload(uploaded_file=tiny_png, kind="image", by=people.secretary, owner=project)
    client.force_login(people.secretary2)
    names = [
        "detail",
        "edit",
        "plan",
        "meeting",
        "proposal",
        "announce",
        "activity_create",
        "retrospective",
        "supervise",
    ]
    for name in names:
        assert client.get(reverse(f"projects:{name}", args=[project.pk])).status_code == 404, name
    posts = [
        "partner_link",
        "partner_unlink",
        "submit",
        "approve",
        "return",
        "comment",
        "announce",
        "activity_create",
        "retrospective",
        "delete",
        "edit",
        "plan",
        "proposal",
        "meeting",
        "milestone_add",
        "milestone_remove",
        "budget_add",
        "budget_remove",
        "grant",
        "supervise",
    ]
    for name in posts:
        assert (
            client.post(
                reverse(f"projects:{name}", args=[project.pk]), {"comment": "x"}
            ).status_code
            == 404
        ), name
    assert client.get(f"/files/{upload.uuid}/").status_code == 404
    assert len(client.get("/projects/", {"q": project.title}).context["page"].object_list) == 0
    assert client.get(reverse("projects:round", args=[project.pk, 1])).status_code == 404
    assert AuditEvent.objects.filter(
        actor=people.secretary2, action="access.denied"
    ).count() >= len(names)


def test_htmx_filter_returns_only_the_rows(client, org, people):
    f.ProjectFactory(community=org.guoao, title="充电桩")
    client.force_login(people.secretary)
    response = client.get("/projects/", {"q": "充电"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "充电桩" in html and "<html" not in html


@pytest.mark.parametrize("who", ["secretary", "street", "district"])
def test_project_list_queries_are_constant(client, org, people, who, django_assert_max_num_queries):
    client.force_login(getattr(people, who))

    def build(n):
        for _ in range(n):
            f.ProjectFactory(community=org.guoao, compound=org.compound)
            f.ProjectFactory(community=org.haiyun)

    build(2)
    with django_assert_max_num_queries(8) as small:
        client.get("/projects/")
    build(6)
    with django_assert_max_num_queries(8) as large:
        client.get("/projects/")
    assert len(small.captured_queries) == len(large.captured_queries)


def test_project_detail_queries_are_constant(
    client, org, people, django_assert_max_num_queries, tiny_png
):
    from projects import services

    project = f.ProjectFactory(community=org.guoao, announced=True)
    client.force_login(people.secretary)

    def build(n):
        for i in range(n):
            project.needs.add(f.NeedFactory(community=org.guoao))
            project.partners.add(f.PartnerFactory(community=org.guoao))
            project.compounds.add(f.CompoundFactory(community=org.guoao))
            Milestone.objects.create(
                project=project, date="2026-12-01", title="节点", responsible="王"
            )
            BudgetLine.objects.create(project=project, item="物料", amount=10, source="street")
            review = ReviewRound.objects.create(
                project=project,
                number=ReviewRound.objects.filter(project=project).count() + 1,
                submitted_by=people.secretary,
                comments_due="2026-12-01",
                decision="conditional",
            )
            ReviewCondition.objects.create(project=project, round=review, text=f"条件{i}")
            Supervision.objects.create(
                project=project, question="进度?", due_date="2026-12-01", raised_by=people.district
            )
            services.activity_log(
                project=project,
                by=people.secretary,
                data={"date": "2026-12-05", "place": "广场", "participants": 5},
                photo=tiny_png,
            )
            tiny_png.seek(0)

    # The project and its session (3), one query per kind of row it shows (11: needs, partners,
    # timeline, compounds, milestones with their sessions counted, budget, grants, rounds,
    # conditions, 督办, meeting attendees), step 6's programme (3: the next sessions, the last
    # ones, the totals), the money spent per source (1), step 7's residents' grades (1, through
    # evaluation's hook), the unread count; step 2 (3: the contributions, the linked partners'
    # resources, their hours and session contributions summed: projects/contributions.py), the
    # 一项目一方案 card (1, through training's hook).
    build(1)
    with django_assert_max_num_queries(24) as small:
        client.get(f"/projects/{project.pk}/")
    build(3)
    with django_assert_max_num_queries(24) as large:
        client.get(f"/projects/{project.pk}/")
    assert len(small.captured_queries) == len(large.captured_queries)


def test_needs_list_queries_are_constant(client, org, people, django_assert_max_num_queries):
    client.force_login(people.secretary)
    for _ in range(2):
        f.NeedFactory(community=org.guoao)
    with django_assert_max_num_queries(8) as small:
        client.get("/needs/")
    for _ in range(6):
        f.NeedFactory(community=org.guoao, compound=org.compound)
    with django_assert_max_num_queries(8) as large:
        client.get("/needs/")
    assert len(small.captured_queries) == len(large.captured_queries)
    assert Need.objects.count() == 8


def test_negative_spending_gets_a_chinese_message(client, org, people):
    project = f.ProjectFactory(community=org.guoao, announced=True)
    client.force_login(people.secretary)
    response = client.post(
        f"/projects/{project.pk}/activities/new/",
        {
            "once": f.once(),
            "date": "2026-12-05",
            "place": "广场",
            "participants": "3",
            "volunteers": "0",
            "spending": "-1",
        },
    )
    assert response.status_code == 422
    assert "大于或等于0" in response.content.decode()
    assert not project.activities.exists()


def test_secretary_logs_an_activity_with_a_photo_and_writes_the_retrospective(
    client, org, people, tiny_png
):
    project = f.ProjectFactory(community=org.guoao, announced=True)
    client.force_login(people.secretary)
    response = client.post(
        f"/projects/{project.pk}/activities/new/",
        {
            "once": f.once(),
            "date": "2026-12-05",
            "place": "小区广场",
            "participants": "60",
            "volunteers": "6",
            "spending": "320.50",
            "note": "邻居节开幕",
            "photo": tiny_png,
        },
    )
    assert response.status_code == 302
    activity = project.activities.get()
    upload = activity.photos.get().upload  # not public until consent is confirmed
    page = client.get(activity.get_absolute_url()).content.decode()
    assert f"/files/{upload.uuid}/" in page
    assert client.get(f"/files/{upload.uuid}/").status_code == 200
    response = client.post(
        f"/projects/{project.pk}/retrospective/",
        {"retro_worked": "参与人数超过预期,明年继续。", "retro_changes": "提前招募志愿者"},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Status.RETROSPECTED
    public = client.get(f"/p/announcements/{project.pk}/").content.decode()
    assert "参与人数超过预期" in public and "60 位居民参加" in public


def test_retrospective_is_refused_before_any_activity(client, org, people):
    project = f.ProjectFactory(community=org.guoao, announced=True, status=Status.IN_PROGRESS)
    client.force_login(people.secretary)
    response = client.post(
        f"/projects/{project.pk}/retrospective/",
        {"retro_worked": "还没开始", "retro_changes": "先办活动"},
    )
    assert response.status_code == 422
    assert "请至少记录一次活动后再复盘" in response.content.decode()
    project.refresh_from_db()
    assert project.status == Status.IN_PROGRESS


def _activity(project, client, **changes):
    data = {
        "once": f.once(),
        "date": "2026-12-05",
        "place": "广场",
        "participants": "3",
        "volunteers": "0",
        "spending": "0",
        **changes,
    }
    return client.post(f"/projects/{project.pk}/activities/new/", data)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_an_activity_dated_in_year_1_or_9999_is_refused(client, org, people, day):
    project = f.ProjectFactory(community=org.guoao, announced=True)
    client.force_login(people.secretary)
    response = _activity(project, client, date=day)
    assert response.status_code == 422
    assert "请输入 2000 年至 2099 年之间的日期" in response.content.decode()
    assert not project.activities.exists()


def test_an_activity_outside_the_plan_names_the_plans_dates(client, org, people):
    project = f.ProjectFactory(community=org.guoao, announced=True)  # 2026-12-01 … 2026-12-31
    client.force_login(people.secretary)
    response = _activity(project, client, date="2027-02-01")
    assert response.status_code == 422
    assert "2026-12-01 至 2026-12-31" in response.content.decode()
    project.refresh_from_db()
    assert project.status == Status.ANNOUNCED and not project.activities.exists()


@pytest.mark.parametrize(
    "end, message",
    [("9999-12-31", "最多安排 3 年"), ("2040-01-01", "最多安排 3 年")],
)
def test_a_plan_cannot_end_so_far_ahead_that_it_is_never_overdue(client, org, people, end, message):
    project = f.ProjectFactory(community=org.guoao)
    client.force_login(people.secretary)
    response = client.post(
        f"/projects/{project.pk}/plan/", {"start_date": "2026-12-01", "end_date": end}
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    project.refresh_from_db()
    assert project.end_date is None


def test_the_service_refuses_a_far_plan_as_the_form_does(org, people):
    from django.core.exceptions import ValidationError

    from projects import services

    project = f.ProjectFactory(community=org.guoao)
    with pytest.raises(ValidationError, match="最多安排"):
        services.project_update(
            project=project, by=people.secretary, data={"end_date": "2045-06-01"}
        )


def test_the_database_refuses_a_date_out_of_bounds(org, people):
    import datetime

    from django.db import IntegrityError, transaction

    project = f.ProjectFactory(community=org.guoao)
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(end_date=datetime.date(9999, 12, 31))


def test_trash_shows_a_restore_button_per_row_in_constant_queries(
    client, org, people, django_assert_max_num_queries
):
    def trash(n):
        for _ in range(n):
            f.ProjectFactory(community=org.guoao, deleted_at="2026-11-01T08:00:00+08:00")

    client.force_login(people.secretary)
    trash(2)
    with django_assert_max_num_queries(8) as small:
        page = client.get("/projects/trash/")
    assert page.content.decode().count("恢复</button>") == 2
    trash(6)
    with django_assert_max_num_queries(8) as large:
        page = client.get("/projects/trash/")
    assert page.content.decode().count("恢复</button>") == 8
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_street_sees_the_trash_rows_of_its_communities_without_restore_buttons(org, people):
    from projects.selectors import project_trash, with_actions

    f.ProjectFactory(community=org.guoao, deleted_at="2026-11-01T08:00:00+08:00")
    rows = with_actions(people.street, project_trash(user=people.street))
    assert len(rows) == 1 and not rows[0].can["restore"]
    assert with_actions(people.secretary, project_trash(user=people.secretary))[0].can["restore"]


def test_a_draft_page_loads_the_same_rows_and_size_with_3_or_300_partners(client, org, people):
    """The partner picker shows at most 20 matches and reads no phone numbers: a community with
    300 partners costs its draft's page no more than one with 3 (the query count alone would
    not tell: it stays constant while the rows grow)."""
    from django.db.models.signals import post_init

    from partners.models import Partner

    project = f.ProjectFactory(community=org.guoao)
    project.partners.add(f.PartnerFactory(community=org.guoao, name="已链接的物业"))
    client.force_login(people.secretary)
    loaded = []

    def count(sender, instance, **kwargs):
        loaded.append(instance)

    def page():
        loaded.clear()
        post_init.connect(count, sender=Partner)
        try:
            response = client.get(f"/projects/{project.pk}/")
        finally:
            post_init.disconnect(count, sender=Partner)
        return len(loaded), len(response.content), response.content.decode()

    def add(names):
        Partner.objects.bulk_create(
            [Partner(community=org.guoao, name=name, category_id="volunteer",
                     created_by=people.secretary) for name in names]
        )  # fmt: skip

    add(f"合伙人{i:03}" for i in range(3))
    rows_3, _, _ = page()
    add(f"合伙人{i:03}" for i in range(3, 30))
    rows_30, size_30, _ = page()
    add(f"志愿者{i:03}" for i in range(270))
    rows_300, size_300, html = page()
    assert rows_3 == 1 + 3  # the linked one and three to pick from
    assert rows_30 == rows_300 == 1 + 21  # the picker's 20, and one to know there are more
    assert size_30 == size_300
    assert "只列出前 20 位" in html and "已链接的物业" in html


def test_the_partner_picker_finds_by_name_and_answers_htmx_with_the_rows_only(client, org, people):
    project = f.ProjectFactory(community=org.guoao)
    f.PartnerFactory(community=org.guoao, name="国奥律师事务所")
    f.PartnerFactory(community=org.guoao, name="国奥物业")
    f.PartnerFactory(community=org.yuehai, name="悦海律师事务所")  # another community's
    client.force_login(people.secretary)
    response = client.get(f"/projects/{project.pk}/", {"partner_q": "律师"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "国奥律师事务所" in html and "国奥物业" not in html and "悦海" not in html
    full = client.get(f"/projects/{project.pk}/", {"partner_q": "律师"}).content.decode()
    assert "<html" in full and "国奥律师事务所" in full
