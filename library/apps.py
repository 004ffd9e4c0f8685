from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "library"
    verbose_name = "百社百景库"

    def ready(self):
        from projects.selectors import PROJECT_PAGE_ACTIONS, PROJECT_PAGE_NOTES

        from .selectors import ENTRY_PATH, ORIGIN_PATH, entry_note, nominate_action, origin_note

        for paths, note in ((ORIGIN_PATH, origin_note), (ENTRY_PATH, entry_note)):
            if not any(notes is note for _, notes in PROJECT_PAGE_NOTES):
                PROJECT_PAGE_NOTES.append((paths, note))
        if nominate_action not in PROJECT_PAGE_ACTIONS:
            PROJECT_PAGE_ACTIONS.append(nominate_action)
