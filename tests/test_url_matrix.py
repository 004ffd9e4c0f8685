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
another state. Each case is its own test with its own database, so a successful POST breaks nothing.
"""

from functools import cached_property

import pytest
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import URLResolver, get_resolver, reverse

from core.models import AuditEvent, Notification, Upload
from projects.models import Activity, Status
from tests import factories as f

ROLES = (
    "anon",
    "secretary",
    "worker",
    "secretary_haiyun",
    "secretary2",
    "street",
    "member",
    "expert",
    "street_b",
    "district",
    "auditor",
    "sysadmin",
    "secadmin",
    "partner",
    "resident",
    "nobody",
)

# Namespaces the walk leaves out, each with its reason. Nothing else may be missing from MATRIX.
EXCLUDED_NAMESPACES = {
    "admin": "Django admin: PortalAdminSite.has_permission decides; see test_admin_site_by_role",
}

# Objects fetched through visible_to(user): an out-of-scope 404 on them must be audited as denied.
# (A notification is not scoped: it belongs to its recipient and is looked up in their inbox only.)
SCOPED_OBJECTS = {"project", "need", "partner", "upload", "person"}

# fmt: off
MATRIX = {
    "accounts:login": {
        "GET": {
            "anon": 200,
            "secretary": 302, "worker": 302, "secretary_haiyun": 302, "secretary2": 302,
            "street": 302, "member": 302, "expert": 302, "street_b": 302,
            "district": 302, "auditor": 302, "sysadmin": 302, "secadmin": 302,
            "partner": 302, "resident": 302, "nobody": 302,
        },
    },
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
    "accounts:people": {
        "GET": {
            "anon": 302,
            "secretary": 200, "worker": 200, "secretary_haiyun": 200, "secretary2": 200,
            "street": 200, "member": 200, "expert": 200, "street_b": 200,
            "district": 200, "auditor": 403, "sysadmin": 200, "secadmin": 403,
            "partner": 403, "resident": 403, "nobody": 403,
        },
    },
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
    "core:audit_log": {
        "GET": {
            "anon": 302,
            "secretary": 403, "worker": 403, "secretary_haiyun": 403, "secretary2": 403,
            "street": 403, "member": 403, "expert": 403, "street_b": 403,
            "district": 403, "auditor": 200, "sysadmin": 403, "secadmin": 403,
            "partner": 403, "resident": 403, "nobody": 403,
        },
    },
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
        "data": {"date": "2026-12-02", "place": "小区广场", "participants": "30", "volunteers": "5", "spending": "120.00"},
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


class Objects:
    """国奥社区's objects for one entry, each made on first use."""

    def __init__(self, org, people, entry):
        self.org, self.people, self.entry = org, people, entry

    @cached_property
    def project(self):
        status = self.entry.get("project", Status.DRAFT)
        project = f.ProjectFactory(
            community=self.org.guoao,
            compound=self.org.compound,
            created_by=self.people.secretary,
            ready=self.entry.get("ready", True),
            status=status,
        )
        if status in (Status.ANNOUNCED, Status.IN_PROGRESS, Status.COMPLETED):
            project.announcement = "12月1日上午九点在小区广场举办邻居节。"
            project.announced_at = project.created_at
            project.save(update_fields=["announcement", "announced_at"])
        if status in (Status.IN_PROGRESS, Status.COMPLETED):
            Activity.objects.create(
                project=project,
                date="2026-12-01",
                place="小区广场",
                participants=20,
                created_by=self.people.secretary,
            )
        if self.entry.get("linked"):
            project.partners.add(self.partner)
        return project

    @cached_property
    def need(self):
        return f.NeedFactory(
            community=self.org.guoao, compound=self.org.compound, created_by=self.people.secretary
        )

    @cached_property
    def partner(self):
        return f.PartnerFactory(
            community=self.org.guoao, created_by=self.people.secretary, user=self.people.partner
        )

    @cached_property
    def notification(self):
        return Notification.objects.create(
            recipient=self.people.secretary,
            event="project.approved",
            title="项目已批准",
            url=self.project.get_absolute_url(),
        )

    @cached_property
    def upload(self):
        upload = Upload(
            kind=Upload.Kind.IMAGE,
            original_name="photo.png",
            content_type="image/png",
            size=4,
            uploaded_by=self.people.secretary,
            owner_type=ContentType.objects.get_for_model(self.project),
            owner_id=self.project.pk,
        )
        upload.file.save("matrix.png", ContentFile(b"\x89PNG"), save=False)
        upload.save()
        return upload

    @cached_property
    def person(self):
        resident = self.people.resident
        resident.phone = "13900001111"
        resident.save(update_fields=["phone", "phone_hash"])
        return resident

    def url(self, key):
        name, kind = key.split("@")[0], self.entry.get("kwargs")
        if kind is None:
            return reverse(name)
        obj = getattr(self, kind)
        return reverse(name, kwargs={"uuid": obj.uuid} if kind == "upload" else {"pk": obj.pk})

    def data(self):
        return {
            field: getattr(self, value[1:]).pk
            if isinstance(value, str) and value.startswith("@")
            else value
            for field, value in self.entry.get("data", {}).items()
        }


