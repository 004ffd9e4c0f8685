"""Whatever writes judges, entries or rounds (services, the demo's bulk writes aside, factories,
the admin site) makes the judges' cached grants forget themselves (scoring/access.py)."""

from django.core.cache import cache

from .access import JUDGES_KEY, forget_judge, forget_judges


def judge_changed(sender, instance, **kwargs):
    forget_judge(instance.user_id)


def entry_changed(sender, instance, **kwargs):
    forget_judges(instance.round_id)


def round_changed(sender, instance, created=False, **kwargs):
    if not created:
        forget_judges(instance.pk)


def user_created(sender, instance, created=False, **kwargs):
    """A new account may take the id of a removed one (SQLite reuses ids): it inherits no judge's
    cached facts."""
    if created and instance.pk in (cache.get(JUDGES_KEY) or ()):
        forget_judge(instance.pk)
