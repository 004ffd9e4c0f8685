"""The household picker: compound → building → unit → room, or a search ("3号楼 2单元 301", a
compound's name). Built once here, reused wherever a worker records something for a household
(home-visit grades, needs, the round table).

Always scoped: only the households of the communities the user works in (`Scope.within`), and
never the whole list: every step reads a bounded number of rows, so a district of 30,000
households costs what a compound of 36 does. The household code is never read or shown here.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.db.models import Q, QuerySet
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse

from .models import Building, Compound, Household

# Rows a result list shows; one more is read to tell "there are more, narrow it down".
RESULT_LIMIT = 20
# Compounds offered in the first select (a community holds a handful; the district ~100).
COMPOUND_LIMIT = 300
# Buildings and units of one compound / building are few; the cap guards against bad data.
STEP_LIMIT = 200
QUERY_MAX = 40
# The name of the radio inputs the results render: a form field's name.
FIELD_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,39}$")
# What the household fields of the picker read (never the code).
HOUSEHOLD_FIELDS = ("id", "unit", "room", "building__number", "building__compound__name")


@dataclass(frozen=True)
class ResultMark:
    """A picker used for one purpose marks the rooms already done for it (and disables them):
    the GET parameter `param` names the object (e.g. `project=<id>`), `done(user=, value=,
    household_ids=)` returns the ids of the rooms listed that are done, in one scoped query (an
    object out of the user's scope marks nothing). Apps register theirs in AppConfig.ready:
    accounts never imports them."""

    param: str
    label: str
    done: Callable[..., set[int]]


RESULT_MARKS: dict[str, ResultMark] = {}


def register_mark(mark: ResultMark) -> None:
    RESULT_MARKS[mark.param] = mark


class _Scoped(QuerySet):
    community_path = "community"

    def visible_to(self, user):
        """The rows of the communities this user works in (the district sees all)."""
        return user.scope.within(self, self.community_path)


class HouseholdQuerySet(_Scoped):
    community_path = "building__compound__community"


class BuildingQuerySet(_Scoped):
    community_path = "compound__community"


def households() -> HouseholdQuerySet:
    return HouseholdQuerySet(Household)


def buildings() -> BuildingQuerySet:
    return BuildingQuerySet(Building)


def compounds() -> _Scoped:
    return _Scoped(Compound)


def household_rows(queryset):
    """What a picker row shows, in one query (the code deferred: it never leaves the table)."""
    return queryset.select_related("building__compound").only(*HOUSEHOLD_FIELDS)


def household_label(household: Household) -> str:
    return f"{household.building.compound.name} {household.building.number} {household.unit} {household.room}"


# --- search -----------------------------------------------------------------------------------
_SPLIT = re.compile(r"(号楼|栋|单元|室)")
_BUILDING = re.compile(r"^(\d+)(?:号楼|栋|号)$")
_UNIT = re.compile(r"^(\d+)单元$")
_ROOM = re.compile(r"^(\d+)室?$")
_UNIT_ROOM = re.compile(r"^(\d+)-(\d+)$")


def search_q(text: str) -> Q:
    """The households matching "3号楼 2单元 301", "3-2-301"-like input or a compound's name:
    every word must match (a building, a unit, a room, or part of a compound's name)."""
    text = _SPLIT.sub(r"\1 ", text[:QUERY_MAX]).replace(",", " ").replace(",", " ")
    q = Q()
    for word in text.split():
        if match := _BUILDING.match(word):
            q &= Q(building__number__in=[f"{match[1]}号楼", f"{match[1]}栋", match[1]])
        elif match := _UNIT.match(word):
            q &= Q(unit__in=[f"{match[1]}单元", match[1]])
        elif match := _UNIT_ROOM.match(word):
            q &= Q(unit__in=[f"{match[1]}单元", match[1]], room=match[2])
        elif match := _ROOM.match(word):
            q &= Q(room=match[1]) | Q(building__number=f"{match[1]}号楼")
        else:
            q &= Q(building__compound__name__icontains=word) | Q(building__number__icontains=word)
    return q


# --- one state of the picker ------------------------------------------------------------------
@dataclass
class Picker:
    """What the picker shows for one request: the selects of each step and the rooms found."""

    q: str = ""
    compound: Compound | None = None
    building: Building | None = None
    unit: str = ""
    compounds: list = field(default_factory=list)
    buildings: list = field(default_factory=list)
    units: list = field(default_factory=list)
    results: list = field(default_factory=list)
    more: bool = False
    # The purpose the picker is used for ({param: value} of RESULT_MARKS) and what it marks.
    marks: dict = field(default_factory=dict)
    done: set = field(default_factory=set)
    done_label: str = ""

    @property
    def searched(self) -> bool:
        return bool(self.q or self.unit or self.building)


def _int(value) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def _visible_or_404(queryset, user, pk):
    """A compound or building of the user's scope; another community's is a 404 (audited)."""
    from core.scope import get_visible_or_404

    return get_visible_or_404(queryset, user, pk=pk)


def picker_state(*, user, data, prefix: str = "pick_") -> Picker:
    """Read the picker's GET (`pick_q`, `pick_compound`, `pick_building`, `pick_unit`) and
    fetch each step's choices: a constant number of bounded queries whatever the data size."""
    picker = Picker(
        q=(data.get(f"{prefix}q") or "").strip()[:QUERY_MAX],
        unit=(data.get(f"{prefix}unit") or "").strip()[:10],
        marks=picker_marks(data),
    )
    in_scope = households().visible_to(user)
    picker.compounds = list(
        compounds()
        .visible_to(user)
        .select_related("community")
        .only("id", "name", "community__name")
        .order_by("community__name", "name")[:COMPOUND_LIMIT]
    )
    compound_id = _int(data.get(f"{prefix}compound"))
    building_id = _int(data.get(f"{prefix}building"))
    if building_id is not None:
        picker.building = _visible_or_404(buildings().select_related("compound"), user, building_id)
        picker.compound = picker.building.compound
        if compound_id is not None and compound_id != picker.compound.pk:
            # The compound changed: the building chosen before is of another compound.
            picker.building, picker.unit = None, ""
            picker.compound = _visible_or_404(compounds(), user, compound_id)
    elif compound_id is not None:
        picker.compound = _visible_or_404(compounds(), user, compound_id)
    if picker.compound is not None:
        picker.buildings = list(
            Building.objects.filter(compound=picker.compound).only("id", "number")[:STEP_LIMIT]
        )
        in_scope = in_scope.filter(building__compound=picker.compound)
    if picker.building is not None:
        picker.units = list(
            Household.objects.filter(building=picker.building)
            .order_by("unit")
            .values_list("unit", flat=True)
            .distinct()[:STEP_LIMIT]
        )
        in_scope = in_scope.filter(building=picker.building)
        if picker.unit:
            in_scope = in_scope.filter(unit=picker.unit)
    if picker.q:
        in_scope = in_scope.filter(search_q(picker.q))
    if picker.searched:
        rows = list(
            household_rows(in_scope).order_by(
                "building__compound__name", "building__number", "unit", "room"
            )[: RESULT_LIMIT + 1]
        )
        picker.results, picker.more = rows[:RESULT_LIMIT], len(rows) > RESULT_LIMIT
        if picker.results and picker.marks:
            # One purpose at most, read in one query for the rooms listed (constant).
            param, value = next(iter(picker.marks.items()))
            mark = RESULT_MARKS[param]
            picker.done = mark.done(
                user=user, value=value, household_ids=[h.pk for h in picker.results]
            )
            picker.done_label = mark.label
    return picker


def picker_marks(data) -> dict[str, str]:
    """The purpose given to the picker (`?project=<id>`), as {param: value}: the first registered
    parameter present, its value bounded (the mark's own function parses and scopes it)."""
    for param in RESULT_MARKS:
        value = (str(data.get(param) or "")).strip()[:20]
        if value:
            return {param: value}
    return {}


def picker_vals(name: str, *, in_form: bool, marks: dict) -> str:
    """The htmx values every step of the picker sends along (its field, its mode, its purpose)."""
    values = {"field": name, **({"mode": "form"} if in_form else {}), **marks}
    return json.dumps(values, ensure_ascii=False)


def field_name(value) -> str:
    """The name of the radio inputs the results carry (a form field's name), or "household"."""
    value = (value or "").strip()
    return value if FIELD_NAME.match(value) else "household"


# --- the form field -------------------------------------------------------------------------
class HouseholdPickerWidget(forms.Widget):
    """The picker inside a form: a search box and cascading selects that fetch the rooms with
    htmx, the rooms as radio inputs of the form's own field. Without scripts a link opens the
    picker's page, whose rooms link back here with `?<field>=<id>`."""

    template_name = ""  # rendered by render() below

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.user = None
        self.queryset = Household.objects.none()
        self.back = ""
        # The purpose the picker is used for ({"project": id}): rooms already done are marked.
        self.marks = {}

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def render(self, name, value, attrs=None, renderer=None):
        chosen = None
        pk = _int(str(value)) if value not in (None, "") else None
        if pk is not None:
            chosen = household_rows(self.queryset).filter(pk=pk).first()
        picker = Picker(
            compounds=list(
                compounds()
                .visible_to(self.user)
                .select_related("community")
                .only("id", "name", "community__name")
                .order_by("community__name", "name")[:COMPOUND_LIMIT]
            )
            if self.user is not None
            else []
        )
        marks = {param: str(value) for param, value in self.marks.items()}
        return render_to_string(
            "accounts/household_picker_widget.html",
            {
                "name": name,
                "id": (attrs or {}).get("id") or f"id_{name}",
                "chosen": chosen,
                "picker": picker,
                "fragment_url": reverse("accounts:household_picker"),
                "back": self.back,
                "marks": marks,
                "vals": picker_vals(name, in_form=True, marks=marks),
            },
        )


class HouseholdField(forms.ModelChoiceField):
    """A household of the user's scope, chosen with the picker. Another community's household
    (a forged id) is refused like one that does not exist."""

    widget = HouseholdPickerWidget
    default_error_messages = {
        "invalid_choice": "请用住户选择器选择一户(只能选择您工作的社区的住户)。",
        "required": "请选择一户。",
    }

    def __init__(self, *, user=None, back: str = "", **kwargs):
        kwargs.setdefault("label", "住户")
        super().__init__(queryset=Household.objects.none(), **kwargs)
        if user is not None:
            self.set_user(user, back=back)

    def set_user(self, user, *, back: str = "", marks: dict | None = None) -> None:
        """Scope the field to `user`; `back` (the form page's path) is where the picker's page
        returns, with `?<field name>=<id>`, when scripts are off; `marks` ({"project": id}, a
        parameter of RESULT_MARKS) marks the rooms already done for that purpose."""
        self.queryset = households().visible_to(user).defer("code")
        self.widget.user = user
        self.widget.queryset = self.queryset
        self.widget.back = back
        self.widget.marks = dict(marks or {})

    def label_from_instance(self, obj):
        return household_label(obj)


def household_or_404(*, user, pk) -> Household:
    """One household of the user's scope (a page reached with ?household=), else 404."""
    if pk is None:
        raise Http404
    return _visible_or_404(household_rows(households()), user, pk)
