"""Staff pages of threads (spec 7, 9, 10): thin views over the selectors and services."""

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.timezone import localtime
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm import prepared
from crm.paths import local_path_or_overview
from crm.permissions import staff_required
from crm.storage import STORAGE_ERRORS
from customers.selectors import customer_panel
from pok.models import Pok
from pok.permissions import pok_or_404, pok_staff, visible_poks
from threads import canned, outbox, presence, services
from threads.addresses import reply_defaults
from threads.filtering import ThreadQuery, filter_threads
from threads.forms import (
    BulkForm,
    NewForCustomerForm,
    NewThreadForm,
    ReplyForm,
    SignatureForm,
    StateForm,
    ThreadFilterForm,
    bulk_actions,
)
from threads.html import FRAME_STYLE_CSP_SOURCE, framed, mail_body
from threads.models import Attachment, Delivery, Direction, Message, StaffSignature, Status, Thread
from threads.permissions import thread_or_404, visible_threads
from threads.selectors import (
    CARD_THREADS_SHOWN,
    INBOX_STATUSES,
    PokListRows,
    answered_owned,
    capped_total,
    card_search_buttons,
    card_threads,
    live_version,
    new_since,
    next_to_answer,
    other_threads,
    owned_threads,
    owned_total,
    pok_panels,
    pok_threads,
    possible_owners,
    sender_emails,
    thread_history,
    thread_messages,
    thread_search_buttons,
    undelivered_reply_count,
    with_unread,
)
from threads.tables import ThreadTable, paginate

BULK_LIMIT = 5000
INLINE_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})

log = logging.getLogger(__name__)


@staff_required
def overview(request):
    """A panel per POK with its counts and the customer search (spec 6)."""
    return render(request, "threads/overview.html", {"pok_panels": pok_panels(request.user)})


@require_GET
@staff_required
def inbox(request, pok_id):
    return _pok_list(request, pok_id, "inbox")


@require_GET
@staff_required
def archive(request, pok_id):
    return _pok_list(request, pok_id, "archive")


@require_GET
@staff_required
def spam(request, pok_id):
    return _pok_list(request, pok_id, "spam")


LISTS = {"inbox": list(INBOX_STATUSES), "archive": [Status.ARCHIVED], "spam": [Status.SPAM]}


def _pok_list(request, pok_id, scope):
    # The navigation's panels (drawn from this context) hold the user's POKs and their counters: the page
    # takes its POK and, unfiltered, its total from them instead of two more queries.
    panels = pok_panels(request.user)
    panel = next((panel for panel in panels if panel.pok.pk == pok_id), None)
    if panel is None:
        raise Http404("No such service point")
    listed = _listed_threads(request.user, scope, pok_id, request.GET, pok=panel.pok)
    # INBOX: the longest-waiting customer first; Archive and Spam: the latest first (spec 7.5).
    order = "last_message_at" if scope == "inbox" else "-last_message_at"
    table = _table(request, listed.rows(request.user), order, exclude=("pok",))
    context = {
        "pok": listed.pok,
        "pok_panels": panels,
        "table": table,
        "archived": scope == "archive",
        "which": scope,
        "total": _total(request.user, listed, scope, panel),
        **_list_context(listed, scope),
    }
    return render(request, "threads/list.html", context)


