from django.apps import AppConfig


class WatchConfig(AppConfig):
    name = "casedesk.watch"
    label = "watch"
    verbose_name = "SLA watch"

    def ready(self) -> None:
        # In ready(), not at import: the receiver's module imports models.
        from casedesk.cases.signals import effort_changed, sla_changed
        from casedesk.watch.effort_schedule import on_effort_changed
        from casedesk.watch.schedule import on_sla_changed

        sla_changed.connect(on_sla_changed, dispatch_uid="casedesk.watch.reschedule")
        effort_changed.connect(on_effort_changed, dispatch_uid="casedesk.watch.effort")
