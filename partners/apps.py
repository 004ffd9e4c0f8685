from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed_catalogues(sender, using="default", **kwargs):
    """Migration 0003's categories and duties, put back after a flush (transactional and browser
    tests flush the database and then send post_migrate): a partner's category is a foreign key."""
    from django.db import connections

    from .models import Category, Duty, ensure_catalogues

    tables = connections[using].introspection.table_names()
    if Category._meta.db_table in tables and Duty._meta.db_table in tables:
        ensure_catalogues(using=using)


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "链接资源"

    def ready(self):
        post_migrate.connect(_seed_catalogues, sender=self, dispatch_uid="partners.seed_catalogues")
