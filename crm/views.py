from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class StaffAuthenticationForm(AuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_staff:
            raise ValidationError(_("This account is not a staff account."), code="not_staff")


class StaffLoginView(LoginView):
    form_class = StaffAuthenticationForm
    redirect_authenticated_user = True
