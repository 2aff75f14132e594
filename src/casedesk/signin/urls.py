from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from . import views

# Own template names: django.contrib.admin (listed first) ships registration/password_reset_*.

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("login/verify/", views.verify_view, name="two_factor_verify"),
    # The admin signs in through the same limited page and second factor.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("account/two-factor/", views.two_factor_view, name="two_factor"),
    path("webauthn/", include("django_otp_webauthn.urls", namespace="otp_webauthn")),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.LimitedPasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="signin/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="signin/password_reset_confirm.html"
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="signin/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("welcome/<uidb64>/<token>/", views.WelcomeView.as_view(), name="welcome"),
]
