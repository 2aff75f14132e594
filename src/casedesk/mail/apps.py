from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "casedesk.mail"
    label = "mail"

    def ready(self) -> None:
        # Registers the outbox's writer of event mail, which a worker may need before
        # anything else has imported the notifications.
        from casedesk.mail import notify  # noqa: F401