@require_GET
@staff_required
def mine(request):
    """The user's own threads in every POK they see, new and waiting unless a status is chosen."""
    listed = _listed_threads(request.user, "mine", None, request.GET)
    table = _table(request, listed.rows(request.user), "last_message_at", exclude=("owner",))
    context = {
        "table": table,
        "total": _total(request.user, listed, "mine"),
        "undelivered": undelivered_reply_count(request.user),
        **_list_context(listed, "mine"),
    }
    return render(request, "threads/mine.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def my_signature(request):
    """Staff edit their own signature."""
    current = StaffSignature.objects.filter(user=request.user).values_list("text", flat=True).first() or ""
    form = SignatureForm(request.POST or None, initial={"text": current})
    if request.method == "POST":
        if form.is_valid():
            services.set_own_signature(request.user, text=form.cleaned_data["text"])
            messages.success(request, _("Your signature is saved."))
            return redirect("threads:signature")
        return render(request, "threads/signature.html", {"form": form}, status=400)
    return render(request, "threads/signature.html", {"form": form})


@dataclass
class Listed:
    """A list's threads as its filter narrows them, for its page and for its bulk actions."""

    pok: Pok | None
    form: ThreadFilterForm
    unfiltered: Callable[[], QuerySet[Thread]]
    owners: list
    statuses: list[str]
    query: ThreadQuery

    @cached_property
    def threads(self) -> QuerySet[Thread]:
        """Built when asked: an unfiltered POK list reads its rows as PokListRows and its total from counters."""
        return filter_threads(self.unfiltered(), self.query)

    def rows(self, user):
        """The table's rows, with what the user has not read. A POK's list as it is most often looked at,
        unfiltered, has its SQL built once (PokListRows)."""
        if self.pok is not None and self.query.is_empty():
            return PokListRows(self.pok, self.statuses, user)
        return with_unread(self.threads, user)


def _listed_threads(user, scope, pok_id, data, pok: Pok | None = None) -> Listed:
    if scope == "mine":
        form = ThreadFilterForm(data, statuses=[*INBOX_STATUSES, Status.ARCHIVED])
        query = form.query()
        statuses = [query.status] if query.status else list(INBOX_STATUSES)
        return Listed(None, form, lambda: owned_threads(user, statuses), list(possible_owners(user)), statuses, query)
    pok = pok or pok_or_404(user, pok_id)
    owners = list(prepared.instances("pok staff", pok_staff, pok=pok))  # on every list: its SQL built once
    form = ThreadFilterForm(data, statuses=LISTS[scope], owners=owners)
    query = form.query()
    return Listed(pok, form, lambda: pok_threads(pok, LISTS[scope]), owners, LISTS[scope], query)


def _total(user, listed, scope, panel=None):
    """The list's size: from the counters while unfiltered (a POK's are in its navigation panel), else counted
    up to the cap."""
    if scope == "mine":
        if ThreadQuery(status=listed.query.status) == listed.query:
            return owned_total(user, listed.statuses)
    elif listed.query.is_empty():
        return panel.total(listed.statuses)
    return capped_total(listed.threads)


def _list_context(listed, scope):
    return {"filter_form": listed.form, "scope": scope, "bulk_actions": bulk_actions(listed.owners)}


@require_POST
@staff_required
def bulk(request):
    """A bulk action over the ticked rows of a list, or every thread its filter matches (at most BULK_LIMIT):
    each thread checked against the user's POKs, one history event per changed thread, a fixed number of
    queries whatever the selection."""
    form = BulkForm(request.POST)
    back = local_path_or_overview(request, request.POST.get("next", ""))
    if not form.is_valid():
        for error in form.non_field_errors() or [_("Choose an action and the threads for it.")]:
            messages.error(request, error)
        return redirect(back)
    data = form.cleaned_data
    if data["all"]:
        listed = _listed_threads(request.user, data["scope"], data["pok"], QueryDict(data["filter"]))
        threads = listed.threads
    else:
        threads = visible_threads(request.user).filter(public_id__in=data["pick"])
    threads = list(threads.select_related("owner", "pok").order_by("id")[:BULK_LIMIT])
    _bulk_apply(request, data["action"], threads)
    return redirect(back)


def _bulk_apply(request, action, threads):
    user = request.user
    refused = []
    if action in ("read", "unread"):
        (services.mark_read if action == "read" else services.mark_unread)(threads, user=user)
        changed = threads
    elif action.startswith("status:"):
        status = action.removeprefix("status:")
        try:
            if status == Status.SPAM:
                changed = services.mark_spams(threads, actor=user)
            else:
                changed = services.change_statuses(threads, status=status, actor=user)
        except services.ActionRefused as refusal:
            messages.error(request, str(refusal))
            return
        _warn_held([thread for thread in threads if thread.status != status], request)
    else:
        owner = None if action == "owner:none" else get_user_model().objects.filter(pk=action[6:]).first()
        if owner is None and action != "owner:none":
            messages.error(request, _("No such staff member."))
            return
        changed, refused = services.assign_owners(threads, owner=owner, actor=user)
    count = len(changed)
    messages.success(
        request, ngettext("%(count)s thread changed.", "%(count)s threads changed.", count) % {"count": count}
    )
    if refused:
        messages.warning(
            request,
            ngettext(
                "%(count)s thread left as it was: the new owner does not work in its service point.",
                "%(count)s threads left as they were: the new owner does not work in their service point.",
                len(refused),
            )
            % {"count": len(refused)},
        )


def _warn_held(held, request):
    if held:
        messages.warning(
            request,
            ngettext(
                "%(count)s thread stays new: a reply in it has not been delivered.",
                "%(count)s threads stay new: a reply in each has not been delivered.",
                len(held),
            )
            % {"count": len(held)},
        )


def _table(request, threads, order_by, exclude):
    return paginate(request, ThreadTable(threads, order_by=order_by, exclude=exclude))


@require_GET
@staff_required
def live(request):
    """The open pages' poll: nothing (204) while nothing changed in the user's POKs; else the chips and
    overview panels swapped out of band, the list told to refresh itself, the "new since you looked" badge."""
    version = live_version(request.user)
    since = request.GET.get("since", "")
    if since == version:
        return HttpResponse(status=204)
    try:
        loaded = _moment(request.GET.get("loaded"))
        answered_after = _moment(request.GET.get("answered_after"))
    except (ValueError, OverflowError, OSError):
        return HttpResponse(status=400)
    context = {"panels": pok_panels(request.user), "with_panels": request.GET.get("panels") == "1"}
    if since and loaded:
        context["new"] = new_since(request.user, loaded)
    if answered_after:  # the page shows browser notifications (crm.js)
        context["answered"] = answered_owned(request.user, answered_after)
    response = render(request, "threads/_live.html", context)
    response["X-Live-Version"] = version
    if since:
        response["HX-Trigger"] = "crm-list-changed"
    return response


def _moment(value: str | None) -> datetime | None:
    """A POSIX timestamp with a fraction (as the page got it from the server), or None."""
    if not value:
        return None
    seconds = float(value)
    if not math.isfinite(seconds):
        raise ValueError(value)
    return datetime.fromtimestamp(seconds, tz=UTC)


@require_GET
@staff_required
def next_thread(request, pok_id):
    """The INBOX walk ("reply to the next unread message"): on to the next new thread after
    `?after=<thread id>`, or the first."""
    pok = pok_or_404(request.user, pok_id)
    after = Thread.objects.filter(pok=pok, public_id=request.GET["after"]).first() if "after" in request.GET else None
    thread, wrapped = next_to_answer(pok, after)
    if thread is None:
        messages.info(request, _("No other thread in %(pok)s needs an answer.") % {"pok": pok.name})
        return redirect("threads:inbox", pok.pk)
    if wrapped:
        messages.info(request, _("That was the last one: back to the oldest thread needing an answer."))
    return redirect("threads:detail", thread.public_id)


@require_GET
@staff_required
def detail(request, public_id):
    thread = thread_or_404(request.user, public_id)
    services.mark_read([thread], user=request.user)
    return _detail_page(request, thread, None)


def _detail_page(request, thread, reply_form, status=200):
    context = _detail_context(request, thread, reply_form)
    response = render(request, "threads/detail.html", context, status=status)
    # django-csp: the mail frames' stylesheet, and remote images once staff ask for them.
    response._csp_update = {"style-src-elem": [FRAME_STYLE_CSP_SOURCE]}
    if context["show_images"]:
        response._csp_update["img-src"] = ["https:", "http:"]
    return response


@require_POST
@staff_required
def mark_unread(request, public_id):
    """Back to the list with the thread unread again for this user."""
    thread = thread_or_404(request.user, public_id)
    services.mark_unread([thread], user=request.user)
    messages.success(request, _("Marked unread: %(token)s") % {"token": thread.token})
    return redirect("threads:inbox", thread.pok_id)


class MessageEntry:
    """A message as the thread page shows it."""

    def __init__(self, message: Message, body, show_images: bool):
        self.message = message
        self.body = body
        self.own_frame = framed(body.own, show_images) if body.is_html else ""
        self.signature_frame = framed(body.signature, show_images) if body.is_html and body.signature else ""
        self.quoted_frame = framed(body.quoted, show_images) if body.is_html and body.quoted else ""
        # Inline images are shown in the body; everything else is offered for download.
        self.files = [
            a for a in message.attachments.all() if not (a.is_inline and a.content_type in INLINE_IMAGE_TYPES)
        ]


def _entries(thread, messages_, show_images):
    entries = []
    for message in messages_:
        inline_urls = {
            a.content_id: reverse("threads:inline", args=[thread.public_id, a.pk])
            for a in message.attachments.all()
            if a.content_id and a.content_type in INLINE_IMAGE_TYPES
        }
        entries.append(MessageEntry(message, mail_body(message, inline_urls, show_images), show_images))
    return entries


def _detail_context(request, thread, reply_form):
    """The thread page; `reply_form` None: a fresh form addressed from the customer's last message."""
    show_images = request.GET.get("images") == "1"
    messages_ = list(thread_messages(thread))
    if reply_form is None:
        defaults = reply_defaults(thread, messages_, thread.pok.reply_to_all)
        reply_form = ReplyForm(initial={"to": defaults.to, "cc": ", ".join(defaults.cc)})
    entries = _entries(thread, messages_, show_images)
    emails = sender_emails(thread, messages_)
    return {
        "thread": thread,
        "entries": entries,
        "show_images": show_images,
        "remote_images": any(entry.body.remote_images for entry in entries),
        "history": thread_history(thread),
        "others": other_threads(request.user, thread),
        "search_buttons": thread_search_buttons(thread, messages_, emails),
        **customer_panel(emails, get_language()),
        "reply_form": reply_form,
        "canned_replies": canned.available_for(thread),
        **_state_forms(thread),
    }


def _state_forms(thread):
    return {"state_form": StateForm(thread=thread)}


@require_GET
@staff_required
def canned_text(request, public_id, canned_id):
    """A canned reply filled in for this thread, as plain text for the reply box."""
    thread = thread_or_404(request.user, public_id)
    chosen = get_object_or_404(canned.available_for(thread), pk=canned_id)
    response = HttpResponse(canned.fill(chosen, thread), content_type="text/plain; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@staff_required
def presence_poll(request, public_id):
    """Polled by the thread page: records the user there (and whether they write), shows who else is."""
    thread = thread_or_404(request.user, public_id)
    if request.POST.get("leaving") == "1":
        presence.leave(thread, request.user)
        return HttpResponse(status=204)
    others = presence.touch(thread, request.user, replying=request.POST.get("replying") == "1")
    return render(request, "threads/_presence.html", {"others": others})


@require_POST
@staff_required
def reply(request, public_id):
    thread = thread_or_404(request.user, public_id)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            _reply_or_note(request, thread, form)
        except services.ActionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            return redirect("threads:detail", thread.public_id)
    else:
        messages.error(request, _("Nothing was sent: correct the form below."))
    thread.refresh_from_db()
    return _detail_page(request, thread, form, status=400)


def _reply_or_note(request, thread, form):
    data = form.cleaned_data
    if data["action"] == ReplyForm.NOTE:
        services.add_note(thread, author=request.user, text=data["text"], files=data["files"])
        messages.success(request, _("Note added."))
        return
    message = services.reply(
        thread,
        author=request.user,
        text=data["text"],
        files=data["files"],
        then_status=form.then_status,
        to=data["to"][0] if data["to"] else "",
        cc=data["cc"],
        bcc=data["bcc"],
    )
    _say_how_it_went(request, message)


def _say_how_it_went(request, message):
    """One flash that tells what happened to a mail just queued (its send runs on commit, before this)."""
    message = Message.objects.select_related("thread").get(pk=message.pk)
    thread = message.thread
    if message.delivery == Delivery.SENT:
        if thread.status == Status.ARCHIVED:
            messages.success(request, _("Sent; the thread is archived."))
        elif thread.status == Status.WAITING:
            messages.success(request, _("Sent; the thread waits for the customer."))
        else:
            messages.success(request, _("Sent; the thread stays new."))
    elif message.delivery == Delivery.FAILED:
        messages.error(request, delivery_failure_text(message))
    else:
        messages.info(
            request, _("Queued for sending; the thread stays in the INBOX, marked “sending”, until it is delivered.")
        )


def delivery_failure_text(message) -> str:
    reason = message.get_failure_display() or _("The mail server reported an error.")
    if message.next_attempt_at:
        when = date_format(localtime(message.next_attempt_at), "TIME_FORMAT")
        then = _("It will be tried again at %(time)s; until it is delivered the thread stays new.") % {"time": when}
    else:
        then = _("It will not be tried again by itself: retry it or give it up; the thread stays new.")
    return _("Not sent: %(reason)s %(then)s") % {"reason": reason, "then": then}


@require_POST
@staff_required
def change_state(request, public_id):
    """The thread page's one status-and-owner control: each change through its own service, one answer
    (the htmx state panel, or back to the page)."""
    thread = thread_or_404(request.user, public_id)
    form = StateForm(request.POST, thread=thread)
    if not form.is_valid():
        if "owner" in form.errors:
            messages.error(request, _("Only staff of this service point can own its threads."))
        if "status" in form.errors:
            messages.error(request, _("Unknown status."))
        return _state_response(request, thread)
    data = form.cleaned_data
    try:
        if services.assign_owner(thread, owner=data["owner"], actor=request.user):
            messages.success(request, _("Owner changed."))
        if services.change_status(thread, status=data["status"], actor=request.user):
            messages.success(request, _("Status changed."))
    except services.ActionRefused as refusal:
        messages.error(request, str(refusal))
    return _state_response(request, thread)


def _state_response(request, thread):
    """htmx swaps the state panel (history, counts and messages out of band); a plain POST goes back."""
    if not request.htmx:
        return redirect("threads:detail", thread.public_id)
    thread = thread_or_404(request.user, thread.public_id)
    context = {
        "thread": thread,
        "history": thread_history(thread),
        "panels": pok_panels(request.user),
        **_state_forms(thread),
    }
    return render(request, "threads/_state_update.html", context)


@require_POST
@staff_required
def retry(request, public_id, message_id):
    thread = thread_or_404(request.user, public_id)
    message = get_object_or_404(Message, pk=message_id, thread=thread, direction=Direction.OUTGOING)
    if outbox.retry(message):
        _say_how_it_went(request, message)
    else:
        messages.warning(request, _("Only a message that failed to send can be retried."))
    return redirect("threads:detail", thread.public_id)


@require_POST
@staff_required
def mark_spam(request, public_id):
    thread = thread_or_404(request.user, public_id)
    try:
        services.mark_spam(thread, actor=request.user)
    except services.ActionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("threads:detail", thread.public_id)
    messages.success(
        request, _("Moved to Spam; mail from %(address)s goes there from now on.") % {"address": thread.customer_email}
    )
    return redirect("threads:spam", thread.pok_id)


@require_POST
@staff_required
def not_spam(request, public_id):
    thread = thread_or_404(request.user, public_id)
    lifted = services.not_spam(thread, actor=request.user)
    text = _("Not spam: the thread is back in the INBOX.")
    if lifted:
        text += " " + _("%(address)s is no longer blocked.") % {"address": thread.customer_email}
    messages.success(request, text)
    return redirect("threads:detail", thread.public_id)


@require_POST
@staff_required
def give_up(request, public_id, message_id):
    thread = thread_or_404(request.user, public_id)
    message = get_object_or_404(Message, pk=message_id, thread=thread, direction=Direction.OUTGOING)
    if outbox.give_up(message, request.user):
        messages.success(request, _("The reply is given up: it will not be sent."))
    else:
        messages.warning(request, _("Only a message that failed to send can be given up."))
    return redirect("threads:detail", thread.public_id)


@require_GET
@staff_required
def attachment(request, public_id, attachment_id):
    thread = thread_or_404(request.user, public_id)
    item = get_object_or_404(Attachment, pk=attachment_id, message__thread=thread)
    return _file_response(request, thread, item.file, item.filename, "application/octet-stream", as_attachment=True)


@require_GET
@staff_required
def inline(request, public_id, attachment_id):
    """An inline image of a mail, only for raster types a browser cannot mistake for a page."""
    thread = thread_or_404(request.user, public_id)
    item = get_object_or_404(Attachment, pk=attachment_id, message__thread=thread, content_type__in=INLINE_IMAGE_TYPES)
    response = _file_response(request, thread, item.file, item.filename, item.content_type, as_attachment=False)
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


@require_GET
@staff_required
def raw(request, public_id, message_id):
    thread = thread_or_404(request.user, public_id)
    message = get_object_or_404(Message, pk=message_id, thread=thread)
    if not message.raw:
        raise Http404("No stored message")
    filename = f"{thread.public_id}-{message.pk}.eml"
    return _file_response(request, thread, message.raw, filename, "message/rfc822", as_attachment=True)


def _file_response(request, thread, field, filename, content_type, as_attachment):
    try:
        stored = field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The file is missing from storage") from None
    except STORAGE_ERRORS:
        log.exception("file store unreachable for %s", field.name)
        return render(request, "threads/file_unavailable.html", {"thread": thread}, status=503)
    response = FileResponse(stored, as_attachment=as_attachment, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
@staff_required
def new_thread(request, pok_id):
    pok = pok_or_404(request.user, pok_id)
    # `?recipient=` (from the customer card) starts the form addressed.
    initial = {"recipient": request.GET.get("recipient", "")[: NewThreadForm.base_fields["recipient"].max_length]}
    form = NewThreadForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                thread = _start(request, pok, form)
            except services.ActionRefused as refusal:
                messages.error(request, str(refusal))
            else:
                return redirect("threads:detail", thread.public_id)
        else:
            messages.error(request, _("Nothing was sent: correct the form below."))
        status = 400
    return render(request, "threads/new.html", {"pok": pok, "form": form}, status=status)


def _start(request, pok, form):
    data = form.cleaned_data
    thread = services.start_thread(
        pok,
        author=request.user,
        recipient=data["recipient"],
        subject=data["subject"],
        text=data["text"],
        files=data["files"],
        then_status=form.then_status,
        cc=data["cc"],
        bcc=data["bcc"],
    )
    _say_how_it_went(request, thread.messages.get())
    return thread


@require_GET
@staff_required
def new_for_customer(request):
    """The customer card's "New thread": on to the chosen POK's new-thread form, addressed."""
    form = NewForCustomerForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose one of your service points and an e-mail address."))
    target = reverse("threads:new", args=[pok_or_404(request.user, form.cleaned_data["pok"]).pk])
    return redirect(f"{target}?{urlencode({'recipient': form.cleaned_data['recipient']})}")


@staff_required
def card(request):
    """Customer card for one e-mail (spec 8): its threads, the shop customers and BaseLinker search."""
    email = request.GET.get("email", "").strip()
    if not email:
        raise Http404(_("No e-mail address given."))
    threads = card_threads(request.user, email)
    context = {
        "email": email,
        "threads": threads[:CARD_THREADS_SHOWN],
        "more_threads": len(threads) > CARD_THREADS_SHOWN,
        "search_buttons": card_search_buttons(email, threads),
        "new_thread_poks": list(visible_poks(request.user).filter(active=True).order_by("name")),
        "latest_pok": threads[0].pok_id if threads else None,
        **customer_panel([email], get_language(), all_orders=request.GET.get("all") == "1"),
    }
    return render(request, "threads/card.html", context)
