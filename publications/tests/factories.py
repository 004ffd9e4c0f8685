"""Factories and the URL matrix's objects for publications/."""

from . import world_delivery, world_public, world_staff


def matrix_objects(org, people) -> dict:
    """Name → object for the matrix rows of every area (publications/tests/matrix_*.py)."""
    found: dict = {}
    for area in (world_staff, world_delivery, world_public):
        made = area.objects(org, people)
        assert not set(made) & set(found), f"{area.__name__} repeats objects"
        found.update(made)
    return found
