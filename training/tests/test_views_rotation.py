"""The rotation's pages, through the views: the district sets up the cohorts, plans a cohort's month
in classes of at most twelve on working days, moves a secretary to another cohort and an attendee
to another class; the attendance report per street and cohort. Refusals answer 403, 409 or 422
with the reason and save nothing."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from core.models import Notification
from core.workdays import is_working_day
from tests import factories as f
from training.models import MAX_CLASS, Attendance, Cohort, Reply, Session, SessionStatus, Trainee
from training.tests import factories as tf

pytestmark = pytest.mark.django_db


def _as(client, user):
    client.force_login(user)
    return client


def _said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- cohorts --------------------------------------------------------------------------------------
def test_district_sets_up_the_cohorts_with_every_secretary(client, people):
    page = _as(client, people.district).get("/training/cohorts/")
    assert "建立三个轮训分组并编入全部社区书记" in page.content.decode()

    response = client.post("/training/cohorts/setup/")

    assert response.status_code == 302 and response["Location"] == "/training/cohorts/"
    assert "已建立3个轮训分组,未分组的社区书记已编入。" in _said(response)
    assert Cohort.objects.count() == 3
    assert set(Trainee.objects.values_list("user", flat=True)) == {
        people.secretary.pk,
        people.secretary_haiyun.pk,
        people.secretary2.pk,
    }
    listed = client.get("/training/cohorts/").content.decode()
    assert "第一组" in listed and "1 位学员" in listed and "1月、4月、7月、10月" in listed


def test_a_secretary_may_not_set_up_the_cohorts(client, people):
    assert _as(client, people.secretary).get("/training/cohorts/").status_code == 403
    assert client.post("/training/cohorts/setup/").status_code == 403
    assert not Cohort.objects.exists()


def test_the_cohort_page_lists_its_trainees_and_this_years_classes(client, org, people, cohorts):
    tf.trainee(cohorts[0], people.secretary, org.guoao)
    klass = tf.session(
        org.district,
        by=people.district,
        cohort=cohorts[0],
        title="群众工作方法",
        starts_at=tf.at(timezone.localdate().replace(month=1, day=10)),
    )

    page = _as(client, people.district).get(f"/training/cohorts/{cohorts[0].pk}/").content.decode()

    assert str(people.secretary) in page and "国奥社区" in page
    assert klass.title in page and "编班" in page


def _plan(cohort, day: datetime.date, **changes) -> dict:
    return {
        "once": f.once(),
        "title": "头雁工程实训营",
        "topic": "mass_work",
        "starts_at": f"{day:%Y-%m-%d}T09:00",
        "ends_at": f"{day:%Y-%m-%d}T11:30",
        "place": "区党群服务中心301",
        "online_url": "",
        "trainer": "李老师",
        "mentor": "",
        "description": "",
        **changes,
    }


def test_district_plans_a_month_in_classes_of_at_most_twelve_on_working_days(
    client, org, people, cohorts
):
    cohort = cohorts[0]
    tf.enrol(cohort, org.guoao, 7)
    tf.enrol(cohort, org.yuehai, 6)
    month = tf.month_of_cohort(cohort.number)
    first = tf.working_days(month, 1)[0]
    form = _as(client, people.district).get(f"/training/cohorts/{cohort.pk}/plan/")
    assert form.status_code == 200 and "第1组编班" in form.content.decode()

    response = client.post(f"/training/cohorts/{cohort.pk}/plan/", _plan(cohort, first))

    assert response.status_code == 302
    assert response["Location"] == f"/training/cohorts/{cohort.pk}/?year={month.year}"
    assert "已编为 2 个班,学员已收到通知。" in _said(response)
    classes = list(Session.objects.filter(cohort=cohort).order_by("starts_at"))
    sizes = [c.attendances.count() for c in classes]
    assert sizes == [7, 6] and max(sizes) <= MAX_CLASS
    days = [timezone.localtime(c.starts_at).date() for c in classes]
    assert days == tf.working_days(first, 2) and all(is_working_day(d) for d in days)
    assert [c.title for c in classes] == ["头雁工程实训营(1班)", "头雁工程实训营(2班)"]
    assert Notification.objects.filter(event="training.invited").count() == 13
    page = client.get(response["Location"]).content.decode()
    assert "头雁工程实训营(1班)" in page and "头雁工程实训营(2班)" in page


def test_a_month_the_cohort_does_not_train_in_is_refused(client, org, people, cohorts):
    cohort = cohorts[0]
    tf.enrol(cohort, org.guoao, 3)
    wrong = tf.working_days(tf.month_of_cohort(2), 1)[0]

    response = _as(client, people.district).post(
        f"/training/cohorts/{cohort.pk}/plan/", _plan(cohort, wrong)
    )

    assert response.status_code == 422
    assert "第1组在1月、4月、7月、10月轮训,请选择其中的月份。" in response.content.decode()
    assert not Session.objects.exists() and not Attendance.objects.exists()


def test_a_month_with_everybody_placed_is_a_conflict(client, org, people, cohorts):
    cohort = cohorts[0]
    tf.enrol(cohort, org.guoao, 2)
    first = tf.working_days(tf.month_of_cohort(cohort.number), 1)[0]
    _as(client, people.district).post(f"/training/cohorts/{cohort.pk}/plan/", _plan(cohort, first))

    again = client.post(f"/training/cohorts/{cohort.pk}/plan/", _plan(cohort, first))

    assert again.status_code == 409
    assert "第1组的学员都已编入" in again.content.decode()
    assert Session.objects.count() == 1


def test_a_secretary_may_not_plan_a_month(client, org, people, cohorts):
    first = tf.working_days(tf.month_of_cohort(1), 1)[0]
    url = f"/training/cohorts/{cohorts[0].pk}/plan/"

    assert _as(client, people.secretary).get(url).status_code == 403
    assert client.post(url, _plan(cohorts[0], first)).status_code == 403
    assert not Session.objects.exists()


# --- moves ----------------------------------------------------------------------------------------
def test_district_moves_a_secretary_to_another_cohort(client, org, people, cohorts):
    trainee = tf.trainee(cohorts[0], people.secretary, org.guoao)

    response = _as(client, people.district).post(
        f"/training/trainees/{trainee.pk}/move/", {"cohort": cohorts[1].pk}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/training/cohorts/{cohorts[0].pk}/"
    trainee.refresh_from_db()
    assert trainee.cohort == cohorts[1]
    assert Notification.objects.get(event="training.cohort_moved").recipient == people.secretary


def test_a_move_to_no_cohort_is_refused_on_the_cohorts_page(client, org, people, cohorts):
    trainee = tf.trainee(cohorts[0], people.secretary, org.guoao)

    response = _as(client, people.district).post(
        f"/training/trainees/{trainee.pk}/move/", {"cohort": "999999"}
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert "选择一个有效的选项" in page and str(people.secretary) in page
    trainee.refresh_from_db()
    assert trainee.cohort == cohorts[0]


def test_a_secretary_may_not_move_anybody(client, org, people, cohorts):
    trainee = tf.trainee(cohorts[0], people.secretary2, org.yuehai)

    response = _as(client, people.secretary).post(
        f"/training/trainees/{trainee.pk}/move/", {"cohort": cohorts[1].pk}
    )

    assert response.status_code == 403
    trainee.refresh_from_db()
    assert trainee.cohort == cohorts[0]


@pytest.fixture
def month_classes(org, people, cohorts):
    """Two planned classes of cohort one in the same month: the first with 国奥's secretary."""
    month = tf.month_of_cohort(1)
    first, second = tf.working_days(month, 2)
    return [
        tf.session(
            org.district,
            by=people.district,
            cohort=cohorts[0],
            starts_at=tf.at(first),
            title="一班",
            people=[people.secretary],
        ),
        tf.session(
            org.district,
            by=people.district,
            cohort=cohorts[0],
            starts_at=tf.at(second),
            title="二班",
        ),
    ]


