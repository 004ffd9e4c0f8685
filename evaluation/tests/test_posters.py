"""Session QR posters (邀请现场评): a printable poster and a PNG of the QR code, for the staff who
see the session."""

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Activity
from signups.tests.factories import announced_project, session

pytestmark = pytest.mark.django_db


@pytest.fixture
def feast(org, people):
    return session(announced_project(org, people, title="邻居节百家宴"), people, place="中心广场")


def test_the_poster_has_the_project_the_session_and_a_qr_of_its_grading_page(
    client, people, feast, settings
):
    settings.PUBLIC_BASE_URL = "https://bsbj.example.cn"
    client.force_login(people.worker)

    page = client.get(reverse("evaluation:session_poster", args=[feast.pk])).content.decode()

    link = f"https://bsbj.example.cn/p/grade/sessions/{feast.pk}/"
    assert link == "https://bsbj.example.cn" + reverse("evaluation:onsite", args=[feast.pk])
    assert link in page
    assert "邻居节百家宴" in page and "中心广场" in page and "扫码评价" in page
    assert 'src="data:image/svg+xml' in page
    assert reverse("evaluation:session_poster_png", args=[feast.pk]) in page


def test_the_qr_png_downloads(client, people, feast):
    client.force_login(people.street)
    response = client.get(reverse("evaluation:session_poster_png", args=[feast.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("district", 200),
        ("secretary2", 404),
        ("street_b", 404),
        ("partner", 404),
        ("resident", 404),
    ],
)
def test_only_staff_who_see_the_session_print_it(client, people, feast, who, status):
    client.force_login(getattr(people, who))
    assert client.get(reverse("evaluation:session_poster", args=[feast.pk])).status_code == status


def test_a_cancelled_session_says_so_on_screen(client, people, feast):
    Activity.objects.filter(pk=feast.pk).update(status=Activity.Status.CANCELLED)
    client.force_login(people.secretary)
    page = client.get(reverse("evaluation:session_poster", args=[feast.pk])).content.decode()
    assert "这场活动已取消" in page


def test_a_poster_printed_before_the_day_says_when_grading_opens(client, people, feast):
    """The feast is still to come: staff may print its poster now; the page it opens says
    grading opens on the day (evaluation/public_views.py), not a 404."""
    assert feast.date > timezone.localdate()
    client.force_login(people.secretary)
    page = client.get(reverse("evaluation:session_poster", args=[feast.pk])).content.decode()
    assert "可以提前打印张贴" in page and f"{feast.date.month}月{feast.date.day}日" in page
    client.logout()
    opened = client.get(reverse("evaluation:onsite", args=[feast.pk]))
    assert opened.status_code == 200 and "活动当天开放评价" in opened.content.decode()


def test_the_session_page_links_its_poster(client, people, feast):
    client.force_login(people.secretary)
    page = client.get(reverse("projects:session", args=[feast.pk])).content.decode()
    poster = reverse("evaluation:session_poster", args=[feast.pk])
    # A button (a tap target of 44 px: .btn), not an inline link.
    assert f'<a class="btn btn-outline-primary" href="{poster}">打印评价海报</a>' in page


@pytest.mark.parametrize("n", [1, 3])
def test_the_poster_costs_the_same_queries_however_many_sessions(
    client, org, people, n, django_assert_max_num_queries
):
    project = announced_project(org, people)
    made = [session(project, people, days=d + 1) for d in range(n)]
    client.force_login(people.secretary)
    url = reverse("evaluation:session_poster", args=[made[-1].pk])
    client.get(url)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
