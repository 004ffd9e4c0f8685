from django.apps import AppConfig


class PublicationsConfig(AppConfig):
    name = "publications"
    verbose_name = "月度晾晒"

    def ready(self):
        # Later apps' sections of the 红色专递 (publications/compile.py's DIGEST_SECTIONS).
        from roundtable.digest import digest_section

        from . import compile

        if digest_section not in compile.DIGEST_SECTIONS:
            compile.DIGEST_SECTIONS.append(digest_section)
