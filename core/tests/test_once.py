"""One submission per form (core/once.py): the same page posted twice creates one record.

The second post is sent where the first one went, with a message; a form refused for its input
keeps its token usable; an expired or forged token asks for one more tap, and no session or row
is made for a token that is only shown.
"""

import threading
from datetime import timedelta

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.utils import timezone

from core import once
from core.models import FormSubmission
from needs.models import Need
from partners.models import Partner
from projects.models import Activity, Project, ProjectEvent
from tests import factories as f

ACTIVITY = {
    "date": "2026-12-05",
    "place": "小区广场",
    "participants": "40",
    "volunteers": "3",
    "spending": "0",
}


def _twice(client, url, data):
    first = client.post(url, data)
    second = client.post(url, data, follow=True)
    return first, second


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, data, model",
    [
        (
            "/needs/new/",
            {"title": "楼道灯不亮", "category": "environment", "source": "online", "mentions": "2"},
            Need,
        ),
        ("/partners/new/", {"name": "国奥物业", "category": "property"}, Partner),
        ("/projects/new/", {"title": "楼道点亮行动", "theme": "beauty"}, Project),
    ],
)
def test_the_same_create_form_posted_twice_makes_one_record(client, org, people, url, data, model):
    client.force_login(people.secretary)
    first, second = _twice(client, url, {**data, "once": f.once()})
    assert model.objects.count() == 1
    made = model.objects.get()
    assert first.status_code == 302 and first["Location"] == made.get_absolute_url()
    assert second.redirect_chain[-1][0] == made.get_absolute_url()
    assert "这份表单已经提交过,没有重复保存" in second.content.decode()
    assert FormSubmission.objects.get().result_url == made.get_absolute_url()


@pytest.mark.django_db
def test_two_taps_on_log_activity_record_one_session(client, org, people):
    project = f.ProjectFactory(community=org.guoao, announced=True)
    client.force_login(people.secretary)
    _twice(client, f"/projects/{project.pk}/activities/new/", {**ACTIVITY, "once": f.once()})
    assert Activity.objects.filter(project=project).count() == 1
    assert project.events.filter(kind=ProjectEvent.Kind.ACTIVITY).count() == 1


@pytest.mark.django_db
def test_a_comment_sent_twice_is_one_comment(client, org, people):
    project = f.ProjectFactory(community=org.guoao, ready=True, status="submitted")
    client.force_login(people.expert)
    url = f"/projects/{project.pk}/comment/"
    _twice(client, url, {"comment": "建议周末办", "once": f.once()})
    assert project.events.filter(kind=ProjectEvent.Kind.COMMENTED).count() == 1


@pytest.mark.django_db
def test_two_different_forms_each_create(client, org, people):
    client.force_login(people.secretary)
    for title in ("第一条", "第二条"):
        data = {"title": title, "category": "culture", "source": "online", "mentions": "1"}
        client.post("/needs/new/", {**data, "once": f.once()})
    assert Need.objects.count() == 2


@pytest.mark.django_db
def test_a_form_refused_for_its_input_can_be_corrected_and_sent_with_the_same_token(
    client, org, people
):
    client.force_login(people.secretary)
    token = f.once()
    bad = {"title": "", "category": "culture", "source": "online", "mentions": "1"}
    assert client.post("/needs/new/", {**bad, "once": token}).status_code == 422
    good = {**bad, "title": "希望有篮球赛"}
    assert client.post("/needs/new/", {**good, "once": token}).status_code == 302
    assert Need.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", "forged", signing.dumps("x", salt="another-salt")])
def test_a_missing_or_forged_token_asks_for_another_tap_with_a_fresh_one(
    client, org, people, token
):
    client.force_login(people.secretary)
    data = {"title": "t", "category": "culture", "source": "online", "mentions": "1"}
    response = client.post("/needs/new/", {**data, "once": token})
    assert response.status_code == 422
    assert "页面已过期,请再点一次保存" in response.content.decode()
    fresh = response.context["form"].data["once"]
    assert once.read_token(fresh) is not None
    assert client.post("/needs/new/", {**data, "once": fresh}).status_code == 302


def test_an_expired_token_is_refused(monkeypatch):
    token = once.new_token()
    assert once.read_token(token)
    later = timezone.now() + once.MAX_AGE + timedelta(minutes=1)
    monkeypatch.setattr("time.time", lambda: later.timestamp())
    assert once.read_token(token) is None


@pytest.mark.django_db
def test_showing_a_form_stores_nothing_and_each_page_gets_its_own_token(client, org, people):
    """Tokens are signed, not stored: a public page can show forms to any number of visitors
    without a session or a row for each."""
    client.force_login(people.secretary)
    tokens = [client.get("/needs/new/").context["form"]["once"].value() for _ in range(2)]
    assert all(once.read_token(t) for t in tokens)
    assert once.read_token(tokens[0]) != once.read_token(tokens[1])
    assert not FormSubmission.objects.exists()


@pytest.mark.django_db
def test_old_claims_are_purged_by_the_daily_task(org):
    from core.tasks import form_submissions_purge

    old = FormSubmission.objects.create(nonce="old")
    FormSubmission.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    FormSubmission.objects.create(nonce="new")
    assert form_submissions_purge.delay().get() == 1
    assert list(FormSubmission.objects.values_list("nonce", flat=True)) == ["new"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_tabs_posting_at_the_same_moment_make_one_project(org, people, monkeypatch):
    """The second post arrives while the first holds its claim, uncommitted: it waits on the
    unique index, then finds the claim and creates nothing."""
    from projects import services

    original = services.project_create
    claimed = threading.Event()

    def slow_create(**kwargs):
        claimed.set()  # the first request holds its claim now
        threading.Event().wait(0.5)
        return original(**kwargs)

    monkeypatch.setattr(services, "project_create", slow_create)
    token = f.once()
    statuses = {}

    def post(name):
        if name == "second":
            assert claimed.wait(10)
        client = Client()
        client.force_login(people.secretary)
        response = client.post(
            "/projects/new/", {"title": "同时提交", "theme": "joy", "once": token}
        )
        statuses[name] = response.status_code
        connection.close()

    threads = [threading.Thread(target=post, args=(n,)) for n in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert statuses == {"first": 302, "second": 302}
    assert Project.objects.filter(title="同时提交").count() == 1
