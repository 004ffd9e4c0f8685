"""一项目一方案: the district or the project's street attaches a mentor to a project
(services.coaching_attach); the mentor writes notes and the plan; the coaching ends
(COACHING_WORKFLOW). Each step shows on the project's timeline."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.roles import Role
from core.models import AuditEvent, Notification
from core.workflow import Conflict
from projects.models import ProjectEvent
from tests import factories as f
from training import services
from training.models import Coaching, CoachingNote, CoachingStatus, Topic
from training.tests import factories as tf
from training.workflow import COACHING_WORKFLOW

pytestmark = pytest.mark.django_db
PROBLEM = {"topic": Topic.PROPERTY, "problem": "业主拒缴物业费,物业准备撤场"}


@pytest.fixture
def coach(org, people):
    return tf.mentor(
        f.make_user(Role.EXPERT, org.street_b, username="coach"), org.district, by=people.district
    )


@pytest.fixture
def project(org, people):
    return f.ProjectFactory(community=org.guoao, created_by=people.secretary)


@pytest.fixture
def coaching(people, project, coach):
    return services.coaching_attach(by=people.district, project=project, mentor=coach, data=PROBLEM)


def _events(project, kind) -> list[ProjectEvent]:
    return list(project.events.filter(kind=kind))


@pytest.mark.parametrize("who", ["district", "street", "member"])
def test_district_or_the_projects_street_attaches_a_mentor(people, project, coach, who):
    by = getattr(people, who)

    coaching = services.coaching_attach(by=by, project=project, mentor=coach, data=PROBLEM)

    assert (coaching.project, coaching.mentor, coaching.status) == (
        project,
        coach,
        CoachingStatus.OPEN,
    )
    assert (coaching.problem, coaching.assigned_by) == (PROBLEM["problem"], by)
    [event] = _events(project, ProjectEvent.Kind.COACHING_ASSIGNED)
    assert event.actor == by and str(coach) in event.note and "物业费" in event.note
    told = Notification.objects.filter(event="training.coaching")
    assert set(told.values_list("recipient_id", flat=True)) == {
        coach.user_id,
        people.secretary.pk,
        people.worker.pk,
    }
    assert AuditEvent.objects.get(action="coaching.create").detail == {
        "project": project.pk,
        "mentor": coach.pk,
    }


@pytest.mark.parametrize("who", ["expert", "street_b", "secretary", "worker", "auditor"])
def test_nobody_else_attaches_a_mentor(people, project, coach, who):
    with pytest.raises(PermissionDenied):
        services.coaching_attach(
            by=getattr(people, who), project=project, mentor=coach, data=PROBLEM
        )
    assert not Coaching.objects.exists()
    assert not _events(project, ProjectEvent.Kind.COACHING_ASSIGNED)


def test_a_mentor_coaches_a_project_once_at_a_time(people, project, coach, coaching):
    with pytest.raises(ValidationError, match="已在指导这个项目"):
        services.coaching_attach(by=people.street, project=project, mentor=coach, data=PROBLEM)
    assert Coaching.objects.count() == 1

    COACHING_WORKFLOW.perform(coaching, "close", by=people.district)
    again = services.coaching_attach(by=people.street, project=project, mentor=coach, data=PROBLEM)
    assert again.status == CoachingStatus.OPEN and Coaching.objects.count() == 2


def test_a_mentor_who_left_is_not_attached_nor_without_a_problem(org, people, project, coach):
    with pytest.raises(ValidationError, match="请说明"):
        services.coaching_attach(
            by=people.district, project=project, mentor=coach, data={**PROBLEM, "problem": " "}
        )
    coach.active = False
    coach.save()
    with pytest.raises(ValidationError, match="不在导师团"):
        services.coaching_attach(by=people.district, project=project, mentor=coach, data=PROBLEM)
    assert not Coaching.objects.exists()


def test_the_mentor_writes_a_note_on_the_projects_timeline(people, project, coach, coaching):
    today = timezone.localdate()

    step = COACHING_WORKFLOW.perform(
        coaching,
        "note",
        by=tf.next_request(coach.user),
        data={"date": today, "mode": "online", "text": "与物业、业委会三方沟通"},
    )

    note = CoachingNote.objects.get()
    assert step.result == note
    assert (note.author, note.date, note.mode) == (coach.user, today, "online")
    [event] = _events(project, ProjectEvent.Kind.COACHING_NOTE)
    assert event.actor == coach.user and "与物业、业委会三方沟通" in event.note
    assert f"{today:%Y-%m-%d}" in event.note


def test_a_note_needs_a_text_and_a_date_not_ahead(coach, coaching):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for data in ({"date": timezone.localdate(), "text": ""}, {"date": tomorrow, "text": "走访"}):
        with pytest.raises(ValidationError):
            COACHING_WORKFLOW.perform(coaching, "note", by=tf.next_request(coach.user), data=data)
    assert not CoachingNote.objects.exists()


def test_the_mentor_writes_the_plan_and_the_community_hears_of_it(people, project, coach, coaching):
    COACHING_WORKFLOW.perform(
        coaching, "plan", by=tf.next_request(coach.user), data={"plan": "一、成立议事会;二、…"}
    )

    coaching.refresh_from_db()
    assert coaching.plan == "一、成立议事会;二、…" and coaching.plan_at is not None
    [event] = _events(project, ProjectEvent.Kind.COACHING_PLAN)
    assert event.actor == coach.user
    told = Notification.objects.filter(event="training.coaching", title__contains="指导方案")
    assert set(told.values_list("recipient_id", flat=True)) == {
        people.secretary.pk,
        people.worker.pk,
    }


def test_an_empty_plan_is_refused(coach, coaching):
    with pytest.raises(ValidationError, match="请填写指导方案"):
        COACHING_WORKFLOW.perform(
            coaching, "plan", by=tf.next_request(coach.user), data={"plan": "  "}
        )
    assert Coaching.objects.get(pk=coaching.pk).plan_at is None


@pytest.mark.parametrize("who", ["district", "street", "secretary", "other_mentor"])
def test_only_the_coachings_mentor_writes_notes_and_the_plan(org, people, coaching, who):
    if who == "other_mentor":
        user = tf.mentor(
            f.make_user(Role.EXPERT, org.street_b), org.district, by=people.district
        ).user
    else:
        user = getattr(people, who)
    for action, data in (
        ("note", {"date": timezone.localdate(), "text": "走访"}),
        ("plan", {"plan": "方案"}),
    ):
        with pytest.raises(PermissionDenied):
            COACHING_WORKFLOW.perform(coaching, action, by=tf.next_request(user), data=data)
    assert not CoachingNote.objects.exists() and Coaching.objects.get(pk=coaching.pk).plan == ""


def test_a_mentor_who_left_writes_nothing_more(coach, coaching):
    coach.active = False
    coach.save()
    with pytest.raises(PermissionDenied):
        COACHING_WORKFLOW.perform(
            coaching,
            "note",
            by=tf.next_request(coach.user),
            data={"date": timezone.localdate(), "text": "走访"},
        )


@pytest.mark.parametrize("who", ["district", "member", "coach"])
def test_the_district_the_street_or_the_mentor_ends_the_coaching(
    people, project, coach, coaching, who
):
    by = coach.user if who == "coach" else getattr(people, who)

    COACHING_WORKFLOW.perform(coaching, "close", by=tf.next_request(by))

    coaching.refresh_from_db()
    assert coaching.status == CoachingStatus.DONE and coaching.status_changed_at is not None
    [event] = _events(project, ProjectEvent.Kind.COACHING_DONE)
    assert event.actor == by
    with pytest.raises(Conflict, match="已结束"):
        COACHING_WORKFLOW.perform(
            coaching,
            "note",
            by=tf.next_request(coach.user),
            data={"date": timezone.localdate(), "text": "走访"},
        )


@pytest.mark.parametrize("who", ["secretary", "street_b", "expert"])
def test_nobody_else_ends_the_coaching(people, coaching, who):
    with pytest.raises(PermissionDenied):
        COACHING_WORKFLOW.perform(coaching, "close", by=getattr(people, who))
    assert Coaching.objects.get(pk=coaching.pk).status == CoachingStatus.OPEN
