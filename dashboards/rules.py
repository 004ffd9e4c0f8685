import rules

from accounts.rules import is_district_staff, is_street_staff

rules.add_perm("dashboards.view_pipeline", is_street_staff)
rules.add_perm("dashboards.view_overview", is_district_staff)
