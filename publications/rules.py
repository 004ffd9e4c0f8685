"""Permissions of the monthly rhythm. Each area declares its own (rules_<area>.py), imported here
as django-rules loads rules.py of each app."""

from . import rules_delivery, rules_public, rules_staff  # noqa: F401
