"""A search picker: a search box and at most LIMIT matching rows, for choosing among more rows than
a page can list (a community's projects and needs grow every year).

The options come from the field's own queryset (already narrowed to one community by the form),
so nothing out of scope is ever offered or accepted. The rows chosen stay on the page as ticked
options; with htmx the box asks the same page again (`<name>_q`) for new matches.
"""

from django import forms
from django.db.models import Q

LIMIT = 20


class SearchPicker(forms.Widget):
    template_name = "streetwork/widgets/picker.html"
    use_fieldset = True

    def __init__(
        self, *, search_fields=("title",), multiple=False, empty_label="", detail=None, attrs=None
    ):
        super().__init__(attrs)
        self.search_fields = search_fields
        self.detail = detail  # row -> a few words shown after its name
        self.allow_multiple_selected = multiple
        self.empty_label = empty_label
        self.search_url = ""  # the page itself, set by the view (forms.PickerMixin)
        self.label = ""  # the field's label, set by the form

    # -- reading the post ------------------------------------------------------------------------
    def value_from_datadict(self, data, files, name):
        if self.allow_multiple_selected:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False  # nothing ticked is an answer too

    def id_for_label(self, id_):
        return ""  # a fieldset with a legend, not one control

    # -- what it shows ---------------------------------------------------------------------------
    @property
    def queryset(self):
        return self.choices.queryset

    def chosen(self, value) -> list:
        """The rows among `value` (ids as posted) that the field's queryset holds."""
        values = value if isinstance(value, list | tuple) else [value]
        ids = [int(v) for v in map(str, values) if v.isascii() and v.isdigit() and len(v) < 12]
        if not ids:
            return []
        return list(self.queryset.filter(pk__in=ids)[:LIMIT])

    def matches(self, q: str, exclude) -> tuple[list, bool]:
        """Up to LIMIT rows holding `q` in a search field, newest first, and whether there are
        more."""
        found = self.queryset.exclude(pk__in=[row.pk for row in exclude])
        q = q.strip()[:50]
        if q:
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{f"{field}__icontains": q})
            found = found.filter(condition)
        found = list(found.order_by("-pk")[: LIMIT + 1])
        return found[:LIMIT], len(found) > LIMIT

    def picker_context(self, name: str, value, q: str = "", attrs=None) -> dict:
        chosen = self.chosen(value)
        matches, more = self.matches(q, chosen)
        return {
            "name": name,
            "id": (attrs or {}).get("id") or f"id_{name}",
            "input_class": (attrs or {}).get("class", "form-control"),
            "multiple": self.allow_multiple_selected,
            "empty_label": self.empty_label,
            "options": [self._option(row, True) for row in chosen]
            + [self._option(row, False) for row in matches],
            "any_chosen": bool(chosen),
            "more": more,
            "q": q,
            "limit": LIMIT,
            "search_url": self.search_url,
            "label": self.label,
        }

    def _option(self, row, checked: bool) -> dict:
        return {
            "pk": row.pk,
            "label": str(row),
            "detail": self.detail(row) if self.detail else "",
            "checked": checked,
        }

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["picker"] = self.picker_context(name, value, attrs=context["widget"]["attrs"])
        return context
