from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = "居民评价"

    def ready(self):
        # Step 7 on the project page: projects never imports evaluation, it calls these hooks.
        from projects.selectors import RETROSPECTIVE_HOOKS, STEP_EVIDENCE_HOOKS

        from .hooks import grades_evidence, grades_section

        if grades_evidence not in STEP_EVIDENCE_HOOKS:
            STEP_EVIDENCE_HOOKS.append(grades_evidence)
        if grades_section not in RETROSPECTIVE_HOOKS:
            RETROSPECTIVE_HOOKS.append(grades_section)

        # The household picker used for a project (走访入户评) marks the households that graded it.
        from accounts.households import ResultMark, register_mark

        from .selectors import households_graded

        register_mark(ResultMark(param="project", label="已评价", done=households_graded))
