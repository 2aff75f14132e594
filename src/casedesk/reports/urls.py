from __future__ import annotations

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("cases/", views.cases, name="cases"),
    path("quota/", views.quota, name="quota"),
    path("effort/", views.effort, name="effort"),
    path("resolution/", views.resolution, name="resolution"),
]
