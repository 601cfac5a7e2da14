"""Personal data (GDPR) pages.

Who may do what: the report covers threads of every service point, so it is not for staff limited
to their POKs. Seeing the page, downloading the report and keeping the disclosure log need the
permission customers.view_personal_data (superusers have it; give it in the admin to whoever handles
data requests); erasing is for superusers only.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.validators import validate_email
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.permissions import personal_data_required, superuser_required
from customers.models import Disclosure
from threads.gdpr.collect import collect, normalize
from threads.gdpr.erase import erase as erase_data
from threads.gdpr.forms import DisclosureForm, EraseForm
from threads.gdpr.pdf import render_report


def person_url(email: str) -> str:
    return f"{reverse('gdpr:person')}?{urlencode({'email': email})}"


def _email(request) -> str:
    source = request.POST if request.method == "POST" else request.GET
    return normalize(source.get("email", ""))


def _valid(email: str) -> bool:
    try:
        validate_email(email)
    except forms.ValidationError:
        return False
    return True


@require_GET
@personal_data_required
def person(request):
    return _person_page(request, _email(request), DisclosureForm(initial={"disclosed_on": timezone.localdate()}))


def _person_page(request, email: str, form: DisclosureForm, status: int = 200):
    context = {"email": email, "form": form}
    if email and not _valid(email):
        context["invalid"] = True
    elif email:
        context["data"] = collect(email)
    return render(request, "threads/gdpr/person.html", context, status=status)


@require_GET
@personal_data_required
def report(request):
    email = _email(request)
    if not _valid(email):
        messages.error(request, _("Enter a valid e-mail address."))
        return redirect("gdpr:person")
    pdf = render_report(collect(email), request.user.get_username())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="personal-data-{timezone.localdate():%Y-%m-%d}.pdf"'
    return response


@require_POST
@personal_data_required
def disclosure_add(request):
    email = _email(request)
    form = DisclosureForm(request.POST)
    if not _valid(email) or not form.is_valid():
        return _person_page(request, email, form, status=400)
    form.instance.email = email
    form.instance.created_by = request.user
    form.save()
    messages.success(request, _("The disclosure is recorded."))
    return redirect(person_url(email))


@require_http_methods(["GET", "POST"])
@personal_data_required
def disclosure_edit(request, pk):
    disclosure = get_object_or_404(Disclosure, pk=pk)
    form = DisclosureForm(request.POST or None, instance=disclosure)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The disclosure is saved."))
        return redirect(person_url(disclosure.email))
    return render(request, "threads/gdpr/disclosure_form.html", {"form": form, "disclosure": disclosure})


@require_http_methods(["GET", "POST"])
@personal_data_required
def disclosure_delete(request, pk):
    disclosure = get_object_or_404(Disclosure, pk=pk)
    if request.method == "POST":
        disclosure.delete()
        messages.success(request, _("The disclosure is deleted."))
        return redirect(person_url(disclosure.email))
    return render(request, "threads/gdpr/disclosure_delete.html", {"disclosure": disclosure})


@require_http_methods(["GET", "POST"])
@personal_data_required
@superuser_required
def erase(request):
    email = _email(request)
    if not _valid(email):
        messages.error(request, _("Enter a valid e-mail address."))
        return redirect("gdpr:person")
    form = EraseForm(request.POST or None, email=email)
    if request.method == "POST" and form.is_valid():
        record = erase_data(email, request.user)
        messages.success(
            request,
            _("Erased. Threads removed: %(threads)s, messages: %(messages)s, attachments: %(attachments)s.")
            % {
                "threads": record.threads_removed,
                "messages": record.messages_removed,
                "attachments": record.attachments_removed,
            },
        )
        return redirect(person_url(email))
    return render(request, "threads/gdpr/erase.html", {"email": email, "form": form, "data": collect(email)})
