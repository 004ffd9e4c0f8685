"""The pages: a resident claims a plot with an SMS code and records care; staff see claims and
neglected plots; residents see only public photos; query counts stay flat as rows grow."""

import re

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


# --- editing a micro-project -------------------------------------------------------------------
def test_the_secretary_edits_a_micro_project_from_its_page(client, org, people, plot):
    client.force_login(people.secretary)
    detail = client.get(reverse("scenes:micro_detail", args=[plot.pk])).content.decode()
    assert reverse("scenes:micro_edit", args=[plot.pk]) in detail
    url = reverse("scenes:micro_edit", args=[plot.pk])
    assert "修改微项目" in client.get(url).content.decode()
    data = {
        "compound": org.compound.pk,
        "kind": "task",
        "title": "帮独居老人取快递",
        "description": "",
        "location": "",
        "neglect_days": "7",
        "status": "closed",  # not a field of the form: ignored
    }
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == plot.get_absolute_url()
    plot.refresh_from_db()
    assert (plot.title, plot.kind, plot.status) == ("帮独居老人取快递", "task", "open")


def test_a_claimed_plots_form_shows_its_kind_and_compound_fixed(client, org, people, plot):
    claimed(plot)
    client.force_login(people.secretary)
    url = reverse("scenes:micro_edit", args=[plot.pk])
    assert "有人认领中,不能修改" in client.get(url).content.decode()
    other = f.CompoundFactory(community=org.guoao)
    data = {"compound": other.pk, "kind": "task", "title": "新名字", "neglect_days": "14"}
    assert client.post(url, data).status_code == 302
    plot.refresh_from_db()
    assert (plot.title, plot.kind, plot.compound) == ("新名字", "plot", org.compound)


def test_street_staff_see_a_micro_project_but_may_not_edit_it(client, people, plot):
    client.force_login(people.street)
    detail = client.get(reverse("scenes:micro_detail", args=[plot.pk])).content.decode()
    assert reverse("scenes:micro_edit", args=[plot.pk]) not in detail
    assert client.get(reverse("scenes:micro_edit", args=[plot.pk])).status_code == 403


# --- giving up a claim ---------------------------------------------------------------------------
def _verified(client, phone):
    import time

    from core.phone import encrypt_phone
    from scenes.public_views import VERIFIED_KEY

    session = client.session
    session[VERIFIED_KEY] = {"p": encrypt_phone(phone), "until": time.time() + 600}
    session.save()


def test_a_resident_gives_up_their_claim_after_confirming(client, plot):
    from core.once import new_token

    claim = claimed(plot, phone="13900006666", name="王阿姨")
    _verified(client, "13900006666")
    mine = client.get(reverse("scenes:public_mine")).content.decode()
    url = reverse("scenes:public_give_up", args=[claim.pk])
    assert url in mine
    page = client.get(url).content.decode()
    assert "责任田A" in page and "确定放弃认领" in page
    claim.refresh_from_db()
    assert claim.released_at is None  # the confirmation page changes nothing
    token = new_token()
    response = client.post(url, {"once": token, "reason": "搬家了"})
    assert response.status_code == 302 and response["Location"] == reverse("scenes:public_mine")
    claim.refresh_from_db()
    plot.refresh_from_db()
    assert claim.released_at is not None and plot.status == MicroProject.Status.OPEN
    assert "责任田A" not in client.get(reverse("scenes:public_mine")).content.decode()
    # A second press of the same form: sent where the first went, nothing done twice.
    again = client.post(url, {"once": token, "reason": "搬家了"})
    assert again.status_code == 302 and again["Location"] == reverse("scenes:public_mine")
    assert client.get(url).status_code == 302  # the confirmation page of a released claim
    compound = client.get(reverse("scenes:public_compound", args=[plot.compound_id]))
    assert reverse("scenes:public_claim", args=[plot.pk]) in compound.content.decode()


def test_another_phone_cannot_give_up_a_residents_claim(client, plot):
    from core.models import AuditEvent
    from core.once import new_token

    claim = claimed(plot, phone="13900006666")
    _verified(client, "13900007777")
    url = reverse("scenes:public_give_up", args=[claim.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"once": new_token()}).status_code == 404
    claim.refresh_from_db()
    assert claim.released_at is None
    assert AuditEvent.objects.filter(action="access.denied", object_id=str(claim.pk)).count() == 2


