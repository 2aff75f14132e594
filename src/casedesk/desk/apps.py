from __future__ import annotations

from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "casedesk.desk"
    label = "desk"
    verbose_name = "Engineer's desk"
    default_auto_field = "django.db.models.BigAutoField"
