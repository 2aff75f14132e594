from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "casedesk.signin"
    label = "signin"
    verbose_name = "sign-in"
