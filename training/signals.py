"""Whatever writes mentors, coachings or classes (services, factories, the admin site) makes the
mentors' cached facts forget themselves (training/access.py)."""

from django.core.cache import cache

from .access import MENTORS_KEY, forget_mentor, forget_mentor_row


def mentor_changed(sender, instance, **kwargs):
    forget_mentor(instance.user_id)


def coaching_changed(sender, instance, **kwargs):
    forget_mentor_row(instance.mentor_id)


def session_changed(sender, instance, **kwargs):
    if instance.mentor_id is not None:
        forget_mentor_row(instance.mentor_id)
    previous = getattr(instance, "_mentor_before", None)
    if previous and previous != instance.mentor_id:
        forget_mentor_row(previous)


def user_created(sender, instance, created=False, **kwargs):
    """A new account may take the id of a removed one (SQLite reuses ids)."""
    if created and instance.pk in (cache.get(MENTORS_KEY) or ()):
        forget_mentor(instance.pk)
