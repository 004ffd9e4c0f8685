"""The URL matrix's training objects (training/tests/url_matrix.py declares the rows).

- The three cohorts of the district: 国奥's and 海韵's secretaries in the cohort that trains in the
  month of next week's classes (`tr_cohort`), 悦海's secretary in the cohort of the month after
  (`tr_cohort_other`, which the district plans), the third one empty (`tr_cohort_empty`).
- Next week's class of `tr_cohort` with 国奥's and 海韵's secretaries, taught by the `mentor`
  persona (`tr_class`), a second class of the same cohort and month to move people to
  (`tr_class_sibling`), 悦海's class (`tr_class_other`, another cohort: 国奥's secretary does
  not see it) and next week's quarterly session for the three secretaries (`tr_quarterly`).
- A held class of two weeks ago taught by the mentor: 国奥's secretary came (she may rate), 海韵's
  did not (`tr_held`).
- The mentor panel: the `mentor` persona (street B's expert, `tr_mentor`) paired with 国奥's
  secretary (`tr_pairing`) and, no longer, with 悦海's (`tr_pairing_ended`); 国奥's secretary's
  consultation waiting for him (`tr_consultation`) and a closed one (`tr_consultation_closed`).
- 一项目一方案: the mentor coaches a project of 国奥 of its own (`tr_project`, `tr_coaching`), so
  that the matrix's shared project keeps its rows; a coaching of another project has ended
  (`tr_project_done`, `tr_coaching_done`: he no longer reads that project).
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests import factories as f
from training.models import (
    COHORTS,
    Attendance,
    Coaching,
    CoachingStatus,
    Cohort,
    Consultation,
    ConsultationMessage,
    ConsultationStatus,
    Kind,
    Mentor,
    MentorKind,
    Pairing,
    Reply,
    Session,
    SessionStatus,
    Topic,
    Trainee,
    cohort_number_for,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf_file(name: str = "课件.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """A Shanghai time on a day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def weekday_from(day: datetime.date) -> datetime.date:
    """The first Monday–Friday from `day` (the rows are declared before any database is open, so
    without the holiday calendar: a class may fall on one, planning moves to the next working
    day by itself)."""
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def first_of_next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


# Dates are taken when the matrix is collected, so its rows and its objects agree.
TODAY = timezone.localdate()
# Next week's classes (both of one month: the sibling is the same afternoon).
CLASS_DAY = weekday_from(TODAY + datetime.timedelta(days=7))
CLASS_MONTH = CLASS_DAY.replace(day=1)
# The month the district plans for 悦海's cohort, and its first weekday.
PLAN_MONTH = first_of_next_month(CLASS_DAY)
PLAN_DAY = weekday_from(PLAN_MONTH)
HELD_DAY = TODAY - datetime.timedelta(days=14)


def _session(district, by, *, cohort, starts_at, title, status=SessionStatus.PLANNED, mentor=None):
    return Session.objects.create(
        district=district,
        kind=Kind.CLASS if cohort else Kind.QUARTERLY,
        cohort=cohort,
        month=timezone.localtime(starts_at).date().replace(day=1),
        title=title,
        topic=Topic.PROPERTY,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        place="区党群服务中心301",
        trainer="李老师",
        mentor=mentor,
        status=status,
        created_by=by,
    )


def _invite(session, *pairs, **fields):
    return [
        Attendance.objects.create(session=session, user=user, community=community, **fields)
        for user, community in pairs
    ]