def test_district_moves_an_attendee_to_another_class_of_the_month(client, people, month_classes):
    one, two = month_classes
    attendance = Attendance.objects.get(session=one)
    Attendance.objects.filter(pk=attendance.pk).update(reply=Reply.CONFIRMED)
    page = _as(client, people.district).get(f"/training/sessions/{one.pk}/").content.decode()
    assert "调班" in page and "二班(0人)" in page

    response = client.post(f"/training/attendances/{attendance.pk}/move/", {"to": two.pk})

    assert response.status_code == 302 and response["Location"] == f"/training/sessions/{one.pk}/"
    attendance.refresh_from_db()
    assert (attendance.session, attendance.reply) == (two, Reply.PENDING)


def test_no_attendee_moves_into_a_full_class(client, org, people, month_classes):
    one, two = month_classes
    tf.invite(two, *(tf.secretary(org.haiyun) for _ in range(MAX_CLASS)))
    attendance = Attendance.objects.get(session=one)

    response = _as(client, people.district).post(
        f"/training/attendances/{attendance.pk}/move/", {"to": two.pk}
    )

    assert response.status_code == 422
    assert "二班已满12人。" in response.content.decode()
    attendance.refresh_from_db()
    assert attendance.session == one


def test_no_attendee_moves_into_a_class_of_another_cohort(
    client, org, people, cohorts, month_classes
):
    one, _ = month_classes
    elsewhere = tf.session(org.district, by=people.district, cohort=cohorts[1], title="别组")
    attendance = Attendance.objects.get(session=one)

    response = _as(client, people.district).post(
        f"/training/attendances/{attendance.pk}/move/", {"to": elsewhere.pk}
    )

    assert response.status_code == 422
    attendance.refresh_from_db()
    assert attendance.session == one


