"""Shared fixtures: a small district with 国奥社区 and 悦海社区 in different streets, and one user per role.

Tests that need PostgreSQL, Redis or chromium are marked; on a bare laptop they are skipped with
the reason printed; with CI=true a missing service fails the run instead.
"""

import os
import shutil
import socket

import pytest
from django.conf import settings

from accounts.roles import Role
from tests import factories as f

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _redis_up() -> bool:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    host_port = url.split("//", 1)[-1].split("/", 1)[0].split("@")[-1]
    host, _, port = host_port.partition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port or 6379)), timeout=0.5):
            return True
    except OSError:
        return False


def _chromium() -> str | None:
    return (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


def _missing(marker: str) -> str | None:
    if (
        marker == "postgres"
        and settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql"
    ):
        return "needs PostgreSQL: set DATABASE_URL=postgres://… (select_for_update is a no-op on SQLite)"
    if marker == "redis" and not _redis_up():
        return "needs a Redis server at REDIS_URL (default 127.0.0.1:6379)"
    if marker == "browser" and not _chromium():
        return "needs Debian's chromium (apt-get install chromium)"
    return None


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (`make test` runs `-n auto --dist loadgroup`) the browser journeys go to
    one worker, one after another, with its one live server and one chromium, while the other
    workers take the rest: two chromiums on a 2-core machine make journeys time out."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    browser = pytest.mark.xdist_group("browser")
    for item in items:
        if "browser" in item.path.parts and "tests" in item.path.parts:
            item.add_marker(browser)


def pytest_runtest_setup(item):
    for marker in ("postgres", "redis", "browser"):
        if item.get_closest_marker(marker) and (reason := _missing(marker)):
            if CI:
                pytest.fail(f"CI=true but this test {reason}", pytrace=False)
            pytest.skip(reason)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _judges_cached(request):
    """Every test starts where a running site stands: the sets of judges' and mentors' ids are
    in the cache, holding those its database holds (a module's shared rows may include some;
    assigning one later forgets it). Left to the local-memory cache, a set would expire 300 s
    after some earlier test filled it, and a query count would then depend on which tests ran
    before on the same worker and how long they took; left empty, a judge of shared rows would
    not be one."""
    from django.core.cache import cache

    from scoring.access import JUDGES_KEY
    from training.access import MENTORS_KEY

    cache.delete_many([JUDGES_KEY, MENTORS_KEY])
    uses_db = {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    if not (uses_db or request.node.get_closest_marker("django_db")):
        return
    request.getfixturevalue("db")  # pytest-django's helper still honours transaction=True
    from scoring.models import Judge
    from training.models import Mentor

    judges = Judge.objects.order_by().values_list("user_id", flat=True).distinct()
    cache.set(JUDGES_KEY, frozenset(judges), None)
    mentors = Mentor.objects.order_by().values_list("user_id", flat=True)
    cache.set(MENTORS_KEY, frozenset(mentors), None)


@pytest.fixture(autouse=True)
def _sensitive_words_forgotten():
    """The round table's cached word lists belong to the test that read them (a rolled-back
    district's id returns in the next test, with other words)."""
    from roundtable.access import forget_all_words

    forget_all_words()


@pytest.fixture
def org(db):
    """黄渤海新区 with street A (国奥社区, 海韵社区) and street B (悦海社区)."""
    district = f.DistrictFactory()
    street_a = f.StreetFactory(district=district, name="长江路街道")
    street_b = f.StreetFactory(district=district, name="八角街道")
    guoao = f.CommunityFactory(street=street_a, name="国奥社区")
    haiyun = f.CommunityFactory(street=street_a, name="海韵社区")
    yuehai = f.CommunityFactory(street=street_b, name="悦海社区")
    compound = f.CompoundFactory(community=guoao, name="国奥花园", kind="commercial")
    household = f.HouseholdFactory(building=f.BuildingFactory(compound=compound, number="3号楼"))
    return type(
        "Org",
        (),
        dict(
            district=district,
            street_a=street_a,
            street_b=street_b,
            guoao=guoao,
            haiyun=haiyun,
            yuehai=yuehai,
            compound=compound,
            household=household,
        ),
    )


@pytest.fixture
def people(org):
    """One user per role, named like the demo logins."""
    resident = f.make_user(Role.RESIDENT, org.guoao, username="resident", household=org.household)
    return type(
        "People",
        (),
        dict(
            secretary=f.make_user(
                Role.SECRETARY, org.guoao, username="secretary", phone="13812345678"
            ),
            worker=f.make_user(Role.WORKER, org.guoao, username="worker"),
            secretary2=f.make_user(Role.SECRETARY, org.yuehai, username="secretary2"),
            secretary_haiyun=f.make_user(Role.SECRETARY, org.haiyun, username="secretary_haiyun"),
            street=f.make_user(Role.STREET_LEADER, org.street_a, username="street"),
            member=f.make_user(Role.STREET_MEMBER, org.street_a, username="member"),
            expert=f.make_user(Role.EXPERT, org.street_a, username="expert"),
            street_b=f.make_user(Role.STREET_LEADER, org.street_b, username="street_b"),
            # Street B's experts: one assigned to judge the matrix's scoring round, one not
            # (judging is an assignment, not a role: scoring/tests/factories.py).
            judge=f.make_user(Role.EXPERT, org.street_b, username="judge"),
            judge_unassigned=f.make_user(Role.EXPERT, org.street_b, username="judge_unassigned"),
            # Street B's expert on the training programme's mentor panel (an assignment as well:
            # training/tests/matrix_world.py puts them on it for the URL matrix).
            mentor=f.make_user(Role.EXPERT, org.street_b, username="mentor"),
            district=f.make_user(Role.DISTRICT_STAFF, org.district, username="district"),
            auditor=f.make_user(Role.AUDITOR, org.district, username="auditor"),
            sysadmin=f.make_user(Role.SYSADMIN, None, username="sysadmin"),
            secadmin=f.make_user(Role.SECADMIN, None, username="secadmin"),
            partner=f.make_user(Role.PARTNER, org.guoao, username="partner"),
            resident=resident,
            nobody=f.UserFactory(username="nobody"),
        ),
    )


@pytest.fixture
def tiny_png():
    """A 2×2 PNG as an uploaded file."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")
