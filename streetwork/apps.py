from django.apps import AppConfig


class StreetworkConfig(AppConfig):
    name = "streetwork"
    verbose_name = "街道研判与调研"
