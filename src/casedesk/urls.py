from django.contrib import admin
from django.urls import include, path

from casedesk.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("casedesk.signin.urls")),  # before admin/: its login is ours
    path("portal/", include("casedesk.portal.urls")),
    path("console/mail/", include("casedesk.mail.urls")),
    path("console/reports/", include("casedesk.reports.urls")),
    path("api/", include("casedesk.api.urls")),
    path("console/", include("casedesk.console.urls")),
    path("admin/", admin.site.urls),
]
