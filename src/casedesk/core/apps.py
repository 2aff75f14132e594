from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "casedesk.core"
    label = "core"
    verbose_name = "casedesk"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the system checks
