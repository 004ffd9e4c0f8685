from .models import Notification


def navigation(request):
    """The unread count shown in the navigation bar: one query, made only if a template asks."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memo: dict = {}

    def unread_count() -> int:
        if "n" not in memo:
            memo["n"] = Notification.objects.for_user(user).unread().count()
        return memo["n"]

    return {"unread_count": unread_count}
