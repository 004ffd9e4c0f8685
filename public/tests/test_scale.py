"""At ten times the volume, the public project page, the month's calendar and a session's
sign-up list cost the same number of queries and load the same rows: the sessions, sign-ups,
photos and volunteers of other projects never reach them, and the page's own lists are capped."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.models import Activity, ActivityVolunteer, Project, Status
from signups.models import CONSENT_VERSION, SignUp, code_hash
from signups.tests.factories import announced_project, session
from tests import factories as f

from .helpers import held_session

pytestmark = pytest.mark.django_db


def _volume(org, people, n: int, *, own: Project, month_day: datetime.date) -> None:
    """n published projects elsewhere with a session on the calendar's day, sign-ups and
    volunteers; n more sessions of the page's own project in later months (bulk written)."""
    projects = Project.objects.bulk_create(
        Project(
            community=(org.haiyun, org.yuehai)[i % 2],
            title=f"别处的项目{i}",
            status=Status.IN_PROGRESS,
            created_by=people.secretary,
        )
        for i in range(n)
    )
    sessions = Activity.objects.bulk_create(
        [
            *(
                Activity(
                    project=p,
                    date=month_day,
                    place="广场",
                    signup_capacity=5,
                    created_by=people.secretary,
                )
                for p in projects
            ),
            *(
                Activity(
                    project=own,
                    date=month_day + datetime.timedelta(days=40 + i),
                    place="广场",
                    signup_capacity=5,
                    created_by=people.secretary,
                )
                for i in range(n)
            ),
            *(
                Activity(
                    project=own,
                    date=month_day - datetime.timedelta(days=60 + i),
                    place="广场",
                    participants=3,
                    status=Activity.Status.HELD,
                    created_by=people.secretary,
                )
                for i in range(n)
            ),
        ]
    )
    now = timezone.now()
    SignUp.objects.bulk_create(
        SignUp(
            activity=s,
            name="居民",
            phone=f"139{s.pk * 10 + k:08d}",
            cancel_code_hash=code_hash(f"C{s.pk}X{k}"),
            consent_version=CONSENT_VERSION,
            consented_at=now,
        )
        for s in sessions[:n]
        for k in range(3)
    )
    partner = f.PartnerFactory(community=org.haiyun)
    ActivityVolunteer.objects.bulk_create(
        ActivityVolunteer(activity=s, partner=partner, hours=1) for s in sessions[:n]
    )


def _measure(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    context = response.context
    rows = {}
    for key in ("upcoming", "days", "page"):
        if key in context:
            value = context[key]
            rows[key] = len(list(value.object_list if key == "page" else value))
    if "results" in context:
        rows["held"] = len(context["results"]["held"])
        rows["photos"] = len(context["results"]["photos"])
    return len(captured.captured_queries), rows


def test_project_page_calendar_and_signup_list_stay_the_same_at_ten_times_the_volume(
    client, org, people
):
    project = announced_project(org, people, status=Status.IN_PROGRESS)
    feast = session(project, people, capacity=3, days=5)
    for i in range(5):
        SignUp.objects.create(
            activity=feast,
            name=f"居民{i}",
            phone=f"1390000000{i}",
            cancel_code_hash=code_hash(f"OWN{i}"),
            consent_version=CONSENT_VERSION,
            consented_at=timezone.now(),
        )
    held_session(project, people)
    month = feast.date.strftime("%Y-%m")
    paths = [
        reverse("public:announcement", args=[project.pk]),
        f"{reverse('public:calendar')}?community={org.guoao.pk}&month={month}",
        reverse("signups:session", args=[feast.pk]),
    ]
    client.force_login(people.secretary)
    _volume(org, people, 15, own=project, month_day=feast.date)
    before = {path: _measure(client, path) for path in paths}
    _volume(org, people, 150, own=project, month_day=feast.date)
    after = {path: _measure(client, path) for path in paths}

    assert after == before, (before, after)
    assert before[paths[0]][0] <= 10 and before[paths[1]][0] <= 8 and before[paths[2]][0] <= 10
    assert before[paths[2]][1] == {"page": 5}
