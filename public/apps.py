from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = "居民公开页面"
