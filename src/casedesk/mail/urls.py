from django.urls import path  # noqa: F401 - filled in by the mail console views

app_name = "mail"
urlpatterns: list = []
