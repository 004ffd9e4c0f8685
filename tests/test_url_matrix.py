"""The access matrix (QUALITY.md items 1 and 2): URL name × role × method → status, declared, then walked.

Every object the matrix opens belongs to 国奥社区 (street A): a project, a need, a partner (the `partner`
user's own profile), a notification to its secretary, an upload on the project, and a resident of it
(the person whose phone is revealed). "Another community" is the same objects seen from elsewhere:
海韵社区's secretary (same street), 悦海社区's secretary and street B's leader must get 404 on them,
never 403 and never 200; so must everyone whose role sees no community records.

Expected statuses:
  200 the page;  302 a redirect (for anon it must be the login page with ?next=, checked below);
  403 logged in and in scope (or no object involved), but the role may not do this;
  404 out of scope, written to the audit log as a denial;  405 wrong method;
  409 the project's status does not allow the action;  422 the form or the service refused the input.

An entry may name `kwargs` (the object in the URL), `project` (the project's status; the plan and
proposal are filled in unless `ready` is False; `linked` links the partner), and `data` for its POST
(values "@name" become that object's pk). A key "name@variant" is the same URL with the object in
another state (an empty or a foreign POST, another status).

Each case is its own test. conftest's `org` and `people`, the objects and one logged-in session per
role are built once for the module, inside a transaction rolled back at its end; every case runs in
a savepoint within it (pytest-django's `db`) that is rolled back after it, so each starts from the
same rows and a successful POST breaks nothing.
"""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, reverse

import conftest
from core.models import AuditEvent, Notification, Upload
from projects.models import Activity, Status
from tests import factories as f

ROLES = (
    "anon",  # not logged in
    "secretary",  # 国奥社区, street A: its community owns every object in the matrix
    "worker",  # 国奥社区
    "secretary_haiyun",  # 海韵社区: same street, another community
    "secretary2",  # 悦海社区: street B
    "street",  # street A's leading group, 组长: decides
    "member",  # street A's leading group, member
    "expert",  # street A's expert adviser
    "street_b",  # street B's 组长
    "district",  # district staff: every business record
    "auditor",  # the audit log, nothing else
    "sysadmin",  # accounts
    "secadmin",  # roles and unlocks
    "partner",  # 国奥社区's partner: the partner object is their own profile
    "resident",  # 国奥社区's resident: the person whose phone is revealed
    "nobody",  # an account without a role
)

# Namespaces the walk leaves out, each with its reason. Nothing else may be missing from MATRIX.
EXCLUDED_NAMESPACES = {
    "admin": "Django admin: PortalAdminSite.has_permission decides; see test_admin_site_by_role",
}

# Objects fetched through visible_to(user): an out-of-scope 404 on them must be audited as denied.
SCOPED_OBJECTS = {"project", "need", "partner", "upload", "person", "notification"}

# Cases where the app is wrong today. The matrix keeps the right answer; these run as strict xfail,
# so the fix turns them into an XPASS failure that asks for the entry here to be removed.
# Format: {"projects:detail-GET-district": "what is wrong, and in which file"}.
KNOWN_BUGS: dict[str, str] = {}

