from django import template

register = template.Library()


@register.simple_tag
def field_errors(form) -> list[tuple[str, str]]:
    """(label, message) for every field error, so a form can list them at the top.

    Crispy shows some errors only beside their options (a checkbox list with no options
    shows none at all); this summary makes sure every message is visible.
    """
    return [(field.label, error) for field in form for error in field.errors]
