"""双报到 and 双包: units and serving party members report to a community, units adopt its
compounds (单位包小区), party members cover its buildings (党员包楼栋); and the coverage view's
reads, which show the compounds and buildings nobody covers.

Services check the rule, lock a row, validate, write the audit row (ids and masked values only).
Selectors start from visible_to(user) and keep their query count constant whatever the number of
compounds, buildings and partners: they aggregate in the database or read a bounded set once.

A compound or building counts as covered while a current adoption (not ended) holds it whose
unit or party member is still an active partner (在册, not deleted): an adoption of a partner who
left covers nothing, though it stays on the partner's page until somebody ends it.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import Building, Community, Compound
from core.audit import audit
from core.phone import normalise_phone, phone_hash
from core.scope import get_visible_or_404
from core.workflow import Conflict

from .models import (
    BuildingAdoption,
    CompoundAdoption,
    Partner,
    PartnerCategory,
    PartnerKind,
    PartnerStatus,
)
from .staff import PHONE_IN_TRASH, phone_clash

UNIT, MEMBER = "unit", "member"
REPORT_KINDS = {UNIT: "共建单位", MEMBER: "在职党员"}
UNIT_FIELDS = frozenset({"name", "phone", "party_org", "skills", "duties"})
MEMBER_FIELDS = frozenset({"name", "phone", "employer", "home_building", "duties"})
# The two kinds of adoption, as the URL names them.
ADOPTIONS = {"compound": CompoundAdoption, "building": BuildingAdoption}
# An adoption that covers its compound or building today.
COVERING = Q(ended_at__isnull=True, partner__deleted_at__isnull=True) & Q(
    partner__status=PartnerStatus.ACTIVE
)


def is_adopting_unit(partner: Partner) -> bool:
    """Who may adopt a compound: a 共建单位, or any partner that is an organisation."""
    return partner.kind == PartnerKind.ORGANISATION or (
        partner.category_id == PartnerCategory.PARTNER_UNIT
    )


def is_party_member(partner: Partner) -> bool:
    """Who may cover a building: a serving party member (在职党员)."""
    return partner.category_id == PartnerCategory.PARTY_MEMBER


def _only(data: dict, allowed: frozenset) -> dict:
    if not set(data) <= allowed:
        raise ValueError(f"fields not writable: {sorted(set(data) - allowed)}")
    return dict(data)


# --- 双报到 -------------------------------------------------------------------------------------
@transaction.atomic
def partner_dual_report(*, by, community: Community, kind: str, data: dict) -> tuple[Partner, bool]:
    """A unit or a serving party member reports to the community (双报到). A partner of the
    community with the same phone number is updated, never registered a second time (one in
    the trash is refused: the number stays its own); returns the partner and whether it is
    new."""
    if not by.has_perm("partners.report_partner", community):
        raise PermissionDenied
    if kind not in REPORT_KINDS:
        raise ValidationError("请选择报到的是单位还是在职党员。")
    data = _only(data, UNIT_FIELDS if kind == UNIT else MEMBER_FIELDS)
    duties = list(data.pop("duties", None) or ())
    name = str(data.get("name") or "").strip()
    if not name:
        raise ValidationError("请填写名称或姓名。")
    number = normalise_phone(data.get("phone"))
    building = data.get("home_building")
    if kind == MEMBER and building is not None and building.compound.community_id != community.pk:
        raise ValidationError(f"请选择{community.name}的楼栋。")
    # One report of a number at a time in a community: two staff registering the same unit at
    # once find each other's row instead of making two. NO KEY UPDATE: a partner registered
    # meanwhile checks its foreign key to the community at commit (a KEY SHARE lock), and this
    # report may be waiting for that very commit on PARTNER_ONE_PHONE; FOR UPDATE would deadlock.
    Community.objects.select_for_update(no_key=True).filter(pk=community.pk).first()
    existing = (
        Partner.objects.select_for_update()
        .filter(community=community, phone_hash=phone_hash(number))
        .order_by(F("deleted_at").asc(nulls_first=True), "pk")
        .first()
    )
    if existing is not None and existing.deleted_at is not None:
        # The number stays that partner's (PARTNER_ONE_PHONE): restored, it would be two.
        raise ValidationError(PHONE_IN_TRASH)
    now = timezone.now()
    if existing is None:
        partner = Partner(community=community, created_by=by, phone=number, reported_at=now)
        changed = []
    else:
        partner, changed = existing, []
        wanted = PartnerKind.ORGANISATION if kind == UNIT else PartnerKind.PERSON
        if partner.kind != wanted:
            shown = "个人" if partner.kind == PartnerKind.PERSON else "单位"
            raise ValidationError(
                f"这个手机号已登记为{shown}合伙人“{partner.name}”,"
                f"不能再作为{REPORT_KINDS[kind]}报到,请核对号码。"
            )

    def put(name_: str, value) -> None:
        if getattr(partner, name_) != value:
            setattr(partner, name_, value)
            changed.append(name_)

    put("name", name[:80])
    if kind == UNIT:
        put("kind", PartnerKind.ORGANISATION)
        if existing is None:
            put("category_id", PartnerCategory.PARTNER_UNIT.value)
        put("party_org", str(data.get("party_org") or "").strip()[:100])
        if offers := str(data.get("skills") or "").strip():
            put("skills", offers[:200])
    else:
        # A person who reports as a serving party member is one, whatever they were filed as.
        put("kind", PartnerKind.PERSON)
        put("category_id", PartnerCategory.PARTY_MEMBER.value)
        put("employer", str(data.get("employer") or "").strip()[:100])
        put("home_building", building)
        if building is not None and partner.compound_id is None:
            put("compound_id", building.compound_id)
    if partner.reported_at is None:
        put("reported_at", now)
    try:
        with transaction.atomic():  # registered by staff (not a report) a moment ago
            if existing is None:
                partner.save()
            elif changed:
                partner.save(update_fields=sorted(set(changed)))
    except IntegrityError as exc:
        raise phone_clash(exc) from exc
    if duties:
        partner.duties.add(*duties)
    audit(
        actor=by,
        action="partner.dual_report",
        obj=partner,
        detail={
            "community": community.pk,
            "kind": kind,
            "created": existing is None,
            "fields": sorted(set(changed)) if existing is not None else [],
            "duties": sorted(d.pk for d in duties),
            "phone": partner.phone.masked,
        },
    )
    return partner, existing is None


def dual_report_list(*, user, kind: str = "") -> QuerySet:
    """The units and party members who reported to the user's communities (双报到), with the
    compounds and buildings they cover now; three queries a page, whatever the numbers."""
    partners = (
        Partner.objects.visible_to(user)
        .filter(reported_at__isnull=False)
        .select_related("community", "category", "home_building__compound")
        .prefetch_related(*current_adoptions())
    )
    if kind == UNIT:
        partners = partners.filter(
            Q(kind=PartnerKind.ORGANISATION) | Q(category_id=PartnerCategory.PARTNER_UNIT)
        )
    elif kind == MEMBER:
        partners = partners.filter(category_id=PartnerCategory.PARTY_MEMBER)
    return partners.order_by("name", "id")


def current_adoptions() -> tuple[Prefetch, Prefetch]:
    """Prefetches of a partner's current adoptions: `current_compounds`, `current_buildings`."""
    return (
        Prefetch(
            "compound_adoptions",
            queryset=CompoundAdoption.objects.current().select_related("compound"),
            to_attr="current_compounds",
        ),
        Prefetch(
            "building_adoptions",
            queryset=BuildingAdoption.objects.current().select_related("building__compound"),
            to_attr="current_buildings",
        ),
    )


