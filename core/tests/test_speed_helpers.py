"""The helpers that keep pages cheap: capped and cached counts, deferred deep pages, cached roles
and unread counts forgotten when they change, one Redis client, labels, links and days."""

import datetime
import os

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from core import memo, paging
from core.links import object_url
from core.models import Notification
from core.notifications import notification_mark_read, notify
from core.templatetags.portal import days_since, path
from partners.models import Partner
from projects.models import Project, Status
from tests import factories as f


def _page(queryset, number, per_page=5):
    request = RequestFactory().get("/", {"page": number})
    return paging.paginate(request, queryset, per_page)


@pytest.mark.django_db
def test_a_deep_page_holds_the_same_rows_as_a_plain_offset(org, people, monkeypatch):
    monkeypatch.setattr(paging, "DEFER_FROM", 10)
    Partner.objects.bulk_create(
        [Partner(community=org.guoao, name=f"合伙人{i:03}", category_id="volunteer",
                 created_by=people.secretary) for i in range(60)]
    )  # fmt: skip
    partners = Partner.objects.alive().order_by("name", "id")
    for number in (1, 3, 9, 12):
        page = _page(partners, number)
        assert [p.name for p in page] == [p.name for p in partners[(number - 1) * 5 :][:5]]
    assert _page(partners, 12).paginator.num_pages == 12


@pytest.mark.django_db
def test_pages_stop_at_max_rows_and_say_so(org, people, monkeypatch):
    monkeypatch.setattr(paging.CappedPaginator, "max_rows", 20)
    Partner.objects.bulk_create(
        [Partner(community=org.guoao, name=f"合伙人{i:03}", category_id="volunteer",
                 created_by=people.secretary) for i in range(30)]
    )  # fmt: skip
    page = _page(Partner.objects.alive().order_by("name"), 99)
    assert page.paginator.count == 30 and page.paginator.capped
    assert page.number == page.paginator.num_pages == 4


@pytest.mark.django_db(transaction=True)
def test_a_long_list_is_counted_once_a_minute_a_short_one_every_time(org, people, monkeypatch):
    monkeypatch.setattr(paging, "EXACT", 5)
    cache.clear()
    make = [
        Partner(
            community=org.guoao, name=f"p{i}", category_id="volunteer", created_by=people.secretary
        )
        for i in range(8)
    ]
    Partner.objects.bulk_create(make)
    partners = Partner.objects.alive().order_by("name")
    assert _page(partners, 1).paginator.count == 8
    Partner.objects.bulk_create(
        [
            Partner(
                community=org.guoao, name="p9", category_id="volunteer", created_by=people.secretary
            )
        ]
    )
    assert _page(partners, 1).paginator.count == 8  # the cached count, for COUNT_SECONDS
    few = Partner.objects.alive().filter(name__in=["p1", "p2"])
    assert _page(few, 1).paginator.count == 2
    Partner.objects.filter(name="p2").update(deleted_at=timezone.now())
    assert _page(few, 1).paginator.count == 1  # short lists are always exact
    cache.clear()


@pytest.mark.django_db(transaction=True)
def test_roles_are_cached_between_requests_and_forgotten_when_they_change(org, people):
    cache.clear()
    fresh = lambda: User.objects.get(pk=people.worker.pk)  # noqa: E731 - a new request's user
    assert fresh().scope.community_ids() == {org.guoao.pk}
    assert cache.get(memo.key("scope", people.worker.pk)) is not None
    f.add_role(people.worker, Role.WORKER, org.haiyun)
    assert fresh().scope.community_ids() == {org.guoao.pk, org.haiyun.pk}
    people.worker.role_assignments.filter(community=org.haiyun).delete()
    assert fresh().scope.community_ids() == {org.guoao.pk}
    worker = fresh()
    worker.is_active = False
    worker.save(update_fields=["is_active"])
    assert not fresh().scope.roles
    cache.clear()


@pytest.mark.django_db(transaction=True)
def test_the_unread_count_is_cached_and_forgotten_on_news_and_on_reading(client, people):
    cache.clear()
    client.force_login(people.secretary)
    client.get("/inbox/")
    assert cache.get(memo.key("unread", people.secretary.pk)) == 0
    notify(people.secretary, "x", title="新消息")
    page = client.get("/inbox/").content.decode()
    assert 'id="unread-count">1<' in page
    notification_mark_read(user=people.secretary)
    assert 'id="unread-count"' not in client.get("/inbox/").content.decode()
    assert Notification.objects.unread().count() == 0
    cache.clear()


@pytest.mark.django_db
def test_nothing_read_inside_a_transaction_is_cached(people):
    cache.clear()
    assert people.street.scope.roles == {Role.STREET_LEADER}
    assert cache.get(memo.key("scope", people.street.pk)) is None


@pytest.mark.redis
def test_the_redis_cache_keeps_one_client_per_pool():
    from core.cache import RedisCache

    url = (
        os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0] + "/14"
    )  # db 15 is the worker test's, which flushes it
    backend = RedisCache(url, {})
    backend.set("speed-test", 42, 5)
    first = backend._cache.get_client()
    assert backend.get("speed-test") == 42
    assert backend._cache.get_client() is first
    backend.delete("speed-test")


@pytest.mark.django_db
def test_cached_labels_links_and_days_match_what_django_computes(org, people):
    project = f.ProjectFactory(community=org.guoao, status=Status.SUBMITTED, theme="health")
    assert project.get_status_display() == "待街道审核"
    assert project.get_theme_display() == "健"
    assert object_url("projects:detail", project.pk) == reverse(
        "projects:detail", args=[project.pk]
    )
    assert project.get_absolute_url() == f"/projects/{project.pk}/"
    assert path("projects:list") == reverse("projects:list")
    today = timezone.localdate()
    assert days_since(today - datetime.timedelta(days=12)) == 12
    assert days_since(timezone.now()) == 0
    unsaved = Project(status="not-a-status")
    assert unsaved.get_status_display() == "not-a-status"


@pytest.mark.django_db(transaction=True)
def test_the_cached_account_is_forgotten_when_the_password_changes_or_it_is_deactivated(
    client, people
):
    """Pages read the logged-in account from the cache; a password change must still end the
    other sessions, and deactivation must end every session."""
    from django.test import Client

    from accounts.services import password_change

    cache.clear()
    other = Client()
    other.force_login(people.secretary)
    assert other.get("/").status_code == 200
    assert cache.get(memo.key("user", people.secretary.pk)) is not None
    password_change(user=User.objects.get(pk=people.secretary.pk), new_password="Xin-Mima-2026!")
    assert other.get("/")["Location"].startswith("/accounts/login/")

    client.force_login(people.worker)
    assert client.get("/").status_code == 200
    worker = User.objects.get(pk=people.worker.pk)
    worker.is_active = False
    worker.save(update_fields=["is_active"])
    assert client.get("/")["Location"].startswith("/accounts/login/")
    cache.clear()
