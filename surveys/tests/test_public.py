"""Residents answer at /p/q/<code>/ without an account: the plain form, one answer per device,
the dates, the receipt for a comment, bad input, the rate limit."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.ratelimit import COOKIE
from needs.models import Receipt
from surveys.models import Answer, Response, Survey

from . import factories as sf

pytestmark = pytest.mark.django_db

VALID = {"q1": "1", "q2": ["0", "3"], "q3": "5", "q4": "多办活动"}


def _url(survey):
    return reverse("surveys:answer", kwargs={"short_code": survey.short_code})


def _open(client, survey):
    """Open the page as a resident's phone does (the device cookie comes with it)."""
    response = client.get(_url(survey))
    form = response.context["form"]
    return response, form["once"].value()


@pytest.fixture
def survey(org, people):
    return sf.survey(community=org.guoao, created_by=people.secretary)


def test_the_page_is_a_plain_form_that_works_without_scripts(client, survey):
    response, _ = _open(client, survey)
    html = response.content.decode()
    assert response.status_code == 200
    assert COOKIE in response.cookies
    assert survey.title in html and "不需要留姓名和电话" in html
    for name in ("q1", "q2", "q3", "q4", "comment"):
        assert f'name="{name}"' in html
    assert 'type="submit"' in html and "surveys-answer.js" in html
    assert "回执码" in html  # the note that a comment gets one


def test_a_resident_answers_and_a_comment_gets_a_receipt_shown_once(client, survey):
    _, token = _open(client, survey)
    response = client.post(_url(survey), {**VALID, "once": token, "comment": "路灯坏了"})
    assert response.status_code == 200
    assert "感谢您的填写" in response.content.decode()
    code = response.context["receipt_code"]
    assert code and code in response.content.decode()
    saved = Response.objects.get()
    assert saved.channel == "online" and saved.comment == "路灯坏了" and saved.receipt
    assert Answer.objects.filter(response=saved).count() == 5
    assert Receipt.objects.get().excerpt == "路灯坏了"


def test_without_a_comment_there_is_no_receipt(client, survey):
    _, token = _open(client, survey)
    response = client.post(_url(survey), {**VALID, "once": token})
    assert response.status_code == 200 and not response.context["receipt_code"]
    assert "您的回执码" not in response.content.decode()
    assert not Receipt.objects.exists()


def test_a_second_answer_from_the_same_phone_gets_the_friendly_page(client, survey):
    _, token = _open(client, survey)
    client.post(_url(survey), {**VALID, "once": token})
    again = client.get(_url(survey))
    assert again.status_code == 409 and "您已经填写过" in again.content.decode()
    posted = client.post(_url(survey), {**VALID, "once": token.replace("a", "b")})
    assert posted.status_code == 409
    assert Response.objects.count() == 1


def test_the_same_form_posted_twice_saves_once(client, survey):
    _, token = _open(client, survey)
    client.post(_url(survey), {**VALID, "once": token})
    survey.allow_repeat = True  # so that only the token stops the second post
    survey.save(update_fields=["allow_repeat"])
    again = client.post(_url(survey), {**VALID, "once": token})
    assert again.status_code == 302 and again["Location"].endswith("/thanks/")
    assert Response.objects.count() == 1


def test_a_copy_that_allows_repeats_takes_several_answers_from_one_phone(client, org, people):
    survey = sf.survey(community=org.guoao, created_by=people.secretary, allow_repeat=True)
    for _ in range(3):
        _, token = _open(client, survey)
        assert client.post(_url(survey), {**VALID, "once": token}).status_code == 200
    assert Response.objects.filter(survey=survey).count() == 3


def test_a_post_without_the_device_cookie_is_refused(client, survey):
    _, token = _open(client, survey)
    client.cookies.pop(COOKIE)
    response = client.post(_url(survey), {**VALID, "once": token})
    assert response.status_code == 422 and "重新打开问卷" in response.content.decode()
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"q1": ""}, "这道题必须回答"),
        ({"q1": "9"}, "请从选项中选择"),
        ({"q2": ["0", "8"]}, "请从选项中选择"),
        ({"q3": "6"}, "请从选项中选择"),
        ({"q4": "长" * 1001}, "1000"),
        ({"comment": "长" * 1001}, "1000"),
    ],
)
def test_bad_input_shows_the_form_again_with_messages_and_saves_nothing(
    client, survey, data, message
):
    _, token = _open(client, survey)
    response = client.post(_url(survey), {**VALID, "once": token, **data})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert "还有题目需要修改" in response.content.decode()
    assert not Response.objects.exists() and not Receipt.objects.exists()


def test_before_its_first_day_the_page_says_when_it_opens(client, org, people):
    survey = sf.survey(community=org.guoao, created_by=people.secretary, days=(3, 20))
    response = client.get(_url(survey))
    assert response.status_code == 200 and "开始填写" in response.content.decode()
    assert f"{survey.starts_on:%Y}年" in response.content.decode()
    assert client.post(_url(survey), VALID).status_code == 409


@pytest.mark.parametrize(("days", "status"), [((-9, -1), "open"), ((-3, 9), "closed")])
def test_after_it_ends_or_is_closed_the_page_is_gone(client, org, people, days, status):
    survey = sf.survey(community=org.guoao, created_by=people.secretary, days=days, status=status)
    response = client.get(_url(survey))
    assert response.status_code == 410 and "已经结束" in response.content.decode()
    assert client.post(_url(survey), VALID).status_code == 410


def test_a_draft_and_an_unknown_code_are_not_there(client, org, people):
    draft = sf.survey(community=org.guoao, created_by=people.secretary, status="draft")
    assert client.get(_url(draft)).status_code == 404
    assert client.get("/p/q/nosuchcd/").status_code == 404


def test_a_templates_link_lists_its_communities_copies(client, org, people):
    template = sf.survey(street=org.street_a, created_by=people.street)
    response = client.get(_url(template))
    html = response.content.decode()
    assert response.status_code == 200
    for copy in Survey.objects.filter(template=template):
        assert _url(copy) in html
    assert "悦海社区" not in html


def test_the_short_link_is_case_insensitive(client, survey):
    assert client.get(f"/p/q/{survey.short_code.upper()}/").status_code == 200


def test_answering_is_rate_limited_per_device(client, survey, settings):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "public_form": {"device": "2/h", "ip": "100/h"}}
    cache.clear()
    _open(client, survey)
    statuses = [client.post(_url(survey), {"q1": ""}).status_code for _ in range(3)]
    assert statuses == [422, 422, 429]
    cache.clear()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_answer_page_takes_only_get_and_post(client, survey, method):
    assert getattr(client, method)(_url(survey)).status_code == 405
