from django.apps import AppConfig


class WatchConfig(AppConfig):
    name = "casedesk.watch"
    label = "watch"
    verbose_name = "SLA watch"
