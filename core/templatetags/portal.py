from functools import lru_cache

from django import template

register = template.Library()


@register.simple_tag
def field_errors(form) -> list[tuple[str, str]]:
    """(label, message) for every field error, so a form can list them at the top.

    Crispy shows some errors only beside their options (a checkbox list with no options
    shows none at all); this summary makes sure every message is visible.
    """
    return [(field.label, error) for field in form for error in field.errors]


@register.filter
def days_since(moment) -> int:
    """Whole days from a moment to today (Shanghai time): "已停留 12 天" is cheaper to render than
    timesince's "1 周,5 日", and as clear to someone judging how long a project waited."""
    from django.utils import timezone

    if moment is None:
        return 0
    day = timezone.localtime(moment).date() if hasattr(moment, "hour") else moment
    return (timezone.localdate() - day).days


@register.simple_tag
def path(name: str) -> str:
    """{% url name %} for a URL without arguments, reversed once per process (a page's menu
    reverses a dozen of them on every request)."""
    from django.urls import get_script_prefix

    return get_script_prefix() + _path(name)


@lru_cache(maxsize=256)
def _path(name: str) -> str:
    from django.urls import get_script_prefix, reverse

    return reverse(name).removeprefix(get_script_prefix())
