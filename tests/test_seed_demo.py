"""seed_demo builds the demo district of DESIGN.md §4 once, with every dashboard populated."""

from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F
from django.test import RequestFactory, override_settings

from accounts.models import (
    AccountChange,
    Community,
    Compound,
    District,
    Household,
    RoleAssignment,
    Street,
    User,
)
from accounts.roles import Role
from core.models import AuditEvent
from core.phone import phone_hash
from dashboards import selectors as dashboards
from demo.records import scaled
from needs.models import Need
from partners.models import Partner
from projects.models import (
    Activity,
    ActivityPhoto,
    ActivitySeries,
    ActivityVolunteer,
    FundingGrant,
    Project,
    ProjectEvent,
    ReviewComment,
    ReviewCondition,
    ReviewRound,
    Status,
    Supervision,
)
from projects.workflow import PROJECT_WORKFLOW, SUPERVISION_WORKFLOW, readiness
from signups.models import SignUp
from tests import factories as f

PASSWORD = "demo-pass-2024"
COACHING_EVENTS = {
    ProjectEvent.Kind.COACHING_ASSIGNED,
    ProjectEvent.Kind.COACHING_NOTE,
    ProjectEvent.Kind.COACHING_PLAN,
    ProjectEvent.Kind.COACHING_DONE,
}
SCALE = "0.1"  # the volume records at a tenth; the tree, logins and 64 projects are the same


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", "--scale", SCALE, *args, stdout=out)
    return out.getvalue()


def this_years_projects():
    """The programme's 64 projects, without the two previous years' projects the library's demo
    builds (demo/library.py: each of those went through a nomination)."""
    from library.models import Nomination

    return Project.objects.exclude(pk__in=Nomination.objects.values("project"))


def role_of(username: str) -> RoleAssignment:
    return RoleAssignment.objects.select_related("community__street", "street", "district").get(
        user__username=username
    )


def login(username: str, password: str = PASSWORD):
    request = RequestFactory().post("/accounts/login/")
    return authenticate(request, username=username, password=password)


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """One load shared by a class of read-only tests, rolled back after the class."""
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(DEBUG=True):
        # pytest-django runs tests with DEBUG=False, which the command refuses without --force.
        yield seed()
        transaction.set_rollback(True)


def replay(project) -> list[str]:
    """What is wrong with a project's timeline as a walk through the workflow table: a step no
    action allows from the status it starts in, a step its actor may not take, or an end that
    is not the project's status."""
    events = list(project.events.order_by("at", "id"))
    if not events or events[0].kind != ProjectEvent.Kind.CREATED:
        return ["the first entry is not 'created'"]
    problems, status = [], PROJECT_WORKFLOW.initial
    for event in events[1:]:
        as_then = Project(pk=project.pk, community=project.community, status=status)
        actor = User.objects.get(pk=event.actor_id)  # a fresh scope for each actor
        if event.kind in COACHING_EVENTS:
            # 一项目一方案: training's own table (test_coachings_show_on_their_projects_timelines);
            # the project's status stays.
            if event.kind == ProjectEvent.Kind.COACHING_ASSIGNED and not actor.has_perm(
                "training.attach_coach", as_then
            ):
                problems.append(f"{event.kind} by {actor.username}")
            continue
        if replies := SUPERVISION_WORKFLOW.actions_writing(event.kind):
            # A reply to a 督办 item: the item's own table; the project's status stays.
            if not actor.has_perm(replies[0].permission, Supervision(project=as_then)):
                problems.append(f"{event.kind} by {actor.username}")
            continue
        actions = [a for a in PROJECT_WORKFLOW.actions_writing(event.kind) if status in a.sources]
        if not actions:
            problems.append(f"{event.kind} from {status}")
            continue
        # Two actions may write the same entry (the street's and the district's grants).
        action = next((a for a in actions if actor.has_perm(a.permission, as_then)), None)
        if action is None:
            problems.append(f"{event.kind} by {actor.username}")
            action = actions[0]
        status = action.target or status
    if status != project.status:
        problems.append(f"ends in {status}, not {project.status}")
    return problems


def test_replay_finds_a_step_the_table_does_not_allow(org, people):
    project = f.ProjectFactory(community=org.guoao, status=Status.APPROVED)
    for kind, actor in [("created", people.secretary), ("approved", people.street)]:
        ProjectEvent.objects.create(project=project, kind=kind, actor=actor)
    assert replay(project) == ["approved from draft", "ends in draft, not approved"]
    project.events.all().delete()
    steps = [("created", people.secretary), ("submitted", people.secretary)]
    steps += [("approved", people.expert)]  # an expert comments; only the 组长 decides
    for kind, actor in steps:
        ProjectEvent.objects.create(project=project, kind=kind, actor=actor)
    assert replay(project) == ["approved by expert"]


