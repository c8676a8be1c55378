"""The second-factor pages: setting up an authenticator app (its otpauth URI as a QR code,
inline SVG: no script, no inline style, so the strict CSP holds) with ten single-use backup
codes, and giving the code after the password."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from isbenefit.messages import say
from isbenefit.service import second_factor, wording

BACKUP_CODES = 10
DEVICE_NAME = "authenticator app"
BACKUP_NAME = "backup codes"


class CodeForm(forms.Form):
    code = forms.CharField(
        max_length=16,
        label=gettext_lazy(wording.OTP_LABEL),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or "/"
    safe = url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure())
    return wanted if safe else "/"


def qr_svg(text: str) -> str:
    """The QR code of ``text`` as inline SVG markup (a path, no style attribute)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    return str(image.to_string(encoding="unicode"))


def _pending_device(user: Any) -> Any:
    """The user's unconfirmed TOTP device (made once, kept until confirmed)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    found = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return found or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def _backup_codes(user: Any) -> list[str]:
    """Ten new single-use codes (the ones before stop working)."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device, _ = StaticDevice.objects.get_or_create(user=user, name=BACKUP_NAME)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    for code in codes:
        device.token_set.create(token=code)
    return codes


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Show the app's QR code; a right code confirms the device, verifies this session and
    shows the backup codes once."""
    import base64

    from django_otp import login as otp_login

    # A session that has not given the code of a device it already has may not add one:
    # a password alone would otherwise enrol an attacker's app.
    if second_factor.has_device(request.user) and not request.user.is_verified():
        return redirect(f"{second_factor.VERIFY_PATH}?{urlencode({'next': _next(request)})}")
    device = _pending_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, say(wording.OTP_ENROLLED))
            done = {"codes": _backup_codes(request.user), "next": _next(request)}
            return render(request, "service/second_factor_done.html", done)
        form.add_error("code", say(wording.OTP_WRONG))
    uri = device.config_url
    context: dict[str, Any] = {
        "form": form,
        "uri": uri,
        "secret": base64.b32encode(device.bin_key).decode("ascii"),
        # Our own SVG of our own URI (a path, no script or style): safe to inline.
        "qr": mark_safe(qr_svg(uri)),
        "required": second_factor.required(request.user),
        "next": _next(request),
    }
    return render(request, "service/second_factor_setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The code after the password (an app's or a backup code)."""
    from django_otp import login as otp_login
    from django_otp import match_token

    if not second_factor.has_device(request.user):
        return redirect(second_factor.SETUP_PATH)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"].strip())
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("code", say(wording.OTP_WRONG))
    return render(request, "service/second_factor.html", {"form": form, "next": _next(request)})
