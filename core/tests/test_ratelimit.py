"""One rate limit (core/ratelimit.py): per device cookie or household code, with a much higher
per-address cap; 429 with a Chinese message past either."""

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from core import ratelimit

pytestmark = pytest.mark.django_db

LIMITS = {
    "login": {"device": "3/m", "ip": "5/m"},
    "password_change": {"device": "3/m", "ip": "5/m"},
    "public_form": {"device": "3/m", "ip": "5/m"},
}


@pytest.fixture(autouse=True)
def limits_on(settings, monkeypatch):
    monkeypatch.setattr(ratelimit, "_clock", lambda: 1_800_000_000.0)  # one window throughout
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, **LIMITS}  # the others are named at import
    cache.clear()
    yield
    cache.clear()


def browser(ip="203.0.113.5") -> Client:
    """A browser that opened the login page (and so holds a device cookie)."""
    client = Client(REMOTE_ADDR=ip)
    assert ratelimit.COOKIE in client.get("/accounts/login/").cookies
    return client


def attempt(client, username="street"):
    """A failed login (each test keeps under the lockout's five per username and address)."""
    return client.post("/accounts/login/", {"username": username, "password": "wrong"})


def test_rates_are_read_from_settings():
    assert ratelimit.parse("20/h") == (20, 3600)
    assert ratelimit.parse("10/10m") == (10, 600)
    with pytest.raises(ValueError):
        ratelimit.parse("often")


def test_a_device_past_its_limit_gets_429_in_chinese(people):
    phone = browser()
    assert [attempt(phone).status_code for _ in range(3)] == [401, 401, 401]
    refused = attempt(phone)
    assert refused.status_code == 429
    assert "操作太频繁" in refused.content.decode() and "分钟后再试" in refused.content.decode()


def test_people_sharing_one_address_each_have_their_own_limit_up_to_the_address_cap(people):
    guests = [browser(), browser()]  # two phones on the same Wi-Fi at a 百家宴
    assert [attempt(guests[0], "guest1").status_code for _ in range(3)] == [401] * 3
    assert attempt(guests[1], "guest2").status_code == 401  # not stopped by the first's limit
    assert attempt(guests[1], "guest2").status_code == 401
    assert attempt(guests[1], "guest2").status_code == 429  # the address's cap of 5 is reached
    assert attempt(browser("198.51.100.9")).status_code == 401  # another address is unaffected


def test_posts_without_a_device_cookie_share_their_address_limit(people):
    codes = []
    for _ in range(4):
        script = Client(REMOTE_ADDR="203.0.113.77")  # keeps no cookie from one post to the next
        codes.append(attempt(script).status_code)
    assert codes == [401, 401, 401, 429]


def test_a_forged_device_cookie_counts_as_none(people):
    forger = Client(REMOTE_ADDR="203.0.113.78")
    codes = []
    for n in range(4):
        forger.cookies[ratelimit.COOKIE] = f"forged-{n}"  # a new lie every time
        codes.append(attempt(forger).status_code)
    assert codes == [401, 401, 401, 429]


def test_a_household_code_is_the_key_where_a_form_has_one(rf: RequestFactory):
    def post(code, ip):
        request = rf.post("/", {"household_code": code}, REMOTE_ADDR=ip)
        return ratelimit.over_limit(request, "public_form", key=request.POST["household_code"])

    assert [post("K7Q2M9AB", "203.0.113.1") for _ in range(3)] == [None] * 3
    assert post("K7Q2M9AB", "198.51.100.2") == 60  # the same household from elsewhere
    assert post("P3R8N2CD", "203.0.113.1") is None  # another household on the same address


def test_the_cache_keys_hold_a_keyed_hash_never_the_key_device_or_address(rf, monkeypatch):
    keys = []
    add = ratelimit.cache.add
    monkeypatch.setattr(
        ratelimit.cache, "add", lambda k, *a, **kw: keys.append(k) or add(k, *a, **kw)
    )
    request = rf.post("/", REMOTE_ADDR="203.0.113.44")
    ratelimit.over_limit(request, "public_form", key="code:K7Q2M9AB")
    request.COOKIES[ratelimit.COOKIE] = ratelimit.signing.dumps("my-device", salt=ratelimit.SALT)
    ratelimit.over_limit(request, "public_form")
    assert len(keys) == 4 and all(k.startswith("rl:public_form:") for k in keys)
    assert not [k for k in keys if "K7Q2M9AB" in k or "my-device" in k or "203.0.113" in k]
    assert len(set(keys)) == 3  # the code's, the device's, the address's (twice)


def test_the_password_form_is_limited_too(people):
    client = Client(REMOTE_ADDR="203.0.113.90")
    client.force_login(people.secretary)
    assert ratelimit.COOKIE in client.get("/accounts/password/").cookies
    data = {"old_password": "x", "new_password1": "Xin-Mima#2031", "new_password2": "Xin-Mima#2031"}
    codes = [client.post("/accounts/password/", data).status_code for _ in range(4)]
    assert codes == [422, 422, 422, 429]


def test_limits_are_off_when_switched_off(settings, people):
    settings.RATE_LIMITS_ENABLED = False
    phone = browser()
    assert {attempt(phone, f"guest{n}").status_code for n in range(6)} == {401}
