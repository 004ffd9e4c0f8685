"""The demo district 黄渤海新区, built from the figures of the seed article (DESIGN.md §1).

`load(scale=…, password=…)` fills an empty database in one transaction and returns a summary;
`manage.py seed_demo` is a thin wrapper around it. Seed data is written straight through the ORM
(it records no user action, so no audit events), in bulk so scale 1 loads in seconds.
"""

import random
import time
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import District, User
from accounts.roles import Role
from needs.models import ensure_categories
from partners.models import ensure_catalogues
from projects.models import Activity, Project, ensure_district_lists
from scenes.models import MicroProject, Scene
from signups.models import SignUp

from . import (
    catalog,
    library,
    notices,
    org,
    projects,
    publications,
    records,
    roundtable,
    scenes,
    step2,
    streetwork,
    training,
)
from . import grades as resident_grades
from . import needs as need_depth
from . import outreach as face_to_face
from . import plans as project_plans
from . import reports as half_year_reports
from . import scoring as judges_scores
from . import sessions as programme
from . import signups as resident_signups
from . import slips as code_slips
from . import surveys as questionnaires

SEED = 2024  # the same district on every load
DEFAULT_PASSWORD = "demo-pass-2024"  # noqa: S105 - public by design (DESIGN.md §4)
NEEDS, PARTNERS = 125, 4568


@dataclass
class Summary:
    scale: float
    seconds: float = 0.0
    counts: dict = field(default_factory=dict)
    compound_kinds: dict = field(default_factory=dict)
    project_kinds: dict = field(default_factory=dict)
    statuses: dict = field(default_factory=dict)
    logins: list = field(default_factory=list)  # (username, role label, where)


def is_loaded() -> bool:
    return District.objects.filter(name=catalog.DISTRICT_NAME).exists()


def clashing_usernames() -> list[str]:
    """Demo login names already taken by accounts that are not part of a loaded demo."""
    names = [login[0] for login in catalog.LOGINS + catalog.ORGANISATION_LOGINS]
    return sorted(User.objects.filter(username__in=names).values_list("username", flat=True))


