"""Factories for every app's tests (factory-boy)."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import (
    Building,
    Community,
    Compound,
    District,
    Household,
    RoleAssignment,
    Street,
    User,
)
from needs.models import Need
from partners.models import Partner
from projects.models import Project, Status


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("name",)

    name = "黄渤海新区"


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"测试街道{n}")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"测试社区{n}")


class CompoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Compound

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"幸福小区{n}")
    kind = Compound.Kind.OLD
    party_branch = factory.LazyAttribute(lambda o: f"{o.name}党支部")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    compound = factory.SubFactory(CompoundFactory)
    number = factory.Sequence(lambda n: f"{n + 1}号楼")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    building = factory.SubFactory(BuildingFactory)
    unit = "1单元"
    room = factory.Sequence(lambda n: f"{101 + n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "Demo-pass-2024!")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_user(role: str, where=None, **kwargs) -> User:
    """A user holding one role over `where` (a Community, Street or District, or None)."""
    user = UserFactory(**kwargs)
    add_role(user, role, where)
    return user


def add_role(user, role, where=None) -> RoleAssignment:
    scope = {}
    if isinstance(where, Community):
        scope["community"] = where
    elif isinstance(where, Street):
        scope["street"] = where
    elif isinstance(where, District):
        scope["district"] = where
    assignment = RoleAssignment.objects.create(user=user, role=role, **scope)
    user.__dict__.pop("scope", None)
    return assignment


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"楼道照明需求{n}")
    category_id = "environment"
    source = Need.Source.QUESTIONNAIRE
    created_by = factory.SubFactory(UserFactory)

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        # Tests name a category by its code (the categories are seeded by a migration).
        if isinstance(kwargs.get("category"), str):
            kwargs["category_id"] = kwargs.pop("category")
        return kwargs


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"合伙人{n}")
    category_id = Partner.Category.PROPERTY.value
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    created_by = factory.SubFactory(UserFactory)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"邻居节{n}")
    created_by = factory.SubFactory(UserFactory)
    status = Status.DRAFT

    class Params:
        ready = factory.Trait(
            goal="让邻里熟悉起来",
            start_date=datetime.date(2026, 12, 1),
            end_date=datetime.date(2026, 12, 31),
            budget_total=Decimal("5000.00"),
            target_groups="全体居民",
            proposal="分三次活动开展",
        )
        announced = factory.Trait(
            ready=True,
            status=Status.ANNOUNCED,
            announcement="12月1日上午九点在小区广场举办邻居节,欢迎参加。",
            announced_at=factory.LazyFunction(timezone.now),
        )

    @factory.post_generation
    def evidence(obj, create, extracted, **kwargs):
        """A ready project has the evidence of steps 1–4 the readiness check asks for: a budget
        line matching its total, no partner with the reason why, and its joint meeting."""
        if not (create and obj.proposal):
            return
        from projects.models import BudgetLine, JointMeeting, MeetingAttendance

        BudgetLine.objects.create(
            project=obj, item="活动物料", amount=obj.budget_total, source="street"
        )
        if not obj.needs.exists():
            obj.needs.add(NeedFactory(community=obj.community, created_by=obj.created_by))
        obj.no_partner_reason = obj.no_partner_reason or "由社区志愿者承担,无需外部资源"
        obj.save(update_fields=["no_partner_reason"])
        meeting = JointMeeting.objects.create(
            project=obj,
            date=datetime.date(2026, 11, 20),
            feasibility="场地与志愿者已落实",
            decisions="同意按计划实施",
            recorded_by=obj.created_by,
        )
        MeetingAttendance.objects.bulk_create(
            MeetingAttendance(meeting=meeting, party=party, name=name)
            for party, name in (
                ("branch", "小区党支部 王书记"),
                ("owners", "业委会 李主任"),
                ("property", "物业 张经理"),
                ("residents", "居民代表 赵阿姨"),
            )
        )


def once() -> str:
    """A fresh one-time form token, as a page that creates something carries (core/once.py)."""
    from core.once import new_token

    return new_token()
