"""Permissions of partners kept by staff: the list and its filters, edit, deactivate, restore,
categories, import and export. Role × object only: whether the partner's status allows an action
is partners/staff.py's workflow table; which partners exist for a person, visible_to()'s.

The partner's own community keeps the record (edit, deactivate, restore, import into it); street
and district staff read every partner of their scope and export them with masked numbers; the
district keeps the category list."""

import rules

from accounts.rules import (
    is_community_staff,
    is_community_staff_of,
    is_district_staff,
    is_street_staff,
)

rules.add_perm("partners.change_partner", is_community_staff_of)
rules.add_perm("partners.deactivate_partner", is_community_staff_of)
rules.add_perm("partners.restore_partner", is_community_staff_of)
# The full number (in the export): only the staff of the partner's community call partners.
rules.add_perm("partners.view_full_phone", is_community_staff_of)
rules.add_perm("partners.export_partner", is_community_staff | is_street_staff | is_district_staff)
# An import goes into one community (the rule on that community, or on the import job).
rules.add_perm("partners.import_partner", is_community_staff_of)
rules.add_perm("partners.manage_categories", is_district_staff)


def full_phone_communities(user) -> frozenset:
    """The communities whose partners' full numbers this user may read: the same answer as
    `partners.view_full_phone` for every partner at once, without a query per row."""
    return user.scope.community_ids()
