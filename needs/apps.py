from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed_categories(sender, using="default", **kwargs):
    """Migration 0004's six categories, put back after a flush (transactional and browser tests
    flush the database and then send post_migrate): a need's category is a foreign key."""
    from django.db import connections

    from .models import Category, ensure_categories

    if Category._meta.db_table in connections[using].introspection.table_names():
        ensure_categories(using=using)


class NeedsConfig(AppConfig):
    name = "needs"
    verbose_name = "摸清需求"

    def ready(self):
        post_migrate.connect(_seed_categories, sender=self, dispatch_uid="needs.seed_categories")
