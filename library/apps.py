from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "library"
    verbose_name = "百社百景库"

    def ready(self):
        from projects.selectors import PROJECT_PAGE_ACTIONS, PROJECT_PAGE_NOTES

        from .selectors import ORIGIN_PATH, nominate_action, origin_note

        if not any(notes is origin_note for _, notes in PROJECT_PAGE_NOTES):
            PROJECT_PAGE_NOTES.append((ORIGIN_PATH, origin_note))
        if nominate_action not in PROJECT_PAGE_ACTIONS:
            PROJECT_PAGE_ACTIONS.append(nominate_action)
