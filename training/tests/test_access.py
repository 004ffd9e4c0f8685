"""Which sessions each person sees (Session.objects.visible_to), and what a mentor's assignments
open to them (training/access.py): the projects they coach now, through projects' READ_GRANTS,
and the classes they teach; cached, forgotten by signals when a coaching or a class changes, and
free of queries for everybody who is no mentor."""

import pytest
from django.core.cache import cache

from accounts.roles import Role
from core import memo
from projects.models import Project
from tests import factories as f
from training import services
from training.access import (
    MEMO_KIND,
    coached_project_ids,
    mentor_user_ids,
    taught_session_ids,
)
from training.models import Session
from training.tests import factories as tf
from training.workflow import COACHING_WORKFLOW, SESSION_WORKFLOW


# --- sessions seen --------------------------------------------------------------------------------
@pytest.fixture
def classes(org, people):
    """国奥's and 海韵's classes (street A; 海韵's taught by a mentor from street B), 悦海's class
    (street B) and the quarterly session for all three secretaries."""
    one = tf.cohorts(org.district)[0]
    teacher = tf.mentor(
        f.make_user(Role.EXPERT, org.street_b, username="teacher"), org.district, by=people.district
    )
    d = people.district
    return {
        "teacher": teacher.user,
        "guoao": tf.session(org.district, by=d, cohort=one, people=[people.secretary]),
        "haiyun": tf.session(
            org.district, by=d, cohort=one, people=[people.secretary_haiyun], mentor=teacher
        ),
        "yuehai": tf.session(org.district, by=d, cohort=one, people=[people.secretary2]),
        "quarterly": tf.session(
            org.district,
            by=d,
            people=[people.secretary, people.secretary2, people.secretary_haiyun],
        ),
    }


SEES = {
    "district": {"guoao", "haiyun", "yuehai", "quarterly"},
    "secretary": {"guoao", "quarterly"},
    "secretary2": {"yuehai", "quarterly"},
    "worker": {"quarterly"},  # invited to no class
    "street": {"guoao", "haiyun", "quarterly"},
    "member": {"guoao", "haiyun", "quarterly"},
    "expert": {"guoao", "haiyun", "quarterly"},
    "street_b": {"yuehai", "quarterly"},
    "judge_unassigned": {"yuehai", "quarterly"},  # street B's expert, no mentor
    "teacher": {"haiyun", "yuehai", "quarterly"},  # street B's expert teaching 海韵's class
    "resident": set(),
    "partner": set(),
    "auditor": set(),
    "sysadmin": set(),
    "nobody": set(),
}


@pytest.mark.django_db
@pytest.mark.parametrize("who", SEES)
def test_each_person_sees_the_sessions_that_concern_them(people, classes, who):
    user = classes["teacher"] if who == "teacher" else getattr(people, who)
    names = {v.pk: k for k, v in classes.items() if isinstance(v, Session)}

    seen = Session.objects.visible_to(tf.next_request(user)).values_list("pk", flat=True)

    assert {names[pk] for pk in seen} == SEES[who]


@pytest.mark.django_db
def test_a_mentor_sees_no_class_without_teaching_one(org, people):
    lonely = tf.mentor(f.UserFactory(username="visiting"), org.district, by=people.district)
    tf.session(org.district, by=people.district, cohort=tf.cohorts(org.district)[0])

    assert not Session.objects.visible_to(tf.next_request(lonely.user)).exists()


# --- what a mentor's assignments open, and when they forget ---------------------------------------
@pytest.fixture
def _cache_cleared():
    """A transactional test leaves its mentors' facts in the cache: clear them with the rows."""
    yield
    cache.clear()


def _visible(user, project) -> bool:
    return Project.objects.visible_to(tf.next_request(user)).filter(pk=project.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_coaching_mentor_reads_the_project_until_the_coaching_ends(org, people, _cache_cleared):
    coach = tf.mentor(
        f.make_user(Role.EXPERT, org.street_b, username="coach"), org.district, by=people.district
    )
    project = f.ProjectFactory(community=org.guoao, created_by=people.secretary)
    assert not _visible(coach.user, project)  # street B's expert: not his street
    assert cache.get(memo.key(MEMO_KIND, coach.user_id))["projects"] == ()  # the facts are cached

    coaching = services.coaching_attach(
        by=people.district,
        project=project,
        mentor=coach,
        data={"topic": "property", "problem": "x"},
    )
    assert _visible(coach.user, project)
    assert coached_project_ids(tf.next_request(coach.user)) == {project.pk}
    assert not _visible(people.judge_unassigned, project)  # another expert of street B

    COACHING_WORKFLOW.perform(coaching, "close", by=people.district)
    assert not _visible(coach.user, project)
    assert coached_project_ids(tf.next_request(coach.user)) == frozenset()


@pytest.mark.django_db(transaction=True)
def test_a_mentor_replaced_on_a_class_no_longer_sees_it(org, people, _cache_cleared):
    first, second = (
        tf.mentor(f.make_user(Role.EXPERT, org.street_b), org.district, by=people.district)
        for _ in range(2)
    )
    klass = tf.session(
        org.district,
        by=people.district,
        cohort=tf.cohorts(org.district)[0],
        mentor=first,
        people=[people.secretary],
    )
    assert taught_session_ids(tf.next_request(first.user)) == {klass.pk}  # cached now

    SESSION_WORKFLOW.perform(klass, "edit", by=people.district, data={"mentor": second})

    assert taught_session_ids(tf.next_request(first.user)) == frozenset()
    assert taught_session_ids(tf.next_request(second.user)) == {klass.pk}
    seen = Session.objects.visible_to(tf.next_request(first.user))
    assert not seen.filter(pk=klass.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_nobody_but_a_mentor_pays_a_query_for_the_grant(
    org, people, django_assert_num_queries, django_assert_max_num_queries, _cache_cleared
):
    """As in production (requests are not transactions): the set of mentors is cached for the
    whole site, a mentor's assignments for them."""
    coach = tf.mentor(
        f.make_user(Role.EXPERT, org.street_b, username="coach"), org.district, by=people.district
    )
    project = f.ProjectFactory(community=org.guoao, created_by=people.secretary)
    services.coaching_attach(
        by=people.district,
        project=project,
        mentor=coach,
        data={"topic": "property", "problem": "x"},
    )
    assert coach.user_id in mentor_user_ids()  # the first request after the change fills it
    secretary, street_b, district = (
        tf.next_request(u) for u in (people.secretary, people.street_b, people.district)
    )
    coach_now, coach_later = tf.next_request(coach.user), tf.next_request(coach.user)
    for user in (secretary, street_b, district, coach_now, coach_later):
        assert user.scope  # every request reads the person's roles before any page does

    with django_assert_num_queries(0):
        assert coached_project_ids(secretary) == frozenset()
        assert coached_project_ids(street_b) == frozenset()
        assert taught_session_ids(district) == frozenset()
    with django_assert_num_queries(1):  # the page's own query, nothing for the grants
        assert project.pk in {p.pk for p in Project.objects.visible_to(secretary)}
    with django_assert_max_num_queries(3):
        assert coached_project_ids(coach_now) == {project.pk}
    with django_assert_num_queries(0):
        assert coached_project_ids(coach_now) == {project.pk}  # kept for the request
        assert coached_project_ids(coach_later) == {project.pk}  # the next request