def test_a_secretary_may_not_move_an_attendee(client, people, month_classes):
    one, two = month_classes
    attendance = Attendance.objects.get(session=one)

    response = _as(client, people.secretary).post(
        f"/training/attendances/{attendance.pk}/move/", {"to": two.pk}
    )

    assert response.status_code == 403
    attendance.refresh_from_db()
    assert attendance.session == one


# --- the attendance report ------------------------------------------------------------------------
@pytest.fixture
def held(org, people, cohorts):
    """Two held classes of this year: 国奥's secretary came to both, 悦海's missed both."""
    tf.trainee(cohorts[0], people.secretary, org.guoao)
    tf.trainee(cohorts[0], people.secretary2, org.yuehai)
    year_start = timezone.localdate().replace(month=1, day=1)
    rows = []
    for day in (year_start + datetime.timedelta(days=9), year_start + datetime.timedelta(days=16)):
        klass = tf.session(
            org.district,
            by=people.district,
            cohort=cohorts[0],
            starts_at=tf.at(day),
            status=SessionStatus.HELD,
            people=[people.secretary, people.secretary2],
        )
        Attendance.objects.filter(session=klass, user=people.secretary).update(present=True)
        Attendance.objects.filter(session=klass, user=people.secretary2).update(present=False)
        rows.append(klass)
    return rows


def test_district_sees_every_street_and_who_missed_twice(client, people, held):
    page = _as(client, people.district).get("/training/attendance/").content.decode()

    assert "长江路街道" in page and "八角街道" in page
    assert "100%" in page and "0%" in page
    assert '<strong class="fs-4" id="total-rate">50%</strong>' in page
    assert "连续两次缺席" in page and str(people.secretary2) in page


def test_a_street_sees_its_own_secretaries_only(client, people, held):
    page = _as(client, people.street).get("/training/attendance/").content.decode()

    assert "长江路街道" in page and "八角街道" not in page
    assert '<strong class="fs-4" id="total-rate">100%</strong>' in page
    assert str(people.secretary2) not in page and "没有连续两次缺席的学员。" in page


def test_secretaries_do_not_open_the_report(client, people, held):
    response = _as(client, people.secretary).get("/training/attendance/")

    assert response.status_code == 403
    assert "无权访问" in response.content.decode()
