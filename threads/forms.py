from django import forms
from django.utils.translation import gettext_lazy as _

from threads.composing import OutgoingFile
from threads.models import Status
from threads.selectors import possible_owners


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one <input multiple>; cleans to a list of OutgoingFile."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [self._outgoing(super(MultipleFileField, self).clean(upload, initial)) for upload in uploads]

    @staticmethod
    def _outgoing(upload) -> OutgoingFile:
        return OutgoingFile(upload.name, upload.read(), upload.content_type or "application/octet-stream")


class ReplyForm(forms.Form):
    # The buttons of spec 9.2.5; the text is checked per action (a note may be only a file).
    ARCHIVE, WAIT, NOTE = "archive", "wait", "note"

    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}), required=False)
    files = MultipleFileField(label=_("Attachments"))
    action = forms.ChoiceField(choices=[(ARCHIVE, ARCHIVE), (WAIT, WAIT), (NOTE, NOTE)], widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if not data.get("text", "").strip() and not (data.get("action") == self.NOTE and data.get("files")):
            self.add_error("text", _("Write a message first."))
        return data

    @property
    def then_status(self) -> str:
        return Status.ARCHIVED if self.cleaned_data["action"] == self.ARCHIVE else Status.WAITING


class NewThreadForm(forms.Form):
    ARCHIVE, WAIT = "archive", "wait"

    recipient = forms.EmailField(label=_("Recipient"), max_length=255)
    subject = forms.CharField(label=_("Subject"), max_length=400)
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 10}))
    files = MultipleFileField(label=_("Attachments"))
    action = forms.ChoiceField(choices=[(ARCHIVE, ARCHIVE), (WAIT, WAIT)], widget=forms.HiddenInput)

    @property
    def then_status(self) -> str:
        return Status.ARCHIVED if self.cleaned_data["action"] == self.ARCHIVE else Status.WAITING


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        name = user.get_full_name()
        return f"{name} ({user.get_username()})" if name else user.get_username()


class AssignForm(forms.Form):
    owner = StaffChoiceField(label=_("Owner"), queryset=None, required=False, empty_label=_("nobody"))

    def __init__(self, *args, pok, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = possible_owners(pok)
