"""The objects of partners/ that the URL × persona matrix opens, from each area's world module."""

from . import world_recruit, world_resource, world_staff, world_task, world_unit


def matrix_objects(org, people, partner) -> dict:
    found = {}
    for area in (world_recruit, world_staff, world_unit, world_task, world_resource):
        made = area.objects(org, people, partner)
        assert not set(made) & set(found), f"{area.__name__} repeats names"
        found.update(made)
    return found
