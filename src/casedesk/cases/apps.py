from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "casedesk.cases"
    label = "cases"

    def ready(self) -> None:
        # Registers the outbox's writer of event mail, which a worker may need before anything
        # else has imported the notifications; in ready(), not at import: it imports models.
        from casedesk.cases import notifications  # noqa: F401
