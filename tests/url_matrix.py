"""The access matrix (QUALITY.md items 1 and 2): URL name × persona × method → status.

Each app declares its rows in `<app>/tests/url_matrix.py` (a dict `MATRIX`), built with `row()`
from role groups, so that adding a URL is one entry in its app's file and adding a role to a
group changes no row unless the row treats the new role differently. tests/test_url_matrix.py
collects the files, fails on any URL name missing from them, and walks every case.

Every object the matrix opens belongs to 国奥社区 (street A): a project, a need, a partner (the
`partner` persona's own profile), a notification to its secretary, an upload on the project, and
a resident of it (the person whose phone is revealed). Personas that do not see 国奥社区's records
(another community's staff, the other street, roles without business records) get 404 on them,
never 403 and never 200.

Expected statuses:
  200 the page;  302 a redirect (for anon it must be the login page with ?next=, checked);
  403 logged in and in scope (or no object involved), but the role may not do this;
  404 out of scope, written to the audit log as a denial;  405 wrong method;
  409 the object's status does not allow the action;  422 the form or the service refused the input.

An entry may name `kwargs` (the object in the URL), `project` (the project's status; the plan and
proposal are filled in unless `ready` is False; `linked` links the partner; `deleted` puts it in
the trash), and `data` for its POST ("@name" becomes that object's pk; "@once" a fresh one-time
form token). A key "name@variant" is the same URL with the object in another state.
"""

from dataclasses import dataclass

from accounts.roles import (
    AUDITORS,
    COMMUNITY_STAFF,
    DISTRICT_BUSINESS,
    PARTNERS,
    RESIDENTS,
    SECADMINS,
    SEPARATED_ADMINS,
    STREET_DECIDERS,
    STREET_GROUP,
    SYSADMINS,
    Role,
)


@dataclass(frozen=True)
class Persona:
    role: Role | None  # None: anonymous, or logged in without a role
    sees_guoao: bool  # visible_to() shows 国奥社区's business records


# One line per persona. A new role gets a line here and is then judged by its groups.
PERSONAS = {
    "anon": Persona(None, False),  # not logged in
    "secretary": Persona(Role.SECRETARY, True),  # 国奥社区, street A
    "worker": Persona(Role.WORKER, True),  # 国奥社区
    "secretary_haiyun": Persona(Role.SECRETARY, False),  # 海韵社区: same street, another community
    "secretary2": Persona(Role.SECRETARY, False),  # 悦海社区: street B
    "street": Persona(Role.STREET_LEADER, True),  # street A's 组长: decides
    "member": Persona(Role.STREET_MEMBER, True),  # street A's leading group
    "expert": Persona(Role.EXPERT, True),  # street A's expert adviser
    "street_b": Persona(Role.STREET_LEADER, False),  # street B's 组长
    "district": Persona(Role.DISTRICT_STAFF, True),  # district staff: every business record
    "auditor": Persona(Role.AUDITOR, False),  # the audit log, nothing else
    "sysadmin": Persona(Role.SYSADMIN, False),  # accounts
    "secadmin": Persona(Role.SECADMIN, False),  # roles and unlocks
    "partner": Persona(Role.PARTNER, False),  # 国奥社区's partner: owns the partner profile
    "resident": Persona(Role.RESIDENT, False),  # 国奥社区's resident: the person revealed
    "nobody": Persona(None, False),  # an account without a role
}
ROLES = tuple(PERSONAS)

# The groups a row may name, by their key in accounts/roles.py.
GROUPS = {
    g.key: g
    for g in (
        COMMUNITY_STAFF,
        STREET_GROUP,
        STREET_DECIDERS,
        DISTRICT_BUSINESS,
        SEPARATED_ADMINS,
        SYSADMINS,
        SECADMINS,
        AUDITORS,
        PARTNERS,
        RESIDENTS,
    )
}


def row(default: int, *, anon: int = 302, out: int | None = None, **named: int) -> dict:
    """Expected status per persona.

    `anon` for the anonymous visitor; `out` (usually 404) for personas that do not see the object
    (rows whose URL holds one of 国奥社区's objects); then by name: a persona's own name first,
    else the smallest named group holding its role (so `street_deciders` beats `street_group`),
    else `default`.
    """
    unknown = set(named) - set(PERSONAS) - set(GROUPS)
    if unknown:
        raise KeyError(f"neither a persona nor a role group: {sorted(unknown)}")
    groups = sorted((GROUPS[k] for k in named if k in GROUPS), key=len)
    expected = {}
    for name, persona in PERSONAS.items():
        if name == "anon":
            expected[name] = named.get(name, anon)
        elif name in named:
            expected[name] = named[name]
        elif out is not None and not persona.sees_guoao:
            expected[name] = out
        else:
            group = next((g for g in groups if persona.role in g), None)
            expected[name] = named[group.key] if group else default
    return expected


def everyone(status: int) -> dict:
    """The same answer for every persona, the anonymous one included (a wrong method, say)."""
    return row(status, anon=status)


def logged_in(status: int) -> dict:
    """`status` for every logged-in persona; the anonymous one goes to the login page."""
    return row(status)


def scoped(default: int = 403, **named: int) -> dict:
    """A URL holding one of 国奥社区's objects: 404 for whoever does not see it."""
    return row(default, out=404, **named)


# Posting a form that creates something carries a one-time token (core/once.py).
ONCE = "@once"