def matrix_objects(org, people) -> dict:
    """Name → object for training's rows of the URL matrix."""
    district, by = org.district, people.district
    cohorts = {
        n: Cohort.objects.create(district=district, number=n, name=f"第{n}组")
        for n in range(1, COHORTS + 1)
    }
    mine = cohorts[cohort_number_for(CLASS_MONTH)]
    other = cohorts[cohort_number_for(PLAN_MONTH)]
    (empty,) = (c for c in cohorts.values() if c not in (mine, other))
    guoao = (people.secretary, org.guoao)
    haiyun = (people.secretary_haiyun, org.haiyun)
    yuehai = (people.secretary2, org.yuehai)
    trainee = Trainee.objects.create(cohort=mine, user=people.secretary, community=org.guoao)
    Trainee.objects.create(cohort=mine, user=people.secretary_haiyun, community=org.haiyun)
    Trainee.objects.create(cohort=other, user=people.secretary2, community=org.yuehai)

    mentor = Mentor.objects.create(
        district=district,
        user=people.mentor,
        kind=MentorKind.SCHOLAR,
        organisation="青岛大学",
        expertise="物业管理、居民自治",
        added_by=by,
    )
    klass = _session(
        district, by, cohort=mine, starts_at=at(CLASS_DAY, 9), title="物业管理实务", mentor=mentor
    )
    attendance = _invite(klass, guoao, haiyun)[0]
    sibling = _session(
        district, by, cohort=mine, starts_at=at(CLASS_DAY, 14), title="物业管理实务(2班)"
    )
    klass_other = _session(district, by, cohort=other, starts_at=at(CLASS_DAY, 9), title="悦海班")
    _invite(klass_other, yuehai)
    quarterly = _session(district, by, cohort=None, starts_at=at(CLASS_DAY, 15), title="季度专题")
    _invite(quarterly, guoao, haiyun, yuehai)
    held = _session(
        district,
        by,
        cohort=mine,
        starts_at=at(HELD_DAY, 9),
        title="矛盾纠纷化解",
        status=SessionStatus.HELD,
        mentor=mentor,
    )
    came = _invite(held, guoao, reply=Reply.CONFIRMED, present=True)[0]
    _invite(held, haiyun, present=False)

    pairing = Pairing.objects.create(
        mentor=mentor, mentee=people.secretary, community=org.guoao, created_by=by
    )
    ended = Pairing.objects.create(
        mentor=mentor,
        mentee=people.secretary2,
        community=org.yuehai,
        created_by=by,
        ended_on=TODAY - datetime.timedelta(days=1),
    )
    consultation = _consultation(mentor, people.secretary, org.guoao, "业委会换届怎么组织")
    closed = _consultation(mentor, people.secretary, org.guoao, "维修基金怎么申请")
    closed.status = ConsultationStatus.CLOSED
    closed.save(update_fields=["status"])

    project = f.ProjectFactory(
        community=org.guoao, compound=org.compound, created_by=people.secretary, ready=True
    )
    coaching = Coaching.objects.create(
        project=project,
        mentor=mentor,
        topic=Topic.PROPERTY,
        problem="物业不配合,活动场地落实不了",
        assigned_by=by,
    )
    done_project = f.ProjectFactory(
        community=org.guoao, compound=org.compound, created_by=people.secretary, ready=True
    )
    done = Coaching.objects.create(
        project=done_project,
        mentor=mentor,
        topic=Topic.SELF_GOVERNANCE,
        problem="居民议事会开不起来",
        assigned_by=by,
        status=CoachingStatus.DONE,
    )
    return {
        "tr_cohort": mine,
        "tr_cohort_other": other,
        "tr_cohort_empty": empty,
        "tr_trainee": trainee,
        "tr_class": klass,
        "tr_class_sibling": sibling,
        "tr_class_other": klass_other,
        "tr_quarterly": quarterly,
        "tr_held": held,
        "tr_attendance": attendance,
        "tr_attendance_held": came,
        "tr_mentor": mentor,
        "tr_pairing": pairing,
        "tr_pairing_ended": ended,
        "tr_consultation": consultation,
        "tr_consultation_closed": closed,
        "tr_project": project,
        "tr_coaching": coaching,
        "tr_project_done": done_project,
        "tr_coaching_done": done,
        # Posted as data: a staff member to put on the panel, a secretary to pair.
        "tr_candidate": people.expert,
        "tr_unpaired": people.secretary_haiyun,
        "tr_paired": people.secretary,
    }


def _consultation(mentor, asker, community, subject) -> Consultation:
    consultation = Consultation.objects.create(
        mentor=mentor, asker=asker, community=community, subject=subject
    )
    ConsultationMessage.objects.create(
        consultation=consultation, author=asker, text="请导师指点,谢谢。"
    )
    return consultation
