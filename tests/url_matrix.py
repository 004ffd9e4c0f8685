"""The access matrix (QUALITY.md items 1 and 2): URL name × persona × method → status.

Each app declares its rows in `<app>/tests/url_matrix.py` (a dict `MATRIX`), built with `row()`
from role groups, so that adding a URL is one entry in its app's file and adding a role to a
group changes no row unless the row treats the new role differently. tests/test_url_matrix.py
collects the files, fails on any URL name missing from them, and walks every case.

Every object the matrix opens belongs to 国奥社区 (street A): a project, a need, a partner (the
`partner` persona's own profile), a notification to its secretary, an upload on the project, and
a resident of it (the person whose phone is revealed); street A itself, a working group of its
leading group and a delegation that begins in two months. Personas that do not see 国奥社区's records
(another community's staff, the other street, roles without business records) get 404 on them,
never 403 and never 200.

Expected statuses:
  200 the page;  302 a redirect (for anon it must be the login page with ?next=, checked);
  403 logged in and in scope (or no object involved), but the role may not do this;
  404 out of scope, written to the audit log as a denial;  405 wrong method;
  409 the object's status does not allow the action;  422 the form or the service refused the input.

An entry may name `kwargs` (the object in the URL), `project` (the project's status; the plan and
proposal are filled in unless `ready` is False; `linked` links the partner; `deleted` puts it in
the trash), `query` for the URL's query string (`{"community": "@community"}`: the community a
create page is asked for), and `data` for its POST ("@name" becomes that object's pk; "@once" a fresh one-time
form token; "@next_week" a date a week from today; "@pdf" a small PDF file). A key "name@variant" is the same URL with the object in another state.
"""

import datetime
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.models import AccountChange, Delegation, WorkingGroup
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
from core.models import Notification, Upload
from core.once import new_token
from projects.models import Activity, ProjectClass, Status
from streetwork.tests.factories import AssessmentFactory, FieldVisitFactory
from tests import factories as f


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
    # Street B's experts: `judge` is assigned to the scoring round that holds 国奥's dedicated
    # `round_project` (read-only, while the round is open); `judge_unassigned` is not.
    "judge": Persona(Role.EXPERT, False),
    "judge_unassigned": Persona(Role.EXPERT, False),
    # Street B's expert on the training's mentor panel: he teaches 国奥's class, answers its
    # secretary and coaches (so reads) a project of 国奥 (training/tests/matrix_world.py).
    "mentor": Persona(Role.EXPERT, False),
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

