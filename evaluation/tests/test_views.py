"""The three channels through their pages, the staff pages, the export, the 复盘 on the project
page, and the query counts of every page (the same at n and 3n grades)."""

import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core import ratelimit
from core.models import AuditEvent
from core.workflow import Conflict
from evaluation import services
from evaluation.models import Channel, Grade, Verdict
from evaluation.public_views import SESSION_KEY
from projects.models import Activity, Status
from tests import factories as f

from .factories import households, running_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(org, people):
    return running_project(org, people)


def grade(project, household=None, *, verdict=Verdict.SATISFIED, channel=Channel.ONLINE, **kw):
    return Grade.objects.create(
        project=project, household=household, verdict=verdict, channel=channel, **kw
    )


def many_grades(project, compound, n, *, comment="好"):
    """n verified grades (one per new household) and n unverified ones, through every channel."""
    session = project.activities.first()
    for i, home in enumerate(households(compound, n)):
        channel = [Channel.VISIT, Channel.ONSITE, Channel.ONLINE][i % 3]
        grade(project, home, verdict=list(Verdict)[i % 3], channel=channel, comment=comment)
        grade(project, channel=Channel.ONSITE, session=session, device=f"d{home.pk}", comment="x")


# --- 线上投票评 ----------------------------------------------------------------------------------
def test_online_code_opens_the_communitys_projects_and_grades_each_once(
    client, project, org, people
):
    other_community = running_project(org, people, community=org.yuehai)
    page = client.get(reverse("evaluation:online"))
    assert page.status_code == 200 and "户码" in page.content.decode()

    listed = client.post(
        reverse("evaluation:online"), {"household_code": org.household.code.lower()}
    )

    body = listed.content.decode()
    assert listed.status_code == 200
    assert project.title in body and other_community.title not in body
    assert org.household.code not in body  # the code is not echoed back
    kept = client.session[SESSION_KEY]
    assert kept["id"] == org.household.pk and org.household.code not in str(kept)
    url = reverse("evaluation:online_grade", args=[project.pk])
    done = client.post(url, {"once": f.once(), "verdict": "basic", "comment": "不错"})
    assert done.status_code == 302 and done["Location"].startswith(reverse("evaluation:online"))
    assert Grade.objects.get().household == org.household
    again = client.post(url, {"once": f.once(), "verdict": "satisfied"})
    assert again.status_code == 422
    assert "该户已评价过本项目" in again.content.decode()
    assert Grade.objects.count() == 1
    assert "您家已评价过这个项目" in client.get(reverse("evaluation:online")).content.decode()


def test_online_unknown_and_foreign_codes_get_the_same_answer(client, project, org, people):
    foreign = households(f.CompoundFactory(community=org.yuehai), 1)[0]
    other = running_project(org, people, community=org.yuehai)
    client.post(reverse("evaluation:online"), {"household_code": foreign.code})
    # The foreign household may grade its own community's project, never 国奥社区's.
    response = client.post(
        reverse("evaluation:online_grade", args=[project.pk]),
        {"once": f.once(), "verdict": "basic"},
    )
    assert response.status_code == 422
    assert services.INVALID_CODE in response.content.decode()
    listed = client.get(reverse("evaluation:online")).content.decode()
    assert other.title in listed and project.title not in listed
    unknown = client.post(reverse("evaluation:online"), {"household_code": "ZZZZ2345"})
    assert unknown.status_code == 422 and services.INVALID_CODE in unknown.content.decode()
    assert not Grade.objects.exists()


def test_the_residents_front_page_leads_to_grading_and_says_what_it_needs(client):
    page = client.get(reverse("public:home")).content.decode()
    assert "给项目打分(居民批卷子)" in page and "户码条上的 8 位户码" in page
    assert f'href="{reverse("evaluation:online")}"' in page


def test_online_grading_without_a_code_asks_for_it(client, project):
    response = client.post(
        reverse("evaluation:online_grade", args=[project.pk]),
        {"once": f.once(), "verdict": "basic"},
    )
    assert response.status_code == 422 and "请先输入户码" in response.content.decode()


def test_a_reissued_code_no_longer_opens_the_page(client, project, org):
    client.post(reverse("evaluation:online"), {"household_code": org.household.code})
    org.household.code = "NEWC0DE2"
    org.household.save(update_fields=["code"])
    page = client.get(reverse("evaluation:online")).content.decode()
    assert "开始评价" in page and project.title not in page


