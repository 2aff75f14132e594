from django.apps import AppConfig
from django.db.models.signals import post_migrate

from casedesk.customers.apps import ensure_groups_after_migrate


class CasesConfig(AppConfig):
    name = "casedesk.cases"
    label = "cases"

    def ready(self) -> None:
        # Registers the outbox's writer of event mail, which a worker may need before anything
        # else has imported the notifications; in ready(), not at import: it imports models.
        from casedesk.cases import notifications  # noqa: F401

        # Again once this app's permissions exist: managers get the support groups' (issue 18).
        post_migrate.connect(
            ensure_groups_after_migrate, sender=self, dispatch_uid="cases-ensure-groups"
        )
