"""The URL × persona matrix, walked: every case of every app's `tests/url_matrix.py`.

tests/url_matrix.py explains the notation and declares the personas. conftest's `org` and
`people`, the objects and one logged-in session per persona are built once for the module, inside
a transaction rolled back at its end; every case runs in a savepoint within it (pytest-django's
`db`) that is rolled back after it, so each starts from the same rows and a successful POST breaks
nothing.
"""

import pytest
from django.contrib.auth.views import redirect_to_login
from django.urls import URLResolver, get_resolver, reverse

from core.models import AuditEvent
from publications.tests.url_matrix import SCOPED as PUBLICATIONS_SCOPED
from roundtable.tests.url_matrix import SCOPED as ROUNDTABLE_SCOPED
from tests.url_matrix import GROUPS, MATRICES, MATRIX, PERSONAS, ROLES
from training.tests.url_matrix import SCOPED as TRAINING_SCOPED

# Namespaces the walk leaves out, each with its reason. Nothing else may be missing.
EXCLUDED_NAMESPACES = {
    "admin": "Django admin: PortalAdminSite.has_permission decides; see test_admin_site_by_role",
    "bench_admin": "mounted only with BENCH=1, for make bench; see dashboards/tests",
}

# Objects fetched through visible_to(user): an out-of-scope 404 on them must be audited as denied.
SCOPED_OBJECTS = {
    "project",
    "need",
    "partner",
    "upload",
    "person",
    "notification",
    "change",
    "street",
    "working_group",
    "delegation",
    "assessment",
    "visit",
    "conditioned",
    "supervision",
    "session",
    "session_held",
    "scene",
    "compound",
    "plot",
    "tended",
    "claim",
    "scene_photo",
    "signup_session",
    "signup",
    "noticed",
    "objection",
    "objection_answered",
    "grade_session",
    "library_item",
    "library_entry",
    "nomination",
    "nomination_declined",
    "guidance",
    "half_year_report",
    "half_year_report_submitted",
    "yearly_assessment",
    "yearly_assessment_final",
    "rubric",
    "scoring_round",
    "round_project",
    "round_entry",
    "own_entry",
    "score_sheet",
    "competition",
    "published_competition",
    "slip_batch",
    "slip_batch_failed",
    "home_visit",
    "meeting",
    "box",
    "suggestion",
    "suggestion_filed",
    "survey",
    "survey_draft",
    "survey_template",
    "survey_copy",
    "survey_closed",
    "survey_response",
    # Partners kept by staff (partners/tests/world_staff.py); `category` is the district's.
    "partner_inactive",
    "category",
    "import_job",
    # 双报到, 双包 and 战时 call-outs (partners/tests/world_unit.py).
    "dual_unit",
    "dual_member",
    "compound_adoption",
    "compound_adoption_ended",
    "building_adoption",
    "emergency",
    "emergency_closed",
    "alert",
    "alert_closed",
    # Recruitment calls and applications (partners/tests/world_recruit.py).
    "call",
    "call_draft",
    "application",
    # Practical tasks and excellent partners (partners/tests/world_task.py).
    "task",
    "task_claimed",
    "task_done",
    "excellent",
    "excellent_approved",
    "excellent_published",
    # Resources a partner offers (partners/tests/world_resource.py).
    "resource",
    "resource_retired",
    "step2_project",
    # The monthly rhythm (publications/tests/matrix_*.py declare theirs).
    *PUBLICATIONS_SCOPED,
    # 幸福家园圆桌会 (roundtable/tests/matrix_*.py declare theirs).
    *ROUNDTABLE_SCOPED,
    # 头雁工程 (training/tests/url_matrix.py).
    *TRAINING_SCOPED,
    # A community: its residents' 幸福账单 (figures/tests/url_matrix.py).
    "community",
}

# Cases where the app is wrong today. The matrix keeps the right answer; these run as strict xfail,
# so the fix turns them into an XPASS failure that asks for the entry here to be removed.
# Format: {"projects:detail-GET-district": "what is wrong, and in which file"}.
KNOWN_BUGS: dict[str, str] = {}


