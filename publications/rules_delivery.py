"""Permissions of publications/ (delivery area): district staff see and retry deliveries; a
street's robot is set by its 组长 (or whoever decides for the street today) and district staff."""

import rules

from accounts.rules import is_district_staff, is_street_decider_of

# The failures page (menu entry "投递情况") and a retry of one delivery.
rules.add_perm("publications.view_deliveries", is_district_staff)
rules.add_perm("publications.retry_delivery", is_district_staff)
# A street's WeCom group robot (the object is the street).
rules.add_perm("publications.manage_wecom", is_district_staff | is_street_decider_of)