def test_a_partner_gives_up_their_claim_from_their_plots(client, org, people, plot):
    from core.once import new_token

    partner = f.PartnerFactory(
        community=org.guoao, created_by=people.secretary, user=people.partner
    )
    claim = claimed(plot, partner=partner)
    client.force_login(people.partner)
    url = reverse("scenes:public_give_up", args=[claim.pk])
    assert url in client.get(reverse("scenes:public_mine")).content.decode()
    assert client.post(url, {"once": new_token()}).status_code == 302
    claim.refresh_from_db()
    assert claim.released_at is not None
    client.force_login(people.secretary)
    detail = client.get(reverse("scenes:micro_detail", args=[plot.pk])).content.decode()
    assert "认领人放弃认领" in detail


def test_a_claim_released_meanwhile_is_not_given_up_twice(client, people, plot):
    from core.once import new_token
    from scenes import services

    claim = claimed(plot, phone="13900006666")
    _verified(client, "13900006666")
    url = reverse("scenes:public_give_up", args=[claim.pk])
    services.micro_release(micro=plot, by=people.secretary, reason="长期未照料")
    response = client.post(url, {"once": new_token()})
    assert response.status_code == 409
    page = response.content.decode()
    assert "不能放弃认领" in page and "确定放弃认领" not in page
    claim.refresh_from_db()
    assert claim.release_reason == "长期未照料"


def test_giving_up_is_rate_limited(client, plot, settings):
    from django.core.cache import cache

    claim = claimed(plot, phone="13900006666")
    _verified(client, "13900007777")  # not the claimant: every post is a 404, and still counted
    cache.clear()
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "public_form": {"device": "2/h", "ip": "100/h"}}
    url = reverse("scenes:public_give_up", args=[claim.pk])
    statuses = [client.post(url, {}).status_code for _ in range(4)]
    assert statuses[-1] == 429
    cache.clear()


# --- finding one's compound ---------------------------------------------------------------------
def test_the_finder_lists_a_streets_communities_and_compounds_with_their_counts(
    client, org, people, plot
):
    SceneFactory(compound=org.compound, created_by=people.secretary)
    SceneFactory(compound=org.compound, created_by=people.secretary)
    claimed(MicroProjectFactory(compound=org.compound, created_by=people.secretary))
    f.CompoundFactory(community=org.haiyun, name="海韵小区")
    f.CompoundFactory(community=org.yuehai, name="悦海花园")
    url = reverse("scenes:public_compounds")
    front = client.get(url).content.decode()
    assert "长江路街道" in front and "八角街道" in front and "国奥花园" not in front
    page = client.get(url, {"street": org.street_a.pk})
    html = page.content.decode()
    assert "国奥社区" in html and "海韵社区" in html and "悦海花园" not in html
    row = next(c for c in page.context["compounds"] if c.pk == org.compound.pk)
    assert (row.n_scenes, row.n_open) == (2, 1)
    assert reverse("scenes:public_compound", args=[org.compound.pk]) in html
    assert "2 个小区场景" in html and "1 个待认领" in html


def test_the_finder_searches_compounds_and_communities_by_name(client, org):
    f.CompoundFactory(community=org.yuehai, name="悦海花园")
    url = reverse("scenes:public_compounds")
    assert [c.name for c in client.get(url, {"q": "悦海"}).context["compounds"]] == ["悦海花园"]
    assert [c.name for c in client.get(url, {"q": "国奥社区"}).context["compounds"]] == ["国奥花园"]
    assert "没有找到" in client.get(url, {"q": "不存在"}).content.decode()
    assert client.get(url, {"q": "a\x00b", "street": "x"}).status_code == 200


def test_the_public_front_page_links_to_the_finder(client):
    page = client.get(reverse("public:home")).content.decode()
    assert reverse("scenes:public_compounds") in page


