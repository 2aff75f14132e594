from django.urls import path  # noqa: F401 - filled in by the reports pages

app_name = "reports"
urlpatterns: list = []
