"""Partners kept by staff: register, edit, deactivate and restore a partner; the district's
categories. Every change checks the rule, locks the row, validates and writes the audit row.

A partner is 在册 (active), 已停用 (inactive: staff stopped working with them, with a reason; they
leave the pickers, `Partner.objects.active()`) or 已退出 (left: the partner left themselves,
partners/recruitment.py). The table below says which status allows what; core/workflow.py
performs it.
"""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from core.audit import audit
from core.phone import Phone, phone_hash
from core.workflow import Action, Conflict, Step, Workflow

from .models import Availability, Category, Partner, PartnerStatus, is_partner_phone_clash

S = PartnerStatus
PHONE_IN_TRASH = (
    "手机号属于本社区回收站里的一位合伙人,不能重复登记;如需恢复该合伙人,请联系系统管理员。"
)
PHONE_JUST_TAKEN = "这个手机号刚刚已被登记为本社区的合伙人,没有重复登记。请刷新页面查看。"
# What staff may set on a partner's record (forms.PartnerFieldsForm); duties are a relation.
EDIT_FIELDS = (
    "name",
    "kind",
    "category",
    "phone",
    "availability",
    "skills",
    "compound",
    "party_org",
    "employer",
    "home_building",
)


# --- checks shared by registering and editing -----------------------------------------------------
def partner_problems(community, data: dict, *, partner: Partner | None = None) -> list[str]:
    """Why `data` cannot be a partner of `community` (empty when it can): the category and
    duties on offer (or already the partner's), compound and building of the community, and a
    phone number no other partner of the community has."""
    problems = []
    if "name" in data and not " ".join(str(data["name"] or "").split()):
        problems.append("请填写名称或姓名。")
    category = data.get("category")
    if category is not None:
        kept = partner is not None and category.code == partner.category_id
        if not category.active and not kept:
            problems.append(f"类别“{category.name}”已停用,请选择其他类别。")
    current = set(partner.duties.values_list("pk", flat=True)) if partner is not None else set()
    for duty in data.get("duties") or ():
        if not duty.active and duty.pk not in current:
            problems.append(f"职责“{duty.name}”已停用。")
    unknown = set(data.get("availability") or ()) - set(Availability.values)
    if unknown:
        problems.append("可服务时间不正确。")
    compound = data.get("compound")
    if compound is not None and compound.community_id != community.pk:
        problems.append("所选小区不属于本社区。")
    building = data.get("home_building")
    if building is not None and building.compound.community_id != community.pk:
        problems.append("所选楼栋不属于本社区。")
    phone = data.get("phone")
    if phone:
        number = phone.full if isinstance(phone, Phone) else str(phone)
        if (problem := phone_problem(community, number, partner=partner)) is not None:
            problems.append(problem)
    return problems


def phone_problem(community, number: str, *, partner: Partner | None = None) -> str | None:
    """Why `number` cannot be (another) partner of `community`: a partner of it holds the number
    already, on the register or in the trash (Partner's PARTNER_ONE_PHONE constraint)."""
    same = Partner.objects.filter(community=community, phone_hash=phone_hash(number))
    if partner is not None:
        same = same.exclude(pk=partner.pk)
    live_first = F("deleted_at").asc(nulls_first=True)
    other = same.only("name", "deleted_at").order_by(live_first, "pk").first()
    if other is None:
        return None
    if other.deleted_at is not None:  # its name left the pages with it
        return PHONE_IN_TRASH
    return f"手机号已登记为本社区的合伙人“{other.name}”,请勿重复登记。"


def phone_clash(exc: IntegrityError) -> Conflict:
    """The refusal for a number registered by somebody else a moment ago (the check passed,
    the constraint did not); any other IntegrityError goes on."""
    if not is_partner_phone_clash(exc):
        raise exc
    return Conflict(PHONE_JUST_TAKEN, code="phone_taken")


def _cleaned(data: dict) -> dict:
    data = dict(data)
    if "name" in data:
        data["name"] = " ".join(str(data["name"] or "").split())
    if "availability" in data:
        # In the list's own order, once each.
        chosen = set(data["availability"] or ())
        data["availability"] = [v for v in Availability.values if v in chosen]
    return data


@transaction.atomic
def partner_create(*, by, community, data: dict) -> Partner:
    """Register a partner with a community (its staff): active, with the duties chosen."""
    if not by.has_perm("partners.add_partner", community):
        raise PermissionDenied
    data = _cleaned(data)
    duties = list(data.pop("duties", None) or ())
    if problems := partner_problems(community, {**data, "duties": duties}):
        raise ValidationError(problems)
    try:
        with transaction.atomic():  # the same number registered by somebody else meanwhile
            partner = Partner.objects.create(community=community, created_by=by, **data)
    except IntegrityError as exc:
        raise phone_clash(exc) from exc
    if duties:
        partner.duties.set(duties)
    audit(actor=by, action="partner.create", obj=partner, detail={"phone": partner.phone.masked})
    return partner


# --- the partner's lifecycle ----------------------------------------------------------------------
def _edit_check(step: Step):
    yield from partner_problems(step.obj.community, step.data, partner=step.obj)


