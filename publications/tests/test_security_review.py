"""Findings of the security review of the monthly rhythm (issue 14), each with the fix's proof:
malformed robot URLs refused with a message (never a 500), robots that redirect not followed,
a failing PDF not rendered again by every visitor, and two people setting a street's first robot
at once. Checked and found right, kept as guards: pages that read the place cookie answer
`Vary: Cookie` (today through the session the layout reads)."""

import http.server
import threading
import time
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from publications import pdf, wecom
from publications.models import StreetChannel
from publications.public_views import PLACE_COOKIE

from .world_public import make_publication

KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
ROBOT = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={KEY}"
PATH = f"/cgi-bin/webhook/send?key={KEY}"


# --- the robot's URL ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        f"https://qyapi.weixin.qq.com:99999{PATH}",  # urlsplit: port out of range
        f"https://qyapi.weixin.qq.com:abc{PATH}",  # port not a number
        f"https://qyapi.weixin.qq.com:443:80{PATH}",
        f"https://[::1{PATH}",  # invalid IPv6 literal
        f"https://qyapi.weixin.qq.com\\@evil.cn{PATH}",
        f"https://qyapi.weixin.qq.com@evil.cn{PATH}",
        f"https://qyapi\N{IDEOGRAPHIC FULL STOP}weixin.qq.com{PATH}",
        f"https://qyapi.weixin.qq.com\N{FULLWIDTH SOLIDUS}@evil.cn{PATH}",  # NFKC: "/"
    ],
)
def test_malformed_robot_urls_are_refused_with_a_message_not_a_crash(url):
    with pytest.raises(ValidationError) as refused:
        wecom.validate_webhook(url)
    assert refused.value.messages[0]


def test_a_look_alike_host_lowercased_to_the_allowed_one_is_refused(settings):
    # "\N{KELVIN SIGN}".lower() == "k": urlsplit's hostname would equal the allowed host.
    settings.WECOM_WEBHOOK_HOSTS = ["wxwork.gov.example.cn"]
    assert wecom.validate_webhook(f"https://wxwork.gov.example.cn{PATH}")
    with pytest.raises(ValidationError):
        wecom.validate_webhook(f"https://wxwor\N{KELVIN SIGN}.gov.example.cn{PATH}")


@pytest.mark.django_db
def test_the_robot_page_answers_a_malformed_url_with_422(client, org, people):
    client.force_login(people.street)
    response = client.post(
        reverse("publications:wecom", args=[org.street_a.pk]),
        {"action": "save", "url": f"https://qyapi.weixin.qq.com:99999{PATH}"},
    )
    assert response.status_code == 422
    assert not StreetChannel.objects.exists()


# --- posting to the robot -------------------------------------------------------------------------
class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


@pytest.fixture
def redirecting_robot():
    """A local server whose "robot" answers 302 to an internal address on the same server, and
    remembers every path asked for."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self):
            hits.append(self.path)
            if self.path.startswith("/cgi-bin/"):
                self.send_response(302)
                self.send_header("Location", "/internal/admin?delete=all")
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                body = b'{"errcode":0}'
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args):
            pass

    server = _Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def test_a_robot_that_redirects_is_not_followed(redirecting_robot):
    base, hits = redirecting_robot
    with pytest.raises(wecom.WeComError) as failed:
        wecom.send_markdown(f"{base}{PATH}", "### 标题")
    assert "302" in str(failed.value) and KEY not in str(failed.value)
    assert hits == [PATH]  # the internal address was never asked for


# --- the public PDF -------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_failing_pdf_is_not_rendered_again_by_every_visitor(client, org, people):
    preview = make_publication(org, people, compiled=False)
    url = reverse("publications_public:pdf", args=[preview.pk])
    with mock.patch.object(pdf, "pdf_bytes", side_effect=RuntimeError("pango")) as render:
        first, second = client.get(url), client.get(url)
    assert first.status_code == second.status_code == 503
    assert render.call_count == 1
    assert second["Retry-After"] == "60"
    signed = preview.signed_off_at.timestamp()
    cache.delete(f"publication-pdf-failed:{preview.pk}:{signed:.0f}")  # the pause is over
    assert client.get(url).status_code == 200


# --- the place cookie -----------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("name", ["public:home", "publications_public:archive"])
def test_pages_that_read_the_place_cookie_vary_by_cookie(client, org, name):
    client.cookies[PLACE_COOKIE] = str(org.guoao.pk)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "Cookie" in response["Vary"]
    del client.cookies[PLACE_COOKIE]
    assert "Cookie" in client.get(reverse(name))["Vary"]


# --- two people setting the first robot at once (PostgreSQL: select_for_update) -----------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_setting_the_first_robot_at_once_leave_one_row(org, people, monkeypatch):
    original = wecom.encrypt_webhook
    first_thread: dict = {}
    inside = threading.Event()

    def slow_encrypt(url):
        if threading.get_ident() == first_thread.get("id"):
            inside.set()
            time.sleep(0.5)  # the second arrives while the first holds the street
        return original(url)

    monkeypatch.setattr(wecom, "encrypt_webhook", slow_encrypt)
    outcomes: dict = {}

    def run(name, by, url):
        if name == "first":
            first_thread["id"] = threading.get_ident()
        else:
            assert inside.wait(10)
        try:
            wecom.street_channel_set(street=org.street_a, by=by, url=url)
            outcomes[name] = "ok"
        except Exception as exc:  # noqa: BLE001 (what the test looks for)
            outcomes[name] = type(exc).__name__
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("first", people.street, ROBOT)),
        threading.Thread(target=run, args=("second", people.district, ROBOT + "2")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert outcomes == {"first": "ok", "second": "ok"}
    channel = StreetChannel.objects.get(street=org.street_a)
    assert wecom.decrypt_webhook(channel.webhook_encrypted) == ROBOT + "2"
