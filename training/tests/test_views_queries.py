"""Query counts of the training pages do not grow with the data (QUALITY.md item 23): each page
is opened with n and 3n rows and must cost the same number of queries, within its cap."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import Upload
from tests import factories as f
from training import services
from training.models import Attendance, CoachingNote, ConsultationMessage, Material, SessionStatus
from training.tests import factories as tf

pytestmark = pytest.mark.django_db


def _same(django_assert_max_num_queries, cap, open_page, build):
    build(1)
    with django_assert_max_num_queries(cap) as small:
        assert open_page().status_code == 200
    build(2)  # 3n in all
    with django_assert_max_num_queries(cap) as large:
        assert open_page().status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries), [
        q["sql"] for q in large.captured_queries
    ]
    return len(small.captured_queries)


def test_attendance_report_queries_are_constant(
    client, org, people, cohorts, django_assert_max_num_queries
):
    year_start = timezone.localdate().replace(month=1, day=1)

    def build(n):
        for i in range(n):
            one, two = tf.secretary(org.guoao), tf.secretary(org.yuehai)
            for cohort in cohorts:
                tf.trainee(cohort, tf.secretary(org.haiyun), org.haiyun)
            tf.trainee(cohorts[0], one, org.guoao)
            tf.trainee(cohorts[1], two, org.yuehai)
            for k, cohort in enumerate((cohorts[0], cohorts[1], None)):
                day = year_start + datetime.timedelta(days=7 + 3 * k + i)
                held = tf.session(
                    org.district,
                    by=people.district,
                    cohort=cohort,
                    starts_at=tf.at(day),
                    status=SessionStatus.HELD,
                    people=[one, two],
                )
                Attendance.objects.filter(session=held, user=one).update(present=True)
                Attendance.objects.filter(session=held, user=two).update(present=False)

    client.force_login(people.district)
    # The user and their roles (2; the session is in the cache), the tally per street and cohort
    # (1), the cohorts' names (1), the rows in order for "missed twice" (1), the trainees who
    # missed twice (1), the unread count (1).
    count = _same(
        django_assert_max_num_queries, 8, lambda: client.get("/training/attendance/"), build
    )
    assert count == 7


def test_class_page_queries_are_constant(
    client, org, people, cohorts, teacher, django_assert_max_num_queries
):
    klass = tf.session(
        org.district,
        by=people.district,
        cohort=cohorts[0],
        mentor=teacher,
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        status=SessionStatus.HELD,
    )

    def build(n):
        for _ in range(n):
            for community in (org.guoao, org.haiyun, org.yuehai):
                [row] = tf.invite(klass, tf.secretary(community))
                Attendance.objects.filter(pk=row.pk).update(present=True, rating=4, comment="好")
            pdf = SimpleUploadedFile("课件.pdf", tf.PDF, content_type="application/pdf")
            services.material_add(
                by=people.district, session=klass, title="课件", uploaded_file=pdf
            )

    client.force_login(people.district)
    # The user and their roles (2), the session with its cohort, mentor and planner (1), the
    # attendances with their people, communities and streets (1), the materials with their
    # uploads (1), the other classes of the month to move people to (1), the unread count (1).
    count = _same(
        django_assert_max_num_queries,
        10,
        lambda: client.get(f"/training/sessions/{klass.pk}/"),
        build,
    )
    assert count == 7
    assert Material.objects.count() == 3 and Upload.objects.count() == 3


def test_session_list_queries_are_constant(
    client, org, people, cohorts, django_assert_max_num_queries
):
    def build(n):
        for i in range(n):
            for cohort in (*cohorts, None):
                tf.session(
                    org.district,
                    by=people.district,
                    cohort=cohort,
                    starts_at=tf.in_days(3 + i),
                    people=[people.secretary, tf.secretary(org.yuehai)],
                )

    client.force_login(people.secretary)
    # The user and their roles (2), her district (1), its cohorts with their sizes (1), the
    # page's count (1), the unread count (1), the cohorts offered by the filter (1), the rows
    # with their cohorts and mentors and counts (1). (No mentor here: the mentors' ids stay in
    # the cache, as on a running site; creating one in a test's transaction costs one more.)
    count = _same(
        django_assert_max_num_queries, 8, lambda: client.get("/training/sessions/"), build
    )
    assert count == 8


def test_consultation_thread_queries_are_constant(
    client, people, teacher, django_assert_max_num_queries
):
    tf.pairing(teacher, people.secretary, by=people.district)
    thread = services.consultation_open(
        by=people.secretary, mentor=teacher, subject="物业费收缴难", text="怎么办?"
    )

    def build(n):
        for _ in range(n):
            for author in (people.mentor, people.secretary):
                ConsultationMessage.objects.create(consultation=thread, author=author, text="好")

    client.force_login(people.mentor)
    # The user and their roles (2), the mentors' ids (1), the thread with its mentor, asker and
    # community (1), its messages with their authors (1), the mentor's facts for his buttons (3:
    # his row, his coachings' projects, his classes), the unread count (1). On a running site
    # the ids and the facts come from the cache: 5.
    count = _same(
        django_assert_max_num_queries,
        10,
        lambda: client.get(f"/training/consultations/{thread.pk}/"),
        build,
    )
    assert count == 9


def test_coaching_page_queries_are_constant(
    client, org, people, teacher, django_assert_max_num_queries
):
    project = f.ProjectFactory(community=org.guoao, created_by=people.secretary)
    coaching = services.coaching_attach(
        by=people.district,
        project=project,
        mentor=teacher,
        data={"topic": "property", "problem": "难"},
    )

    def build(n):
        for _ in range(n):
            CoachingNote.objects.create(
                coaching=coaching,
                author=people.mentor,
                date=timezone.localdate(),
                text="座谈",
            )

    client.force_login(people.mentor)
    # The user and their roles (2), the coaching with its project, street, mentor, planner and
    # plan file (1), its notes with their authors (1), the mentors' ids (1), the mentor's facts
    # for his buttons (3), the unread count (1). On a running site the ids and facts are cached.
    count = _same(
        django_assert_max_num_queries,
        10,
        lambda: client.get(f"/training/coaching/{coaching.pk}/"),
        build,
    )
    assert count == 9
