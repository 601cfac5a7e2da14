from django.conf import settings
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from crm.forms import PreferencesForm
from crm.models import BrowserNotifications
from crm.paths import local_path_or_overview
from crm.permissions import staff_required
from crm.preferences import (
    choose_browser_notifications,
    choose_language,
    preferences_of,
    save_preferences,
    session_language,
)


class StaffAuthenticationForm(AuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_staff:
            raise ValidationError(gettext_lazy("This account is not a staff account."), code="not_staff")


class StaffLoginView(LoginView):
    form_class = StaffAuthenticationForm
    redirect_authenticated_user = True


@require_http_methods(["GET", "POST"])
@staff_required
def preferences(request):
    """The user menu's Preferences page: language, browser notifications, e-mail digest."""
    saved = preferences_of(request.user)
    initial = {
        "language": saved.language,
        "browser_notifications": saved.browser_notifications or BrowserNotifications.OFF,
        "digest": saved.digest,
    }
    form = PreferencesForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        save_preferences(request.user, **form.cleaned_data, request=request)
        # The message in the language just chosen.
        with translation.override(session_language(request) or translation.get_language_from_request(request)):
            messages.success(request, _("Preferences saved."))
        return redirect("preferences")
    status = 400 if request.method == "POST" else 200
    return render(request, "crm/preferences.html", {"form": form, "has_email": bool(request.user.email)}, status=status)


@require_POST
@staff_required
def language(request):
    """The user menu's language switch; back to the page it was used on."""
    chosen = request.POST.get("language", "")
    if chosen not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest(_("Unknown language."))
    choose_language(request.user, language=chosen, request=request)
    return HttpResponseRedirect(local_path_or_overview(request, request.POST.get("next", "")))


@require_POST
@staff_required
def browser_notifications(request):
    """The in-page prompt's answer (on or off), remembered so that it is not asked again: 204."""
    choice = request.POST.get("choice", "")
    if choice not in (BrowserNotifications.ON, BrowserNotifications.OFF):
        return HttpResponseBadRequest(_("Choose on or off."))
    choose_browser_notifications(request.user, choice=choice, request=request)
    return HttpResponse(status=204)