def _case(key, method, role):
    case_id = f"{key}-{method}-{role}"
    bug = KNOWN_BUGS.get(case_id)
    marks = [pytest.mark.xfail(reason=bug, strict=True)] if bug else []
    return pytest.param(key, method, role, id=case_id, marks=marks)


CASES = [
    _case(key, method, role)
    for key, entry in MATRIX.items()
    for method in ("GET", "POST")
    if method in entry
    for role in ROLES
]


def _walk(resolver, namespace=""):
    """(full name or None, route) for every pattern, namespaces joined like 'projects:detail'."""
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, (namespace, pattern.namespace)))
            if inner in EXCLUDED_NAMESPACES:
                continue
            yield from _walk(pattern, inner)
        else:
            name = pattern.name and ":".join(filter(None, (namespace, pattern.name)))
            yield name, str(pattern.pattern)


def test_every_url_name_is_in_the_matrix():
    walked = list(_walk(get_resolver()))
    unnamed = [route for name, route in walked if not name]
    assert not unnamed, f"URL patterns without a name cannot be declared: {unnamed}"
    names = {name for name, _ in walked}
    declared = {key.split("@")[0] for key in MATRIX}
    assert not names - declared, f"URL names missing from MATRIX: {sorted(names - declared)}"
    assert not declared - names, f"MATRIX names no such URL: {sorted(declared - names)}"


def test_each_app_declares_its_own_urls_once():
    assert {"accounts", "core", "dashboards", "needs", "partners", "projects", "public"} <= set(
        MATRICES
    )
    keys = [key for matrix in MATRICES.values() for key in matrix]
    assert len(keys) == len(set(keys)), "a URL is declared in two apps' matrices"
    for label, matrix in MATRICES.items():
        for key in matrix:
            name = key.split("@")[0]
            namespace = name.split(":")[0] if ":" in name else "core"  # healthz: core's view
            namespace = namespace.removesuffix("_public")  # an app's residents' URLs (needs_public)
            assert namespace == label, f"{key} is declared in {label}'s matrix"


def test_personas_cover_every_role_and_groups_are_the_roles_modules():
    from accounts.roles import Role

    assert {p.role for p in PERSONAS.values()} - {None} == set(Role)
    assert all(name not in GROUPS for name in PERSONAS), "a persona named like a group"


def test_every_row_names_every_role_once():
    assert set(KNOWN_BUGS) <= {case.id for case in CASES}
    for key, entry in MATRIX.items():
        methods = [m for m in entry if m.isupper()]
        assert methods, key
        assert set(methods) <= {"GET", "POST"}, key
        assert entry.get("kwargs") in SCOPED_OBJECTS | {None}, key
        for method in methods:
            assert tuple(entry[method]) == ROLES, f"{key} {method}: roles differ from ROLES"


@pytest.mark.parametrize(("key", "method", "role"), CASES)
def test_url_role_method(world, db, client, settings, key, method, role):
    entry = MATRIX[key]
    if entry.get("kwargs") in ("upload", "scene_photo", "task_done"):
        settings.MEDIA_ROOT = world.media_root  # conftest gives every test its own
    expected = entry[method][role]
    url, data = world.url(key, entry), world.data(entry)
    world.log_in(client, role)
    # The residents' front pages, publications and 幸福账单 show what is published to everyone:
    # their 404 is "not published", not a scope denial.
    residents = key.startswith(
        ("public:", "publications_public:", "roundtable_public:", "figures_public:")
    )
    scoped = entry.get("kwargs") in SCOPED_OBJECTS and not residents
    audited = role != "anon" and (expected == 403 or (expected == 404 and scoped))
    denials = AuditEvent.objects.filter(result=AuditEvent.Result.DENIED)
    before = denials.count() if audited else 0

    response = client.get(url) if method == "GET" else client.post(url, data)

    assert response.status_code == expected, (
        f"{method} {url} as {role}: got {response.status_code}, declared {expected}"
        f" (Location: {response.get('Location')})"
    )
    # A public form redirects every visitor to the resident's page it was posted from.
    namespace = key.split(":")[0]
    logout_or_public = key == "accounts:logout" or namespace == "public"
    logout_or_public |= namespace.endswith("_public")  # an app's residents' pages (/p/)
    if role == "anon" and expected == 302 and not logout_or_public:
        assert response["Location"] == redirect_to_login(url)["Location"]
    if audited:
        assert denials.count() > before, f"{method} {url} as {role}: {expected}, not audited"