@pytest.mark.django_db
class TestLoadedDemo:
    def test_demo_logins_have_their_roles_and_scopes(self, demo):
        secretary, secretary2 = role_of("secretary"), role_of("secretary2")
        assert (secretary.role, secretary.community.name) == (Role.SECRETARY, "国奥社区")
        assert (secretary2.role, secretary2.community.name) == (Role.SECRETARY, "悦海社区")
        assert secretary.community.street != secretary2.community.street
        home = secretary.community.street
        for username, role in [
            ("street", Role.STREET_LEADER),
            ("member", Role.STREET_MEMBER),
            ("expert", Role.EXPERT),
        ]:
            assert (role_of(username).role, role_of(username).street) == (role, home)
        assert role_of("district").role == Role.DISTRICT_STAFF
        assert role_of("auditor").role == Role.AUDITOR
        assert role_of("district").district.name == "黄渤海新区"
        for username in ("sysadmin", "secadmin"):
            assignment = role_of(username)
            assert assignment.role == username
            assert not (assignment.community or assignment.street or assignment.district)
        assert not User.objects.filter(is_superuser=True).exists()

        resident = User.objects.select_related("household__building__compound__community").get(
            username="resident"
        )
        assert role_of("resident").community.name == "国奥社区"
        assert resident.household.building.compound.community.name == "国奥社区"
        partner = Partner.objects.get(user__username="partner")
        assert partner.community.name == "国奥社区" == role_of("partner").community.name
        assert User.objects.get(username="secretary").email == "secretary@demo.baiseshejing.local"
        assert User.objects.get(username="secretary").display_name

        # Every community has a secretary and every street a 组长, so notifications reach someone.
        assert not Community.objects.exclude(roleassignment__role=Role.SECRETARY).exists()
        assert RoleAssignment.objects.filter(role=Role.STREET_LEADER).count() == 8

        assert login("secretary") is not None
        assert login("street") is not None
        assert login("secretary", "wrong-password") is None
        assert "secretary2" in demo and PASSWORD in demo

    def test_demo_has_the_seed_figures_and_every_status(self, demo):
        assert Community.objects.count() == 100
        assert set(Compound.objects.values_list("kind", flat=True)) == set(Compound.Kind.values)
        assert not Compound.objects.filter(party_branch="").exists()
        assert Household.objects.count() > 0

        needs = Need.objects.all()
        # The seed's 125 at scale, but never fewer than the 64 projects' own needs and one of
        # each of the six categories (a project is submitted only with a need).
        # (Besides them, the round tables' topics turned into needs: demo/roundtable.py.)
        from_round_tables = needs.filter(source=Need.Source.ROUND_TABLE)
        assert from_round_tables.count() == scaled(6, float(SCALE))
        assert needs.count() - from_round_tables.count() == max(scaled(125, float(SCALE)), 64 + 6)
        assert len(set(needs.values_list("category", flat=True))) == 6
        # The needs list in depth (demo/needs.py): every status; each need's count is the sum
        # of its sources; a need is adopted exactly when a project links it (solved once the
        # project is retrospected).
        from django.db.models import Sum

        from needs.models import NeedMention

        assert set(needs.values_list("status", flat=True)) == set(Need.Status.values)
        sums = dict(NeedMention.objects.values_list("need").annotate(n=Sum("count")))
        assert all(sums.get(pk) == n for pk, n in needs.values_list("pk", "mentions"))
        linked = set(Project.needs.through.objects.values_list("need_id", flat=True))
        adopted = set(needs.filter(status="adopted").values_list("pk", flat=True))
        assert adopted <= linked
        assert linked <= adopted | set(needs.filter(status="solved").values_list("pk", flat=True))
        assert not needs.filter(status="declined", status_note="").exists()
        # Step 1 face to face (demo/outreach.py): the seed's 55 boxes at scale, each in a unit its
        # building's households live in, 国奥社区 among them; suggestions in every status; the
        # invariant above holds with their mentions, the visits' and the meetings'.
        from outreach.models import HomeVisit, ResidentMeeting, Suggestion, SuggestionBox

        boxes = SuggestionBox.objects.select_related("community")
        assert boxes.count() == scaled(55, float(SCALE))
        assert boxes.filter(community__name="国奥社区").exists()
        stairwells = set(Household.objects.values_list("building_id", "unit"))
        assert all((b.building_id, b.unit) in stairwells for b in boxes)
        statuses = set(Suggestion.objects.values_list("status", flat=True))
        assert statuses == {"new", "filed", "closed"}
        assert not Suggestion.objects.filter(status="filed", need__isnull=True).exists()
        assert HomeVisit.objects.exists() and ResidentMeeting.objects.exists()
        partners = Partner.objects.all()
        assert partners.count() == scaled(4568, float(SCALE))
        assert len(set(partners.values_list("category", flat=True))) == 9
        # bulk_create runs PhoneField.pre_save: numbers are encrypted and indexed.
        sample = partners.exclude(user__isnull=False).first()
        assert sample.phone_hash == phone_hash(sample.phone.full)

        projects = this_years_projects().select_related("compound")
        assert projects.count() == 64
        assert {s: projects.filter(status=s).exists() for s in Status.values} == dict.fromkeys(
            Status.values, True
        )
        kinds = [p.compound.kind for p in projects]
        assert [kinds.count(k) for k in ("old", "resettlement", "commercial")] == [25, 16, 23]
        assert projects.get(title="邻居节").community.name == "国奥社区"
        feast = projects.get(title="百家宴")
        # Held six times (the seventh is scheduled, open for sign-up: demo/signups.py).
        held = feast.activities.filter(status=Activity.Status.HELD)
        assert feast.community.name == "悦海社区" and held.count() == 6
        assert feast.activities.filter(status=Activity.Status.SCHEDULED).count() == 1
        assert SignUp.objects.filter(activity__project=feast).exists()
        assert SignUp.objects.filter(status="waiting").exists()
        assert SignUp.objects.filter(status="cancelled").exists()

        for project in projects.exclude(status=Status.DRAFT):
            # What a submission needs was there: needs, partners or a reason, the plan with its
            # budget lines, the joint meeting and the proposal.
            assert readiness(project) == [], project
            assert project.budget_total == sum(line.amount for line in project.budget_lines.all())
            rounds = list(project.rounds.order_by("number"))
            assert rounds and all(r.snapshot for r in rounds), project
            assert rounds[-1].decision == (
                "pending" if project.status == Status.SUBMITTED else rounds[-1].decision
            )
            assert all(r.decision == "returned" for r in rounds[:-1]), project
        for project in projects.filter(status__in=[Status.IN_PROGRESS, Status.RETROSPECTED]):
            assert project.activities.exists() and project.announced_at, project
        assert not projects.filter(status=Status.RETROSPECTED, retrospective="").exists()
        assert not Project.needs.through.objects.exclude(
            need__community_id=F("project__community_id")
        ).exists()
        assert ProjectEvent.objects.filter(kind=ProjectEvent.Kind.RETURNED).exists()
        # Steps 3–4 in depth: a project of 国奥社区 in three rounds (the benchmark's), approvals
        # with conditions (confirmed once the project is announced), grants, 督办 overdue.
        assert ReviewRound.objects.filter(number=3, project__community__name="国奥社区").exists()
        conditional = ReviewRound.objects.filter(decision="conditional")
        assert conditional.exists()
        assert not ReviewCondition.objects.filter(
            confirmed_at__isnull=True, project__status__in=[Status.ANNOUNCED, Status.IN_PROGRESS]
        ).exists()
        assert ReviewComment.objects.filter(recommendation="approve").exists()
        assert FundingGrant.objects.filter(source="district").exists()
        assert Supervision.objects.overdue().count() >= 3
        assert Supervision.objects.filter(status="answered").exists()
        assert Project.objects.exclude(micro_kind="").exists()
        assert Project.objects.filter(public_space__isnull=False).exists()
        assert Project.objects.filter(project_class__isnull=True).count() == 0
        assert ActivityPhoto.objects.count() == 0  # the demo has no files
        assert AuditEvent.objects.count() == 0

    def test_step_two_has_the_seed_figures_and_something_in_every_state(self, demo):
        from accounts.models import Building
        from partners import models as p

        scale = float(SCALE)
        assert p.PracticalTask.objects.claimed().count() == scaled(659, scale)
        assert set(p.PracticalTask.objects.values_list("status", flat=True)) == set(
            p.TaskStatus.values
        )
        # Claimants belong to the task's community.
        assert (
            not p.PracticalTask.objects.claimed()
            .exclude(claimed_by__community_id=F("community_id"))
            .exists()
        )
        published = p.Excellent.objects.filter(status="published")
        assert published.count() == scaled(276, scale)
        assert len(set(published.values_list("year", flat=True))) == 1
        nominated = p.Excellent.objects.filter(status="nominated")
        assert nominated.filter(partner__community__street__name="长江路街道").exists()
        # Every partner took on duties; both modes are covered; units and members reported.
        assert not p.Partner.objects.filter(duties__isnull=True).exists()
        modes = set(p.Partner.objects.values_list("duties__mode", flat=True))
        assert modes == {"peace", "war"}
        units = p.Partner.objects.filter(category_id="partner_unit")
        assert not units.filter(reported_at__isnull=True).exists()
        members = p.Partner.objects.filter(category_id="party_member")
        assert not members.filter(home_building__isnull=True).exists()
        # 双包: most compounds and buildings covered, some not (国奥社区's first compound).
        covered = set(p.CompoundAdoption.objects.current().values_list("compound", flat=True))
        assert 0 < len(covered) < Compound.objects.count()
        buildings = set(p.BuildingAdoption.objects.current().values_list("building", flat=True))
        assert 0 < len(buildings) < Building.objects.count()
        assert p.CompoundAdoption.objects.filter(partner__category_id="partner_unit").count() == (
            p.CompoundAdoption.objects.count()
        )
        # A call in every community, applications waiting in 国奥社区, call-outs answered.
        guoao = Community.objects.get(name="国奥社区")
        assert p.RecruitmentCall.objects.filter(status="open").count() == Community.objects.count()
        assert p.Application.objects.filter(community=guoao, status="pending").count() == 3
        assert p.Alert.objects.filter(answer="available").exists()
        assert p.Emergency.objects.filter(status="closed", community=guoao).exists()
        # The `partner` login: a lawyer with legal-aid tasks and last year's honour.
        mine = p.Partner.objects.get(user__username="partner")
        assert mine.tasks.filter(kind="legal_aid", status="done").exists()
        assert published.filter(partner=mine).exists()
        # Step 2 of the projects: what each linked partner contributes, and what sessions got.
        from projects.models import ActivityContribution, Contribution

        # (this year's projects; the library's past projects keep their links without pledges)
        linked = Project.partners.through.objects.filter(project__in=this_years_projects())
        assert Contribution.objects.count() == linked.count() > 0
        assert ActivityContribution.objects.filter(activity__status="held").exists()

    def test_the_streets_work_has_the_seed_figures(self, demo):
        """130+ 研判 in the ten classes, 25 / 16 / 23 adopted for old / resettlement / commercial
        compounds (each the 研判 of a demo project of its community), 40+ field visits."""
        from streetwork.models import Assessment, FieldVisit, Verdict

        assessments = Assessment.objects.all()
        assert assessments.count() == 132
        assert assessments.values("project_class").distinct().count() == 10
        adopted = assessments.filter(verdict=Verdict.ADOPT)
        assert Counter(adopted.values_list("compound_kind", flat=True)) == {
            "old": 25,
            "resettlement": 16,
            "commercial": 23,
        }
        assert adopted.exclude(project=None).count() == this_years_projects().count() == 64
        assert not adopted.exclude(project__community=F("community")).exists()
        assert FieldVisit.objects.count() == 42
        assert FieldVisit.objects.filter(community__name="国奥社区").exists()

    def test_the_compound_scenes_and_micro_projects_have_the_seed_figures(self, demo):
        from scenes.models import CareRecord, Claim, MicroProject, Scene, SceneKind

        assert Scene.objects.alive().count() == 89
        kinds = Counter(Scene.objects.values_list("kind", flat=True))
        assert set(kinds) == set(SceneKind.values)
        outdoor = Scene.objects.filter(kind=SceneKind.PUBLIC_SPACE)
        assert outdoor.values("public_space").distinct().count() == 5
        assert MicroProject.objects.alive().count() == 45
        assert set(MicroProject.objects.values_list("kind", flat=True)) == {"plot", "task"}
        live = Claim.objects.live()
        assert live.filter(partner__isnull=False).exists()
        assert live.filter(partner__isnull=True).exclude(phone_hash="").exists()
        assert CareRecord.objects.count() >= live.count()
        assert 1 <= MicroProject.objects.neglected().count() < live.count()
        assert Scene.objects.filter(community__name="国奥社区").exists()

    def test_the_programme_of_sessions_has_the_seed_figures(self, demo):
        """悦海社区's 百家宴: a monthly series of six held sessions; 国奥社区's 邻居节: a yearly
        series held fourteen years running on the same date, next year's scheduled; volunteers
        with hours on held sessions; running projects have their next session planned."""
        from projects.sessions import occurrence

        feast = ActivitySeries.objects.get(project__title="百家宴", recurrence="monthly")
        sessions = list(feast.sessions.order_by("date"))
        assert [s.status for s in sessions] == ["held"] * 6
        assert [s.date for s in sessions] == [
            occurrence(feast.first_date, "monthly", n) for n in range(6)
        ]
        festival = ActivitySeries.objects.get(project__title="邻居节", recurrence="yearly")
        held = festival.sessions.filter(status="held").order_by("date")
        assert held.count() == 14
        assert len({(s.month, s.day) for s in held.values_list("date", flat=True)}) == 1
        upcoming = festival.sessions.get(status="scheduled")
        assert upcoming.date == occurrence(festival.first_date, "yearly", 14)
        assert upcoming.date <= festival.project.end_date and upcoming.signup_capacity
        assert ActivityVolunteer.objects.filter(activity__series=feast).exists()
        assert not ActivityVolunteer.objects.exclude(
            partner__community_id=F("activity__project__community_id")
        ).exists()
        assert Activity.objects.filter(
            status="scheduled", project__status="in_progress", series__isnull=True
        ).exists()
        # The daily task has nothing to add to what the demo wrote.
        from projects.sessions import series_extend_all

        assert series_extend_all() == 0

    def test_every_session_lies_in_its_plan_and_counts_toward_a_milestone(self, demo):
        """No session before its project starts or after it ends; a session carries its
        project's name (the 充电桩 project's too, renamed by demo/notices.py); milestones show
        held sessions; announcements send residents to the online sign-up, not round the
        楼栋长."""
        from django.db.models import Q

        from projects.models import Milestone

        outside = Activity.objects.filter(
            Q(date__lt=F("project__start_date")) | Q(date__gt=F("project__end_date"))
        )
        assert not outside.exists()
        unseries = Activity.objects.filter(series__isnull=True, status="scheduled")
        assert (
            not unseries.exclude(title=F("project__title"))
            .exclude(project__title="百家宴")
            .exists()
        )
        charging = Project.objects.get(title__endswith="加装电动自行车充电桩", status="announced")
        assert all(a.title == charging.title for a in charging.activities.all())
        feast = Project.objects.get(title="百家宴", community__name="悦海社区")
        assert Milestone.objects.filter(project=feast, sessions__status="held").exists()
        assert not Project.objects.filter(announcement__contains="楼栋长").exists()
        assert Project.objects.filter(announcement__contains="在本页在线报名").exists()

    def test_two_projects_have_a_notice_period_with_answered_objections(self, demo):
        from core.models import CalendarDay
        from projects.models import Objection

        assert CalendarDay.objects.filter(date__year=2026).exists()
        noticed = Project.objects.filter(notice_round__gte=1, changes_shared_property=True)
        assert noticed.count() == 2
        # Both in 国奥社区's street, so the demo's 组长 (login "street") sees and decides them.
        assert len({p.community.street_id for p in noticed}) == 1
        statuses = set(Objection.objects.values_list("status", flat=True))
        assert statuses == {Objection.Status.ANSWERED, Objection.Status.DISMISSED}
        assert not Objection.objects.filter(answer="").exists()

    def test_every_dashboard_has_something_to_show(self, demo):
        users = {u.username: u for u in User.objects.all()}
        todo = dashboards.community_staff_home(users["secretary"])
        for key in ("returned", "drafts", "to_announce", "running"):
            assert list(todo[key]), key
        assert Project.objects.filter(
            community__name="国奥社区", status=Status.IN_PROGRESS
        ).exists()
        waiting = list(dashboards.street_group_home(users["street"])["waiting"])
        assert len(waiting) >= 3
        assert len({p.status_changed_at.date() for p in waiting}) >= 3
        overdue = list(dashboards.overdue_projects(user=users["district"]))
        assert {p.status for p in overdue} >= {Status.SUBMITTED, Status.IN_PROGRESS}
        assert list(dashboards.resident_home(users["resident"])["announcements"])
        assert list(dashboards.partner_home(users["partner"])["profiles"])
        # The three separated admins: one change waiting, one carried out, one rejected, each
        # proposed by the system admin and (where decided) decided by the security admin.
        changes = AccountChange.objects.visible_to(users["auditor"])
        assert Counter(changes.values_list("status", flat=True)) == {
            "proposed": 1,
            "approved": 1,
            "rejected": 1,
        }
        assert {c.proposed_by.username for c in changes} == {"sysadmin"}
        assert not changes.get(kind="deactivate").target.is_active
        assert {c.decided_by.username for c in changes if c.decided_by} == {"secadmin"}

    def test_every_demo_history_is_a_path_through_the_workflow_table(self, demo):
        """The demo writes its timelines in bulk, not through services: replaying each project's
        events against PROJECT_WORKFLOW must reach its status, every step allowed from the status
        it starts in and permitted to the person who took it."""
        projects = this_years_projects().select_related("community__street")
        assert projects.count() == 64
        assert {p.title: replay(p) for p in projects if replay(p)} == {}

    def test_the_library_holds_exactly_54_projects_of_the_two_previous_years(self, demo):
        """The tree of 3 classes and 10 items, the guidance with the twelve outdoor categories,
        54 library projects with reasons and write-ups (not scaled), a few nominations waiting
        and declined; every past project completed within its year."""
        from datetime import timedelta

        from django.utils import timezone

        from library.models import ActivityClass, ActivityItem, Guidance, LibraryEntry, Nomination

        assert ActivityClass.objects.count() == 3 and ActivityItem.objects.count() == 10
        entries = LibraryEntry.objects.select_related("project")
        assert entries.count() == 54
        assert ActivityItem.objects.filter(entries__isnull=True).count() == 0
        this_year = timezone.localdate().year
        assert set(entries.values_list("year", flat=True)) == {this_year - 2, this_year - 1}
        for entry in entries:
            assert entry.reason and len(entry.case_paragraphs) >= 3, entry.pk
            assert entry.project.status == Status.RETROSPECTED
            assert entry.project.retrospected_at.year == entry.year
            assert entry.nomination.status == Nomination.Status.SELECTED
        past = Project.objects.filter(pk__in=Nomination.objects.values("project"))
        assert not past.exclude(status=Status.RETROSPECTED).exists()
        assert past.count() == 61
        assert [replay(p) for p in past.select_related("community__street")] == [[]] * 61
        statuses = Counter(Nomination.objects.values_list("status", flat=True))
        assert statuses["pending"] >= 1 and statuses["declined"] >= 1
        guide = Guidance.objects.get(kind=Guidance.Kind.GUIDE)
        assert guide.outdoor_categories.count() == 12 and guide.public_spaces.count() == 5
        assert len(guide.paragraphs) == 10
        assert Guidance.objects.filter(kind=Guidance.Kind.OPINION).exists()
        # Every guidance page with its Word version; what waits was recommended lately; a
        # write-up tells where its project happened (works are built, not held indoors).
        assert not Guidance.objects.filter(attachments__isnull=True).exists()
        recent = timezone.now() - timedelta(days=42)
        waiting = Nomination.objects.filter(status=Nomination.Status.PENDING)
        assert not waiting.filter(nominated_at__lt=recent).exists()
        for entry in entries.filter(project__title__contains="充电桩"):
            assert "活动室" not in entry.case_study and "施工" in entry.case_study, entry.pk
            assert entry.project.activities.filter(place__contains="充电车棚").exists()

    def test_every_street_reports_its_half_year_and_has_last_years_assessment(self, demo):
        """半年述职 of the last half year for each of the 8 streets, drafted from its figures:
        the home street's accepted, 悦海社区's street's returned with a comment, the rest
        submitted; and a finalised 年度考核 per street for the year before."""
        from django.utils import timezone

        from accounts.models import Street
        from reports.models import HalfYearReport, Period, YearlyAssessment

        period = Period.current().previous()
        reports = HalfYearReport.objects.filter(year=period.year, half=period.half)
        assert reports.count() == HalfYearReport.objects.count() == Street.objects.count() == 8
        assert Counter(reports.values_list("status", flat=True)) == {
            "submitted": 6,
            "returned": 1,
            "accepted": 1,
        }
        home = role_of("street").street
        assert reports.get(street=home).status == "accepted"
        returned = reports.get(status="returned")
        assert returned.street.communities.filter(name="悦海社区").exists()
        assert returned.review_comment and returned.events.filter(kind="returned").exists()
        for report in reports:
            assert report.figures["street"] == report.street.name
            assert report.achievements and report.problems and report.next_steps
            assert report.submitted_by == report.created_by
        assert sum(r.figures["projects"]["total"] for r in reports) > 0
        last_year = timezone.localdate().year - 1
        assessments = YearlyAssessment.objects.filter(year=last_year, status="final")
        assert assessments.count() == YearlyAssessment.objects.count() == 8
        assert all(a.figures["end"] == f"{last_year}-12-31" for a in assessments)
        assert len(set(assessments.values_list("grade", flat=True))) >= 3

    def test_the_communities_have_printed_household_code_slips(
        self, demo, client, django_capture_on_commit_callbacks
    ):
        """国奥社区's compounds have ready batches (one building by building, one batch voided
        and reissued), 悦海社区 one; one live batch per household; a batch's PDF is made by the
        task on its first download, which says 生成中 (demo/slips.py)."""
        from django.db.models import Q

        from evaluation.models import CodeBatch

        guoao = Community.objects.get(name="国奥社区")
        batches = CodeBatch.objects.filter(community=guoao)
        assert batches.filter(status="ready").count() == 4
        voided = batches.get(status="voided")
        assert voided.void_reason and CodeBatch.objects.get(replaces=voided).status == "ready"
        assert CodeBatch.objects.filter(community__name="悦海社区", status="ready").count() == 1
        live = CodeBatch.objects.filter(status__in=["preparing", "ready"])
        for batch in live:
            assert batch.households > 0
            overlap = live.filter(compound=batch.compound).exclude(pk=batch.pk)
            if batch.building_id:
                overlap = overlap.filter(Q(building=None) | Q(building=batch.building))
            assert not overlap.exists(), batch
        client.force_login(role_of("secretary").user)
        batch = batches.filter(status="ready").order_by("households").first()
        url = f"/evaluation/slips/{batch.pk}/download/"
        with django_capture_on_commit_callbacks() as queued:
            response = client.get(url)
        assert response.status_code == 302  # to the list, which shows it 生成中 and polls
        assert "生成中" in client.get(response["Location"]).content.decode()
        for task in queued:  # the worker renders it
            task()
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")

    def test_residents_graded_the_running_projects_through_every_channel(self, demo):
        """Thousands of grades (demo/grades.py): every project in progress or retrospected has
        some, through the three channels, one per household (the constraint), some on site
        without a code (unverified); only of its own community's households."""
        from django.db.models import F

        from evaluation.models import Channel, Grade
        from evaluation.selectors import grade_results

        grades = Grade.objects.all()
        assert grades.verified().count() >= 1000
        assert grades.unverified().exists()
        assert set(grades.values_list("channel", flat=True)) == set(Channel.values)
        assert (
            not grades.verified()
            .exclude(household__building__compound__community=F("project__community"))
            .exists()
        )
        assert not grades.exclude(project__status__in=["in_progress", "retrospected"]).exists()
        assert not grades.filter(channel="visit", recorded_by=None).exists()
        running = Project.objects.filter(status__in=["in_progress", "retrospected"])
        results = grade_results(running.values_list("id", flat=True))
        assert all(r.overall.total for r in results.values())
        assert not running.filter(status="retrospected", retro_worked="").exists()

    def test_grades_come_after_the_sessions_and_fit_the_project(self, demo):
        """demo/grades.py: on site on the session's day; at home or online within weeks after
        a session held, the 复盘 or the start; a comment of another kind of project never."""
        from datetime import timedelta

        from django.db.models import Max
        from django.utils import timezone

        from evaluation.models import Grade
        from projects.models import Activity

        onsite = Grade.objects.filter(channel="onsite").select_related("session")
        assert all(timezone.localdate(g.created_at) == g.session.date for g in onsite)
        held = dict(
            Activity.objects.filter(status="held")
            .values("project_id")
            .annotate(last=Max("date"))
            .values_list("project_id", "last")
        )
        spans = Grade.objects.values("project_id").annotate(z=Max("created_at"))
        projects = Project.objects.in_bulk([s["project_id"] for s in spans])
        for span in spans:
            project = projects[span["project_id"]]
            ends = [project.retrospected_at and timezone.localdate(project.retrospected_at)]
            ends += [held.get(project.pk), project.start_date]
            last = max(d for d in ends if d)
            assert timezone.localdate(span["z"]) <= last + timedelta(days=22), project.title
        assert (
            not Grade.objects.filter(comment__contains="楼道干净了")
            .exclude(project__theme="beauty")
            .exists()
        )

    def test_judges_scored_this_years_round_and_last_years_competition(self, demo):
        """demo/scoring.py: an open round with sheets submitted and drafts, judged by district
        staff and experts never on their own street's projects; a published competition with one
        entrant per community and at least five sheets each (the highest and lowest dropped)."""
        from django.db.models import F

        from scoring.models import Round, ScoreSheet
        from scoring.selectors import round_ranking

        review = Round.objects.get(kind="review")
        competition = Round.objects.get(kind="competition")
        assert review.status == "open" and review.accepting_on()
        assert set(review.sheets.values_list("status", flat=True)) == {"draft", "submitted"}
        assert {"district", "expert"} <= set(review.judges.values_list("user__username", flat=True))
        assert not ScoreSheet.objects.filter(
            judge__role_assignments__street=F("entry__community__street")
        ).exists()
        assert competition.status == "published"
        # Last year's competition was scored under last year's rubric, written last year.
        assert competition.rubric != review.rubric
        assert f"{competition.year}版" in competition.rubric.name
        assert competition.rubric.created_at.year == competition.year
        assert competition.opens_on.year == competition.closes_on.year == competition.year
        assert competition.published_at.year == competition.year
        communities = list(competition.entries.values_list("community_id", flat=True))
        assert len(communities) == len(set(communities)) >= 10
        rows = round_ranking(competition)
        assert all(row.score.sheets >= 5 and row.score.dropped for row in rows)
        assert [row.rank for row in rows][:1] == [1]
        assert login("expert") is not None

    def test_questionnaires_hand_out_the_seeds_copies_and_get_most_back(self, demo):
        from django.db.models import Sum

        from surveys.models import Answer, Distribution, Question, Response, Survey

        handed = Distribution.objects.aggregate(n=Sum("copies"))["n"]
        returned = Response.objects.count()
        assert handed == scaled(2900, float(SCALE))
        assert 0.75 <= returned / handed <= 0.85
        assert set(Response.objects.values_list("channel", flat=True)) == {
            "online",
            "paper",
            "visit",
        }
        district = Survey.objects.get(level="district")
        assert Survey.objects.filter(template=district).count() == Community.objects.count()
        assert Survey.objects.filter(level="street").exists()
        # Every copy's answers point at its template's questions.
        copies = Answer.objects.filter(response__survey__template__isnull=False)
        assert not copies.exclude(question__survey_id=F("response__survey__template_id")).exists()
        assert all(
            5 <= Question.objects.filter(survey=s).count() <= 8
            for s in Survey.objects.filter(template__isnull=True)
        )
        online = Response.objects.filter(channel="online").exclude(comment="")
        assert online.exists() and not online.filter(receipt__isnull=True).exists()

    def test_every_street_and_the_district_published_the_last_three_months(self, demo):
        """demo/publications.py: of each kind the three latest months that are due, published by
        every street (the digest: the district), and after them the drafts the daily job holds
        today and that are not due yet — worked out here from today's date and the calendar."""
        from django.utils import timezone

        from publications.models import Kind, Publication, PublicationStatus
        from publications.services import add_months, drafted_from, due_on

        now = timezone.localtime()
        today, this_month = now.date(), now.date().replace(day=1)

        def due(kind, month):  # the demo signs off at 09:30 on the due day
            day = due_on(kind, month)
            return day < today or (day == today and now.hour >= 10)

        expected_published, expected_drafts = {}, {}
        newest = {Kind.PREVIEW: 1, Kind.SUMMARY: -1, Kind.DIGEST: -1}
        for kind, step in newest.items():
            months = [add_months(this_month, step - n) for n in range(6)]
            drafted = [m for m in months if drafted_from(kind, m) <= today]
            expected_published[kind] = set(sorted(m for m in drafted if due(kind, m))[-3:])
            expected_drafts[kind] = {m for m in drafted if not due(kind, m)}
        # The summaries and the digest of the months that are over, the newest still a draft in
        # the first working days of a month; previews of this month (or the last) and after.
        assert expected_drafts[Kind.SUMMARY] <= {add_months(this_month, -1)}
        assert max(expected_published[Kind.SUMMARY] | expected_drafts[Kind.SUMMARY]) == (
            add_months(this_month, -1)
        )
        assert max(expected_published[Kind.PREVIEW]) >= add_months(this_month, -1)
        if today.day >= 25:
            assert add_months(this_month, 1) in expected_drafts[Kind.PREVIEW]

        streets = Street.objects.count()
        rows = Publication.objects.all()
        for kind in Kind:
            assert len(expected_published[kind]) == 3, kind
            # Every street has each month (one row per street and month: a constraint).
            per_month = 1 if kind == Kind.DIGEST else streets
            for status, expected in (
                (PublicationStatus.PUBLISHED, expected_published[kind]),
                (PublicationStatus.DRAFT, expected_drafts[kind]),
            ):
                months = rows.filter(kind=kind, status=status).values_list("month", flat=True)
                assert Counter(months) == dict.fromkeys(expected, per_month), (kind, status)
        published = rows.filter(status=PublicationStatus.PUBLISHED)
        assert not published.filter(signed_off_by=None).exists()
        assert not published.filter(foreword="").exists()
        assert not rows.filter(status=PublicationStatus.DRAFT, signed_off_by__isnull=False).exists()
        summary = published.filter(kind=Kind.SUMMARY).latest("month")
        assert summary.content["sections"] and summary.foreword
        # No PDF is made by the seed: each is built on its first download (demo/publications.py).
        assert not rows.filter(pdf__isnull=False).exists()

    def test_a_year_of_round_tables_with_their_figures(self, demo):
        import datetime

        from django.db.models import Count, Q
        from django.utils import timezone

        from roundtable import models as rt
        from roundtable.followup import ORIGIN_PREFIX, solved_counts
        from roundtable.meetings import add_months

        today = timezone.localdate()
        this_month = today.replace(day=1)
        communities = Community.objects.count()
        meetings = rt.Meeting.objects.all()
        # Every community: the twelve months gone, closed with minutes, and two ahead.
        assert meetings.count() == 14 * communities
        closed = meetings.filter(status=rt.MeetingStatus.CLOSED)
        assert closed.count() == 12 * communities
        assert not closed.filter(Q(minutes="") | Q(closed_by=None)).exists()
        assert not closed.filter(date__gte=today).exists()
        assert set(
            meetings.exclude(status=rt.MeetingStatus.CLOSED).values_list("month", flat=True)
        ) == {
            this_month,
            add_months(this_month, 1),
        }
        assert not meetings.exclude(date__day=17).exclude(moved_reason="holiday").exists()
        # The seed's 45 problems solved, at this scale; each solved topic's resolutions all done.
        topics = rt.Topic.objects.all()
        solved = topics.filter(status=rt.TopicStatus.SOLVED)
        assert solved.count() == scaled(45, float(SCALE)) == solved_counts().total
        assert not solved.filter(solved_at=None).exists()
        assert not rt.Resolution.objects.filter(
            topic__status=rt.TopicStatus.SOLVED, status=rt.ResolutionStatus.OPEN
        ).exists()
        # Every topic resolved has a resolution; a few are overdue, 国奥社区's among them.
        resolved = topics.filter(status=rt.TopicStatus.RESOLVED)
        assert not resolved.annotate(n=Count("resolutions")).filter(n=0).exists()
        overdue = rt.Resolution.objects.overdue(today)
        assert overdue.count() == scaled(8, float(SCALE))
        assert overdue.filter(topic__community__name="国奥社区").exists()
        # The counters kept on the rows are the rows.
        for topic in topics.filter(community__name="国奥社区"):
            assert topic.supports == rt.Support.objects.filter(topic=topic).count()
            assert topic.posts_count == topic.posts.filter(status="published").count()
        # Discussed on the day of the meeting, in closed meetings only; upcoming ones are open.
        assert not rt.Post.objects.exclude(topic__meeting__status=rt.MeetingStatus.CLOSED).exists()
        upcoming = topics.exclude(meeting__status=rt.MeetingStatus.CLOSED)
        assert upcoming.exists() and not upcoming.exclude(status=rt.TopicStatus.OPEN).exists()
        # Held for a moderator: 国奥社区's by a sensitive word, 悦海社区's by 先审后发.
        held = topics.filter(moderation=rt.PostStatus.HELD)
        assert held.filter(community__name="国奥社区", held_reason__startswith="含敏感词").exists()
        assert held.filter(community__name="悦海社区", held_reason="本社区圆桌会先审后发").exists()
        assert (
            rt.Post.objects.filter(status=rt.PostStatus.HIDDEN).exclude(hidden_reason="").exists()
        )
        # Set-aside topics: their meeting's minutes say why (the demo writes no audit rows).
        aside = topics.filter(status=rt.TopicStatus.SET_ASIDE).select_related("meeting")
        assert aside.exists()
        for topic in aside:
            assert f"{topic.title}:暂不讨论," in topic.meeting.minutes
        # Topics turned into needs, linked both ways.
        linked = topics.exclude(need=None)
        assert linked.count() == scaled(6, float(SCALE))
        for topic in linked:
            assert topic.need.sources.filter(origin=f"{ORIGIN_PREFIX}{topic.pk}").exists()
        # Everybody who posted at a meeting attended it.
        for meeting in closed.filter(community__name="国奥社区").exclude(topics=None):
            posters = set(
                rt.Post.objects.filter(topic__meeting=meeting)
                .exclude(participant=None)
                .values_list("participant", flat=True)
            )
            attended = set(meeting.attendance.values_list("participant", flat=True))
            assert posters <= attended
        # Reminded once when each overdue resolution fell due: the daily job will not repeat it.
        assert rt.Reminder.objects.filter(kind="due").count() == overdue.count()
        assert today - datetime.timedelta(days=400) < closed.order_by("date").first().date

    def test_the_round_tables_demo_logins_take_part(self, demo):
        from roundtable import access
        from roundtable.models import Participant, ParticipantKind, ParticipantStatus

        guoao = Community.objects.get(name="国奥社区")
        resident = User.objects.get(username="resident")
        mine = access.participant_of(resident, guoao.pk)
        assert mine.status == ParticipantStatus.VERIFIED and mine.household == resident.household
        assert access.may_post(resident, guoao.pk)
        for username, kind in (
            ("wuye", ParticipantKind.PROPERTY),
            ("yeweihui", ParticipantKind.OWNERS_COMMITTEE),
        ):
            user = login(username)
            assert user is not None, username
            assert role_of(username).role == Role.PARTNER
            assert access.may_post(user, guoao.pk)
            assert access.participant_of(user, guoao.pk).kind == kind
            assert Partner.objects.get(user=user).category_id == kind.value
        # Verified residents hold the community's resident role; some wait to be verified.
        participants = Participant.objects
        assert participants.filter(community=guoao, status=ParticipantStatus.PENDING).exists()
        for participant in participants.filter(
            status=ParticipantStatus.VERIFIED, kind=ParticipantKind.RESIDENT
        )[:50]:
            assert RoleAssignment.objects.filter(
                user=participant.user_id, role=Role.RESIDENT, community=participant.community_id
            ).exists()

    def test_a_year_of_training_every_secretary_in_one_cohort_and_one_class_a_round(self, demo):
        """头雁工程 (demo/training.py): three cohorts of the secretaries, each month its cohort in
        classes of at most MAX_CLASS, once a quarter everybody; nine in ten came."""
        from collections import defaultdict

        from django.db.models import Count
        from django.utils import timezone

        from publications.services import add_months
        from training import models as tr

        now, today = timezone.now(), timezone.localdate()
        secretaries = set(
            RoleAssignment.objects.filter(role=Role.SECRETARY).values_list("user", flat=True)
        )
        # Every secretary in exactly one cohort (Trainee.user is one to one), evenly spread.
        cohort_of = dict(tr.Trainee.objects.values_list("user", "cohort__number"))
        assert set(cohort_of) == secretaries and tr.Cohort.objects.count() == 3
        sizes = Counter(cohort_of.values())
        assert set(sizes) == {1, 2, 3} and max(sizes.values()) - min(sizes.values()) <= 1
        # The last twelve months: each month its cohort, every member in exactly one class.
        classes = tr.Session.objects.filter(kind=tr.Kind.CLASS)
        assert not classes.annotate(n=Count("attendances")).filter(n__gt=tr.MAX_CLASS).exists()
        months = {add_months(today.replace(day=1), -n) for n in range(12)}
        assert set(classes.values_list("month", flat=True)) == months
        for month in months:
            number = tr.cohort_number_for(month)
            assert set(classes.filter(month=month).values_list("cohort__number", flat=True)) == {
                number
            }
            invited = Counter(
                tr.Attendance.objects.filter(
                    session__kind=tr.Kind.CLASS, session__month=month
                ).values_list("user", flat=True)
            )
            assert set(invited) == {u for u, n in cohort_of.items() if n == number}, month
            assert set(invited.values()) == {1}, month
        # A mentor who is a secretary teaches other cohorts than her own.
        assert not tr.Attendance.objects.filter(session__mentor__user=F("user")).exists()
        # Sessions over are held, with everybody's presence recorded; the others wait.
        sessions = tr.Session.objects.all()
        assert not sessions.filter(status="held", ends_at__gt=now).exists()
        assert not sessions.filter(status="planned", ends_at__lte=now).exists()
        held = tr.Attendance.objects.filter(session__status="held")
        assert not held.filter(present=None).exists()
        planned = tr.Attendance.objects.filter(session__status="planned")
        assert planned.exists() and not planned.exclude(present=None).exists()
        assert not planned.exclude(reply__in=["pending", "confirmed"]).exists()
        assert 0.8 < held.filter(present=True).count() / held.count() < 0.95
        assert held.filter(reply="leave").exists()
        assert not held.filter(reply="leave", leave_reason="").exists()
        rated = held.exclude(rating=None)
        assert rated.count() > held.count() / 3 and not rated.exclude(present=True).exists()
        assert set(rated.values_list("rating", flat=True)) <= {3, 4, 5}
        # Once a quarter everybody: the last four held, the next planned, with handouts.
        quarterly = sessions.filter(kind=tr.Kind.QUARTERLY)
        assert quarterly.filter(status="held").count() == 4
        assert quarterly.filter(status="planned", starts_at__gt=now).count() == 1
        for session in quarterly:
            assert set(session.attendances.values_list("user", flat=True)) == secretaries
            materials = list(session.materials.select_related("upload"))
            assert 1 <= len(materials) <= 2
            for material in materials:
                upload = material.upload
                assert upload.owner == session and upload.content_type == "application/pdf"
        # A few missed two sessions in a row (one of 国奥社区's street, not the demo login).
        runs = defaultdict(list)
        for user, present in held.order_by("session__starts_at").values_list("user", "present"):
            runs[user].append(present)
        twice = {
            u
            for u, seq in runs.items()
            if any(not a and not b for a, b in zip(seq, seq[1:], strict=False))
        }
        assert 4 <= len(twice) <= 6
        home = role_of("secretary").community.street
        assert User.objects.get(username="secretary").pk not in twice
        assert RoleAssignment.objects.filter(
            user__in=twice, role=Role.SECRETARY, community__street=home
        ).exists()

    def test_the_training_demo_logins_have_something_to_do(self, demo):
        """The `secretary` login trains this month (a class ahead to reply to, one held to rate)
        and is paired with `expert`, who has her question to answer and coaches two projects of
        her street, one of them still without a plan."""
        import datetime

        from django.utils import timezone

        from training import models as tr
        from training.services import paired_mentors

        today = timezone.localdate()
        secretary, expert = (User.objects.get(username=n) for n in ("secretary", "expert"))
        assert secretary.trainee.cohort.number == tr.cohort_number_for(today)
        other = User.objects.get(username="secretary2").trainee.cohort.number
        assert other != tr.cohort_number_for(today)
        mine = tr.Attendance.objects.filter(user=secretary, session__kind=tr.Kind.CLASS)
        after = timezone.make_aware(
            datetime.datetime.combine(today + datetime.timedelta(days=2), datetime.time())
        )
        assert mine.filter(
            session__status="planned", session__starts_at__gte=after, reply="pending"
        ).exists()
        unrated = mine.filter(session__status="held", present=True, rating=None).first()
        assert unrated is not None and secretary.has_perm("training.rate_attendance", unrated)
        # Paired with the expert: one question answered, one waiting for him.
        assert [str(m.user.username) for m in paired_mentors(secretary)] == ["expert"]
        asked = tr.Consultation.objects.filter(asker=secretary, mentor__user=expert)
        assert asked.filter(status="answered").exists()
        waiting = asked.get(status="waiting")
        assert waiting.messages.get().author == secretary
        assert expert.has_perm("training.answer_consultation", waiting)
        # The panel: scholars, professionals and outstanding secretaries, each paired with 3–6.
        panel = tr.Mentor.objects.annotate(n=Count("pairings"))
        assert set(panel.values_list("kind", flat=True)) == set(tr.MentorKind.values)
        assert set(panel.values_list("n", flat=True)) <= set(range(3, 7))
        assert not panel.filter(user__username__in=["secretary", "secretary2"]).exists()
        assert login("mentor01") is not None and role_of("mentor01").role == Role.EXPERT
        # Consultations over the year, most answered or closed; every thread starts with its
        # asker, each message written by one of the two.
        statuses = Counter(tr.Consultation.objects.values_list("status", flat=True))
        assert statuses["closed"] + statuses["answered"] > 2 * statuses["waiting"] > 0
        for consultation in tr.Consultation.objects.select_related("mentor"):
            authors = list(consultation.messages.values_list("author", flat=True))
            assert authors[0] == consultation.asker_id
            assert set(authors) <= {consultation.asker_id, consultation.mentor.user_id}
        # 一项目一方案 in 国奥社区's street: one with a plan, one without, both open.
        coached = tr.Coaching.objects.filter(
            mentor__user=expert,
            status="open",
            project__community__street=role_of("secretary").community.street,
        )
        assert coached.filter(project__community__name="国奥社区").exclude(plan="").exists()
        assert coached.filter(plan="").exists()
        # Her first consultation and the expert's first coaching are hers to open (the scale
        # test opens them).
        first = tr.Coaching.objects.filter(mentor__user=expert).earliest("created_at")
        assert first.project.community.name == "国奥社区"
        assert tr.Coaching.objects.visible_to(secretary).filter(pk=first.pk).exists()

    def test_coachings_show_on_their_projects_timelines(self, demo):
        """Every coaching, note, plan and end has the timeline entry training/workflow.py writes."""
        from django.utils import timezone

        from training import models as tr

        expected = Counter()
        coachings = tr.Coaching.objects.select_related("mentor__user", "project__community")
        assert coachings.count() == 8
        assert not coachings.exclude(
            project__status__in=["approved", "announced", "in_progress"]
        ).exists()
        for coaching in coachings:
            mentor, topic = coaching.mentor, coaching.get_topic_display()
            key = (coaching.project_id, "coaching_assigned", coaching.assigned_by_id)
            expected[(*key, f"导师:{mentor}({topic}):{coaching.problem[:200]}")] += 1
            notes = list(coaching.notes.all())
            assert notes and all(n.date <= timezone.localdate() for n in notes)
            for note in notes:
                text = f"{note.date:%Y-%m-%d} {note.get_mode_display()}指导:{note.text[:200]}"
                expected[(coaching.project_id, "coaching_note", mentor.user_id, text)] += 1
            if coaching.plan_at:
                text = f"导师{mentor}形成指导方案(一项目一方案)"
                expected[(coaching.project_id, "coaching_plan", mentor.user_id, text)] += 1
            assert bool(coaching.plan) == bool(coaching.plan_at)
            if coaching.status == tr.CoachingStatus.DONE:
                assert coaching.plan
                text = f"导师:{mentor}({topic})"
                expected[(coaching.project_id, "coaching_done", mentor.user_id, text)] += 1
        events = ProjectEvent.objects.filter(kind__in=COACHING_EVENTS)
        assert Counter(events.values_list("project", "kind", "actor", "note")) == expected
        assert not events.filter(at__gt=timezone.now()).exists()

    def test_running_twice_loads_once(self, demo):
        counts = (User.objects.count(), Project.objects.count(), Partner.objects.count())
        out = seed()
        assert "已存在" in out
        assert District.objects.count() == 1
        assert (User.objects.count(), Project.objects.count(), Partner.objects.count()) == counts


