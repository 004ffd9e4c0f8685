from . import memo
from .models import Notification


def navigation(request):
    """The unread count shown in the navigation bar: computed only if a template asks, and kept
    in the cache between requests (core.notifications forgets it when it changes)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    once: dict = {}

    def unread_count() -> int:
        if "n" not in once:
            once["n"] = memo.remembered(
                "unread", user.pk, lambda: Notification.objects.for_user(user).unread().count()
            )
        return once["n"]

    return {"unread_count": unread_count}
