"""Partners kept by staff: edit, deactivate, restore (rules, statuses, audit), the district's
categories, and the list's filters and query budget."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.template import engines

from core.models import AuditEvent
from core.workflow import Conflict
from partners import staff
from partners.forms import PartnerForm
from partners.history import HISTORY_HOOKS, Part
from partners.models import Category, Duty, Partner, PartnerStatus
from partners.sections import DETAIL_SECTIONS
from tests import factories as f

pytestmark = pytest.mark.django_db


def partner(org, **kwargs):
    return f.PartnerFactory(community=kwargs.pop("community", org.guoao), **kwargs)


def edit_data(p, **changes):
    data = {
        "name": p.name,
        "kind": p.kind,
        "category": Category.objects.get(code=p.category_id),
        "phone": p.phone.full,
        "availability": list(p.availability),
        "skills": p.skills,
        "compound": p.compound,
        "party_org": p.party_org,
        "employer": p.employer,
        "home_building": p.home_building,
        "duties": list(p.duties.all()),
    }
    return {**data, **changes}


# --- edit -----------------------------------------------------------------------------------------
def test_secretary_edits_a_partner_and_the_audit_names_the_fields_with_a_masked_phone(org, people):
    p = partner(org, phone="13900001234")
    duties = list(Duty.objects.filter(code__in=["publicity", "standby"]))

    staff.partner_update(
        partner=p,
        by=people.secretary,
        data=edit_data(
            p,
            name="  国奥  物业 ",
            phone="13900005678",
            duties=duties,
            availability=["weekend", "weekday_day", "weekend"],
            compound=org.compound,
        ),
    )

    p.refresh_from_db()
    assert p.name == "国奥 物业" and p.phone.full == "13900005678"
    assert Partner.objects.get(phone_hash=p.phone_hash) == p
    assert set(p.duties.values_list("code", flat=True)) == {"publicity", "standby"}
    assert p.availability == ["weekday_day", "weekend"] and p.compound == org.compound
    event = AuditEvent.objects.get(action="partner.edit")
    assert event.detail["phone"] == "139****5678"
    assert event.detail["fields"] == ["availability", "compound", "duties", "name", "phone"]
    assert "13900005678" not in str(event.detail)


def test_the_edit_page_keeps_the_number_when_its_mask_is_posted_back(client, org, people):
    p = partner(org, phone="13900001234")
    client.force_login(people.secretary)
    page = client.get(f"/partners/{p.pk}/edit/").content.decode()
    assert "139****1234" in page and "13900001234" not in page

    response = client.post(
        f"/partners/{p.pk}/edit/",
        {"name": "新名称", "kind": "person", "category": "property", "phone": "139****1234"},
    )

    assert response.status_code == 302
    p.refresh_from_db()
    assert p.name == "新名称" and p.phone.full == "13900001234"


@pytest.mark.parametrize("who", ["street", "district", "secretary_haiyun", "partner"])
def test_only_the_partners_own_community_edits_it(org, people, who):
    p = partner(org)
    with pytest.raises(PermissionDenied):
        staff.partner_update(partner=p, by=getattr(people, who), data={"name": "x"})
    assert not AuditEvent.objects.filter(action="partner.edit").exists()


def test_an_edit_refuses_another_communitys_compound_and_a_number_taken(org, people):
    other = f.CompoundFactory(community=org.haiyun)
    taken = partner(org, phone="13900002222", name="王师傅")
    p = partner(org)
    with pytest.raises(ValidationError) as refused:
        staff.partner_update(
            partner=p,
            by=people.secretary,
            data=edit_data(p, compound=other, phone="13900002222"),
        )
    assert "所选小区不属于本社区。" in refused.value.messages
    assert any("王师傅" in m for m in refused.value.messages)
    p.refresh_from_db()
    assert p.compound is None and p.phone_hash != taken.phone_hash


def test_a_partner_who_left_cannot_be_edited_deactivated_or_restored(org, people):
    p = partner(org, status=PartnerStatus.LEFT)
    with pytest.raises(Conflict):
        staff.partner_update(partner=p, by=people.secretary, data={"name": "x"})
    with pytest.raises(Conflict):
        staff.partner_deactivate(partner=p, by=people.secretary, reason="x")
    with pytest.raises(Conflict):
        staff.partner_restore(partner=p, by=people.secretary)


def test_registering_a_number_already_in_the_community_is_refused(client, org, people):
    partner(org, phone="13900002222", name="王师傅")
    partner(org, community=org.yuehai, phone="13900003333")
    client.force_login(people.secretary)
    base = {"name": "新人", "category": "property", "kind": "person"}

    twice = client.post("/partners/new/", {**base, "once": f.once(), "phone": "139 0000 2222"})
    elsewhere = client.post("/partners/new/", {**base, "once": f.once(), "phone": "13900003333"})

    assert twice.status_code == 422 and "王师傅" in twice.content.decode()
    assert elsewhere.status_code == 302  # another community's partner is not this one's
    assert Partner.objects.filter(community=org.guoao).count() == 2


def test_registering_records_kind_duties_availability_and_the_dual_report_fields(
    client, org, people
):
    building = org.household.building
    duties = Duty.objects.filter(code__in=["service", "order"])
    client.force_login(people.secretary)
    response = client.post(
        "/partners/new/",
        {
            "once": f.once(),
            "name": "区人民医院",
            "kind": "organisation",
            "category": "partner_unit",
            "phone": "13900004444",
            "duties": [d.pk for d in duties],
            "availability": ["weekend", "on_call"],
            "skills": "义诊",
            "compound": org.compound.pk,
            "party_org": "区人民医院党委",
            "employer": "",
            "home_building": building.pk,
        },
    )
    assert response.status_code == 302
    p = Partner.objects.get(name="区人民医院")
    assert p.is_unit and p.party_org == "区人民医院党委" and p.home_building == building
    assert set(p.duties.all()) == set(duties) and p.availability == ["weekend", "on_call"]
    page = client.get(p.get_absolute_url()).content.decode()
    assert "平时:志愿服务" in page and "战时:秩序维护" in page
    assert "周末、随叫随到" in page and "区人民医院党委" in page


# --- deactivate and restore ------------------------------------------------------------------------
def test_deactivating_needs_a_reason_and_takes_the_partner_out_of_the_pickers(org, people):
    p = partner(org)
    with pytest.raises(ValidationError):
        staff.partner_deactivate(partner=p, by=people.secretary, reason="  ")

    staff.partner_deactivate(partner=p, by=people.worker, reason="搬离 本社区")

    p.refresh_from_db()
    assert p.status == PartnerStatus.INACTIVE and p.status_reason == "搬离 本社区"
    assert p.status_changed_at is not None
    assert p not in Partner.objects.active()
    event = AuditEvent.objects.get(action="partner.deactivate")
    assert event.detail == {"from": "active", "to": "inactive"} and event.actor == people.worker


def test_restoring_brings_a_deactivated_partner_back_and_clears_the_reason(org, people):
    p = partner(org)
    staff.partner_deactivate(partner=p, by=people.secretary, reason="暂停合作")
    staff.partner_restore(partner=p, by=people.secretary)
    p.refresh_from_db()
    assert p.status == PartnerStatus.ACTIVE and p.status_reason == ""
    assert p in Partner.objects.active()
    assert AuditEvent.objects.get(action="partner.restore").detail == {
        "from": "inactive",
        "to": "active",
    }


def test_a_second_deactivation_is_a_409_with_the_message(client, org, people):
    p = partner(org)
    client.force_login(people.secretary)
    first = client.post(f"/partners/{p.pk}/deactivate/", {"reason": "搬走了"})
    second = client.post(f"/partners/{p.pk}/deactivate/", {"reason": "搬走了"})
    assert first.status_code == 302 and second.status_code == 409
    assert "不能停用" in second.content.decode()
    assert AuditEvent.objects.filter(action="partner.deactivate").count() == 1


def test_deactivation_without_a_reason_is_a_422_that_saves_nothing(client, org, people):
    p = partner(org)
    client.force_login(people.secretary)
    response = client.post(f"/partners/{p.pk}/deactivate/", {"reason": ""})
    assert response.status_code == 422 and "请填写停用原因" in response.content.decode()
    p.refresh_from_db()
    assert p.status == PartnerStatus.ACTIVE


@pytest.mark.parametrize("who", ["street", "district"])
def test_street_and_district_staff_read_a_partner_but_have_no_buttons(client, org, people, who):
    p = partner(org)
    client.force_login(getattr(people, who))
    page = client.get(p.get_absolute_url())
    assert page.status_code == 200
    assert not any(page.context["can"].values())
    assert client.post(f"/partners/{p.pk}/deactivate/", {"reason": "x"}).status_code == 403


# --- the partner's page ----------------------------------------------------------------------------
def test_the_page_shows_sections_and_history_with_total_hours(client, org, people, monkeypatch):
    from decimal import Decimal

    template = engines["django"].from_string
    section = template('<p id="fake-section">{{ section.text }}</p>')
    part = template('<p class="fake-part">{{ part.title }} {{ part.count }}</p>')
    monkeypatch.setattr(
        "partners.sections.DETAIL_SECTIONS",
        [*DETAIL_SECTIONS, lambda r, p: {"template": section.template, "text": "资源一项"}],
    )
    monkeypatch.setattr(
        "partners.history.HISTORY_HOOKS",
        [
            *HISTORY_HOOKS,
            lambda p: Part("a", "参与的项目", part.template, hours=Decimal("2.5"), count=1),
            lambda p: Part("b", "认领的实事", part.template, hours=Decimal("3"), count=2),
        ],
    )
    p = partner(org, status=PartnerStatus.INACTIVE, status_reason="暂停合作")
    client.force_login(people.secretary)
    page = client.get(p.get_absolute_url()).content.decode()
    assert "资源一项" in page and "参与的项目 1" in page and "认领的实事 2" in page
    assert "共 5.5 小时" in page
    assert "暂停合作" in page and "恢复在册" in page and "停用…" not in page


def test_the_partner_sees_their_own_profile_without_staff_buttons(client, org, people):
    own = partner(org, user=people.partner)
    client.force_login(people.partner)
    page = client.get(own.get_absolute_url())
    assert page.status_code == 200
    assert not any(page.context["can"].values())
    assert "编辑" not in page.content.decode()


@pytest.mark.parametrize("who", ["secretary", "district"])
def test_partner_page_keeps_its_query_count(
    client, org, people, django_assert_max_num_queries, who
):
    p = partner(org, compound=org.compound)
    p.duties.set(Duty.objects.all()[:2])
    client.force_login(getattr(people, who))
    with django_assert_max_num_queries(10) as small:
        client.get(p.get_absolute_url())
    p.duties.set(Duty.objects.all())
    for _ in range(5):
        partner(org)
    with django_assert_max_num_queries(10) as large:
        client.get(p.get_absolute_url())
    assert len(small.captured_queries) == len(large.captured_queries)


# --- the district's categories ---------------------------------------------------------------------
def test_district_adds_renames_and_retires_a_category_with_audit(client, people):
    client.force_login(people.district)
    added = client.post("/partners/categories/new/", {"once": f.once(), "name": " 退役军人 "})
    category = Category.objects.get(name="退役军人")
    assert added.status_code == 302 and category.active
    assert category.order == Category.objects.exclude(pk=category.pk).latest("order").order + 1

    renamed = client.post(
        f"/partners/categories/{category.pk}/edit/", {"name": "退役军人志愿者", "order": "2"}
    )

    category.refresh_from_db()
    assert renamed.status_code == 302
    assert category.name == "退役军人志愿者" and category.order == 2 and not category.active
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("partner_category.create") == 1
    update = AuditEvent.objects.get(action="partner_category.update")
    assert update.detail["fields"] == ["active", "name", "order"]


def test_a_name_taken_is_a_message_not_a_500(client, people):
    client.force_login(people.district)
    response = client.post("/partners/categories/new/", {"once": f.once(), "name": "物业"})
    assert response.status_code == 422 and "已有名为“物业”的合伙人类别" in response.content.decode()
    category = Category.objects.get(code="volunteer")
    rename = client.post(
        f"/partners/categories/{category.pk}/edit/", {"name": "业委会", "active": "on"}
    )
    assert rename.status_code == 422 and "业委会" in rename.content.decode()
    category.refresh_from_db()
    assert category.name == "热心居民"


def test_a_name_taken_meanwhile_is_a_message_not_a_500(people, monkeypatch):
    """Two people add one name at once: the check passed for both, the database refuses one."""
    monkeypatch.setattr(staff, "_category_name", lambda name, exclude=None: name)
    with pytest.raises(ValidationError) as refused:
        staff.category_create(by=people.district, name="物业")
    assert "已经有名为“物业”的合伙人类别" in refused.value.messages[0]
    category = Category.objects.get(code="volunteer")
    with pytest.raises(ValidationError):
        staff.category_update(category=category, by=people.district, name="物业", active=True)
    assert Category.objects.filter(name="物业").count() == 1


def test_a_retired_category_cannot_be_chosen_but_its_partners_keep_it(client, org, people):
    category = Category.objects.get(code="merchant")
    kept = partner(org, category_id="merchant")
    staff.category_update(category=category, by=people.district, name=category.name, active=False)
    client.force_login(people.secretary)

    offered = client.get("/partners/new/").context["form"].fields["category"].queryset
    refused = client.post(
        "/partners/new/",
        {"once": f.once(), "name": "小卖部", "category": "merchant", "phone": "13900009999"},
    )
    editing = client.get(f"/partners/{kept.pk}/edit/").context["form"].fields["category"]

    assert category not in offered
    assert refused.status_code == 422 and not Partner.objects.filter(name="小卖部").exists()
    assert category in editing.queryset  # the partner keeps it, and may keep it on an edit
    kept.refresh_from_db()
    assert kept.category_id == "merchant"
    page = client.get(kept.get_absolute_url()).content.decode()
    assert "类别已停用" in page


def test_the_last_category_on_offer_stays_on_offer(people):
    last = Category.objects.order_by("order").first()
    Category.objects.exclude(pk=last.pk).update(active=False)
    with pytest.raises(ValidationError, match="至少要保留一个启用的类别"):
        staff.category_update(category=last, by=people.district, name=last.name, active=False)


@pytest.mark.parametrize("who", ["secretary", "street"])
def test_only_district_staff_keep_categories(client, people, who):
    client.force_login(getattr(people, who))
    assert client.get("/partners/categories/").status_code == 403
    with pytest.raises(PermissionDenied):
        staff.category_create(by=getattr(people, who), name="新类别")


def test_the_category_list_counts_partners_of_each(client, org, people):
    partner(org, category_id="merchant")
    partner(org, community=org.yuehai, category_id="merchant")
    client.force_login(people.district)
    rows = {
        c.code: c.partner_count for c in client.get("/partners/categories/").context["categories"]
    }
    assert rows["merchant"] == 2 and rows["property"] == 0


# --- the list --------------------------------------------------------------------------------------
def names(response) -> list[str]:
    return [p.name for p in response.context["page"].object_list]


def test_the_list_shows_active_partners_by_default_and_others_on_request(client, org, people):
    partner(org, name="甲")
    partner(org, name="乙", status=PartnerStatus.INACTIVE)
    partner(org, name="丙", status=PartnerStatus.LEFT)
    deleted = partner(org, name="丁")
    Partner.objects.filter(pk=deleted.pk).update(deleted_at=deleted.created_at)
    client.force_login(people.secretary)
    assert names(client.get("/partners/")) == ["甲"]
    assert names(client.get("/partners/?status=inactive")) == ["乙"]
    assert names(client.get("/partners/?status=left")) == ["丙"]
    assert sorted(names(client.get("/partners/?status=all"))) == sorted(["甲", "乙", "丙"])


def test_the_list_filters_by_category_duty_kind_and_compound(client, org, people):
    a = partner(org, name="甲", category_id="merchant", compound=org.compound)
    a.duties.set(Duty.objects.filter(code="standby"))
    partner(org, name="乙", category_id="merchant", kind="organisation")
    partner(org, name="丙")
    client.force_login(people.secretary)
    assert sorted(names(client.get("/partners/?category=merchant"))) == sorted(["甲", "乙"])
    assert names(client.get("/partners/?duty=standby")) == ["甲"]
    assert names(client.get("/partners/?kind=organisation")) == ["乙"]
    assert names(client.get(f"/partners/?compound={org.compound.pk}")) == ["甲"]
    page = client.get("/partners/").content.decode()
    assert "战时:应急值守" in page  # the duty filter's choices
    assert "应急值守</span>" in page  # the row's badge


def test_a_bad_filter_is_dropped_with_a_message_never_an_error(client, org, people):
    partner(org, name="甲")
    client.force_login(people.secretary)
    response = client.get("/partners/?category=nope&status=zzz&compound=999999&q=" + "长" * 60)
    assert response.status_code == 200 and names(response) == ["甲"]
    text = response.content.decode()
    assert "没有这个类别,已忽略" in text and "没有这个状态,已忽略" in text


def test_the_district_filters_by_community(client, org, people):
    partner(org, name="国奥的")
    partner(org, community=org.yuehai, name="悦海的")
    client.force_login(people.district)
    assert sorted(names(client.get("/partners/"))) == ["国奥的", "悦海的"]
    assert names(client.get(f"/partners/?community={org.yuehai.pk}")) == ["悦海的"]
    client.force_login(people.street)
    assert names(client.get("/partners/")) == ["国奥的"]
    refused = client.get(f"/partners/?community={org.yuehai.pk}")
    assert names(refused) == ["国奥的"] and "已忽略" in refused.content.decode()


def test_community_staff_find_a_partner_by_name_or_exact_number(client, org, people):
    partner(org, name="王师傅", phone="13900001234")
    partner(org, name="李阿姨", phone="13900005678")
    partner(org, community=org.yuehai, name="悦海王", phone="13900009999")
    client.force_login(people.secretary)
    assert names(client.get("/partners/?q=王")) == ["王师傅"]
    assert names(client.get("/partners/?q=139 0000 5678")) == ["李阿姨"]
    assert names(client.get("/partners/?q=13900009999")) == []  # another community's
    listing = client.get("/partners/").content.decode()
    assert "139****1234" in listing and "13900001234" not in listing


def test_street_and_district_staff_cannot_search_by_number(client, org, people):
    partner(org, name="王师傅", phone="13900001234")
    client.force_login(people.district)
    assert names(client.get("/partners/?q=13900001234")) == []
    assert names(client.get("/partners/?q=王")) == ["王师傅"]


@pytest.mark.parametrize("who", ["anon", "partner", "auditor", "resident"])
def test_the_list_is_for_staff_only(client, people, who):
    if who != "anon":
        client.force_login(getattr(people, who))
    response = client.get("/partners/")
    assert response.status_code == (302 if who == "anon" else 403)


@pytest.mark.parametrize(
    ("who", "query"),
    [
        ("secretary", "?compound={compound}"),
        ("secretary", "?q=合伙"),
        ("street", "?duty=publicity"),
        ("district", "?category=property&community={guoao}&duty=publicity"),
        ("district", "?status=all&kind=person"),
    ],
)
def test_the_list_loads_the_same_queries_and_rows_at_three_times_the_partners(
    client, org, people, django_assert_max_num_queries, who, query
):
    query = query.format(compound=org.compound.pk, guoao=org.guoao.pk)
    publicity = Duty.objects.get(code="publicity")

    def add(n):
        for i in range(n):
            made = partner(org, compound=org.compound, community=org.guoao)
            made.duties.set([publicity, *Duty.objects.filter(mode="war")[: i % 3]])
            partner(org, community=org.yuehai)

    client.force_login(getattr(people, who))
    add(settings.PAGE_SIZE + 5)
    with django_assert_max_num_queries(8) as small:
        first = client.get(f"/partners/{query}")
    add(2 * (settings.PAGE_SIZE + 5))
    with django_assert_max_num_queries(8) as large:
        second = client.get(f"/partners/{query}")
    assert len(small.captured_queries) == len(large.captured_queries)
    assert len(first.context["page"].object_list) == settings.PAGE_SIZE
    assert len(second.context["page"].object_list) == settings.PAGE_SIZE
    assert second.context["page"].paginator.count > first.context["page"].paginator.count


def test_the_create_form_offers_active_categories_and_duties_only(org, people):
    Duty.objects.filter(code="order").update(active=False)
    Category.objects.filter(code="merchant").update(active=False)
    form = PartnerForm(community=org.guoao)
    assert "merchant" not in {c.code for c in form.fields["category"].queryset}
    assert "order" not in {d.code for d in form.fields["duties"].queryset}


def test_a_category_taken_by_a_database_race_on_rename_rolls_back(people, monkeypatch):
    category = Category.objects.get(code="volunteer")

    def clash(*args, **kwargs):
        raise IntegrityError("unique")

    monkeypatch.setattr(Category, "save", clash)
    with pytest.raises(ValidationError):
        staff.category_update(category=category, by=people.district, name="新名字", active=True)
    assert not AuditEvent.objects.filter(action="partner_category.update").exists()
