from django.contrib.auth.backends import ModelBackend


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
