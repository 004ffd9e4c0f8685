from django.apps import AppConfig


class PublicationsConfig(AppConfig):
    name = "publications"
    verbose_name = "月度晾晒"

    def ready(self):
        # Later apps' sections of the 红色专递 (publications/compile.py's DIGEST_SECTIONS).
        from roundtable.digest import digest_section
        from training.digest import digest_section as training_section

        from . import compile

        for section in (digest_section, training_section):
            if section not in compile.DIGEST_SECTIONS:
                compile.DIGEST_SECTIONS.append(section)
