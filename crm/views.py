from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from crm.permissions import staff_required
from threads.selectors import pok_panels


class StaffAuthenticationForm(AuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_staff:
            raise ValidationError(_("This account is not a staff account."), code="not_staff")


class StaffLoginView(LoginView):
    form_class = StaffAuthenticationForm
    redirect_authenticated_user = True


@staff_required
def overview(request):
    """A panel per POK with its counts and the customer search (spec 6)."""
    return render(request, "crm/overview.html", {"pok_panels": pok_panels(request.user)})
