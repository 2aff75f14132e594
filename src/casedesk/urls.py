from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from casedesk.core import auth, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", auth.RateLimitedLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("portal/", include("casedesk.portal.urls")),
    path("console/mail/", include("casedesk.mail.urls")),
    path("console/reports/", include("casedesk.reports.urls")),
    path("api/", include("casedesk.api.urls")),
    path("console/", include("casedesk.console.urls")),
    path("admin/", admin.site.urls),
]
