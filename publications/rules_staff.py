"""Permissions of publications/ (staff area): reading the drafts and the archive, signing off,
the foreword, recompiling, the district's setting and compiling by hand.

Whether the publication's status allows an action is the workflow table's question
(publications/services.py); which publications exist for the user is visible_to()'s.
"""

import rules

from accounts.rules import (
    is_community_staff,
    is_district_staff,
    is_street_decider_of,
    is_street_staff,
)

from .models import Kind


@rules.predicate
def is_digest(user, publication):
    """The district's 红色专递 (asked without an object: no)."""
    return publication is not None and getattr(publication, "kind", None) == Kind.DIGEST


# Who signs a publication off: the street's 组长 (or the member a 组长 delegated deciding to)
# for its preview and summary, district staff for the digest.
is_signer = (~is_digest & is_street_decider_of) | (is_digest & is_district_staff)

# The menu and the list: the street's leading group, community staff (read-only) and district.
rules.add_perm(
    "publications.view_publications", is_street_staff | is_community_staff | is_district_staff
)
rules.add_perm("publications.sign_off_publication", is_signer)
rules.add_perm("publications.edit_publication", is_signer)
# District staff may refresh a street's late draft too; it changes nothing the street wrote.
rules.add_perm("publications.recompile_publication", is_signer | is_district_staff)
# Only the system publishes by itself (publications.services.SYSTEM); no person ever may.
rules.add_perm("publications.auto_publish_publication", rules.always_deny)
rules.add_perm("publications.manage_settings", is_district_staff)
rules.add_perm("publications.compile_publications", is_district_staff)
