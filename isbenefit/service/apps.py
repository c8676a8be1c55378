"""The Django application of the service."""

from __future__ import annotations

from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "isbenefit.service"
    label = "isbenefit_service"
    verbose_name = "isbenefit shared ledger"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The receivers logging every login, failed or not.
        from isbenefit.service import logins  # noqa: F401
