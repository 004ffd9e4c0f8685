"""The household picker (accounts/households.py): compound → building → unit → room or a search,
always scoped to the communities the user works in, bounded, constant in queries; and the form
field that validates the choice."""

import pytest
from django import forms
from django.urls import reverse

from accounts import households as picker
from accounts.households import HouseholdField, search_q
from accounts.models import Building, Household
from tests import factories as f

pytestmark = pytest.mark.django_db
URL = "accounts:household_picker"


def _fill(compound, buildings=2, units=("1单元", "2单元"), rooms=("101", "102", "301")):
    made = []
    for n in range(1, buildings + 1):
        building = Building.objects.create(compound=compound, number=f"{n + 10}号楼")
        Household.objects.bulk_create(
            [Household(building=building, unit=u, room=r) for u in units for r in rooms]
        )
        made.append(building)
    return made


def _get(client, **params):
    return client.get(reverse(URL), params)


def test_the_steps_go_compound_building_unit_room(client, org, people):
    tower, _ = _fill(org.compound)
    client.force_login(people.worker)

    page = _get(client).content.decode()
    assert "国奥花园" in page and "请选择小区" in page

    page = _get(client, pick_compound=org.compound.pk).content.decode()
    assert 'name="pick_building"' in page and "11号楼" in page and "12号楼" in page
    page = _get(client, pick_compound=org.compound.pk, pick_building=tower.pk).content.decode()
    assert "1单元" in page and "2单元" in page and "找到 6 户" in page
    page = _get(
        client, pick_compound=org.compound.pk, pick_building=tower.pk, pick_unit="2单元"
    ).content.decode()
    assert "国奥花园 11号楼 2单元 301" in page and "1单元 101" not in page


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("11号楼 2单元 301", ["国奥花园 11号楼 2单元 301"]),
        ("11号楼2单元301", ["国奥花园 11号楼 2单元 301"]),
        ("11栋 2-301", ["国奥花园 11号楼 2单元 301"]),
        ("国奥 12号楼 1单元 102", ["国奥花园 12号楼 1单元 102"]),
    ],
)
def test_searching_finds_the_room(client, org, people, typed, found):
    _fill(org.compound)
    client.force_login(people.secretary)
    page = _get(client, pick_q=typed).content.decode()
    for label in found:
        assert label in page
    assert page.count('class="list-group-item py-3"') == len(found)


def test_a_compound_name_alone_lists_a_bounded_number_of_rooms(client, org, people):
    _fill(org.compound, buildings=4)  # 24 households, more than a result list shows
    client.force_login(people.secretary)
    page = _get(client, pick_q="国奥花园").content.decode()
    assert page.count('class="list-group-item py-3"') == picker.RESULT_LIMIT
    assert "只列出前 20 户" in page


def test_another_communitys_households_are_never_listed(client, org, people):
    elsewhere = f.CompoundFactory(community=org.yuehai, name="悦海花园")
    (building,) = _fill(elsewhere, buildings=1)
    client.force_login(people.secretary)

    page = _get(client, pick_q="悦海花园").content.decode()
    assert "悦海花园" not in page.split("查找住户", 1)[1].split("</select>")[-1]
    assert "没有找到" in page
    assert _get(client, pick_compound=elsewhere.pk).status_code == 404
    assert _get(client, pick_building=building.pk).status_code == 404
    # The street sees its communities, the district all; the codes never show.
    client.force_login(people.district)
    page = _get(client, pick_q="悦海花园 11号楼 1单元 101").content.decode()
    assert "悦海花园 11号楼 1单元 101" in page
    assert Household.objects.get(building=building, unit="1单元", room="101").code not in page


@pytest.mark.parametrize("who", ["partner", "resident", "auditor", "sysadmin"])
def test_roles_without_households_to_record_are_refused(client, people, who):
    client.force_login(getattr(people, who))
    assert _get(client).status_code == 403


def test_htmx_gets_only_the_steps_as_radio_inputs_of_the_forms_field(client, org, people):
    tower, _ = _fill(org.compound)
    client.force_login(people.secretary)
    fragment = client.get(
        reverse(URL),
        {"pick_building": tower.pk, "mode": "form", "field": "visit_household"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "<html" not in fragment
    assert fragment.count('type="radio" name="visit_household"') == 6


def test_without_scripts_the_rooms_link_back_to_the_form(client, org, people):
    tower, _ = _fill(org.compound)
    client.force_login(people.secretary)
    page = _get(
        client, pick_building=tower.pk, field="household", next="/evaluation/visit/?project=3"
    ).content.decode()
    household = Household.objects.filter(building=tower).order_by("unit", "room").first()
    assert f'href="/evaluation/visit/?project=3&amp;household={household.pk}"' in page
    # Another site is never a way back.
    page = _get(client, pick_building=tower.pk, next="https://evil.example/").content.decode()
    assert "evil.example" not in page


def test_bad_input_is_never_a_500(client, org, people):
    client.force_login(people.secretary)
    for params in (
        {"pick_compound": "abc"},
        {"pick_building": "٣"},
        {"pick_building": "9" * 30},
        {"pick_q": "x" * 500},
        {"pick_unit": "'; drop table"},
        {"field": "<script>"},
    ):
        assert _get(client, **params).status_code == 200, params


@pytest.mark.parametrize("buildings", [1, 3])
def test_each_step_costs_the_same_queries_at_n_and_3n(
    client, org, people, buildings, django_assert_max_num_queries
):
    made = _fill(org.compound, buildings=buildings)
    client.force_login(people.secretary)
    _get(client)
    for params in (
        {},
        {"pick_compound": org.compound.pk},
        {"pick_building": made[0].pk, "pick_unit": "1单元"},
        {"pick_q": "国奥花园 1单元"},
    ):
        with django_assert_max_num_queries(8):
            assert _get(client, **params).status_code == 200


def test_search_q_reads_buildings_units_and_rooms():
    where = str(search_q("3号楼 2单元 301"))
    assert "3号楼" in where and "2单元" in where and "301" in where


# --- the form field -----------------------------------------------------------------------
class VisitForm(forms.Form):
    household = HouseholdField()

    def __init__(self, data, *, user):
        super().__init__(data)
        self.fields["household"].set_user(user, back="/visit/")


def test_the_field_takes_a_household_of_the_users_scope_only(org, people):
    elsewhere = Household.objects.create(
        building=f.BuildingFactory(compound=f.CompoundFactory(community=org.yuehai)),
        unit="1单元",
        room="101",
    )
    form = VisitForm({"household": org.household.pk}, user=people.worker)
    assert form.is_valid() and form.cleaned_data["household"] == org.household

    form = VisitForm({"household": elsewhere.pk}, user=people.worker)
    assert not form.is_valid()
    assert "只能选择您工作的社区的住户" in form.errors["household"][0]
    assert not VisitForm({"household": ""}, user=people.worker).is_valid()
    assert not VisitForm({"household": "abc"}, user=people.worker).is_valid()


def test_the_widget_shows_the_choice_and_the_picker_without_the_code(org, people):
    form = VisitForm(None, user=people.worker)
    form.initial["household"] = org.household.pk
    html = str(form["household"])
    assert f'value="{org.household.pk}" checked' in html
    assert "已选:国奥花园 3号楼 1单元" in html
    assert 'name="pick_q"' in html and "国奥花园" in html
    assert reverse(URL) + "?field=household&amp;next=/visit/" in html
    assert org.household.code not in html
