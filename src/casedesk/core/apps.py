from django.apps import AppConfig
from django.conf import settings


class CoreConfig(AppConfig):
    name = "casedesk.core"
    label = "core"
    verbose_name = "casedesk"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the system checks

        # The data folder and what must exist in it before the first request or connection
        # (SQLite's file, whitenoise's STATIC_ROOT), made here rather than when settings load.
        settings.HOME.mkdir(parents=True, exist_ok=True)
        settings.STATIC_ROOT.mkdir(exist_ok=True)
        str(settings.SECRET_KEY)  # a generated key's file is written at start, not mid-request
