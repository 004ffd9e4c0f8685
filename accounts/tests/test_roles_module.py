"""Roles have one home (accounts/roles.py); who holds a role over a place is one selector; people
working in several communities pick where a new record goes."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

from accounts import roles
from accounts.roles import COMMUNITY_STAFF, HOME_GROUPS, ROLE_PRIORITY, STREET_GROUP, Role
from accounts.selectors import communities_where, people_holding
from needs.models import Need
from partners.models import Partner
from projects.models import Project
from tests import factories as f

ROOT = Path(settings.BASE_DIR)
ROLE_VALUES = set(Role.values)
# Demo usernames that happen to equal a role's value are usernames, not roles (DESIGN.md §4).
USERNAME_FILES = {
    "demo/catalog.py",
    "demo/org.py",
    "demo/plans.py",
    "demo/projects.py",
    "demo/records.py",
    # The 头雁工程's demo picks the `secretary` and `expert` logins by their usernames.
    "demo/training.py",
    "demo/training_people.py",
    "demo/training_texts.py",
}
# Also nouns of the domain (a Partner record, a form field named "partner"): spelled as a role
# only on a line that speaks of roles.
NOUNS = {Role.PARTNER.value, Role.RESIDENT.value}


def test_every_role_has_exactly_one_home_group_and_one_priority():
    homes = [role for group in HOME_GROUPS for role in group]
    assert sorted(homes) == sorted(Role)
    assert list(ROLE_PRIORITY) == homes
    keys = [g.key for g in vars(roles).values() if isinstance(g, roles.RoleGroup)]
    assert len(keys) == len(set(keys))


def test_scope_columns_cover_every_role_once():
    columns = [
        roles.COMMUNITY_SCOPED,
        roles.STREET_SCOPED,
        roles.DISTRICT_SCOPED,
        roles.INSTALLATION_SCOPED,
    ]
    assert sorted(r for group in columns for r in group) == sorted(Role)


def _code_files():
    apps = [d for d in ROOT.iterdir() if (d / "apps.py").exists()] + [ROOT / "baiseshejing"]
    for app in apps:
        for path in app.rglob("*"):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or "/tests/" in relative:
                continue
            if path.suffix in (".py", ".html") and relative != "accounts/roles.py":
                yield relative, path
    yield from ((p.relative_to(ROOT).as_posix(), p) for p in (ROOT / "templates").rglob("*.html"))


def role_spellings(relative: str, text: str) -> set[str]:
    """Role values written as literals in one file (for .py: string constants; for templates:
    quoted or free-standing words), nouns only on lines that mention a role."""
    if relative.endswith(".py"):
        lines = text.splitlines()
        hits = {
            (node.value, lines[node.lineno - 1])
            for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.Constant) and node.value in ROLE_VALUES
        }
    else:
        pattern = r"""["'\s]({})["'\s]""".format("|".join(ROLE_VALUES))
        hits = {(m, line) for line in text.splitlines() for m in re.findall(pattern, line)}
    return {value for value, line in hits if value not in NOUNS or "role" in line}


def test_no_role_value_is_spelled_outside_the_roles_module():
    found = [
        (relative, sorted(hits))
        for relative, path in _code_files()
        if relative not in USERNAME_FILES and (hits := role_spellings(relative, path.read_text()))
    ]
    assert found == []


def test_the_scan_sees_a_role_spelled_in_code_or_a_template():
    code = 'if user.scope.has("street_leader") or user.primary_role == "partner":\n    pass\n'
    assert role_spellings("x.py", code) == {"street_leader", "partner"}
    assert role_spellings("x.html", '{% if r == "auditor" %}') == {"auditor"}
    assert role_spellings("x.py", 'partner = data["partner"]\n') == set()


@pytest.mark.django_db
def test_people_holding_street_roles_over_a_community_are_its_streets_group(org, people):
    holders = people_holding(STREET_GROUP, community=org.guoao)
    assert {u.username for u in holders} == {"street", "member", "expert"}
    # Street B's 组长 and its experts (conftest's judges and mentor: assignments, not roles).
    assert {u.username for u in people_holding(STREET_GROUP, community=org.yuehai)} == {
        "street_b",
        "judge",
        "judge_unassigned",
        "mentor",
    }


@pytest.mark.django_db
def test_people_holding_community_roles_over_a_place(org, people):
    assert {u.username for u in people_holding(COMMUNITY_STAFF, community=org.guoao)} == {
        "secretary",
        "worker",
    }
    street_a = {u.username for u in people_holding(COMMUNITY_STAFF, street=org.street_a)}
    assert street_a == {"secretary", "worker", "secretary_haiyun"}


@pytest.mark.django_db
def test_people_holding_counts_each_active_person_once(org, people):
    f.add_role(people.secretary, Role.WORKER, org.guoao)  # two matching assignments
    people.worker.is_active = False
    people.worker.save(update_fields=["is_active"])
    holders = list(people_holding(COMMUNITY_STAFF, community=org.guoao))
    assert [u.username for u in holders] == ["secretary"]


def test_people_holding_needs_exactly_one_place():
    with pytest.raises(ValueError):
        people_holding(COMMUNITY_STAFF)


@pytest.fixture
def two_communities(org, people):
    """The secretary of 国奥社区 also works in 海韵社区."""
    f.add_role(people.secretary, Role.WORKER, org.haiyun)
    return people.secretary


@pytest.mark.django_db
def test_communities_where_follows_the_rule_on_each_community(org, people, two_communities):
    assert communities_where(two_communities, "needs.add_need") == [org.guoao, org.haiyun]
    assert communities_where(people.street, "needs.add_need") == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, data, model",
    [
        (
            "/needs/new/",
            {"title": "楼道灯", "category": "environment", "source": "online", "mentions": "1"},
            Need,
        ),
        ("/partners/new/", {"name": "海韵物业", "category": "property"}, Partner),
        ("/projects/new/", {"title": "海韵邻居节", "theme": "joy"}, Project),
    ],
)
def test_someone_in_two_communities_picks_where_a_new_record_goes(
    client, org, two_communities, url, data, model
):
    client.force_login(two_communities)
    choice = client.get(url)
    assert choice.status_code == 200
    assert "请先选择在哪个社区" in choice.content.decode()
    assert [c.name for c, _ in choice.context["choices"]] == ["国奥社区", "海韵社区"]
    form = client.get(url, {"community": org.haiyun.pk})
    assert form.context["community"] == org.haiyun
    response = client.post(f"{url}?community={org.haiyun.pk}", {**data, "once": f.once()})
    assert response.status_code == 302
    assert model.objects.get().community == org.haiyun


@pytest.mark.django_db
def test_a_community_one_may_not_create_in_is_a_404(client, org, people, two_communities):
    client.force_login(two_communities)
    assert client.get("/needs/new/", {"community": org.yuehai.pk}).status_code == 404
    client.force_login(people.secretary2)
    response = client.post(
        f"/needs/new/?community={org.guoao.pk}",
        {"title": "t", "category": "culture", "source": "online", "mentions": "1"},
    )
    assert response.status_code == 404
    assert not Need.objects.exists()


@pytest.mark.django_db
def test_with_one_community_there_is_nothing_to_pick(client, org, people):
    client.force_login(people.secretary)
    assert client.get("/projects/new/").context["community"] == org.guoao
