"""The service's addresses: the pages, the public checks and the JSON API under /api/
(docs/service.md)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import TemplateView

from isbenefit.service import (
    account_views,
    home_views,
    languages,
    otp_views,
    public,
    record_views,
    register_views,
    views,
)

urlpatterns = [
    path("", home_views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="service/login.html"),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "invite/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="service/invite.html", success_url="/login/"
        ),
        name="invite",
    ),
    path("settings/", account_views.account_settings, name="settings"),
    path("language/", languages.switch, name="language"),
    path("account/second-factor/", otp_views.verify, name="second_factor"),
    path("account/second-factor/setup/", otp_views.setup, name="second_factor_setup"),
    path("password-reset/", account_views.PasswordReset.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        TemplateView.as_view(template_name="service/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="service/invite.html", success_url="/login/"
        ),
        name="password_reset_confirm",
    ),
    path("exchanges/", views.exchange_list, name="exchanges"),
    path("exchanges/new/", views.exchange_new, name="exchange_new"),
    path("exchanges/<str:pk>/", views.exchange_detail, name="exchange"),
    path("exchanges/<str:pk>/edit/", views.exchange_edit, name="exchange_edit"),
    path("exchanges/<str:pk>/confirm/", views.exchange_confirm, name="exchange_confirm"),
    path("exchanges/<str:pk>/withdraw/", views.exchange_withdraw, name="exchange_withdraw"),
    path("proposals/<str:pk>/", home_views.proposal_detail, name="proposal"),
    path("proposals/<str:pk>/answer/", home_views.proposal_answer, name="proposal_answer"),
    path("upload/", views.upload, name="upload"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<str:org_id>/", views.organisation_detail, name="organisation"),
    path("users/", views.user_list, name="users"),
    path("years/", record_views.year_list, name="years"),
    path("years/<int:year>/", record_views.year_detail, name="year"),
    path("years/<int:year>/reissue/", register_views.reissue, name="year_reissue"),
    path("documents/", record_views.document_list, name="documents"),
    path("documents/<str:pk>/pdf", record_views.document_download, name="document_download"),
    path("documents/<str:pk>/revoke/", record_views.document_revoke, name="document_revoke"),
    path("jobs/<str:pk>/", record_views.job_detail, name="job"),
    path("changes/", record_views.change_list, name="changes"),
    # Public, no login.
    path("c/<str:certificate_id>", public.certificate_page, name="certificate"),
    path("c/<str:certificate_id>/pdf", public.certificate_download, name="certificate_pdf"),
    path("verify", public.verify_page, name="verify"),
    path("register", register_views.register_page, name="register"),
    path("register.json", register_views.register_json, name="register_json"),
    path("register.csv", register_views.register_csv, name="register_csv"),
    path("keys.json", public.published_keys, name="keys"),
    path("status/<str:name>.json", public.status_list, name="status_list"),
    path("static/service.css", public.stylesheet, name="stylesheet"),
    # The JSON API (token authentication; OpenAPI at /api/openapi.json).
    path("api/", include("isbenefit.service.api.urls")),
]

# Our own error pages (and JSON under /api/, whatever the address).
handler400 = "isbenefit.service.failures.bad_request"
handler403 = "isbenefit.service.failures.forbidden"
handler404 = "isbenefit.service.failures.not_found"
handler500 = "isbenefit.service.failures.server_error"