def _edit_apply(step: Step) -> None:
    partner, data = step.obj, step.data
    changed = []
    for name in EDIT_FIELDS:
        if name not in data:
            continue
        field = Partner._meta.get_field(name)
        old = getattr(partner, field.attname)
        new = data[name]
        new_value = getattr(new, "pk", new) if field.is_relation else new
        if name == "category" and new is not None:
            new_value = new.code
        if name == "phone":
            new = Phone(new.full if isinstance(new, Phone) else str(new or ""))
            if new.full == old.full:
                continue
            step.set(phone=new, phone_hash=phone_hash(new.full) if new.full else "")
            step.detail["phone"] = new.masked
            changed.append(name)
            continue
        if old == new_value:
            continue
        step.set(**{name: new})
        changed.append(name)
    if "duties" in data:
        wanted = {d.pk for d in data["duties"] or ()}
        if wanted != set(partner.duties.values_list("pk", flat=True)):
            partner.duties.set(wanted)
            changed.append("duties")
    step.detail["fields"] = sorted(changed)


def _deactivate_check(step: Step):
    reason = " ".join(str(step.data.get("reason") or "").split())
    if not reason:
        yield "请填写停用原因。"
    elif len(reason) > 200:
        yield "停用原因最多 200 字。"


def _deactivate_apply(step: Step) -> None:
    step.set(status_reason=" ".join(str(step.data["reason"]).split()))


def _restore_apply(step: Step) -> None:
    step.set(status_reason="")


PARTNER_WORKFLOW = Workflow(
    Partner,
    [
        Action(
            "edit",
            "修改",
            "partners.change_partner",
            frozenset({S.ACTIVE, S.INACTIVE}),
            check=_edit_check,
            apply=_edit_apply,
        ),
        Action(
            "deactivate",
            "停用",
            "partners.deactivate_partner",
            frozenset({S.ACTIVE}),
            target=S.INACTIVE,
            check=_deactivate_check,
            apply=_deactivate_apply,
        ),
        Action(
            "restore",
            "恢复",
            "partners.restore_partner",
            frozenset({S.INACTIVE}),
            target=S.ACTIVE,
            apply=_restore_apply,
        ),
    ],
    initial=S.ACTIVE,
    noun="合伙人",
)


def partner_update(*, partner: Partner, by, data: dict) -> Partner:
    """Change a partner's record (the staff of its community; not once the partner has left)."""
    try:
        return PARTNER_WORKFLOW.perform(partner, "edit", by=by, data=_cleaned(data)).obj
    except IntegrityError as exc:  # a new number registered by somebody else meanwhile
        raise phone_clash(exc) from exc


def partner_deactivate(*, partner: Partner, by, reason: str) -> Partner:
    """Stop working with a partner, with the reason: they leave the pickers, keep their record."""
    return PARTNER_WORKFLOW.perform(partner, "deactivate", by=by, data={"reason": reason}).obj


def partner_restore(*, partner: Partner, by) -> Partner:
    """Take a deactivated partner back on the register."""
    return PARTNER_WORKFLOW.perform(partner, "restore", by=by).obj


# --- the district's categories --------------------------------------------------------------------
def _check_categories(by) -> None:
    if not by.has_perm("partners.manage_categories"):
        raise PermissionDenied


def _category_name(name, *, exclude=None) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise ValidationError("请填写类别名称。")
    if len(name) > 20:
        raise ValidationError("类别名称最多 20 个字。")
    clash = Category.objects.filter(name=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise ValidationError(f"已有名为“{name}”的合伙人类别。")
    return name


@transaction.atomic
def category_create(*, by, name: str) -> Category:
    """A new partner category at the end of the list, open to every community at once."""
    _check_categories(by)
    name = _category_name(name)
    last = Category.objects.select_for_update().order_by("-order", "-id").first()
    try:
        with transaction.atomic():  # the same name added by someone else meanwhile
            category = Category.objects.create(
                code=f"c{secrets.token_hex(4)}", name=name, order=(last.order + 1) if last else 1
            )
    except IntegrityError as exc:
        raise ValidationError(f"已经有名为“{name}”的合伙人类别。") from exc
    audit(actor=by, action="partner_category.create", obj=category, detail={"name": name})
    return category


@transaction.atomic
def category_update(*, category: Category, by, name: str, order=None, active=None) -> Category:
    """Rename, move or retire (active=False) a category, or offer it again. Its partners keep
    it whatever happens (they hold its code); one category at least stays on offer."""
    _check_categories(by)
    category = Category.objects.select_for_update().get(pk=category.pk)
    before = {"name": category.name, "order": category.order, "active": category.active}
    category.name = _category_name(name, exclude=category)
    if order is not None:
        category.order = order
    if active is not None:
        if not active and category.active:
            others = Category.objects.filter(active=True).exclude(pk=category.pk)
            if not others.exists():
                raise ValidationError("至少要保留一个启用的类别。")
        category.active = bool(active)
    after = {"name": category.name, "order": category.order, "active": category.active}
    changed = sorted(k for k in after if after[k] != before[k])
    if not changed:
        return category
    try:
        with transaction.atomic():  # another rename to the same name committed meanwhile
            category.save(update_fields=changed)
    except IntegrityError as exc:
        raise ValidationError(f"已经有名为“{category.name}”的合伙人类别。") from exc
    audit(
        actor=by,
        action="partner_category.update",
        obj=category,
        detail={"fields": changed, **{k: after[k] for k in changed}},
    )
    return category