def test_leaving_forgets_the_household(client, project, org):
    client.post(reverse("evaluation:online"), {"household_code": org.household.code})
    response = client.post(reverse("evaluation:online_leave"))
    assert response.status_code == 200 and SESSION_KEY not in client.session


def test_online_double_post_of_one_form_saves_once(client, project, org):
    client.post(reverse("evaluation:online"), {"household_code": org.household.code})
    token = f.once()
    url = reverse("evaluation:online_grade", args=[project.pk])
    client.post(url, {"once": token, "verdict": "basic"})
    second = client.post(url, {"once": token, "verdict": "basic"})
    assert second.status_code == 302 and Grade.objects.count() == 1


# --- 邀请现场评 ----------------------------------------------------------------------------------
def test_onsite_without_a_code_is_unverified_once_per_device(client, project):
    session = project.activities.get()
    url = reverse("evaluation:onsite", args=[session.pk])
    page = client.get(url)  # hands out the device cookie
    assert page.status_code == 200 and ratelimit.COOKIE in page.cookies

    done = client.post(url, {"once": f.once(), "verdict": "basic", "comment": "热闹"})
    assert done.status_code == 200 and "不计入满意率" in done.content.decode()
    grade_ = Grade.objects.get()
    assert grade_.household is None and grade_.session == session and grade_.device
    again = client.post(url, {"once": f.once(), "verdict": "satisfied"})
    assert again.status_code == 422 and "这部手机已经评价过" in again.content.decode()


def test_onsite_with_a_code_counts_for_the_household(client, project, org):
    session = project.activities.get()
    url = reverse("evaluation:onsite", args=[session.pk])
    client.get(url)
    done = client.post(
        url, {"once": f.once(), "verdict": "satisfied", "household_code": org.household.code}
    )
    assert done.status_code == 200 and "已按户计入满意率" in done.content.decode()
    assert Grade.objects.get().household == org.household


def test_onsite_page_of_a_project_not_yet_carried_out_says_so(client, org, people):
    from signups.tests.factories import announced_project, session

    announced = announced_project(org, people)
    scheduled = session(announced, people, days=0)  # today: the project's status stops it
    page = client.get(reverse("evaluation:onsite", args=[scheduled.pk]))
    assert page.status_code == 200 and "暂不能评价" in page.content.decode()
    refused = client.post(
        reverse("evaluation:onsite", args=[scheduled.pk]),
        {"once": f.once(), "verdict": "basic", "household_code": org.household.code},
    )
    assert refused.status_code == 409 and not Grade.objects.exists()


@pytest.mark.parametrize(
    ("days_ago", "status"),
    [(1, "cancelled"), (0, "cancelled"), (3, "scheduled"), (-2, "cancelled")],
)
def test_onsite_page_of_a_cancelled_or_never_held_session_is_gone(
    client, project, org, people, days_ago, status
):
    from .factories import held_session

    gone = held_session(project, people, days_ago=days_ago, title="取消的场次")
    Activity.objects.filter(pk=gone.pk).update(status=status)
    url = reverse("evaluation:onsite", args=[gone.pk])
    page = client.get(url)
    assert page.status_code == 410
    body = page.content.decode()
    assert "该场活动尚未举办或已取消" in body and 'name="verdict"' not in body
    refused = client.post(
        url, {"once": f.once(), "verdict": "basic", "household_code": org.household.code}
    )
    assert refused.status_code == 410 and not Grade.objects.exists()


def test_onsite_page_of_a_session_to_come_opens_on_the_day(client, project, org, people):
    """A poster may be printed and put up before the session: its page says when it opens."""
    from .factories import held_session

    coming = held_session(project, people, days_ago=-3)
    Activity.objects.filter(pk=coming.pk).update(status=Activity.Status.SCHEDULED)
    url = reverse("evaluation:onsite", args=[coming.pk])
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and "活动当天开放评价" in body and 'name="verdict"' not in body
    refused = client.post(
        url, {"once": f.once(), "verdict": "basic", "household_code": org.household.code}
    )
    assert refused.status_code == 409 and not Grade.objects.exists()
    with pytest.raises(Conflict):
        services.grade_submit(
            project=project,
            verdict="basic",
            channel=Channel.ONSITE,
            session=Activity.objects.get(pk=coming.pk),
            device="phone",
        )

    # The day comes (still 待举办: nobody marked it held yet): the form is there.
    Activity.objects.filter(pk=coming.pk).update(date=timezone.localdate())
    client.get(url)
    done = client.post(url, {"once": f.once(), "verdict": "satisfied"})
    assert done.status_code == 200 and Grade.objects.get().session_id == coming.pk


