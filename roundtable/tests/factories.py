"""Factories and the URL matrix's objects for roundtable/."""

from . import world_followup, world_meetings, world_moderation, world_participants, world_topics


def matrix_objects(org, people) -> dict:
    """Name → object for the matrix rows of every area (roundtable/tests/matrix_*.py)."""
    found: dict = {}
    for area in (
        world_meetings,
        world_participants,
        world_topics,
        world_followup,
        world_moderation,
    ):
        made = area.objects(org, people)
        assert not set(made) & set(found), f"{area.__name__} repeats objects"
        found.update(made)
    return found