# --- 单位包小区, 党员包楼栋 -------------------------------------------------------------------------
def _locked_partner(partner: Partner, by) -> Partner:
    try:
        locked = Partner.objects.alive().select_for_update().get(pk=partner.pk)
    except Partner.DoesNotExist:
        raise Conflict("这位合伙人已被删除。") from None
    if not by.has_perm("partners.adopt", locked):
        raise PermissionDenied
    if locked.status != PartnerStatus.ACTIVE:
        raise ValidationError(
            f"{locked.name}当前状态为“{locked.get_status_display()}”,不能新增包联。"
        )
    return locked


@transaction.atomic
def compound_adopt(*, partner: Partner, by, compound: Compound, note: str = "") -> CompoundAdoption:
    """A unit adopts one of its community's compounds (单位包小区)."""
    locked = _locked_partner(partner, by)
    if not is_adopting_unit(locked):
        raise ValidationError("只有共建单位(单位或组织)可以包联小区;在职党员请包联楼栋。")
    if compound is None or compound.community_id != locked.community_id:
        raise ValidationError("只能包联本社区的小区。")
    duplicate = Conflict(f"{locked.name}已在包联{compound.name},不用重复登记。")
    if CompoundAdoption.objects.current().filter(partner=locked, compound=compound).exists():
        raise duplicate
    try:
        with transaction.atomic():
            adoption = CompoundAdoption.objects.create(
                partner=locked, compound=compound, note=(note or "").strip()[:200], created_by=by
            )
    except IntegrityError:  # the partial unique index, should the lock ever be bypassed
        raise duplicate from None
    audit(
        actor=by,
        action="compound_adoption.create",
        obj=adoption,
        detail={"partner": locked.pk, "compound": compound.pk},
    )
    return adoption


