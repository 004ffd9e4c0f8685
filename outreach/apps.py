from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = "走访、会议与意见箱"

    def ready(self):
        from needs import hooks as needs_hooks

        from . import hooks, rules  # noqa: F401  (registers the outreach.* permissions)

        for hook, registry in (
            (hooks.merge_needs, needs_hooks.MERGE_HOOKS),
            (hooks.visit_links, needs_hooks.ORIGIN_LINKS),
            (hooks.meeting_links, needs_hooks.ORIGIN_LINKS),
            (hooks.suggestion_links, needs_hooks.ORIGIN_LINKS),
        ):
            if hook not in registry:
                registry.append(hook)
