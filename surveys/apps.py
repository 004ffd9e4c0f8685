from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "问卷调查"

    def ready(self):
        # needs hears of surveys only through its hook lists (needs/hooks.py).
        from needs.hooks import MERGE_HOOKS, ORIGIN_LINKS

        from .hooks import merge_responses, response_links

        if merge_responses not in MERGE_HOOKS:
            MERGE_HOOKS.append(merge_responses)
        if response_links not in ORIGIN_LINKS:
            ORIGIN_LINKS.append(response_links)
