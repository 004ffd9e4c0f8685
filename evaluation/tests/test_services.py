"""grade_submit: one household once per project whatever the channel; codes from elsewhere look
unknown; unverified grades one per device; the audit holds ids, never the code."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from core.models import AuditEvent
from core.workflow import Conflict
from evaluation import services
from evaluation.models import Channel, Grade, Verdict
from projects.models import Status
from tests import factories as f

from .factories import households, running_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(org, people):
    return running_project(org, people)


def submit(project, **kwargs):
    kwargs.setdefault("verdict", Verdict.SATISFIED)
    kwargs.setdefault("channel", Channel.ONLINE)
    return services.grade_submit(project=project, **kwargs)


def test_online_grade_with_a_code_counts_for_the_household(project, org):
    grade = submit(project, code=org.household.code.lower(), comment="  很好  ")

    assert grade.household == org.household
    assert grade.channel == Channel.ONLINE
    assert grade.comment == "很好"


def test_a_household_grades_a_project_once_whatever_the_channel(project, org, people):
    submit(project, household=org.household, channel=Channel.VISIT, by=people.worker)
    session = project.activities.get()

    with pytest.raises(ValidationError) as refused:
        submit(project, code=org.household.code, channel=Channel.ONSITE, session=session)

    assert "该户已评价过本项目" in refused.value.messages[0]
    assert Grade.objects.count() == 1


def test_the_same_household_may_grade_another_project(project, org, people):
    other = running_project(org, people)
    submit(project, code=org.household.code)
    submit(other, code=org.household.code)
    assert Grade.objects.filter(household=org.household).count() == 2


def test_a_code_of_another_community_is_refused_like_an_unknown_one(project, org):
    yuehai_compound = f.CompoundFactory(community=org.yuehai)
    foreign = households(yuehai_compound, 1)[0]

    with pytest.raises(ValidationError) as foreign_refusal:
        submit(project, code=foreign.code)
    with pytest.raises(ValidationError) as unknown_refusal:
        submit(project, code="ZZZZ2345")

    assert foreign_refusal.value.messages == unknown_refusal.value.messages
    assert foreign_refusal.value.messages == [services.INVALID_CODE]
    assert not Grade.objects.exists()


def test_an_online_household_of_another_community_gets_the_code_message(project, org):
    foreign = households(f.CompoundFactory(community=org.yuehai), 1)[0]
    with pytest.raises(ValidationError, match="户码无效"):
        submit(project, household=foreign)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.APPROVED, Status.ANNOUNCED])
def test_a_project_not_yet_carried_out_cannot_be_graded(org, people, status):
    project = f.ProjectFactory(community=org.guoao, ready=True, status=status)
    with pytest.raises(Conflict, match="暂不能评价"):
        submit(project, code=org.household.code)


def test_a_retrospected_project_can_be_graded(org, people):
    project = running_project(org, people, status=Status.RETROSPECTED)
    assert submit(project, code=org.household.code).pk


def test_a_deleted_project_cannot_be_graded(project, org):
    project.deleted_at = project.created_at
    project.save(update_fields=["deleted_at"])
    with pytest.raises(Conflict):
        submit(project, code=org.household.code)


def test_only_the_communitys_staff_enter_home_visit_grades(project, org, people):
    for outsider in (people.district, people.street, people.secretary2, None):
        with pytest.raises(PermissionDenied):
            submit(project, household=org.household, channel=Channel.VISIT, by=outsider)
    grade = submit(project, household=org.household, channel=Channel.VISIT, by=people.worker)
    assert grade.recorded_by == people.worker


def test_a_home_visit_grade_needs_a_household_of_the_projects_community(project, org, people):
    foreign = households(f.CompoundFactory(community=org.yuehai), 1)[0]
    with pytest.raises(ValidationError, match="请选择本社区的住户"):
        submit(project, household=foreign, channel=Channel.VISIT, by=people.secretary)
    with pytest.raises(ValidationError, match="请选择住户"):
        submit(project, channel=Channel.VISIT, by=people.secretary)


def test_an_onsite_grade_without_a_code_is_unverified_and_once_per_device(project):
    session = project.activities.get()
    grade = submit(project, channel=Channel.ONSITE, session=session, device="phone-1")

    assert grade.household is None
    assert grade.device and grade.device != "phone-1"  # a keyed hash, never the cookie
    with pytest.raises(ValidationError, match="这部手机已经评价过"):
        submit(project, channel=Channel.ONSITE, session=session, device="phone-1")
    submit(project, channel=Channel.ONSITE, session=session, device="phone-2")
    assert Grade.objects.unverified().count() == 2


def test_an_onsite_grade_without_code_nor_device_is_refused(project):
    with pytest.raises(ValidationError, match="Cookie"):
        submit(project, channel=Channel.ONSITE, session=project.activities.get())


def test_an_onsite_grade_needs_a_session_of_the_project(project, org, people):
    other = running_project(org, people)
    with pytest.raises(ValidationError, match="不属于这个项目"):
        submit(
            project,
            channel=Channel.ONSITE,
            session=other.activities.get(),
            code=org.household.code,
        )
    with pytest.raises(ValidationError, match="二维码"):
        submit(project, channel=Channel.ONSITE, code=org.household.code)


def test_an_online_grade_needs_a_household(project):
    with pytest.raises(ValidationError, match="请输入户码"):
        submit(project)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"verdict": "great"}, "请选择满意"),
        ({"channel": "phone"}, "评价渠道"),
        ({"comment": "长" * 501}, "500"),
    ],
)
def test_bad_input_is_refused_with_a_message(project, org, changes, message):
    with pytest.raises(ValidationError, match=message):
        submit(project, code=org.household.code, **changes)
    assert not Grade.objects.exists()


def test_control_characters_are_dropped_from_the_comment(project, org):
    grade = submit(project, code=org.household.code, comment="好\x00的")
    assert grade.comment == "好的"


def test_the_audit_row_holds_ids_and_never_the_code(project, org):
    session = project.activities.get()
    grade = submit(project, code=org.household.code, channel=Channel.ONSITE, session=session)

    event = AuditEvent.objects.get(action="grade.submit")
    assert event.object_id == str(grade.pk)
    assert event.actor is None and event.actor_label == "居民"
    assert event.detail == {
        "project": project.pk,
        "channel": "onsite",
        "household": org.household.pk,
        "session": session.pk,
        "verified": True,
    }
    assert org.household.code not in str(event.detail)


def test_the_constraint_is_the_last_guard(project, org):
    Grade.objects.create(
        project=project, household=org.household, channel=Channel.ONLINE, verdict="basic"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Grade.objects.create(
            project=project, household=org.household, channel=Channel.VISIT, verdict="basic"
        )


def test_an_integrity_error_behind_the_lock_becomes_the_same_refusal(project, org, monkeypatch):
    """A grade written between the check and the insert (outside the service): no 500."""
    real_filter = Grade.objects.filter

    def no_grade_yet(*args, **kwargs):
        queryset = real_filter(*args, **kwargs)
        if "household" in kwargs:
            Grade.objects.bulk_create(
                [Grade(project=project, household=org.household, channel="visit", verdict="basic")]
            )
            monkeypatch.setattr(Grade.objects, "filter", real_filter)
            return queryset.none()
        return queryset

    monkeypatch.setattr(Grade.objects, "filter", no_grade_yet)
    with pytest.raises(ValidationError, match="该户已评价过本项目"):
        submit(project, code=org.household.code)
