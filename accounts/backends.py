from django.contrib.auth.backends import ModelBackend

from core import memo


class PasswordBackend(ModelBackend):
    """Checks username and password; grants no permissions.

    Permissions are declared with django-rules (each app's rules.py) and nowhere else, so a
    permission nobody declared is denied, and templates asking `perms.x.y` cost no query.
    """

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False

    def get_user(self, user_id):
        """The logged-in person for each request, kept in the cache between requests (forgotten
        whenever the account is saved: accounts/signals.py), so a page needs no query for it."""
        user = memo.remembered(
            "user", user_id, lambda: super(PasswordBackend, self).get_user(user_id)
        )
        return user if user is not None and self.user_can_authenticate(user) else None
