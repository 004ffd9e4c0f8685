"""What the round table adds to the apps below it, through their hook lists (never an import the
other way): a need's page links the topic it came from (needs.hooks.ORIGIN_LINKS)."""

ORIGIN_PREFIX = "roundtable.topic:"


def topic_origin_links(origins) -> dict:
    from django.urls import reverse

    from .models import Topic

    ids = {}
    for origin in origins:
        if origin.startswith(ORIGIN_PREFIX):
            tail = origin[len(ORIGIN_PREFIX) :]
            if tail.isdigit():
                ids[int(tail)] = origin
    if not ids:
        return {}
    found = {}
    for pk, title in Topic.objects.filter(pk__in=ids).values_list("pk", "title"):
        found[ids[pk]] = (f"圆桌会议题:{title}", reverse("roundtable:topic", args=[pk]))
    return found


def register() -> None:
    from needs import hooks as need_hooks

    if topic_origin_links not in need_hooks.ORIGIN_LINKS:
        need_hooks.ORIGIN_LINKS.append(topic_origin_links)
