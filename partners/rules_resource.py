"""Permissions of one area of partners/: resources partners and units offer (场地, 资金, 物资,
服务, 志愿时长).

The partner's community records what it offers: its secretary and workers add, edit, retire and
restore its resources. Whoever sees the partner sees its resources (the partner themself, read
only); which partners that is, Partner.objects.visible_to() decides.
"""

import rules

from accounts.rules import is_community_staff_of


@rules.predicate
def is_community_staff_of_resource_partner(user, resource):
    """Secretary or worker of the community of the partner that offers the resource."""
    return resource is not None and is_community_staff_of(user, resource.partner)


# Adding is a rule on the partner (its community); the rest on the resource.
rules.add_perm("partners.add_resource", is_community_staff_of)
rules.add_perm("partners.change_resource", is_community_staff_of_resource_partner)