@transaction.atomic
def building_adopt(*, partner: Partner, by, building: Building, note: str = "") -> BuildingAdoption:
    """A serving party member covers one of its community's buildings (党员包楼栋)."""
    locked = _locked_partner(partner, by)
    if not is_party_member(locked):
        raise ValidationError("只有在职党员可以包联楼栋;单位请包联小区。")
    if building is None or building.compound.community_id != locked.community_id:
        raise ValidationError("只能包联本社区的楼栋。")
    duplicate = Conflict(f"{locked.name}已在包联{building},不用重复登记。")
    if BuildingAdoption.objects.current().filter(partner=locked, building=building).exists():
        raise duplicate
    try:
        with transaction.atomic():
            adoption = BuildingAdoption.objects.create(
                partner=locked, building=building, note=(note or "").strip()[:200], created_by=by
            )
    except IntegrityError:
        raise duplicate from None
    audit(
        actor=by,
        action="building_adoption.create",
        obj=adoption,
        detail={"partner": locked.pk, "building": building.pk},
    )
    return adoption


@transaction.atomic
def adoption_end(*, kind: str, adoption, by):
    """End a compound or building adoption (the row stays, with when it ended)."""
    model = ADOPTIONS[kind]
    locked = model.objects.select_for_update().get(pk=adoption.pk)
    locked.partner = adoption.partner  # the rule reads the partner's community
    if not by.has_perm("partners.end_adoption", locked):
        raise PermissionDenied
    if locked.ended_at is not None:
        raise Conflict("这条包联已经结束了。请刷新页面查看最新情况。")
    locked.ended_at = timezone.now()
    locked.save(update_fields=["ended_at"])
    target = "compound" if kind == "compound" else "building"
    audit(
        actor=by,
        action=f"{model._meta.model_name}.end",
        obj=locked,
        detail={"partner": locked.partner_id, target: getattr(locked, f"{target}_id")},
    )
    return locked


def adoption_get(*, user, kind: str, pk: int):
    """A compound or building adoption the user sees (404, audited, otherwise)."""
    model = ADOPTIONS[kind]
    related = "compound" if kind == "compound" else "building__compound"
    return get_visible_or_404(
        model.objects.select_related("partner__community", related), user, pk=pk
    )


def partner_adoptions(partner: Partner) -> dict:
    """A partner's current adoptions, for their page (two queries)."""
    return {
        "compounds": list(
            partner.compound_adoptions.current()
            .select_related("compound")
            .order_by("compound__name")
        ),
        "buildings": list(
            partner.building_adoptions.current()
            .select_related("building__compound")
            .order_by("building__compound__name", "building__number")
        ),
    }


