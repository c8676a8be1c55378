"""The pages of one's own account: which mail to receive (``/settings/``)."""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from isbenefit.messages import say
from isbenefit.service import access, second_factor, wording
from isbenefit.service.models import Membership
from isbenefit.service.security import client_address, within

logger = logging.getLogger("isbenefit.service.logins")
# Password resets asked per hour: from one address (then 429), and for one mail address
# (then the same answer without a mail, so nobody can flood another's inbox or learn
# whether an account exists).
RESETS_PER_ADDRESS = 10
RESETS_PER_MAIL = 3
HOUR = 3600


class MailForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ("mail_confirmations", "mail_changes", "mail_years", "mail_documents")
        labels: ClassVar[dict[str, str]] = {
            "mail_confirmations": gettext_lazy(wording.MAIL_CONFIRMATIONS),
            "mail_changes": gettext_lazy(wording.MAIL_CHANGES),
            "mail_years": gettext_lazy(wording.MAIL_YEARS),
            "mail_documents": gettext_lazy(wording.MAIL_DOCUMENTS),
        }


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request: HttpRequest) -> HttpResponse:
    found = access.member(request.user)
    form = MailForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, say(wording.MAIL_SAVED))
        return redirect("settings")
    context = {
        "form": form,
        "has_device": second_factor.has_device(request.user),
        "required": second_factor.required(request.user),
    }
    return render(request, "service/settings.html", context)


class ResetForm(PasswordResetForm):
    """Django's reset form; the mail is in the account's language (notify.language_of),
    not in that of whoever asked for it."""

    def send_mail(self, *args: Any, **kwargs: Any) -> None:
        from isbenefit.service import notify

        context = kwargs.get("context") or (args[2] if len(args) > 2 else {})
        with notify.in_language(notify.language_of(context.get("user"))):
            super().send_mail(*args, **kwargs)


class PasswordReset(auth_views.PasswordResetView):
    """Django's reset by mail; its link is built on the public URL when one is set."""

    form_class = ResetForm
    template_name = "service/password_reset.html"
    email_template_name = "service/email/password_reset.txt"
    subject_template_name = "service/email/password_reset_subject.txt"
    success_url = "/password-reset/sent/"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not within("reset-address", client_address(request), RESETS_PER_ADDRESS, HOUR):
            logger.warning("password resets throttled: from %s", client_address(request))
            message = say(wording.TOO_MANY_RESETS)
            return render(request, "service/throttled.html", {"message": message}, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        mail = str(form.cleaned_data["email"]).strip().lower()
        if not within("reset-mail", mail, RESETS_PER_MAIL, HOUR):
            logger.warning("password reset mail withheld: too many asked for one address")
            return redirect(self.success_url)
        self.extra_email_context = {"base": str(settings.ISBENEFIT_PUBLIC_URL or "")}
        return super().form_valid(form)
