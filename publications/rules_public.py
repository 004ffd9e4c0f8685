"""Permissions of publications/ (public area): none. The residents' pages (public_views.py) need
no login and no rule: what exists for them is `Publication.objects.public()` (published previews
and summaries); everything else, drafts and the 红色专递 included, is a 404 for everybody there."""

import rules  # noqa: F401
