from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = "评审打分与擂台比武"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from projects.models import READ_GRANTS

        from .access import judged_project_ids
        from .signals import entry_changed, judge_changed, round_changed, user_created

        if judged_project_ids not in READ_GRANTS:
            READ_GRANTS.append(judged_project_ids)
        for signal in (post_save, post_delete):
            signal.connect(judge_changed, sender="scoring.Judge", dispatch_uid=f"judge-{signal}")
            signal.connect(entry_changed, sender="scoring.Entry", dispatch_uid=f"entry-{signal}")
        post_save.connect(round_changed, sender="scoring.Round", dispatch_uid="round-saved")
        post_save.connect(user_created, sender="accounts.User", dispatch_uid="scoring-user-created")
