"""Permissions of the round table. Each area declares its own (rules_<area>.py), imported here as
django-rules loads rules.py of each app."""

from . import (  # noqa: F401
    rules_followup,
    rules_meetings,
    rules_moderation,
    rules_participants,
    rules_topics,
)