# fmt: off
MATRIX = {
    # Logged in: straight on to the dashboard.
    "accounts:login": {
        "GET": {
            "anon": 200,
            "secretary": 302, "worker": 302, "secretary_haiyun": 302, "secretary2": 302,
            "street": 302, "member": 302, "expert": 302, "street_b": 302,
            "district": 302, "auditor": 302, "sysadmin": 302, "secadmin": 302,
            "partner": 302, "resident": 302, "nobody": 302,
        },
    },
    # Django's LogoutView is POST-only.
    "accounts:logout": {
        "GET": {
            "anon": 405,
            "secretary": 405, "worker": 405, "secretary_haiyun": 405, "secretary2": 405,
            "street": 405, "member": 405, "expert": 405, "street_b": 405,
            "district": 405, "auditor": 405, "sysadmin": 405, "secadmin": 405,
            "partner": 405, "resident": 405, "nobody": 405,
        },
        "POST": {
            "anon": 302,
            "secretary": 302, "worker": 302, "secretary_haiyun": 302, "secretary2": 302,
            "street": 302, "member": 302, "expert": 302, "street_b": 302,
            "district": 302, "auditor": 302, "sysadmin": 302, "secadmin": 302,
            "partner": 302, "resident": 302, "nobody": 302,
        },
    },
    # Everyone changes their own password; an empty form is refused.
    "accounts:password_change": {
        "GET": {
            "anon": 302,
            "secretary": 200, "worker": 200, "secretary_haiyun": 200, "secretary2": 200,
            "street": 200, "member": 200, "expert": 200, "street_b": 200,
            "district": 200, "auditor": 200, "sysadmin": 200, "secadmin": 200,
            "partner": 200, "resident": 200, "nobody": 200,
        },
        "POST": {
            "anon": 302,
            "secretary": 422, "worker": 422, "secretary_haiyun": 422, "secretary2": 422,
            "street": 422, "member": 422, "expert": 422, "street_b": 422,
            "district": 422, "auditor": 422, "sysadmin": 422, "secadmin": 422,
            "partner": 422, "resident": 422, "nobody": 422,
        },
    },
    "accounts:lockouts": {
        "GET": {
            "anon": 302,
            "secretary": 403, "worker": 403, "secretary_haiyun": 403, "secretary2": 403,
            "street": 403, "member": 403, "expert": 403, "street_b": 403,
            "district": 403, "auditor": 403, "sysadmin": 403, "secadmin": 200,
            "partner": 403, "resident": 403, "nobody": 403,
        },
    },
    # An empty form goes back to the list with a message.
    "accounts:lockout_release": {
        "GET": {
            "anon": 405,
            "secretary": 405, "worker": 405, "secretary_haiyun": 405, "secretary2": 405,
            "street": 405, "member": 405, "expert": 405, "street_b": 405,
            "district": 405, "auditor": 405, "sysadmin": 405, "secadmin": 405,
            "partner": 405, "resident": 405, "nobody": 405,
        },
        "POST": {
            "anon": 302,
            "secretary": 403, "worker": 403, "secretary_haiyun": 403, "secretary2": 403,
            "street": 403, "member": 403, "expert": 403, "street_b": 403,
            "district": 403, "auditor": 403, "sysadmin": 403, "secadmin": 302,
            "partner": 403, "resident": 403, "nobody": 403,
        },
    },
    # A list filtered by visible_to: every role that works with people may open it.
    "accounts:people": {
        "GET": {
            "anon": 302,
            "secretary": 200, "worker": 200, "secretary_haiyun": 200, "secretary2": 200,
            "street": 200, "member": 200, "expert": 200, "street_b": 200,
            "district": 200, "auditor": 403, "sysadmin": 200, "secadmin": 403,
            "partner": 403, "resident": 403, "nobody": 403,
        },
    },
    # The full number of 国奥社区's resident: community staff and district staff in scope reveal;
    # in scope without the right 403; out of scope 404 (the resident themself: 403).
    "accounts:phone_reveal": {
        "kwargs": "person",
        "GET": {
            "anon": 405,
            "secretary": 405, "worker": 405, "secretary_haiyun": 405, "secretary2": 405,
            "street": 405, "member": 405, "expert": 405, "street_b": 405,
            "district": 405, "auditor": 405, "sysadmin": 405, "secadmin": 405,
            "partner": 405, "resident": 405, "nobody": 405,
        },
        "POST": {
            "anon": 302,
            "secretary": 200, "worker": 200, "secretary_haiyun": 404, "secretary2": 404,
            "street": 403, "member": 403, "expert": 403, "street_b": 404,
            "district": 200, "auditor": 404, "sysadmin": 403, "secadmin": 403,
            "partner": 404, "resident": 403, "nobody": 404,
        },
    },

    "core:inbox": {
        "GET": {
            "anon": 302,
            "secretary": 200, "worker": 200, "secretary_haiyun": 200, "secretary2": 200,
            "street": 200, "member": 200, "expert": 200, "street_b": 200,
            "district": 200, "auditor": 200, "sysadmin": 200, "secadmin": 200,
            "partner": 200, "resident": 200, "nobody": 200,
        },
    },
    # The secretary's own notification; anyone else's inbox does not hold it.
    "core:notification_open": {
        "kwargs": "notification",
        "GET": {
            "anon": 405,
            "secretary": 405, "worker": 405, "secretary_haiyun": 405, "secretary2": 405,
            "street": 405, "member": 405, "expert": 405, "street_b": 405,
            "district": 405, "auditor": 405, "sysadmin": 405, "secadmin": 405,
            "partner": 405, "resident": 405, "nobody": 405,
        },
        "POST": {
            "anon": 302,
            "secretary": 302, "worker": 404, "secretary_haiyun": 404, "secretary2": 404,
            "street": 404, "member": 404, "expert": 404, "street_b": 404,
            "district": 404, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
    },
    "core:notification_read_all": {
        "GET": {
            "anon": 405,
            "secretary": 405, "worker": 405, "secretary_haiyun": 405, "secretary2": 405,
            "street": 405, "member": 405, "expert": 405, "street_b": 405,
            "district": 405, "auditor": 405, "sysadmin": 405, "secadmin": 405,
            "partner": 405, "resident": 405, "nobody": 405,
        },
        "POST": {
            "anon": 302,
            "secretary": 302, "worker": 302, "secretary_haiyun": 302, "secretary2": 302,
            "street": 302, "member": 302, "expert": 302, "street_b": 302,
            "district": 302, "auditor": 302, "sysadmin": 302, "secadmin": 302,
            "partner": 302, "resident": 302, "nobody": 302,
        },
    },
    # Only the auditor reads the audit log.
    "core:audit_log": {
        "GET": {
            "anon": 302,
            "secretary": 403, "worker": 403, "secretary_haiyun": 403, "secretary2": 403,
            "street": 403, "member": 403, "expert": 403, "street_b": 403,
            "district": 403, "auditor": 200, "sysadmin": 403, "secadmin": 403,
            "partner": 403, "resident": 403, "nobody": 403,
        },
    },
    # An upload on the project: whoever sees the project sees its files.
    "core:file": {
        "kwargs": "upload",
        "GET": {
            "anon": 302,
            "secretary": 200, "worker": 200, "secretary_haiyun": 404, "secretary2": 404,
            "street": 200, "member": 200, "expert": 200, "street_b": 404,
            "district": 200, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
    },

    "dashboards:home": {
        "GET": {
            "anon": 302,
            "secretary": 200, "worker": 200, "secretary_haiyun": 200, "secretary2": 200,
            "street": 200, "member": 200, "expert": 200, "street_b": 200,
            "district": 200, "auditor": 200, "sysadmin": 200, "secadmin": 200,
            "partner": 200, "resident": 200, "nobody": 200,
        },
    },

    "needs:list": {
        "GET": {
            "anon": 302,
            "secretary": 200, "worker": 200, "secretary_haiyun": 200, "secretary2": 200,
            "street": 200, "member": 200, "expert": 200, "street_b": 200,
            "district": 200, "auditor": 200, "sysadmin": 200, "secadmin": 200,
            "partner": 200, "resident": 200, "nobody": 200,
        },
    },
    # Any community's staff may record a need in their own community; empty form 422.
    "needs:create": {
        "GET": {
            "anon": 302,
            "secretary": 200, "worker": 200, "secretary_haiyun": 200, "secretary2": 200,
            "street": 403, "member": 403, "expert": 403, "street_b": 403,
            "district": 403, "auditor": 403, "sysadmin": 403, "secadmin": 403,
            "partner": 403, "resident": 403, "nobody": 403,
        },
        "POST": {
            "anon": 302,
            "secretary": 422, "worker": 422, "secretary_haiyun": 422, "secretary2": 422,
            "street": 403, "member": 403, "expert": 403, "street_b": 403,
            "district": 403, "auditor": 403, "sysadmin": 403, "secadmin": 403,
            "partner": 403, "resident": 403, "nobody": 403,
        },
    },
    "needs:detail": {
        "kwargs": "need",
        "GET": {
            "anon": 302,
            "secretary": 200, "worker": 200, "secretary_haiyun": 404, "secretary2": 404,
            "street": 200, "member": 200, "expert": 200, "street_b": 404,
            "district": 200, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
    },

    "partners:list": {
        "GET": {
            "anon": 302,
            "secretary": 200, "worker": 200, "secretary_haiyun": 200, "secretary2": 200,
            "street": 200, "member": 200, "expert": 200, "street_b": 200,
            "district": 200, "auditor": 200, "sysadmin": 200, "secadmin": 200,
            "partner": 200, "resident": 200, "nobody": 200,
        },
    },
    "partners:create": {
        "GET": {
            "anon": 302,
            "secretary": 200, "worker": 200, "secretary_haiyun": 200, "secretary2": 200,
            "street": 403, "member": 403, "expert": 403, "street_b": 403,
            "district": 403, "auditor": 403, "sysadmin": 403, "secadmin": 403,
            "partner": 403, "resident": 403, "nobody": 403,
        },
        "POST": {
            "anon": 302,
            "secretary": 422, "worker": 422, "secretary_haiyun": 422, "secretary2": 422,
            "street": 403, "member": 403, "expert": 403, "street_b": 403,
            "district": 403, "auditor": 403, "sysadmin": 403, "secadmin": 403,
            "partner": 403, "resident": 403, "nobody": 403,
        },
    },
    # A partner sees their own profile.
    "partners:detail": {
        "kwargs": "partner",
        "GET": {
            "anon": 302,
            "secretary": 200, "worker": 200, "secretary_haiyun": 404, "secretary2": 404,
            "street": 200, "member": 200, "expert": 200, "street_b": 404,
            "district": 200, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 200, "resident": 404, "nobody": 404,
        },
    },

    "projects:list": {
        "GET": {
            "anon": 302,
            "secretary": 200, "worker": 200, "secretary_haiyun": 200, "secretary2": 200,
            "street": 200, "member": 200, "expert": 200, "street_b": 200,
            "district": 200, "auditor": 200, "sysadmin": 200, "secadmin": 200,
            "partner": 200, "resident": 200, "nobody": 200,
        },
    },
    "projects:create": {
        "GET": {
            "anon": 302,
            "secretary": 200, "worker": 200, "secretary_haiyun": 200, "secretary2": 200,
            "street": 403, "member": 403, "expert": 403, "street_b": 403,
            "district": 403, "auditor": 403, "sysadmin": 403, "secadmin": 403,
            "partner": 403, "resident": 403, "nobody": 403,
        },
        "POST": {
            "anon": 302,
            "secretary": 422, "worker": 422, "secretary_haiyun": 422, "secretary2": 422,
            "street": 403, "member": 403, "expert": 403, "street_b": 403,
            "district": 403, "auditor": 403, "sysadmin": 403, "secadmin": 403,
            "partner": 403, "resident": 403, "nobody": 403,
        },
    },
    # Street staff of either street (each sees their own street's projects).
    "projects:pipeline": {
        "GET": {
            "anon": 302,
            "secretary": 403, "worker": 403, "secretary_haiyun": 403, "secretary2": 403,
            "street": 200, "member": 200, "expert": 200, "street_b": 200,
            "district": 403, "auditor": 403, "sysadmin": 403, "secadmin": 403,
            "partner": 403, "resident": 403, "nobody": 403,
        },
    },
    "projects:overview": {
        "GET": {
            "anon": 302,
            "secretary": 403, "worker": 403, "secretary_haiyun": 403, "secretary2": 403,
            "street": 403, "member": 403, "expert": 403, "street_b": 403,
            "district": 200, "auditor": 403, "sysadmin": 403, "secadmin": 403,
            "partner": 403, "resident": 403, "nobody": 403,
        },
    },
    "projects:detail": {
        "kwargs": "project",
        "project": "draft",
        "GET": {
            "anon": 302,
            "secretary": 200, "worker": 200, "secretary_haiyun": 404, "secretary2": 404,
            "street": 200, "member": 200, "expert": 200, "street_b": 404,
            "district": 200, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
    },
    "projects:edit": {
        "kwargs": "project",
        "project": "draft",
        "GET": {
            "anon": 302,
            "secretary": 200, "worker": 200, "secretary_haiyun": 404, "secretary2": 404,
            "street": 403, "member": 403, "expert": 403, "street_b": 404,
            "district": 403, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
        "POST": {
            "anon": 302,
            "secretary": 422, "worker": 422, "secretary_haiyun": 404, "secretary2": 404,
            "street": 403, "member": 403, "expert": 403, "street_b": 404,
            "district": 403, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
    },
    # Submitted: community staff are sent back to the project page with a message.
    "projects:edit@submitted": {
        "kwargs": "project",
        "project": "submitted",
        "GET": {
            "anon": 302,
            "secretary": 302, "worker": 302, "secretary_haiyun": 404, "secretary2": 404,
            "street": 403, "member": 403, "expert": 403, "street_b": 404,
            "district": 403, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
    },
    # Every plan field is optional: an empty form saves.
    "projects:plan": {
        "kwargs": "project",
        "project": "draft",
        "GET": {
            "anon": 302,
            "secretary": 200, "worker": 200, "secretary_haiyun": 404, "secretary2": 404,
            "street": 403, "member": 403, "expert": 403, "street_b": 404,
            "district": 403, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
        "POST": {
            "anon": 302,
            "secretary": 302, "worker": 302, "secretary_haiyun": 404, "secretary2": 404,
            "street": 403, "member": 403, "expert": 403, "street_b": 404,
            "district": 403, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
    },
    "projects:proposal": {
        "kwargs": "project",
        "project": "draft",
        "GET": {
            "anon": 302,
            "secretary": 200, "worker": 200, "secretary_haiyun": 404, "secretary2": 404,
            "street": 403, "member": 403, "expert": 403, "street_b": 404,
            "district": 403, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
        "POST": {
            "anon": 302,
            "secretary": 302, "worker": 302, "secretary_haiyun": 404, "secretary2": 404,
            "street": 403, "member": 403, "expert": 403, "street_b": 404,
            "district": 403, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
    },
    "projects:partner_link": {
        "kwargs": "project",
        "project": "draft",
        "data": {"partner": "@partner"},
        "GET": {
            "anon": 405,
            "secretary": 405, "worker": 405, "secretary_haiyun": 405, "secretary2": 405,
            "street": 405, "member": 405, "expert": 405, "street_b": 405,
            "district": 405, "auditor": 405, "sysadmin": 405, "secadmin": 405,
            "partner": 405, "resident": 405, "nobody": 405,
        },
        "POST": {
            "anon": 302,
            "secretary": 302, "worker": 302, "secretary_haiyun": 404, "secretary2": 404,
            "street": 403, "member": 403, "expert": 403, "street_b": 404,
            "district": 403, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
    },
    # Permission before the form: without the right, 403 even when the form is bad.
    "projects:partner_link@empty": {
        "kwargs": "project",
        "project": "draft",
        "POST": {
            "anon": 302,
            "secretary": 422, "worker": 422, "secretary_haiyun": 404, "secretary2": 404,
            "street": 403, "member": 403, "expert": 403, "street_b": 404,
            "district": 403, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
    },
    # 悦海社区's partner cannot be linked to 国奥社区's project.
    "projects:partner_link@foreign": {
        "kwargs": "project",
        "project": "draft",
        "data": {"partner": "@partner_yuehai"},
        "POST": {
            "anon": 302,
            "secretary": 422, "worker": 422, "secretary_haiyun": 404, "secretary2": 404,
            "street": 403, "member": 403, "expert": 403, "street_b": 404,
            "district": 403, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
    },
    "projects:partner_unlink": {
        "kwargs": "project",
        "project": "draft",
        "linked": True,
        "data": {"partner": "@partner"},
        "GET": {
            "anon": 405,
            "secretary": 405, "worker": 405, "secretary_haiyun": 405, "secretary2": 405,
            "street": 405, "member": 405, "expert": 405, "street_b": 405,
            "district": 405, "auditor": 405, "sysadmin": 405, "secadmin": 405,
            "partner": 405, "resident": 405, "nobody": 405,
        },
        "POST": {
            "anon": 302,
            "secretary": 302, "worker": 302, "secretary_haiyun": 404, "secretary2": 404,
            "street": 403, "member": 403, "expert": 403, "street_b": 404,
            "district": 403, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
    },
    # …nor named in its unlink (it would put the name in the project's history).
    "projects:partner_unlink@foreign": {
        "kwargs": "project",
        "project": "draft",
        "linked": True,
        "data": {"partner": "@partner_yuehai"},
        "POST": {
            "anon": 302,
            "secretary": 422, "worker": 422, "secretary_haiyun": 404, "secretary2": 404,
            "street": 403, "member": 403, "expert": 403, "street_b": 404,
            "district": 403, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
    },
    "projects:submit": {
        "kwargs": "project",
        "project": "draft",
        "GET": {
            "anon": 405,
            "secretary": 405, "worker": 405, "secretary_haiyun": 405, "secretary2": 405,
            "street": 405, "member": 405, "expert": 405, "street_b": 405,
            "district": 405, "auditor": 405, "sysadmin": 405, "secadmin": 405,
            "partner": 405, "resident": 405, "nobody": 405,
        },
        "POST": {
            "anon": 302,
            "secretary": 302, "worker": 302, "secretary_haiyun": 404, "secretary2": 404,
            "street": 403, "member": 403, "expert": 403, "street_b": 404,
            "district": 403, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
    },
    # Plan and proposal missing: the service refuses.
    "projects:submit@incomplete": {
        "kwargs": "project",
        "project": "draft",
        "ready": False,
        "POST": {
            "anon": 302,
            "secretary": 422, "worker": 422, "secretary_haiyun": 404, "secretary2": 404,
            "street": 403, "member": 403, "expert": 403, "street_b": 404,
            "district": 403, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
    },
    # Only street A's 组长 decides; members and experts comment.
    "projects:approve": {
        "kwargs": "project",
        "project": "submitted",
        "GET": {
            "anon": 405,
            "secretary": 405, "worker": 405, "secretary_haiyun": 405, "secretary2": 405,
            "street": 405, "member": 405, "expert": 405, "street_b": 405,
            "district": 405, "auditor": 405, "sysadmin": 405, "secadmin": 405,
            "partner": 405, "resident": 405, "nobody": 405,
        },
        "POST": {
            "anon": 302,
            "secretary": 403, "worker": 403, "secretary_haiyun": 404, "secretary2": 404,
            "street": 302, "member": 403, "expert": 403, "street_b": 404,
            "district": 403, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
    },
    # A draft cannot be approved: 409 for the one who may approve, 403 for the rest.
    "projects:approve@draft": {
        "kwargs": "project",
        "project": "draft",
        "POST": {
            "anon": 302,
            "secretary": 403, "worker": 403, "secretary_haiyun": 404, "secretary2": 404,
            "street": 409, "member": 403, "expert": 403, "street_b": 404,
            "district": 403, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
    },
    "projects:return": {
        "kwargs": "project",
        "project": "submitted",
        "data": {"comment": "请补充预算明细。"},
        "GET": {
            "anon": 405,
            "secretary": 405, "worker": 405, "secretary_haiyun": 405, "secretary2": 405,
            "street": 405, "member": 405, "expert": 405, "street_b": 405,
            "district": 405, "auditor": 405, "sysadmin": 405, "secadmin": 405,
            "partner": 405, "resident": 405, "nobody": 405,
        },
        "POST": {
            "anon": 302,
            "secretary": 403, "worker": 403, "secretary_haiyun": 404, "secretary2": 404,
            "street": 302, "member": 403, "expert": 403, "street_b": 404,
            "district": 403, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
    },
    # A return without a comment is refused; without the right, 403 first.
    "projects:return@empty": {
        "kwargs": "project",
        "project": "submitted",
        "POST": {
            "anon": 302,
            "secretary": 403, "worker": 403, "secretary_haiyun": 404, "secretary2": 404,
            "street": 422, "member": 403, "expert": 403, "street_b": 404,
            "district": 403, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
    },
    "projects:comment": {
        "kwargs": "project",
        "project": "submitted",
        "data": {"comment": "建议增加老人专场。"},
        "GET": {
            "anon": 405,
            "secretary": 405, "worker": 405, "secretary_haiyun": 405, "secretary2": 405,
            "street": 405, "member": 405, "expert": 405, "street_b": 405,
            "district": 405, "auditor": 405, "sysadmin": 405, "secadmin": 405,
            "partner": 405, "resident": 405, "nobody": 405,
        },
        "POST": {
            "anon": 302,
            "secretary": 403, "worker": 403, "secretary_haiyun": 404, "secretary2": 404,
            "street": 302, "member": 302, "expert": 302, "street_b": 404,
            "district": 403, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
    },
    "projects:comment@empty": {
        "kwargs": "project",
        "project": "submitted",
        "POST": {
            "anon": 302,
            "secretary": 403, "worker": 403, "secretary_haiyun": 404, "secretary2": 404,
            "street": 422, "member": 422, "expert": 422, "street_b": 404,
            "district": 403, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
    },
    "projects:announce": {
        "kwargs": "project",
        "project": "approved",
        "data": {"announcement": "12月1日上午九点在小区广场举办。"},
        "GET": {
            "anon": 302,
            "secretary": 200, "worker": 200, "secretary_haiyun": 404, "secretary2": 404,
            "street": 403, "member": 403, "expert": 403, "street_b": 404,
            "district": 403, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
        "POST": {
            "anon": 302,
            "secretary": 302, "worker": 302, "secretary_haiyun": 404, "secretary2": 404,
            "street": 403, "member": 403, "expert": 403, "street_b": 404,
            "district": 403, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
    },
    "projects:activity_create": {
        "kwargs": "project",
        "project": "announced",
        "data": {
            "date": "2026-12-02",
            "place": "小区广场",
            "participants": "30",
            "volunteers": "5",
            "spending": "120.00",
        },
        "GET": {
            "anon": 302,
            "secretary": 200, "worker": 200, "secretary_haiyun": 404, "secretary2": 404,
            "street": 403, "member": 403, "expert": 403, "street_b": 404,
            "district": 403, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
        "POST": {
            "anon": 302,
            "secretary": 302, "worker": 302, "secretary_haiyun": 404, "secretary2": 404,
            "street": 403, "member": 403, "expert": 403, "street_b": 404,
            "district": 403, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
    },
    # The project is in progress with one activity logged.
    "projects:review": {
        "kwargs": "project",
        "project": "in_progress",
        "data": {"review": "居民反响很好,下次提前报名。"},
        "GET": {
            "anon": 302,
            "secretary": 200, "worker": 200, "secretary_haiyun": 404, "secretary2": 404,
            "street": 403, "member": 403, "expert": 403, "street_b": 404,
            "district": 403, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
        "POST": {
            "anon": 302,
            "secretary": 302, "worker": 302, "secretary_haiyun": 404, "secretary2": 404,
            "street": 403, "member": 403, "expert": 403, "street_b": 404,
            "district": 403, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
    },
    # The community's trash: community staff see their deleted drafts.
    "projects:trash": {
        "GET": {
            "anon": 302,
            "secretary": 200, "worker": 200, "secretary_haiyun": 200, "secretary2": 200,
            "street": 403, "member": 403, "expert": 403, "street_b": 403,
            "district": 403, "auditor": 403, "sysadmin": 403, "secadmin": 403,
            "partner": 403, "resident": 403, "nobody": 403,
        },
    },
    # Restore a deleted draft: its community's staff; the street sees it but may not restore.
    "projects:restore": {
        "kwargs": "project",
        "project": "draft",
        "deleted": True,
        "GET": {
            "anon": 405,
            "secretary": 405, "worker": 405, "secretary_haiyun": 405, "secretary2": 405,
            "street": 405, "member": 405, "expert": 405, "street_b": 405,
            "district": 405, "auditor": 405, "sysadmin": 405, "secadmin": 405,
            "partner": 405, "resident": 405, "nobody": 405,
        },
        "POST": {
            "anon": 302,
            "secretary": 302, "worker": 302, "secretary_haiyun": 404, "secretary2": 404,
            "street": 403, "member": 403, "expert": 403, "street_b": 404,
            "district": 403, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
    },
    "projects:delete": {
        "kwargs": "project",
        "project": "draft",
        "GET": {
            "anon": 405,
            "secretary": 405, "worker": 405, "secretary_haiyun": 405, "secretary2": 405,
            "street": 405, "member": 405, "expert": 405, "street_b": 405,
            "district": 405, "auditor": 405, "sysadmin": 405, "secadmin": 405,
            "partner": 405, "resident": 405, "nobody": 405,
        },
        "POST": {
            "anon": 302,
            "secretary": 302, "worker": 302, "secretary_haiyun": 404, "secretary2": 404,
            "street": 403, "member": 403, "expert": 403, "street_b": 404,
            "district": 403, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
    },

    "public:home": {
        "GET": {
            "anon": 200,
            "secretary": 200, "worker": 200, "secretary_haiyun": 200, "secretary2": 200,
            "street": 200, "member": 200, "expert": 200, "street_b": 200,
            "district": 200, "auditor": 200, "sysadmin": 200, "secadmin": 200,
            "partner": 200, "resident": 200, "nobody": 200,
        },
    },
    # Residents' pages: open to all, logged in or not.
    "public:announcement": {
        "kwargs": "project",
        "project": "announced",
        "GET": {
            "anon": 200,
            "secretary": 200, "worker": 200, "secretary_haiyun": 200, "secretary2": 200,
            "street": 200, "member": 200, "expert": 200, "street_b": 200,
            "district": 200, "auditor": 200, "sysadmin": 200, "secadmin": 200,
            "partner": 200, "resident": 200, "nobody": 200,
        },
    },
    # Only announced projects are public.
    "public:announcement@draft": {
        "kwargs": "project",
        "project": "draft",
        "GET": {
            "anon": 404,
            "secretary": 404, "worker": 404, "secretary_haiyun": 404, "secretary2": 404,
            "street": 404, "member": 404, "expert": 404, "street_b": 404,
            "district": 404, "auditor": 404, "sysadmin": 404, "secadmin": 404,
            "partner": 404, "resident": 404, "nobody": 404,
        },
    },

    "healthz": {
        "GET": {
            "anon": 200,
            "secretary": 200, "worker": 200, "secretary_haiyun": 200, "secretary2": 200,
            "street": 200, "member": 200, "expert": 200, "street_b": 200,
            "district": 200, "auditor": 200, "sysadmin": 200, "secadmin": 200,
            "partner": 200, "resident": 200, "nobody": 200,
        },
        "POST": {
            "anon": 405,
            "secretary": 405, "worker": 405, "secretary_haiyun": 405, "secretary2": 405,
            "street": 405, "member": 405, "expert": 405, "street_b": 405,
            "district": 405, "auditor": 405, "sysadmin": 405, "secadmin": 405,
            "partner": 405, "resident": 405, "nobody": 405,
        },
    },
}
# fmt: on


class World:
    """conftest's org and people, 国奥社区's objects, a project in every state the matrix names and a
    logged-in session per role: built once for the module (see `world`)."""

    def __init__(self, org, people):
        self.org, self.people = org, people
        secretary = people.secretary
        self.projects = {
            config: self._project(*config)
            for config in sorted({self._config(entry) for entry in MATRIX.values()})
        }
        project = self.projects[self._config({})]
        self.objects = {
            "project": project,
            "need": f.NeedFactory(community=org.guoao, compound=org.compound, created_by=secretary),
            "partner": f.PartnerFactory(
                community=org.guoao, created_by=secretary, user=people.partner
            ),
            # Another community's partner, for the foreign POSTs.
            "partner_yuehai": f.PartnerFactory(community=org.yuehai, created_by=people.secretary2),
            "notification": Notification.objects.create(
                recipient=secretary,
                event="project.approved",
                title="项目已批准",
                url=project.get_absolute_url(),
            ),
            "upload": self._upload(project),
            # 国奥社区's resident, with a phone number to reveal.
            "person": people.resident,
        }
        people.resident.phone = "13900001111"
        people.resident.save(update_fields=["phone", "phone_hash"])
        for linked in (p for (_, _, linked, _), p in self.projects.items() if linked):
            linked.partners.add(self.objects["partner"])
        self.sessions = {}
        for role in ROLES[1:]:
            client = Client()
            client.force_login(getattr(people, role))
            self.sessions[role] = client.cookies[django_settings.SESSION_COOKIE_NAME].value

    @staticmethod
    def _config(entry):
        return (
            entry.get("project", Status.DRAFT),
            entry.get("ready", True),
            entry.get("linked", False),
            entry.get("deleted", False),
        )

    def _project(self, status, ready, linked, deleted):
        project = f.ProjectFactory(
            community=self.org.guoao,
            compound=self.org.compound,
            created_by=self.people.secretary,
            ready=ready,
            status=status,
        )
        if status in (Status.ANNOUNCED, Status.IN_PROGRESS, Status.COMPLETED):
            project.announcement = "12月1日上午九点在小区广场举办邻居节。"
            project.announced_at = project.created_at
            project.save(update_fields=["announcement", "announced_at"])
        if deleted:
            project.deleted_at = project.created_at
            project.save(update_fields=["deleted_at"])
        if status in (Status.IN_PROGRESS, Status.COMPLETED):
            Activity.objects.create(
                project=project,
                date="2026-12-01",
                place="小区广场",
                participants=20,
                created_by=self.people.secretary,
            )
        return project

    def _upload(self, project):
        upload = Upload(
            kind=Upload.Kind.IMAGE,
            original_name="photo.png",
            content_type="image/png",
            size=4,
            uploaded_by=self.people.secretary,
            owner_type=ContentType.objects.get_for_model(project),
            owner_id=project.pk,
        )
        upload.file.save("matrix.png", ContentFile(b"\x89PNG"), save=False)
        upload.save()
        return upload

    def get(self, name, entry):
        return self.projects[self._config(entry)] if name == "project" else self.objects[name]

    def url(self, key, entry):
        name, kind = key.split("@")[0], entry.get("kwargs")
        if kind is None:
            return reverse(name)
        obj = self.get(kind, entry)
        return reverse(name, kwargs={"uuid": obj.uuid} if kind == "upload" else {"pk": obj.pk})

    def data(self, entry):
        return {
            field: self.get(value[1:], entry).pk
            if isinstance(value, str) and value.startswith("@")
            else value
            for field, value in entry.get("data", {}).items()
        }

    def log_in(self, client, role):
        if role != "anon":
            client.cookies[django_settings.SESSION_COOKIE_NAME] = self.sessions[role]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once inside a transaction that is rolled back after the module. Each test runs in a
    savepoint within it (pytest-django's `db`), rolled back after the test: every case starts from
    the same rows, and a successful POST (or a logout) changes nothing for the next one."""
    media_root = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), transaction.atomic():
        org = conftest.org.__wrapped__(None)
        with override_settings(MEDIA_ROOT=media_root):
            world = World(org, conftest.people.__wrapped__(org))
        world.media_root = media_root
        yield world
        transaction.set_rollback(True)


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
    if entry.get("kwargs") == "upload":
        settings.MEDIA_ROOT = world.media_root  # conftest gives every test its own
    expected = entry[method][role]
    url, data = world.url(key, entry), world.data(entry)
    world.log_in(client, role)
    scoped = entry.get("kwargs") in SCOPED_OBJECTS and not key.startswith("public:")
    audited = role != "anon" and (expected == 403 or (expected == 404 and scoped))
    denials = AuditEvent.objects.filter(result=AuditEvent.Result.DENIED)
    before = denials.count() if audited else 0

    response = client.get(url) if method == "GET" else client.post(url, data)

    assert response.status_code == expected, (
        f"{method} {url} as {role}: got {response.status_code}, declared {expected}"
        f" (Location: {response.get('Location')})"
    )
    if role == "anon" and expected == 302 and key != "accounts:logout":
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