# The leading group of street B (its 组长 and its experts, the judges among them): street A's own
# records (its page, working groups, the street's 研判) do not exist for them. Rows give them
# `**OTHER_STREET` where they answer 404 while street A's group answers otherwise.
OTHER_STREET = {
    name: 404 for name, p in PERSONAS.items() if p.role in STREET_GROUP and not p.sees_guoao
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


# --- the matrix of every app, and the world its cases run in -----------------------------------
def app_matrices() -> dict[str, dict]:
    """`MATRIX` of every project app's tests/url_matrix.py, by app label."""
    found = {}
    for config in apps.get_app_configs():
        if not str(config.path).startswith(str(django_settings.BASE_DIR)):
            continue
        try:
            module = import_module(f"{config.name}.tests.url_matrix")
        except ModuleNotFoundError:
            continue
        found[config.label] = module.MATRIX
    return found


# Built when this module is first imported: each app's module imports the helpers above from it.
MATRICES = app_matrices()
MATRIX = {key: entry for matrix in MATRICES.values() for key, entry in matrix.items()}


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
            # A second need of 国奥社区, for a merge (needs/tests/url_matrix.py).
            "need_other": f.NeedFactory(community=org.guoao, created_by=secretary),
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
            # The system admin proposes to reset the resident's password.
            "change": AccountChange.objects.create(
                kind=AccountChange.Kind.RESET_PASSWORD,
                target=people.resident,
                reason="本人申请",
                proposed_by=people.sysadmin,
            ),
            # Street A's leading group: a working group, and a delegation to its member that
            # begins in two months (so that nobody but the 组长 decides today).
            "street": org.street_a,
            "working_group": self._working_group(org, people),
            "delegation": self._delegation(org, people),
            "deputy": people.member,
            # The street's work (streetwork/): a 研判 and a field visit of 国奥社区 by street A's
            # 组长, the community a create page is asked for, one of the district's classes.
            "community": org.guoao,
            "project_class": ProjectClass.objects.get_or_create(name="环境整治")[0],
            "assessment": AssessmentFactory(
                community=org.guoao, compound=org.compound, assessed_by=people.street
            ),
            "visit": FieldVisitFactory(
                community=org.guoao,
                recorded_by=people.street,
                members=[people.street],
                projects=[project],
            ),
        }
        self.objects.update(self._review_objects(people))
        # Compound scenes and 幸福责任田 (scenes/tests/url_matrix.py).
        from scenes.tests.factories import matrix_objects

        self.objects.update(matrix_objects(org, people, project, self.objects["partner"]))
        # Sign-ups: a session of the announced project and a sign-up (signups/tests/url_matrix.py).
        from signups.tests.factories import matrix_objects as signup_objects

        announced = self.projects[self._config({"project": Status.ANNOUNCED})]
        self.objects.update(signup_objects(people, announced))
        # 公示 objections (projects/tests/notice_matrix.py).
        from projects.tests.notice_matrix import matrix_objects as notice_objects

        self.objects.update(notice_objects(org, people))
        # Step 6's sessions (projects/tests/session_matrix.py).
        from projects.tests.session_matrix import matrix_objects as session_objects

        self.objects.update(session_objects(org, people))
        # The 百社百景库 (library/tests/url_matrix.py).
        from library.tests.factories import matrix_objects as library_objects

        self.objects.update(library_objects(org, people))
        # 半年述职 and 年度考核 of street A (reports/tests/url_matrix.py).
        from reports.tests.factories import matrix_objects as report_objects

        self.objects.update(report_objects(org, people))
        # Judges' score sheets and the 擂台比武 (scoring/tests/url_matrix.py).
        from scoring.tests.factories import matrix_objects as scoring_objects

        self.objects.update(scoring_objects(org, people))
        # Residents' grades: a held session of the running project, 国奥社区's household with a
        # known code (evaluation/tests/url_matrix.py).
        from evaluation.tests.factories import matrix_objects as grade_objects

        running = self.projects[self._config({"project": Status.IN_PROGRESS})]
        self.objects.update(grade_objects(org, people, running))
        # Household code slips: a ready and a failed batch (evaluation/tests/slip_matrix.py).
        from evaluation.tests.slip_factories import matrix_objects as slip_objects

        self.objects.update(slip_objects(org, people))
        # Visits, meetings, boxes and suggestions of 国奥社区 (outreach/tests/url_matrix.py).
        from outreach.tests.factories import matrix_objects as outreach_objects

        self.objects.update(outreach_objects(org, people))
        # Questionnaires of 国奥社区 and street A's template (surveys/tests/url_matrix.py).
        from surveys.tests.factories import matrix_objects as survey_objects

        self.objects.update(survey_objects(org, people))
        # Step 2: calls, applications, units and adoptions, call-outs, tasks, excellent partners,
        # resources and imports of 国奥社区 (partners/tests/url_matrix.py).
        from partners.tests.factories import matrix_objects as partner_objects

        self.objects.update(partner_objects(org, people, self.objects["partner"]))
        # The monthly rhythm: previews, summaries, digests, deliveries, subscriptions
        # (publications/tests/url_matrix.py).
        from publications.tests.factories import matrix_objects as publication_objects

        self.objects.update(publication_objects(org, people))
        # 幸福家园圆桌会: meetings, participants, topics, posts, resolutions of 国奥社区
        # (roundtable/tests/url_matrix.py).
        from roundtable.tests.factories import matrix_objects as roundtable_objects

        self.objects.update(roundtable_objects(org, people))
        # 头雁工程: cohorts, classes, the mentor panel, consultations and coachings
        # (training/tests/url_matrix.py).
        from training.tests.matrix_world import matrix_objects as training_objects

        self.objects.update(training_objects(org, people))
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
        if status in (Status.ANNOUNCED, Status.IN_PROGRESS, Status.RETROSPECTED):
            project.announcement = "12月1日上午九点在小区广场举办邻居节。"
            project.announced_at = project.created_at
            project.save(update_fields=["announcement", "announced_at"])
        if deleted:
            project.deleted_at = project.created_at
            project.save(update_fields=["deleted_at"])
        if status in (Status.IN_PROGRESS, Status.RETROSPECTED):
            Activity.objects.create(
                project=project,
                date="2026-12-01",
                place="小区广场",
                participants=20,
                status=Activity.Status.HELD,
                created_by=self.people.secretary,
            )
        return project

    def _review_objects(self, people):
        """Steps 3–4 in depth: the draft's milestone and budget line, round 1 of the submitted
        project, an approved project's round with a condition to confirm, a 督办 item on the
        running project."""
        from projects.models import Milestone, ReviewCondition, ReviewRound, Supervision

        draft = self.projects[self._config({})]
        submitted = self.projects[self._config({"project": Status.SUBMITTED})]
        # Approved with a condition not yet confirmed (its own project: the matrix's approved
        # project announces).
        conditioned = self._project(Status.APPROVED, True, False, False)
        running = self.projects[self._config({"project": Status.IN_PROGRESS})]
        ReviewRound.objects.create(
            project=submitted,
            number=1,
            submitted_by=people.secretary,
            comments_due=timezone.localdate(),
            snapshot=[["项目目标", "让邻里熟悉起来"]],
        )
        decided = ReviewRound.objects.create(
            project=conditioned,
            number=1,
            submitted_by=people.secretary,
            comments_due=timezone.localdate(),
            decision="conditional",
            decided_by=people.street,
            decided_at=timezone.now(),
        )
        return {
            "milestone": Milestone.objects.create(
                project=draft, date="2026-12-10", title="招募志愿者", responsible="王书记"
            ),
            "budget_line": draft.budget_lines.first(),
            "conditioned": conditioned,
            "condition": ReviewCondition.objects.create(
                project=conditioned, round=decided, text="与物业签订场地协议"
            ),
            "supervision": Supervision.objects.create(
                project=running,
                question="活动为何推迟?",
                due_date=timezone.localdate() + datetime.timedelta(days=7),
                raised_by=people.district,
            ),
        }

    @staticmethod
    def _working_group(org, people):
        group = WorkingGroup.objects.create(street=org.street_a, name="资源协调组")
        group.members.add(people.member, people.expert)
        return group

    @staticmethod
    def _delegation(org, people):
        starts_on = timezone.localdate() + datetime.timedelta(days=60)
        return Delegation.objects.create(
            street=org.street_a,
            delegate=people.member,
            starts_on=starts_on,
            ends_on=starts_on + datetime.timedelta(days=6),
            reason="组长外出学习",
            created_by=people.street,
        )

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
            url = reverse(name)
        else:
            obj = self.get(kind, entry)
            kwargs = {"uuid": obj.uuid} if kind == "upload" else {"pk": obj.pk}
            if lookup := entry.get("lookup"):  # a URL naming the object otherwise: {"code": …}
                kwargs = {lookup: getattr(obj, lookup)}
            # More URL arguments: {"number": 1}, {"condition_pk": "@condition"}.
            kwargs.update({k: self._value(v, entry) for k, v in entry.get("extra", {}).items()})
            url = reverse(name, kwargs=kwargs)
        if query := entry.get("query"):
            url += "?" + urlencode({k: self._value(v, entry) for k, v in query.items()})
        return url

    def data(self, entry):
        return {field: self._value(value, entry) for field, value in entry.get("data", {}).items()}

    def _value(self, value, entry):
        if value == "@once":
            return new_token()
        if value == "@today":  # a session's date the plan of the sessions' project covers
            return timezone.localdate().isoformat()
        if value == "@next_week":  # a deadline that stays in the future whenever tests run
            return (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
        if value == "@pdf":  # a small PDF, fresh for each post (a material, a coaching's plan)
            from training.tests.matrix_world import pdf_file

            return pdf_file()
        if isinstance(value, str) and value.startswith("@"):
            return self.get(value[1:], entry).pk
        return value

    def log_in(self, client, role):
        if role != "anon":
            client.cookies[django_settings.SESSION_COOKIE_NAME] = self.sessions[role]