CASES = [
    pytest.param(key, method, role, id=f"{key}-{method}-{role}")
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
    for key, entry in MATRIX.items():
        methods = [m for m in entry if m.isupper()]
        assert methods, key
        assert set(methods) <= {"GET", "POST"}, key
        assert entry.get("kwargs") in SCOPED_OBJECTS | {"notification", None}, key
        for method in methods:
            assert tuple(entry[method]) == ROLES, f"{key} {method}: roles differ from ROLES"


@pytest.mark.parametrize(("key", "method", "role"), CASES)
def test_url_role_method(client, org, people, key, method, role):
    entry = MATRIX[key]
    expected = entry[method][role]
    objects = Objects(org, people, entry)
    url = objects.url(key)
    data = objects.data()
    if role != "anon":
        client.force_login(getattr(people, role))
    denials = AuditEvent.objects.filter(result=AuditEvent.Result.DENIED).count()

    response = client.get(url) if method == "GET" else client.post(url, data)
    response.close()

    assert response.status_code == expected, (
        f"{method} {url} as {role}: got {response.status_code}, declared {expected}"
        f" (Location: {response.get('Location')})"
    )
    if role == "anon" and expected == 302 and key != "accounts:logout":
        assert response["Location"] == redirect_to_login(url)["Location"]
    scoped = entry.get("kwargs") in SCOPED_OBJECTS and not key.startswith("public:")
    if role != "anon" and (expected == 403 or (expected == 404 and scoped)):
        assert AuditEvent.objects.filter(result=AuditEvent.Result.DENIED).count() > denials, (
            f"{method} {url} as {role}: {expected} without a denied audit event"
        )


def test_out_of_scope_detail_is_audited_as_denied(client, org, people):
    project = Objects(org, people, MATRIX["projects:detail"]).project
    client.force_login(people.secretary2)

    response = client.get(reverse("projects:detail", args=[project.pk]))

    assert response.status_code == 404
    event = AuditEvent.objects.get(actor=people.secretary2, action="access.denied")
    assert event.result == AuditEvent.Result.DENIED
    assert event.detail["model"] == "projects.project"
    assert event.detail["lookup"] == {"pk": str(project.pk)}
    assert event.detail["status"] == 404
    assert project.title not in response.content.decode()


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
def test_admin_site_by_role(client, people, role, expected):
    if role != "anon":
        client.force_login(getattr(people, role))
    index = reverse("admin:index")

    response = client.get(index)

    assert response.status_code == expected
    if expected == 302:
        assert response["Location"] == f"{reverse('admin:login')}?next={index}"