@pytest.mark.django_db
def test_refuses_production_settings_unless_forced(settings, monkeypatch):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        seed()
    assert not District.objects.exists()

    monkeypatch.setenv("DEMO_PASSWORD", "another-Pass-2025")
    out = seed("--force")
    assert District.objects.count() == 1
    assert "another-Pass-2025" not in out
    assert login("district", "another-Pass-2025") is not None
    assert login("district") is None


@pytest.mark.parametrize("scale, factor", [(0.1, 1), (1, 1), (10, 10)])
def test_projects_scale_with_their_kinds_and_statuses(scale, factor):
    """--scale multiplies the projects too (never below the seed's 64), in the seed's shares."""
    import random
    from collections import Counter

    from demo.projects import FIXED, KIND_TOTALS, STATUS_TOTALS, generated_specs

    specs = FIXED + generated_specs(random.Random(1), scale)
    assert Counter(s.kind for s in specs) == {k: n * factor for k, n in KIND_TOTALS.items()}
    assert Counter(s.status for s in specs) == {k: n * factor for k, n in STATUS_TOTALS.items()}
    assert sum(s.overdue for s in specs) == 3 * factor


def test_the_training_handouts_are_well_formed_pdfs():
    """demo/training.py writes its handouts by hand: the cross-reference table points at each
    object, and the text is there in the encoding its font names (UTF-16)."""
    import re

    from demo.training import _pdf

    data = _pdf("课件:物业管理", ["第一行", "长" * 100])
    assert data.startswith(b"%PDF-1.4") and data.endswith(b"%%EOF\n")
    xref = int(re.search(rb"startxref\n(\d+)", data).group(1))
    assert data[xref:].startswith(b"xref\n0 8\n")
    offsets = re.findall(rb"(\d{10}) 00000 n", data)
    assert len(offsets) == 7
    for number, offset in enumerate(offsets, 1):
        assert data[int(offset) :].startswith(b"%d 0 obj" % number)
    assert "课件".encode("utf-16-be").hex().upper().encode() in data
