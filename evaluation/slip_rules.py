"""Who may print household code slips and session posters: role × object only.

Kept apart from evaluation/rules.py (the grades'); imported by the modules that ask these
permissions (evaluation/slips.py, evaluation/posters.py), so they are registered before use.
"""

import rules

from accounts.rules import (
    is_community_staff,
    is_community_staff_of,
    is_district_staff,
    is_street_staff,
)


@rules.predicate
def is_staff_of_session_community(user, session):
    """Community staff of the session's project's community (of some community, asked without
    a session)."""
    if session is None:
        return is_community_staff(user)
    return is_community_staff_of(user, session.project)


# The slips carry the household codes: only the community's own secretaries and workers print,
# download and void them (the street and the district see that batches exist, never the codes).
rules.add_perm("evaluation.print_slips", is_community_staff_of)
# Rendering the PDF and marking the batch ready or failed: the background task, nobody presses it.
rules.add_perm("evaluation.render_slips", rules.always_allow)
# A session's QR poster holds only the public grading link: the staff who see the session.
rules.add_perm(
    "evaluation.print_poster",
    is_staff_of_session_community | is_street_staff | is_district_staff,
)