# --- the coverage view ------------------------------------------------------------------------
def natural_key(text: str) -> tuple:
    """ "2号楼" before "10号楼"."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))


@dataclass
class Counts:
    """Compounds and buildings of a place, and how many of them nobody covers."""

    compounds: int = 0
    uncovered_compounds: int = 0
    buildings: int = 0
    uncovered_buildings: int = 0

    def add(self, other: "Counts") -> None:
        self.compounds += other.compounds
        self.uncovered_compounds += other.uncovered_compounds
        self.buildings += other.buildings
        self.uncovered_buildings += other.uncovered_buildings

    @property
    def complete(self) -> bool:
        return not (self.uncovered_compounds or self.uncovered_buildings)


@dataclass
class PlaceCoverage:
    place: object  # a Community or a Street
    counts: Counts


def _covered(model, target: str) -> Exists:
    """Whether a current adoption of a still active partner holds the outer compound/building."""
    return Exists(model.objects.filter(COVERING, **{target: OuterRef("pk")}))


def _counts_by(compounds: QuerySet, buildings: QuerySet, key: str) -> dict:
    """key → Counts, with one aggregate query for compounds and one for buildings."""
    found: dict = {}
    for row in (
        compounds.values(key=F(key))
        .annotate(n=Count("pk"), open=Count("pk", filter=~_covered(CompoundAdoption, "compound")))
        .order_by()
    ):
        counts = found.setdefault(row["key"], Counts())
        counts.compounds, counts.uncovered_compounds = row["n"], row["open"]
    for row in (
        buildings.values(key=F(f"compound__{key}"))
        .annotate(n=Count("pk"), open=Count("pk", filter=~_covered(BuildingAdoption, "building")))
        .order_by()
    ):
        counts = found.setdefault(row["key"], Counts())
        counts.buildings, counts.uncovered_buildings = row["n"], row["open"]
    return found


def coverage_by_community(communities: QuerySet) -> tuple[list[PlaceCoverage], Counts]:
    """Per community: compounds and buildings, and those nobody covers (three queries)."""
    places = list(communities.select_related("street").order_by("street__name", "name", "pk"))
    found = _counts_by(
        Compound.objects.filter(community__in=communities),
        Building.objects.filter(compound__community__in=communities),
        "community_id",
    )
    return _rows(places, found)


def coverage_by_street(streets: QuerySet) -> tuple[list[PlaceCoverage], Counts]:
    """Per street: compounds and buildings, and those nobody covers (three queries)."""
    places = list(streets.order_by("name", "pk"))
    found = _counts_by(
        Compound.objects.filter(community__street__in=streets),
        Building.objects.filter(compound__community__street__in=streets),
        "community__street_id",
    )
    return _rows(places, found)


def _rows(places: list, found: dict) -> tuple[list[PlaceCoverage], Counts]:
    total = Counts()
    rows = []
    for place in places:
        counts = found.get(place.pk, Counts())
        total.add(counts)
        rows.append(PlaceCoverage(place, counts))
    return rows, total


@dataclass
class CompoundCoverage:
    compound: Compound
    units: list = field(default_factory=list)  # the partners adopting it
    buildings: list = field(default_factory=list)  # (building, [party members]) in number order

    @property
    def uncovered_buildings(self) -> list:
        return [b for b, members in self.buildings if not members]

    @property
    def covered_buildings(self) -> list:
        return [(b, members) for b, members in self.buildings if members]


def coverage_community(community: Community) -> tuple[list[CompoundCoverage], Counts]:
    """One community's compounds with the units adopting each, and its buildings with the party
    members covering each (four queries, however many compounds and buildings)."""
    compounds = {
        c.pk: CompoundCoverage(c)
        for c in Compound.objects.filter(community=community).order_by("name", "pk")
    }
    for adoption in (
        CompoundAdoption.objects.filter(COVERING, compound__community=community)
        .select_related("partner")
        .only("compound_id", "partner__id", "partner__name")
        .order_by("partner__name", "pk")
    ):
        compounds[adoption.compound_id].units.append(adoption.partner)
    members: dict[int, list] = {}
    for adoption in (
        BuildingAdoption.objects.filter(COVERING, building__compound__community=community)
        .select_related("partner")
        .only("building_id", "partner__id", "partner__name")
        .order_by("partner__name", "pk")
    ):
        members.setdefault(adoption.building_id, []).append(adoption.partner)
    buildings = Building.objects.filter(compound__community=community).only(
        "id", "number", "compound_id"
    )
    for building in sorted(buildings, key=lambda b: natural_key(b.number)):
        row = compounds[building.compound_id]
        building.compound = row.compound  # str(building) reads it: no query per building
        row.buildings.append((building, members.get(building.pk, [])))
    rows = list(compounds.values())
    counts = Counts(
        compounds=len(rows),
        uncovered_compounds=sum(1 for r in rows if not r.units),
        buildings=sum(len(r.buildings) for r in rows),
        uncovered_buildings=sum(len(r.uncovered_buildings) for r in rows),
    )
    return rows, counts
