"""The needs picker of a visit or a meeting: a search box and at most LIMIT of the community's
live needs, for ticking the needs residents raised (a community's list grows every year, so it is
searched, never listed whole). With `counts`, each ticked need carries how many residents raised it
(`count_<id>`), as at a meeting.

The options come from the field's own queryset (the form narrows it to one community), so nothing
out of scope is offered or accepted. With htmx the box asks the same page again (`<name>_q`); the
rows ticked (and their counts) go along and stay ticked."""

from django import forms

LIMIT = 20
COUNT_MAX = 100_000


def _ids(values) -> list[int]:
    values = values if isinstance(values, list | tuple) else [values]
    return [int(v) for v in map(str, values) if v.isascii() and v.isdigit() and len(v) < 12]


def posted_count(data, pk) -> int:
    """The count posted for need `pk` (1 when missing or not a number in range)."""
    raw = str(data.get(f"count_{pk}") or "").strip() if data is not None else ""
    if raw.isascii() and raw.isdigit() and len(raw) < 7:
        return min(max(int(raw), 1), COUNT_MAX)
    return 1


class NeedPicker(forms.Widget):
    template_name = "outreach/widgets/need_picker.html"
    use_fieldset = True
    allow_multiple_selected = True

    def __init__(self, *, counts=False, attrs=None):
        super().__init__(attrs)
        self.counts = counts
        self.data = None  # the form's data, for the counts posted
        self.search_url = ""
        self.label = ""

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False

    def id_for_label(self, id_):
        return ""

    @property
    def queryset(self):
        return self.choices.queryset

    def chosen(self, value) -> list:
        ids = _ids(value or [])
        return list(self.queryset.filter(pk__in=ids)[:LIMIT]) if ids else []

    def matches(self, q: str, exclude) -> tuple[list, bool]:
        found = self.queryset.exclude(pk__in=[row.pk for row in exclude])
        q = str(q or "").replace("\x00", "").strip()[:50]
        if q:
            found = found.filter(title__icontains=q)
        found = list(found.order_by("-pk")[: LIMIT + 1])
        return found[:LIMIT], len(found) > LIMIT

    def picker_context(self, name: str, value, q: str = "", attrs=None, data=None) -> dict:
        data = data if data is not None else self.data
        chosen = self.chosen(value)
        matches, more = self.matches(q, chosen)
        return {
            "name": name,
            "id": (attrs or {}).get("id") or f"id_{name}",
            "counts": self.counts,
            "options": [self._option(row, True, data) for row in chosen]
            + [self._option(row, False, data) for row in matches],
            "more": more,
            "q": q,
            "limit": LIMIT,
            "search_url": self.search_url,
            "label": self.label,
        }

    def _option(self, row, checked: bool, data) -> dict:
        return {
            "pk": row.pk,
            "label": row.title,
            "detail": f"{row.category.name} · 已有 {row.mentions} 人次",
            "checked": checked,
            "count": posted_count(data, row.pk) if checked else 1,
        }

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["picker"] = self.picker_context(name, value, attrs=context["widget"]["attrs"])
        return context