def test_the_finders_query_count_stays_the_same_with_three_times_the_compounds(client, org, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def build(n):
        for _ in range(n):
            for community in (org.guoao, org.haiyun):
                compound = f.CompoundFactory(community=community)
                SceneFactory(compound=compound, created_by=people.secretary)
                MicroProjectFactory(compound=compound, created_by=people.secretary)
                claimed(MicroProjectFactory(compound=compound, created_by=people.secretary))

    counts = []
    for n in (3, 6):
        build(n)
        for query in ({"street": org.street_a.pk}, {"q": "幸福"}, {}):
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(reverse("scenes:public_compounds"), query)
            assert response.status_code == 200
            counts.append(len(ctx))
    assert counts[:3] == counts[3:], counts
    assert max(counts) <= 2, counts
    assert len(response.context["streets"]) == 2


# --- the district's home ---------------------------------------------------------------------------
def test_the_district_home_counts_scenes_and_micro_projects_in_constant_queries(
    client, org, people
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(people.district)
    client.get("/")  # warm the caches (user, permissions)
    counts = []
    for n in (2, 6):
        while MicroProject.objects.count() < n:
            compound = f.CompoundFactory(community=org.yuehai)
            SceneFactory(compound=compound, created_by=people.secretary2)
            MicroProjectFactory(compound=compound, created_by=people.secretary2)
            claimed(
                MicroProjectFactory(compound=compound, created_by=people.secretary2), days_ago=30
            )
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/")
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts
    assert response.context["scene_figures"] == {"scenes": 3, "micros": 6, "neglected": 3}
    html = response.content.decode()
    assert "小区场景 <strong>3</strong> 个" in html and "其中撂荒" in html


# --- what a resident is told when something is wrong ---------------------------------------------
def _alerts(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r'role="alert"[^>]*>(.*?)</div>', html, flags=re.S)


def test_a_wrong_sms_code_is_said_on_the_page_once(client, plot):
    _send_code(client, plot)
    response = client.post(
        reverse("scenes:public_phone", args=[plot.pk]), {"phone": "13900006666", "code": "000000"}
    )
    assert response.status_code == 422
    assert any("验证码不正确" in alert for alert in _alerts(response))
    assert response.content.decode().count("验证码不正确") == 1
    assert re.search(r'id="id_code"[^>]*aria-invalid="true"', response.content.decode())


def test_verifying_with_an_empty_code_asks_for_it_and_spends_no_attempt(client, plot):
    from core.models import PhoneCode

    _send_code(client, plot)
    response = client.post(
        reverse("scenes:public_phone", args=[plot.pk]), {"phone": "13900006666", "code": ""}
    )
    assert response.status_code == 422
    assert "请输入短信里的 6 位验证码。" in response.content.decode()
    assert PhoneCode.objects.get().attempts == 0


def test_asking_for_a_code_without_a_number_asks_for_the_number(client, plot):
    response = client.post(reverse("scenes:public_phone", args=[plot.pk]), {"send": "1"})
    page = response.content.decode()
    assert response.status_code == 422
    assert "请输入您的手机号。" in page and "必填" not in page


def test_a_claim_without_consent_asks_for_the_tick_in_plain_words(client, plot):
    from scenes.forms import CONSENT_NOTICE

    _verified(client, "13900006666")
    response = client.post(
        reverse("scenes:public_claim", args=[plot.pk]), {"once": _form_token(client, None)}
    )
    page = response.content.decode()
    assert response.status_code == 422 and not Claim.objects.exists()
    assert "请勾选同意后再认领。" in page and "请填写您的姓名。" in page
    assert "必填" not in page
    assert page.count(CONSENT_NOTICE) == 1  # the checkbox's text, not repeated in the error list
    assert 'id="id_consent" aria-invalid="true"' in page


def test_a_plot_claimed_meanwhile_says_so_on_the_claim_form(client, plot, monkeypatch):
    from scenes import public_views

    stale = MicroProject.objects.get(pk=plot.pk)  # read before the neighbour's claim landed
    claimed(plot)
    monkeypatch.setattr(public_views.selectors, "public_micro", lambda pk: stale)
    _verified(client, "13900006666")
    response = client.post(
        reverse("scenes:public_claim", args=[plot.pk]),
        {"once": _form_token(client, None), "name": "王阿姨", "consent": "on"},
    )
    assert response.status_code == 409
    assert any("不能认领" in alert for alert in _alerts(response))
    assert Claim.objects.count() == 1


def test_an_expired_give_up_form_says_so_once(client, plot):
    claim = claimed(plot, phone="13900006666")
    _verified(client, "13900006666")
    response = client.post(reverse("scenes:public_give_up", args=[claim.pk]), {"once": "old"})
    assert response.status_code == 422
    assert response.content.decode().count("页面已过期") == 1
    claim.refresh_from_db()
    assert claim.released_at is None


def test_a_care_record_without_what_was_done_is_marked_beside_the_field(client, plot):
    from django.contrib.messages import get_messages

    claim = claimed(plot, phone="13900006666")
    _verified(client, "13900006666")
    response = client.post(
        reverse("scenes:public_care", args=[claim.pk]),
        {"once": _form_token(client, None), "date": timezone.localdate().isoformat()},
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert not list(get_messages(response.wsgi_request))  # not a third time at the page's top
    assert f'id="c{claim.pk}_done_error"' in page and "请写一下做了什么" in page
    assert 'aria-invalid="true"' in page and "必填" not in page


def test_the_public_compound_page_links_to_its_communitys_projects_and_calendar(client, org):
    page = client.get(reverse("scenes:public_compound", args=[org.compound.pk])).content.decode()
    community = org.compound.community_id
    assert f'href="{reverse("public:home")}?community={community}"' in page
    assert f'href="{reverse("public:calendar")}?community={community}"' in page