def test_onsite_page_of_an_unpublished_project_is_404(client, org, people):
    draft = f.ProjectFactory(community=org.guoao, ready=True, status=Status.APPROVED)
    from .factories import held_session

    hidden = held_session(draft, people)
    assert client.get(reverse("evaluation:onsite", args=[hidden.pk])).status_code == 404


def test_public_grading_is_rate_limited_by_household_code(client, project, org, settings):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "grading": {"device": "2/h", "ip": "100/h"},
        "public_form": {"device": "50/h", "ip": "100/h"},
    }
    cache.clear()
    url = reverse("evaluation:online")
    client.get(url)
    statuses = [
        client.post(url, {"household_code": org.household.code}).status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    cache.clear()


def test_no_rate_limit_key_in_the_cache_holds_the_household_code(
    client, project, org, settings, monkeypatch
):
    settings.RATE_LIMITS_ENABLED = True
    keys = []
    add = ratelimit.cache.add
    monkeypatch.setattr(
        ratelimit.cache, "add", lambda key, *a, **kw: keys.append(key) or add(key, *a, **kw)
    )
    cache.clear()
    session = project.activities.first()
    client.get(reverse("evaluation:online"))
    typed = f"{org.household.code[:4].lower()}-{org.household.code[4:]}"
    assert client.post(reverse("evaluation:online"), {"household_code": typed}).status_code == 200
    client.post(reverse("evaluation:onsite", args=[session.pk]), {"household_code": typed})
    assert keys and all(key.startswith("rl:") for key in keys)
    assert not [key for key in keys if org.household.code.lower() in key.lower()]
    assert not [key for key in keys if "127.0.0.1" in key]  # nor the address
    cache.clear()


@pytest.mark.parametrize("name", ["online", "onsite"])
@pytest.mark.parametrize("method", ["put", "patch", "delete", "options"])
def test_the_public_grading_pages_take_only_get_and_post(client, project, name, method):
    args = [project.activities.first().pk] if name == "onsite" else []
    response = getattr(client, method)(reverse(f"evaluation:{name}", args=args))
    assert response.status_code == 405
    assert not Grade.objects.exists()


# --- 走访入户评 ----------------------------------------------------------------------------------
def test_a_worker_enters_home_visit_grades_one_after_another(client, project, org, people):
    client.force_login(people.worker)
    url = reverse("evaluation:visit", args=[project.pk])
    page = client.get(url)
    assert page.status_code == 200 and "保存并录入下一户" in page.content.decode()
    homes = households(org.compound, 2)
    for home in homes:
        response = client.post(
            url, {"once": f.once(), "household": home.pk, "verdict": "satisfied"}
        )
        assert response.status_code == 302 and response["Location"] == url
    assert set(Grade.objects.values_list("household", flat=True)) == {h.pk for h in homes}
    assert set(Grade.objects.values_list("recorded_by", flat=True)) == {people.worker.pk}
    again = client.post(url, {"once": f.once(), "household": homes[0].pk, "verdict": "basic"})
    assert again.status_code == 422 and "该户已评价过本项目" in again.content.decode()


def test_a_home_visit_grade_for_another_communitys_household_is_refused(
    client, project, org, people
):
    foreign = households(f.CompoundFactory(community=org.yuehai), 1)[0]
    client.force_login(people.secretary)
    response = client.post(
        reverse("evaluation:visit", args=[project.pk]),
        {"once": f.once(), "household": foreign.pk, "verdict": "satisfied"},
    )
    assert response.status_code == 422 and not Grade.objects.exists()


def test_the_visit_picker_marks_the_households_that_graded_the_project(
    client, project, org, people, django_assert_max_num_queries
):
    """Used for a project, the picker shows "已评价" (disabled) on the households that graded it,
    at one extra query whatever their number; the form speaks of the household, not "您"."""
    client.force_login(people.worker)
    form = client.get(reverse("evaluation:visit", args=[project.pk])).content.decode()
    assert "该户的评价" in form and "您的评价" not in form
    assert f"&quot;project&quot;: &quot;{project.pk}&quot;" in form  # every picker step sends it

    homes = households(org.compound, 6)
    building = homes[0].building
    for home in homes[:4]:
        grade(project, home, channel=Channel.VISIT)
    params = {"mode": "form", "field": "household", "pick_building": building.pk}
    url = reverse("accounts:household_picker")
    with django_assert_max_num_queries(99) as plain:
        client.get(url, params)
    with django_assert_max_num_queries(len(plain.captured_queries) + 1):
        page = client.get(url, {**params, "project": project.pk}).content.decode()
    assert page.count('picker-done">已评价<') == 4
    for home in homes[:4]:
        assert f'value="{home.pk}" disabled>' in page
    for home in homes[4:]:
        assert f'value="{home.pk}">' in page  # the others can still be chosen
    assert "已评价" not in client.get(url, params).content.decode()  # another use: no marks
    # Without scripts (the picker's page, rooms as links back to the form): no link to a graded one.
    back = reverse("evaluation:visit", args=[project.pk])
    page = client.get(
        url,
        {"field": "household", "next": back, "pick_building": building.pk, "project": project.pk},
    ).content.decode()
    assert f'name="project" value="{project.pk}"' in page and page.count("picker-done") == 4
    assert f"?household={homes[0].pk}" not in page and f"?household={homes[5].pk}" in page


def test_the_picker_marks_nothing_for_a_project_out_of_scope(project, org, people):
    from evaluation.selectors import households_graded

    home = households(org.compound, 1)[0]
    grade(project, home, channel=Channel.VISIT)
    ids = [home.pk]
    assert households_graded(user=people.worker, value=str(project.pk), household_ids=ids) == {
        home.pk
    }
    assert not households_graded(user=people.secretary2, value=str(project.pk), household_ids=ids)
    assert not households_graded(user=people.worker, value="x1", household_ids=ids)


# --- staff pages ---------------------------------------------------------------------------
def test_project_grades_page_shows_rates_per_channel_and_unverified_apart(
    client, project, org, people
):
    homes = households(org.compound, 4)
    grade(project, homes[0], channel=Channel.VISIT, comment="楼道亮了")
    grade(project, homes[1], verdict=Verdict.BASIC, channel=Channel.ONLINE)
    grade(project, homes[2], verdict=Verdict.DISSATISFIED, channel=Channel.ONLINE)
    grade(project, homes[3], verdict=Verdict.DISSATISFIED, channel=Channel.ONSITE)
    grade(project, channel=Channel.ONSITE, device="a", comment="未核实的意见")
    client.force_login(people.street)

    body = client.get(reverse("evaluation:project_grades", args=[project.pk])).content.decode()

    assert "满意率 50.0%" in body  # 2 of 4 verified; the unverified one is not counted
    assert "楼道亮了" in body and "未核实的意见" in body
    assert "共 1 条" in body


def test_index_lists_the_users_projects_with_rates(client, project, org, people):
    grade(project, org.household)
    client.force_login(people.secretary2)
    assert project.title not in client.get(reverse("evaluation:index")).content.decode()
    client.force_login(people.district)
    body = client.get(reverse("evaluation:index")).content.decode()
    assert project.title in body and "100.0%" in body


def test_export_holds_the_grades_in_scope_and_never_a_code(client, project, org, people):
    grade(project, org.household, comment='=HYPERLINK("x")')
    other = running_project(org, people, community=org.yuehai)
    grade(other, households(f.CompoundFactory(community=org.yuehai), 1)[0])
    client.force_login(people.secretary)

    response = client.get(reverse("evaluation:export"))

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(rows) == 2  # the header and 国奥社区's grade only
    assert rows[1][1] == project.title and rows[1][6] == org.compound.name
    assert sheet.cell(row=2, column=10).data_type == "s"
    assert org.household.code not in str(rows)
    event = AuditEvent.objects.get(action="grade.export")
    assert event.detail["rows"] == 1


def test_export_of_a_project_out_of_scope_is_404(client, project, people):
    client.force_login(people.secretary2)
    url = reverse("evaluation:export") + f"?project={project.pk}"
    assert client.get(url).status_code == 404
    assert client.get(reverse("evaluation:export") + "?project=abc").status_code == 404


# --- step 7 on the project page ---------------------------------------------------------------
def test_a_judge_granted_the_project_reads_it_but_never_its_residents_grades(
    client, project, org, people, monkeypatch
):
    """A read-only grant (scoring's judges, projects.models.READ_GRANTS) opens the project's
    page; the grades, comments and export stay with the staff of the project's own scope."""
    from projects import models as project_models

    grade(project, households(org.compound, 1)[0], comment="楼道灯终于亮了")
    judge = people.judge
    monkeypatch.setattr(
        project_models,
        "READ_GRANTS",
        [lambda user: frozenset({project.pk}) if user.pk == judge.pk else frozenset()],
    )
    client.force_login(judge)
    detail = client.get(reverse("projects:detail", args=[project.pk]))
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "满意率" in body  # the rate stays in sight…
    assert reverse("evaluation:project_grades", args=[project.pk]) not in body  # …not the page
    assert client.get(reverse("evaluation:project_grades", args=[project.pk])).status_code == 404
    export = reverse("evaluation:export")
    assert client.get(export, {"project": project.pk}).status_code == 404
    assert project.title not in client.get(reverse("evaluation:index")).content.decode()
    sheet = load_workbook(io.BytesIO(b"".join(client.get(export).streaming_content))).active
    assert sheet.max_row == 1  # the header alone
    assert AuditEvent.objects.filter(action="access.denied", actor=judge).count() == 2


def test_project_page_shows_the_structured_retrospective_and_the_grades(client, org, people):
    project = running_project(org, people, status=Status.RETROSPECTED)
    project.retro_worked, project.retro_missed, project.retro_changes = (
        "合伙人全程参与",
        "宣传不足",
        "提前发预告",
    )
    project.retrospected_at = project.created_at
    project.save()
    grade(project, org.household)
    grade(project, channel=Channel.ONSITE, device="x", verdict=Verdict.DISSATISFIED)
    client.force_login(people.secretary)

    body = client.get(project.get_absolute_url()).content.decode()

    for text in (
        "合伙人全程参与",
        "宣传不足",
        "提前发预告",
        "预算 5000.00 元",
        "志愿者 5 人次",
        "参与居民 30 人次",
    ):
        assert text in body, text
    assert "居民评价 1 户,满意率 100.0%" in body  # step 7's evidence
    assert "data-rate>100.0%" in body
    assert "另有未核实 1 条" in body


def test_retrospective_form_asks_what_worked_and_what_to_change(client, project, people):
    client.force_login(people.secretary)
    url = reverse("projects:retrospective", args=[project.pk])
    assert "居民评价" in client.get(url).content.decode()
    refused = client.post(url, {"retro_worked": "", "retro_changes": ""})
    assert refused.status_code == 422
    done = client.post(url, {"retro_worked": "好", "retro_missed": "", "retro_changes": "改"})
    assert done.status_code == 302
    project.refresh_from_db()
    assert project.status == Status.RETROSPECTED and project.retro_changes == "改"


# --- query counts: the same at n and 3n grades ------------------------------------------------
@pytest.mark.parametrize(
    ("name", "who", "limit"),
    [
        ("evaluation:project_grades", "street", 10),
        ("evaluation:index", "district", 8),
        ("evaluation:visit", "secretary", 10),
    ],
)
def test_staff_pages_make_the_same_queries_at_n_and_3n_grades(
    client, project, org, people, django_assert_max_num_queries, name, who, limit
):
    client.force_login(getattr(people, who))
    url = reverse(name, args=[project.pk]) if name != "evaluation:index" else reverse(name)
    many_grades(project, org.compound, 3)
    with django_assert_max_num_queries(limit) as small:
        assert client.get(url).status_code == 200
    many_grades(project, org.compound, 9)
    for _ in range(3):
        running_project(org, people)
    with django_assert_max_num_queries(limit) as large:
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)


def test_online_list_makes_the_same_queries_at_n_and_3n_projects(
    client, project, org, people, django_assert_max_num_queries
):
    client.post(reverse("evaluation:online"), {"household_code": org.household.code})
    url = reverse("evaluation:online")
    many_grades(project, org.compound, 3)
    with django_assert_max_num_queries(8) as small:
        client.get(url)
    for _ in range(4):
        many_grades(running_project(org, people), org.compound, 2)
    with django_assert_max_num_queries(8) as large:
        client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries)


def test_onsite_page_makes_few_queries(client, project, org, django_assert_max_num_queries):
    session = project.activities.get()
    many_grades(project, org.compound, 6)
    with django_assert_max_num_queries(4):
        client.get(reverse("evaluation:onsite", args=[session.pk]))
