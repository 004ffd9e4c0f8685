import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class ComplexityValidator:
    """At least three of: lower-case, upper-case, digits, symbols (等保2.0 password complexity)."""

    classes = (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]")

    def validate(self, password, user=None):
        if sum(bool(re.search(c, password)) for c in self.classes) < 3:
            raise ValidationError(
                _("密码需包含小写字母、大写字母、数字、符号中的至少三类。"),
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("密码需包含小写字母、大写字母、数字、符号中的至少三类。")
