"""Residents answer at /p/q/<code>/ without an account: the plain form, one answer per device,
the dates, the receipt for a comment, bad input, the rate limit."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

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


# --- hostile input, privacy, what a shared phone shows --------------------------------------------
def _page_text(response) -> str:
    """The page without what differs on every request (nonces, tokens)."""
    html = response.content.decode()
    return re.sub(r'(nonce|value|content)="[^"]*"', "", html)


def test_a_draft_or_deleted_survey_is_the_same_404_as_an_unknown_code(client, org, people):
    draft = sf.survey(
        community=org.guoao, created_by=people.secretary, status="draft", title="秘密草稿"
    )
    gone = sf.survey(community=org.guoao, created_by=people.secretary, title="已删问卷")
    gone.deleted_at = timezone.now()
    gone.save(update_fields=["deleted_at"])
    unknown = client.get("/p/q/zzzzzzzz/")
    for survey in (draft, gone):
        for path in (_url(survey), _url(survey) + "thanks/"):
            response = client.get(path)
            assert response.status_code == 404, path
            assert survey.title not in response.content.decode()
            assert _page_text(response) == _page_text(unknown)
        assert client.post(_url(survey), VALID).status_code == 404


def test_the_thank_you_page_with_the_receipt_code_is_never_cached(client, survey):
    _, token = _open(client, survey)
    response = client.post(_url(survey), {**VALID, "once": token, "comment": "路灯坏了"})
    assert response.context["receipt_code"]
    assert "no-store" in response["Cache-Control"]


def test_reloading_the_thank_you_page_does_not_show_the_code_again(client, survey):
    _, token = _open(client, survey)
    posted = client.post(_url(survey), {**VALID, "once": token, "comment": "路灯坏了"})
    code = posted.context["receipt_code"]
    again = client.post(_url(survey), {**VALID, "once": token, "comment": "路灯坏了"})
    thanks = client.get(_url(survey) + "thanks/")
    for page in (again, thanks):
        assert code not in page.content.decode()
    assert Response.objects.count() == 1 and Receipt.objects.count() == 1


def test_a_forged_device_cookie_is_refused_and_replaced(client, survey):
    _, token = _open(client, survey)
    client.cookies[COOKIE] = "forged-device-id"
    response = client.post(_url(survey), {**VALID, "once": token})
    assert response.status_code == 422 and "重新打开问卷" in response.content.decode()
    assert not Response.objects.exists()
    assert response.cookies[COOKIE].value != "forged-device-id"  # a real one to try again with


def test_a_post_without_a_device_cookie_counts_against_the_address(client, survey, settings):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "public_form": {"device": "2/h", "ip": "100/h"}}
    cache.clear()
    statuses = []
    for _ in range(3):
        client.cookies.clear()  # a script that never keeps the cookie
        statuses.append(client.post(_url(survey), VALID).status_code)
    assert statuses == [422, 422, 429]
    cache.clear()


@pytest.mark.parametrize(
    "data",
    [
        {"q4": "长" * 200_000},
        {"comment": "x" * 200_000},
        {"q4": "a\x00b"},
        {"comment": "a\x00b"},
        {"q1": "1\x00"},
        {"q1": ["0", "9"]},
        {"q3": ["-3"]},
        {"q1": "-1"},
        {"q3": "0"},
        {"q3": "9" * 5000},
        {"q1": "²"},
        {"q2": ["-1"]},
        {"q2": ["٣", "①"]},
        {"once": ["a", "b"]},
        {"once": "forged"},
        {"q1": "", "q2": "", "q3": ""},
    ],
)
def test_hostile_input_is_refused_whole(client, survey, data):
    _, token = _open(client, survey)
    response = client.post(_url(survey), {**VALID, "once": token, **data})
    assert response.status_code == 422
    assert not Response.objects.exists() and not Answer.objects.exists()
    assert not Receipt.objects.exists()


def test_emoji_control_characters_and_unknown_fields_are_taken_as_plain_text(client, survey):
    _, token = _open(client, survey)
    data = {
        **VALID,
        "once": token,
        "q4": "希望多办活动😀\x01",
        "comment": "👍🏽 路灯",
        "q99": "x",
        "community": "999",
        "channel": "paper",
        "device_hash": "mine",
    }
    assert client.post(_url(survey), data).status_code == 200
    saved = Response.objects.get()
    assert saved.channel == "online" and saved.comment == "👍🏽 路灯"
    assert saved.survey_id == survey.pk and saved.device_hash != "mine"


def test_a_phone_or_id_number_left_in_free_text_is_kept_masked(client, survey):
    _, token = _open(client, survey)
    data = {
        **VALID,
        "once": token,
        "q4": "有事打 139 8765 4321",
        "comment": "东门停车乱,电话13812345678,身份证370602198001011234",
    }
    assert client.post(_url(survey), data).status_code == 200
    saved = Response.objects.get()
    assert saved.comment == "东门停车乱,电话138****5678,身份证370***************"
    assert Answer.objects.get(response=saved, question__kind="text").text == "有事打 139****4321"
    assert "13812345678" not in Receipt.objects.get().excerpt


def test_an_expired_page_says_to_tap_the_submit_button_again(client, survey):
    _open(client, survey)
    response = client.post(_url(survey), {**VALID, "once": "expired"})
    assert response.status_code == 422 and "再点一次“提交问卷”" in response.content.decode()


def test_a_district_surveys_link_lists_the_communities_street_by_street(client, org, people):
    template = sf.survey(district=org.district, created_by=people.district)
    html = client.get(_url(template)).content.decode()
    assert html.count("<summary") == 2  # 长江路街道 and 八角街道, folded
    assert "长江路街道(2 个社区)" in html and "八角街道(1 个社区)" in html
    for copy in Survey.objects.filter(template=template):
        assert _url(copy) in html