def test_out_of_scope_detail_is_audited_as_denied(world, db, client):
    project = world.get("project", MATRIX["projects:detail"])
    world.log_in(client, "secretary2")

    response = client.get(reverse("projects:detail", args=[project.pk]))

    assert response.status_code == 404
    assert project.title not in response.content.decode()
    event = AuditEvent.objects.get(actor=world.people.secretary2, action="access.denied")
    assert event.result == AuditEvent.Result.DENIED
    assert event.role == "secretary"
    assert event.detail == {
        "model": "projects.project",
        "lookup": {"pk": str(project.pk)},
        "status": 404,
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("district", 200),
        ("sysadmin", 200),
        ("secadmin", 200),
        ("secretary", 302),
        ("auditor", 302),
        ("anon", 302),
    ],
)
def test_admin_site_by_role(world, db, client, role, expected):
    """PortalAdminSite.has_permission: district staff, system and security admin; nobody else."""
    world.log_in(client, role)
    index = reverse("admin:index")

    response = client.get(index)

    assert response.status_code == expected
    if expected == 302:
        assert response["Location"] == f"{reverse('admin:login')}?next={index}"


def test_a_role_added_to_a_group_takes_the_groups_answer_in_every_row(monkeypatch):
    """A new persona (say a second adviser joining the street group) needs no edit in rows that
    treat it as its group; only a row that treats it differently names it."""
    from accounts.roles import Role
    from tests import url_matrix

    personas = {**url_matrix.PERSONAS, "adviser": url_matrix.Persona(Role.EXPERT, True)}
    monkeypatch.setattr(url_matrix, "PERSONAS", personas)
    assert url_matrix.scoped(street_group=302)["adviser"] == 302
    assert url_matrix.scoped(street_deciders=302)["adviser"] == 403
    assert url_matrix.scoped(street_group=302, adviser=409)["adviser"] == 409
    assert url_matrix.row(403, community_staff=200)["adviser"] == 403


def test_a_row_naming_something_unknown_is_refused():
    from tests.url_matrix import row

    with pytest.raises(KeyError, match="neither a persona nor a role group"):
        row(403, street_leaders=200)


def _routes(resolver, namespace="", prefix=""):
    """Full name → full route ('p/sessions/<int:pk>/join/'), namespaces and prefixes joined."""
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, (namespace, pattern.namespace)))
            if inner not in EXCLUDED_NAMESPACES:
                yield from _routes(pattern, inner, route)
        elif pattern.name:
            yield ":".join(filter(None, (namespace, pattern.name))), route


# Pages anybody may open without an account that are not residents' pages: logging in (residents
# and partners log in too), the load balancer's probe. docs/deployment.md names them.
OPEN_OUTSIDE_P = {"accounts:login", "healthz"}


def test_every_page_open_without_an_account_lives_under_p():
    """Only /p/ faces the internet (docs/deployment.md): a page residents use without logging in
    anywhere else would be behind the intranet proxy, out of their reach."""
    routes = dict(_routes(get_resolver()))
    open_to_anon = {
        key.split("@")[0]
        for key, entry in MATRIX.items()
        if entry.get("GET", {}).get("anon") == 200
        or entry.get("POST", {}).get("anon") in (200, 409, 422)
    }
    outside = sorted(
        name for name in open_to_anon - OPEN_OUTSIDE_P if not routes[name].startswith("p/")
    )
    assert not outside, f"open without an account but not under /p/: {outside}"
