"""The pages: a resident claims a plot with an SMS code and records care; staff see claims and
neglected plots; residents see only public photos; query counts stay flat as rows grow."""

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from core import sms
from scenes.models import Claim, MicroProject, ScenePhoto
from scenes.tests.factories import MicroProjectFactory, SceneFactory, cared, claimed
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def plot(org, people):
    return MicroProjectFactory(compound=org.compound, created_by=people.secretary, title="责任田A")


def _send_code(client, plot, phone="13900006666"):
    sms.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("scenes:public_phone", args=[plot.pk]), {"phone": phone, "send": "1"}
        )
    assert response.status_code == 200
    assert "验证码已发送到 139****6666" in response.content.decode()
    return sms.outbox[-1].text.split("验证码是 ")[1][:6]


def _form_token(client, url):
    from core.once import new_token

    return new_token()


def test_a_resident_claims_a_plot_with_an_sms_code_and_records_care(client, plot):
    code = _send_code(client, plot)
    response = client.post(
        reverse("scenes:public_phone", args=[plot.pk]), {"phone": "13900006666", "code": code}
    )
    assert response.status_code == 302
    page = client.get(reverse("scenes:public_claim", args=[plot.pk])).content.decode()
    assert "已验证手机号:139****6666" in page and "13900006666" not in page
    response = client.post(
        reverse("scenes:public_claim", args=[plot.pk]),
        {"once": _form_token(client, None), "name": "王阿姨", "consent": "on"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("scenes:public_mine")
    claim = Claim.objects.get()
    assert claim.name == "王阿姨" and claim.phone_hash
    response = client.post(
        reverse("scenes:public_care", args=[claim.pk]),
        {
            "once": _form_token(client, None),
            "date": timezone.localdate().isoformat(),
            "done": "浇水",
        },
    )
    assert response.status_code == 302
    mine = client.get(reverse("scenes:public_mine")).content.decode()
    assert "责任田A" in mine and "浇水" in mine


def test_a_wrong_code_verifies_nothing(client, plot):
    _send_code(client, plot)
    response = client.post(
        reverse("scenes:public_phone", args=[plot.pk]), {"phone": "13900006666", "code": "abcdef"}
    )
    assert response.status_code == 422
    response = client.post(
        reverse("scenes:public_claim", args=[plot.pk]),
        {"once": _form_token(client, None), "name": "王", "consent": "on"},
    )
    assert response.status_code == 422 and not Claim.objects.exists()


def test_another_browser_cannot_record_care_on_a_residents_claim(client, plot):
    claim = claimed(plot)
    response = client.post(
        reverse("scenes:public_care", args=[claim.pk]),
        {"date": timezone.localdate().isoformat(), "done": "浇水"},
    )
    assert response.status_code == 404


def test_the_sms_endpoint_is_rate_limited(client, plot, settings):
    from django.core.cache import cache

    cache.clear()
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sms": {"device": "2/h", "ip": "100/h"}}
    url = reverse("scenes:public_phone", args=[plot.pk])
    statuses = [
        client.post(url, {"phone": "13900006666", "code": "1"}).status_code for _ in range(4)
    ]
    assert statuses[-1] == 429
    cache.clear()


def test_the_public_compound_page_shows_only_public_photos_and_open_plots(
    client, org, people, plot, tiny_png
):
    from scenes import services

    scene = SceneFactory(compound=org.compound, created_by=people.secretary, name="凉亭")
    shown = services.scene_photo_add(scene=scene, by=people.secretary, photo=tiny_png, public=True)
    tiny_png.seek(0)
    hidden = services.scene_photo_add(scene=scene, by=people.secretary, photo=tiny_png)
    taken = MicroProjectFactory(
        compound=org.compound, created_by=people.secretary, title="已认领田"
    )
    claimed(taken)
    page = client.get(reverse("scenes:public_compound", args=[org.compound.pk])).content.decode()
    assert reverse("scenes:public_photo", args=[shown.pk]) in page
    assert reverse("scenes:public_photo", args=[hidden.pk]) not in page
    assert "责任田A" in page and "已认领田" not in page
    assert client.get(reverse("scenes:public_photo", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("scenes:public_photo", args=[shown.pk])).status_code == 200
    assert ScenePhoto.objects.count() == 2


def test_staff_see_the_claim_its_care_and_a_neglect_filter(client, org, people, plot):
    cared(claimed(plot, days_ago=30, name="赵大爷"), days_ago=29, done="除草")
    fine = MicroProjectFactory(compound=org.compound, created_by=people.secretary, title="责任田B")
    claimed(fine, days_ago=1)
    client.force_login(people.secretary)
    detail = client.get(reverse("scenes:micro_detail", args=[plot.pk])).content.decode()
    assert "赵大爷(139****2222)" in detail and "除草" in detail and "撂荒" in detail
    listing = client.get(reverse("scenes:micro_list"), {"neglected": "on"}).content.decode()
    assert "责任田A" in listing and "责任田B" not in listing


def test_counts_by_kind_and_street_for_the_district(client, org, people):
    for _ in range(3):
        SceneFactory(compound=org.compound, created_by=people.secretary)
    other = f.CompoundFactory(community=org.yuehai)
    SceneFactory(compound=other, created_by=people.secretary2)
    client.force_login(people.district)
    page = client.get(reverse("scenes:scene_list")).content.decode()
    assert "共 <strong>4</strong> 个小区场景" in page
    assert "长江路街道 3" in page and "八角街道 1" in page


# --- query counts stay flat -----------------------------------------------------------------
def _fill(org, people, n):
    for i in range(n):
        scene = SceneFactory(compound=org.compound, created_by=people.secretary)
        scene.projects.add(f.ProjectFactory(community=org.guoao, created_by=people.secretary))
        micro = MicroProjectFactory(compound=org.compound, created_by=people.secretary)
        if i % 2:
            cared(claimed(micro, days_ago=20), days_ago=19)


PAGES = [
    ("secretary", "scenes:compound", True),
    ("secretary", "scenes:scene_list", False),
    ("district", "scenes:micro_list", False),
    (None, "scenes:public_compound", True),
]


@pytest.mark.parametrize(("who", "name", "compound"), PAGES)
def test_query_counts_stay_the_same_with_three_times_the_rows(
    client, org, people, who, name, compound, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if who:
        client.force_login(getattr(people, who))
    url = reverse(name, args=[org.compound.pk] if compound else [])
    counts = []
    for n in (4, 12):
        _fill(org, people, n if not counts else n - 4)
        client.get(url)  # warm the caches (user, permissions)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 10, counts
    assert MicroProject.objects.count() == 12
