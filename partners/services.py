"""Services of partners/ shared by its areas. Registering a partner lives with the staff's other
changes to a partner's record (partners/staff.py); it is re-exported here for callers that know
it by this module."""

from .staff import partner_create

__all__ = ["partner_create"]
