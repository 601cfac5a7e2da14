import hashlib
import re

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from crm.forms import LARGEST_ID, DateField, ModelChoiceField
from pok.permissions import pok_staff
from threads.addresses import BadAddress, checked
from threads.composing import OutgoingFile
from threads.filtering import ThreadQuery
from threads.models import CHOSEN_STATUSES, Status


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


class AddressesField(forms.CharField):
    """Comma-separated e-mail addresses; cleans to a list, each checked."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 5000)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
        super().__init__(**kwargs)

    def clean(self, value):
        try:
            return checked(super().clean(value), str(self.label))
        except BadAddress as error:
            raise forms.ValidationError(str(error)) from None


class ReplyForm(forms.Form):
    # The buttons of spec 9.2.5; the text is checked per action (a note may be only a file).
    ARCHIVE, WAIT, NOTE = "archive", "wait", "note"

    to = AddressesField(label=_("To"), help_text=_("Empty: the thread's customer."))
    cc = AddressesField(label=_("Cc"))
    bcc = AddressesField(label=_("Bcc"))
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}), required=False)
    files = MultipleFileField(label=_("Attachments"))
    action = forms.ChoiceField(choices=[(ARCHIVE, ARCHIVE), (WAIT, WAIT), (NOTE, NOTE)], widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if not data.get("text", "").strip() and not (data.get("action") == self.NOTE and data.get("files")):
            self.add_error("text", _("Write a message first."))
        if len(data.get("to") or []) > 1:
            self.add_error("to", _("To: exactly one e-mail address, please."))
        return data

    @property
    def then_status(self) -> str:
        return Status.ARCHIVED if self.cleaned_data["action"] == self.ARCHIVE else Status.WAITING


class NewThreadForm(forms.Form):
    ARCHIVE, WAIT = "archive", "wait"

    # As the user types, the customer search offers matching customers (search:recipients, crm.js fills one in).
    recipient = forms.EmailField(
        label=_("Recipient"),
        max_length=255,
        widget=forms.EmailInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "placeholder": _("An e-mail address, or type a name, phone or company to look the customer up"),
                "hx-get": reverse_lazy("search:recipients"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#recipient-results",
                "hx-sync": "this:replace",
                "data-results": "recipient-results",
            }
        ),
    )
    cc = AddressesField(label=_("Cc"))
    bcc = AddressesField(label=_("Bcc"))
    subject = forms.CharField(label=_("Subject"), max_length=400)
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 10}))
    files = MultipleFileField(label=_("Attachments"))
    action = forms.ChoiceField(choices=[(ARCHIVE, ARCHIVE), (WAIT, WAIT)], widget=forms.HiddenInput)

    @property
    def then_status(self) -> str:
        return Status.ARCHIVED if self.cleaned_data["action"] == self.ARCHIVE else Status.WAITING


def staff_label(user) -> str:
    """Staff are shown by name (the login only when they have none), in every menu as in the lists."""
    return user.get_full_name() or user.get_username()


class StaffChoiceField(ModelChoiceField):
    def label_from_instance(self, user):
        return staff_label(user)


class NewForCustomerForm(forms.Form):
    """ "New thread" on the customer card: which POK writes to this address (the view answers 404 for a
    POK the user does not work in, as every page naming a POK does)."""

    pok = forms.IntegerField(min_value=1, max_value=LARGEST_ID)
    recipient = forms.EmailField(max_length=255)


class StateForm(forms.Form):
    """The thread page's one control for status and owner (one submit); a field left out of the POST
    keeps its current value. The rules stay in the services the view calls."""

    status = forms.ChoiceField(label=_("Status"), choices=CHOSEN_STATUSES)
    owner = StaffChoiceField(label=_("Owner"), queryset=None, required=False, empty_label=_("nobody"))

    def __init__(self, data=None, *, thread):
        current = {"status": thread.status, "owner": str(thread.owner_id or "")}
        if data is not None:
            data = {**current, **{name: data[name] for name in current if name in data}}
        super().__init__(data, initial=current, auto_id="state_%s")
        self.fields["owner"].queryset = pok_staff(thread.pok)
        if thread.status not in dict(CHOSEN_STATUSES):
            # A spam thread keeps its status when only the owner changes (spam has its own buttons).
            self.fields["status"].choices = [*CHOSEN_STATUSES, (thread.status, thread.get_status_display())]


class ThreadFilterForm(forms.Form):
    """The filters above a thread list (GET); invalid fields are left out of the query, never fatal."""

    text = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "data-search-focus": "", "placeholder": _("Words from subjects and messages")}
        ),
    )
    subject = forms.CharField(label=_("Subject"), required=False, max_length=200)
    sender = forms.CharField(label=_("Sender e-mail"), required=False, max_length=255)
    order = forms.CharField(label=_("Order reference or number"), required=False, max_length=64)
    status = forms.ChoiceField(label=_("Status"), required=False)
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    date_from = DateField(label=_("Last message from"), required=False)
    date_to = DateField(label=_("Last message to"), required=False)
    undelivered = forms.BooleanField(label=_("Only with an undelivered reply"), required=False)

    MORE = ("subject", "sender", "order", "date_from", "date_to")

    def __init__(self, data, *, statuses, owners=None):
        """`statuses`: those the list can show (no field when only one); `owners`: users, or None for no field."""
        super().__init__(data, auto_id="filter_%s")
        if len(statuses) > 1:
            labels = dict(Status.choices)
            self.fields["status"].choices = [("", _("new and waiting"))] + [(s, labels[s]) for s in statuses]
        else:
            del self.fields["status"]
        if owners is None:
            del self.fields["owner"]
        else:
            people = [(str(user.pk), staff_label(user)) for user in owners]
            self.fields["owner"].choices = [("", _("anyone")), ("none", _("unassigned"))] + people

    def query(self) -> ThreadQuery:
        self.is_valid()
        return ThreadQuery(**{name: value for name, value in self.cleaned_data.items() if value})

    def in_use(self) -> bool:
        return not self.query().is_empty()

    def more_used(self) -> bool:
        """Whether a field folded under "More filters" is in use (the fold then starts open)."""
        return any(self.data.get(name) for name in self.MORE)

    def choices_key(self) -> str:
        """What the drawn form depends on besides the request's path and query and the language: the status and
        owner choices (threads/_filter.html keeps the drawn form in the cache under these)."""
        choices = [list(self.fields[name].choices) for name in ("status", "owner") if name in self.fields]
        return hashlib.sha256(repr(choices).encode()).hexdigest()[:16]


class SignatureForm(forms.Form):
    text = forms.CharField(
        label=_("Your signature"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Added under your replies, above the service point's signature. Empty: none."),
    )


class BulkForm(forms.Form):
    """A bulk action over the rows chosen in a list (`pick`), or over every thread its filter matches (`all`)."""

    SCOPES = ("inbox", "archive", "spam", "mine")
    MAX_PICKED = 500

    action = forms.RegexField(regex=r"^(read|unread|status:[a-z]{1,10}|owner:(none|\d{1,10}))$", max_length=20)
    scope = forms.ChoiceField(choices=[(scope, scope) for scope in SCOPES])
    pok = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    filter = forms.CharField(required=False, max_length=2000)
    all = forms.BooleanField(required=False)
    pick = forms.MultipleChoiceField(required=False)

    def __init__(self, data):
        super().__init__(data)
        # Any public id is a valid choice; which ones the user may touch is the view's question.
        picked = data.getlist("pick")[: self.MAX_PICKED] if hasattr(data, "getlist") else []
        self.fields["pick"].choices = [(value, value) for value in picked if re.fullmatch(r"[0-9A-Z]{1,7}", value)]

    def clean(self):
        data = super().clean()
        if not data.get("all") and not data.get("pick"):
            raise forms.ValidationError(_("Choose threads first: tick their rows, or all matching the filter."))
        return data


def bulk_actions(owners) -> list:
    """The choices of the bulk action menu, grouped; `owners` are the people threads may be handed to."""
    statuses = [(f"status:{status}", label) for status, label in CHOSEN_STATUSES]
    return [
        (_("Read"), [("read", _("Mark read")), ("unread", _("Mark unread"))]),
        (_("Status"), [*statuses, (f"status:{Status.SPAM}", _("Spam: block the sender"))]),
        (
            _("Owner"),
            [("owner:none", _("nobody (unassign)"))] + [(f"owner:{user.pk}", staff_label(user)) for user in owners],
        ),
    ]
