from django.contrib import admin
from django.urls import include, path

from casedesk.core import errors, views

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

# Branded error pages (issue 19); 405 and 429 are branded by core.errors.brand_bare_errors.
handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
