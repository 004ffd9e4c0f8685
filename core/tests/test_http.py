"""One way to refuse (core/http.py): 403, 409 and 422 decided in one place, for form pages,
buttons and htmx fragments alike."""

import pytest
from django import forms
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from core.http import form_page, perform_or_refuse, refusal_status
from core.workflow import Conflict

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {
            "loaders": [
                (
                    "django.template.loaders.locmem.Loader",
                    {
                        "page.html": "<main>FULL {% partialdef box inline %}"
                        "[{{ form.non_field_errors|join:';' }}]{% endpartialdef %}</main>",
                    },
                )
            ]
        },
    }
]


class NameForm(forms.Form):
    name = forms.CharField()


def _request(method="get", data=None, htmx=False):
    factory = RequestFactory()
    request = factory.post("/x/", data or {}) if method == "post" else factory.get("/x/")
    request.session = {}
    request._messages = FallbackStorage(request)
    request.htmx = htmx
    return request


def _messages(request):
    return [str(m) for m in request._messages]


def test_each_refusal_has_its_status():
    assert refusal_status(PermissionDenied()) == 403
    assert refusal_status(Conflict("已被别人批准")) == 409
    assert refusal_status(ValidationError("请填写")) == 422


@override_settings(TEMPLATES=TEMPLATES)
@pytest.mark.parametrize(
    "raised, status", [(Conflict("状态已变"), 409), (ValidationError("预算不能为负"), 422)]
)
def test_a_refused_form_comes_back_with_the_message_and_the_status(raised, status):
    def perform(data):
        raise raised

    request = _request("post", {"name": "邻居节"})
    response = form_page(request, NameForm(request.POST), template="page.html", perform=perform)
    assert response.status_code == status
    assert raised.messages[0] in response.content.decode()
    assert "FULL" in response.content.decode()


@override_settings(TEMPLATES=TEMPLATES)
def test_with_htmx_only_the_fragment_comes_back():
    request = _request("post", {"name": ""}, htmx=True)
    response = form_page(
        request, NameForm(request.POST), template="page.html", perform=None, partial="box"
    )
    assert response.status_code == 422
    assert "FULL" not in response.content.decode()


@override_settings(TEMPLATES=TEMPLATES)
def test_a_stale_link_goes_back_with_the_message_and_a_stale_post_keeps_the_typing():
    def admit():
        raise Conflict("该项目当前状态为“待街道审核”,不能修改。")

    request = _request()
    response = form_page(
        request, NameForm(), template="page.html", perform=None, admit=admit, back="/projects/1/"
    )
    assert (response.status_code, response["Location"]) == (302, "/projects/1/")
    assert _messages(request) == ["该项目当前状态为“待街道审核”,不能修改。"]
    request = _request("post", {"name": "我刚写的"})
    form = NameForm(request.POST)
    response = form_page(request, form, template="page.html", perform=None, admit=admit)
    assert response.status_code == 409 and form["name"].value() == "我刚写的"


def test_permission_is_never_turned_into_a_page_here():
    def admit():
        raise PermissionDenied

    with pytest.raises(PermissionDenied):
        form_page(_request(), NameForm(), template="page.html", perform=None, admit=admit)
    with pytest.raises(PermissionDenied):
        perform_or_refuse(_request("post"), lambda data: admit(), page=None, done="", to="/")


def test_a_button_refused_shows_the_objects_page_with_the_reasons():
    def call(data):
        raise ValidationError(["请先填写计划。", "请先填写方案。"])

    request = _request("post")
    response = perform_or_refuse(
        request, call, page=lambda status: HttpResponse(status=status), done="已提交", to="/p/1/"
    )
    assert response.status_code == 422
    assert _messages(request) == ["请先填写计划。", "请先填写方案。"]


def test_a_button_with_a_bad_form_is_422_before_the_service_is_called():
    called = []
    request = _request("post", {"name": ""})
    response = perform_or_refuse(
        request,
        called.append,
        page=lambda status: HttpResponse(status=status),
        done="好",
        to="/",
        form=NameForm(request.POST),
    )
    assert response.status_code == 422 and called == []
    assert _messages(request) == ["这个字段是必填项。"]  # the page does not show this form


class DecisionForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, error_messages={"required": "页面已过期。"})
    note = forms.CharField()

    def clean(self):
        raise ValidationError("请先答复。")


def test_a_form_the_page_shows_again_flashes_only_what_no_visible_field_shows():
    request = _request("post", {"note": ""})
    response = perform_or_refuse(
        request,
        lambda data: None,
        page=lambda status: HttpResponse(status=status),
        done="好",
        to="/",
        form=DecisionForm(request.POST),
        form_shown=True,
    )
    assert response.status_code == 422
    # The note's "required" stays beside the note; the hidden token's and the whole form's go up.
    assert sorted(_messages(request)) == ["请先答复。", "页面已过期。"]


@override_settings(TEMPLATES=TEMPLATES)
def test_a_service_refusing_a_field_the_form_lacks_still_shows_its_message():
    def perform(data):
        raise ValidationError({"budget_total": "预算不能为负数。"})

    request = _request("post", {"name": "邻居节"})
    response = form_page(request, NameForm(request.POST), template="page.html", perform=perform)
    assert response.status_code == 422
    assert "预算不能为负数。" in response.content.decode()
