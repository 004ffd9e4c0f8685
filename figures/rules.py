"""Who reads the figures: each staff role of the tree for its own place (figures.places says
which places); the fill-once reports are asked of streets, so their leading groups and the
district download them."""

import rules

from accounts.rules import is_community_staff, is_district_staff, is_street_staff

rules.add_perm("figures.view_figures", is_district_staff | is_street_staff | is_community_staff)
rules.add_perm("figures.download_reports", is_district_staff | is_street_staff)
