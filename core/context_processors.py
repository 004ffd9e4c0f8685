from .models import Notification


def navigation(request):
    """The unread count shown in the navigation bar (one query, logged-in users only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_count": lambda: Notification.objects.for_user(user).unread().count()}
