"""Forms of the personal-data pages."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.forms import DateField
from customers.models import Disclosure
from threads.gdpr.collect import normalize


class DisclosureForm(forms.ModelForm):
    class Meta:
        model = Disclosure
        fields = ["disclosed_on", "recipient", "scope"]
        field_classes = {"disclosed_on": DateField}
        widgets = {
            "scope": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "recipient": gettext_lazy("e.g. a courier company, the police, an accounting office"),
            "scope": gettext_lazy("which data, and why"),
        }


class EraseForm(forms.Form):
    confirm_email = forms.CharField(label=gettext_lazy("Type the e-mail address again"), max_length=255)

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_confirm_email(self):
        typed = normalize(self.cleaned_data["confirm_email"])
        if typed != self.email:
            raise forms.ValidationError(_("This is not the address being erased."))
        return typed