@transaction.atomic
def load(*, scale: float = 1.0, password: str = DEFAULT_PASSWORD) -> Summary:
    """Build the demo district. Call only when is_loaded() is False."""
    started = time.monotonic()
    rng = random.Random(SEED)
    now = timezone.now()
    ensure_district_lists()  # made by a migration; a flushed test database has lost them
    ensure_categories()  # the six need categories (needs migration 0004), likewise
    ensure_catalogues()  # the partners' nine categories and six duties (partners migration 0003)
    tree = org.build_tree(rng)
    # One hash for everybody: PBKDF2 costs ~0.5 s per call.
    org.build_people(tree, rng, make_password(password))
    plans = projects.plan_projects(tree, rng, now, scale)
    wanted = projects.wanted_needs(plans)
    # Every project answers a need (a submission needs one), whatever the scale: below scale 1
    # the 64 projects stay, so the needs list keeps theirs and one of each category.
    needs = records.build_needs(
        tree, rng, now, max(records.scaled(NEEDS, scale), len(wanted) + 6), wanted
    )
    partners = records.build_partners(tree, rng, now, records.scaled(PARTNERS, scale))
    # Step 2 in depth: duties, 双报到 and 双包, calls and applications, 战时 call-outs, practical
    # tasks (659 claimed) and last year's 276 excellent partners.
    # (its own random stream, so the builders after it draw what they drew before it existed).
    step2_counts = step2.build(tree, random.Random(f"{SEED}-step2"), now, partners, scale)
    built = projects.ProjectBuilder(tree, rng, now, needs, partners).build(plans)
    project_plans.build(tree, rng, now, plans)
    programme.build(tree, now, partners, built)
    # What the linked partners contribute at step 2 and give at the held sessions.
    step2_counts.update(step2.build_contributions(built))
    org.build_account_changes(tree, now)
    org.build_leading_groups(tree, now)
    streetwork.build(tree, rng, now, needs, built, scale)
    scenes.build(tree, rng, now, partners, built)
    notices.build(tree, now)
    resident_signups.build(now)
    # Household code slips: batches ready, their PDFs made by the task on the first download.
    slip_counts = code_slips.build(tree, now)
    library_counts = library.build(tree, now, partners)
    # Residents' grades through the three channels on the projects in progress or retrospected.
    grade_counts = resident_grades.build(tree, now)
    # Judges' scores: this year's round and last year's published 擂台比武 (after the grades:
    # their satisfaction rates break ties).
    scoring_counts = judges_scores.build(tree, now)
    # Last: the reports' figures are drafted from everything above (grades included).
    report_counts = half_year_reports.build(tree, now)
    # The needs list in depth: each need's sources and status (adopted where a project links it).
    need_counts = need_depth.build(rng, now, needs)
    # Boxes with their suggestions, home visits and meetings: more sources of those needs.
    outreach_counts = face_to_face.build(tree, rng, now, scale)
    # Questionnaires: 2,900 copies handed out at scale 1, about four in five returned; comments
    # filed under the needs above (their counts go up by the mentions they add).
    survey_counts = questionnaires.build(tree, now, needs, scale)
    # A year of round tables on the 17th: topics, threads, resolutions, the 45 solved (its own
    # random stream, as step 2's; the 红色专递 below shows its overdue resolutions).
    roundtable_counts = roundtable.build(tree, random.Random(f"{SEED}-roundtable"), now, scale)
    # A year of the 头雁工程: cohorts, classes and quarterly sessions, the mentor panel, its
    # consultations and coachings of running projects (its own random stream, as above).
    training_counts = training.build(tree, random.Random(f"{SEED}-training"), now, built, scale)
    # Last of all: the monthly publications compile what everything above holds.
    publication_counts = publications.build(tree, now)

    summary = Summary(scale=scale)
    summary.counts = {
        "streets": len(tree.streets),
        "communities": len(tree.communities),
        "compounds": len(tree.compounds),
        "buildings": tree.buildings,
        "households": tree.households,
        "users": User.objects.count(),
        "needs": len(needs),
        "need_categories": len({n.category for n in needs}),
        "partners": len(partners),
        "partner_categories": len({p.category_id for p in partners}),
        "projects": len(built),
        "sessions": Activity.objects.count(),
        "sessions_held": Activity.objects.filter(status=Activity.Status.HELD).count(),
        "signups": SignUp.objects.count(),
        "noticed": Project.objects.filter(notice_round__gt=0).count(),
        "scenes": Scene.objects.count(),
        "micro_projects": MicroProject.objects.count(),
        **library_counts,
        **grade_counts,
        **scoring_counts,
        **report_counts,
        **slip_counts,
        **need_counts,
        **outreach_counts,
        **survey_counts,
        **step2_counts,
        **roundtable_counts,
        **training_counts,
        **publication_counts,
    }
    summary.compound_kinds = Counter(c.kind for c in tree.compounds)
    summary.project_kinds = Counter(p.compound.kind for p in built)
    summary.statuses = Counter(p.status for p in built)
    for username, role, _place, _name in catalog.LOGINS + catalog.ORGANISATION_LOGINS:
        user = tree.logins[username]
        assignment = user.role_assignments.select_related("community", "street", "district").get()
        where = assignment.community or assignment.street or assignment.district or "全系统"
        summary.logins.append((username, Role(role).label, str(where)))
    summary.seconds = time.monotonic() - started
    return summary


def analyze() -> None:
    """Fresh planner statistics and visibility maps for the tables just filled (autovacuum may be
    off or late): the planner then knows the row counts, and index-only scans work."""
    # VACUUM (the visibility maps) cannot run inside a transaction; a test's load gets ANALYZE only.
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
