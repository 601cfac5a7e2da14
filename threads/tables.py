"""The thread lists of a POK (spec 7): every column sortable, problems marked."""

import re
from functools import lru_cache
from html import escape  # what django.utils.html.escape does, without its lazy-string check per call
from urllib.parse import quote_plus

import django_tables2 as tables
from django.template.loader import get_template
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from django_tables2 import RequestConfig
from django_tables2.paginators import LazyPaginator
from django_tables2.templatetags.django_tables2 import table_page_range
from django_tables2.utils import AttributeDict

from crm.memo import kept
from threads import ages
from threads.models import Status
from threads.selectors import PokListRows, table_rows

HEADS_KEPT = 512  # header rows kept drawn (ThreadTable.head_html)

PER_PAGE = 50
MAX_PAGE = 100_000  # 5,000,000 rows deep; a 30-digit page would be an OFFSET out of the database's range
PLACEHOLDER_ID = "AAAAAAA"  # a public id's shape, replaced by each row's own
PAGE_SPOT = "0PAGE0"  # where a paging link's page number goes (urlencode and escape leave it as it is)


def _bounded_page(page):
    try:
        return min(int(page), MAX_PAGE)
    except (TypeError, ValueError):
        return page  # not a number: the paginator's PageNotAnInteger, which RequestConfig answers with page 1


def paginate(request, table: tables.Table) -> tables.Table:
    """Sort by the request (django-tables2) and show one page without counting the rows: the page reads
    PER_PAGE + 1 rows to know whether another follows (the totals come from the counters, or a capped count)."""
    RequestConfig(request, paginate={"per_page": PER_PAGE, "silent": True, "paginator_class": LazyPaginator}).configure(
        table
    )
    return table


def _row_class(record) -> str:
    classes = [f"status-{record.status}"]
    if getattr(record, "unread", False):
        classes.append("unread")
    if record.has_problem or record.has_failed_delivery:
        classes.append("thread-problem")
    if record.undelivered:
        classes.append("thread-undelivered")
    return " ".join(classes)


class _Labels:
    """The translated words of the cells, looked up once per language (_labels) instead of once per row."""

    def __init__(self):
        self._counts: dict[int, str] = {}
        # The tick box's attributes after its value (the same in every row, as CheckBoxColumn.render adds them).
        self.pick_attrs = AttributeDict(ThreadTable.base_columns["pick"].attrs["input"]).as_html()
        self.no_subject = escape(str(_("(no subject)")))
        self.statuses = {status.value: escape(str(status.label)) for status in Status}
        self.problem = f'<span class="mark" title="{escape(str(_("A message could not be read in full")))}">⚠</span> '
        self.failed = '<span class="badge badge-danger" title="{}">{}</span> '.format(
            escape(str(_("A reply failed to send"))), escape(str(_("not delivered")))
        )
        self.sending = '<span class="badge badge-sending" title="{}">{}</span> '.format(
            escape(str(_("A reply is being sent"))), escape(str(_("sending")))
        )

    def message_count(self, count: int) -> str:
        """ "3 messages", translated once per count on the page."""
        if count not in self._counts:
            self._counts[count] = escape(ngettext("%(count)s message", "%(count)s messages", count) % {"count": count})
        return self._counts[count]

    def marks(self, record) -> str:
        marks = self.problem if record.has_problem else ""
        if record.has_failed_delivery:
            return marks + self.failed
        return marks + self.sending if record.has_pending_delivery else marks


@lru_cache(maxsize=16)
def _labels(language: str) -> _Labels:
    return _Labels()


# What quote_plus leaves as it is, and "@" (which it writes %40): most addresses are only these.
PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9_.~@-]*")


def _quoted(email: str) -> str:
    """quote_plus(email) (urlencode's, for one value), escaped for an attribute: the plain case without it."""
    if PLAIN_ADDRESS.fullmatch(email):
        return email.replace("@", "%40")
    return escape(quote_plus(email))


def _short_address(address: str, own: str) -> str:
    """The POK's own address as its mailbox name ("bok@…"): in one POK's lists it is always the same."""
    if own and address.lower() == own.lower():
        return address.split("@", 1)[0] + "@…"
    return address


class ThreadTable(tables.Table):
    # Ticked rows are sent with the bulk form above the table (threads/_bulk.html).
    pick = tables.CheckBoxColumn(
        accessor="public_id",
        attrs={
            "input": {"form": "bulk", "aria-label": _("Choose this thread")},
            "th__input": {"data-select-page": "", "aria-label": _("Choose every thread on this page")},
        },
    )
    # The id closes every ordering: pages stay stable when many rows share a value.
    pok = tables.Column(verbose_name=_("Service point"), accessor="pok__name", order_by=("pok__name", "id"))
    last_message_at = tables.Column(verbose_name=_("Last message"), order_by=("last_message_at", "id"))
    sender = tables.Column(verbose_name=_("Sender"), accessor="customer_email", order_by=("customer_email", "id"))
    recipient = tables.Column(verbose_name=_("To"), order_by=("recipient", "id"), default="")
    subject = tables.Column(verbose_name=_("Subject"), order_by=("subject", "id"))
    # By owner id: the rows of each owner come together, on an index (a join to users could not).
    owner = tables.Column(verbose_name=_("Owner"), order_by=("owner", "id"), default="—")
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "message_count", "id"))

    class Meta:
        template_name = "threads/_table.html"  # the rows drawn by rows_html; paging above and below them
        attrs = {"class": "thread-table striped"}
        row_attrs = {"class": _row_class}
        empty_text = _("No threads here.")
        orderable = True

    def __init__(self, threads, **kwargs):
        # The rows as ThreadRows: what the cells draw, read in the same query without a model per row.
        super().__init__(threads if isinstance(threads, PokListRows) else table_rows(threads), **kwargs)

    def paginate(self, *args, per_page=None, page=1, **kwargs):
        # The page size is ours: `?per_page=-1` breaks the paginator, `?per_page=1000000` loads the archive.
        super().paginate(*args, per_page=PER_PAGE, page=_bounded_page(page), **kwargs)

    def get_column_class_names(self, classes_set, bound_column):
        # col-<name> on every cell: the phone layout stacks a row's cells by what they hold.
        return {*super().get_column_class_names(classes_set, bound_column), f"col-{bound_column.name}"}

    def rows_html(self) -> str:
        """The page's rows as django-tables2 would render them (tests/threads/scale compares), without its
        template layers per cell: each cell is one method building its HTML with escape(), the page's
        translated words looked up once (the render_* methods of the generic path call the same ones)."""
        cells = [(self._td_attrs(column), getattr(self, f"_cell_{column.name}")) for column in self.columns]
        rows = []
        for counter, row in enumerate(self.paginated_rows):
            record = row.record
            parts = "".join(f"<td {attrs}>{cell(record)}</td>" for attrs, cell in cells)
            rows.append(f'<tr class="{escape(_row_class(record))} {"odd" if counter % 2 else "even"}">{parts}</tr>')
        return SafeString("".join(rows))  # every value in it went through escape()

    _heads: dict[tuple, SafeString] = {}

    def head_html(self) -> str:
        """The header row as django-tables2's template draws it (tests/threads/scale compares): each sortable
        column's link sets the sort parameter and keeps the others. It depends only on the kind of table, its
        columns, its sort, the language and the query string, so the same row is drawn once, not per request."""
        request = getattr(self, "request", None)
        query = request.GET.urlencode() if request is not None else ""
        columns = tuple(column.name for column in self.columns)
        key = (type(self), columns, tuple(self.order_by or ()), get_language(), query)
        return kept(self._heads, key, self._drawn_head, HEADS_KEPT)

    def _drawn_head(self) -> SafeString:
        cells = []
        for column in self.columns:
            header = conditional_escape(column.header)
            if column.orderable:
                header = (
                    f'<a href="{self._link(self.prefixed_order_by_field, column.order_by_alias.next)}">{header}</a>'
                )
            cells.append(f"<th {column.attrs['th'].as_html()}>{header}</th>")
        return SafeString(f"<tr>{''.join(cells)}</tr>")  # escaped as the template escapes them

    @cached_property
    def paging(self) -> dict:
        """The links of the paging drawn above and below the rows (threads/_pages.html), as django-tables2's
        table_page_range and querystring_replace give them, computed once for both: the query string is encoded
        once, each page's number put in its place."""
        page, field = self.page, self.prefixed_page_field
        spotted = self._link(field, PAGE_SPOT)

        def link(number) -> str:
            if spotted.count(PAGE_SPOT) != 1:  # the query string has the word itself: encoded per link
                return self._link(field, number)
            return SafeString(spotted.replace(PAGE_SPOT, str(number)))

        return {
            "previous": link(page.previous_page_number()) if page.has_previous() else "",
            "next": link(page.next_page_number()) if page.has_next() else "",
            "pages": [(p, "" if p == "..." else link(p)) for p in table_page_range(page, self.paginator)],
        }

    @cached_property
    def pages_html(self) -> str:
        """The paging's links (threads/_pages.html), drawn once for above and below the rows; "" for one page."""
        return SafeString(get_template("threads/_pages.html").render({"table": self}).strip())

    def _link(self, name: str, value) -> str:
        """The request's query string with `name` set to `value`, escaped: django-tables2's querystring_replace."""
        request = getattr(self, "request", None)
        params = {**(dict(request.GET) if request is not None else {}), name: value}
        return SafeString(escape("?" + urlencode(params, doseq=True)))

    @cached_property
    def _labels(self) -> _Labels:
        return _labels(get_language())

    _td_attrs_of: dict[str, str] = {}

    def _td_attrs(self, column) -> str:
        """A column's cell attributes (col-<name>): the same in every row and every table, computed once."""
        if column.name not in self._td_attrs_of:
            self._td_attrs_of[column.name] = column.attrs["td"].as_html()
        return self._td_attrs_of[column.name]

    @cached_property
    def _ages(self) -> ages.Ages:
        return ages.Ages()

    def _cell_pick(self, record):
        return f'<input type="checkbox" name="pick" value="{escape(record.public_id)}" {self._labels.pick_attrs} />'

    def _cell_pok(self, record):
        return escape(record.pok.name)

    def _cell_last_message_at(self, record):
        if not record.last_message_at:
            return "—"
        ago = self._ages.ago(record.last_message_at)
        if record.status != Status.NEW or record.last_customer_at is None:
            return ago
        # Arrival, or the mail's own date when earlier: a first sync of an old mailbox fetches old mail now.
        since = min(record.last_customer_at, record.last_message_at)
        return f'{ago}<br><small class="waiting">{self._ages.waiting(since)}</small>'

    def _cell_sender(self, record):
        name = f"<strong>{escape(record.customer_name)}</strong><br>" if record.customer_name else ""
        url = f"{self._card_url}?email={_quoted(record.customer_email)}"
        return f'<a href="{url}">{name}<small>{escape(record.customer_email)}</small></a>'

    def _cell_recipient(self, record):
        if not record.recipient:
            return ""
        short = _short_address(record.recipient, record.pok.from_address)
        return f'<span class="address" title="{escape(record.recipient)}">{escape(short)}</span>'

    def _cell_subject(self, record):
        url = escape(self._detail_url.replace(PLACEHOLDER_ID, record.public_id))
        subject = escape(record.subject) if record.subject else self._labels.no_subject
        token = escape(record.token)
        return f'{self._labels.marks(record)}<a href="{url}">{subject}</a> <small class="token">{token}</small>'

    def _cell_owner(self, record):
        return escape(self.render_owner(record.owner)) if record.owner else "—"

    def _cell_status(self, record):
        status = escape(record.status)
        label = self._labels.statuses.get(record.status, status)
        return (
            f'<span class="badge badge-{status}">{label}</span> '
            f'<small class="count">{self._labels.message_count(record.message_count)}</small>'
        )

    def render_last_message_at(self, record):
        return SafeString(self._cell_last_message_at(record))

    def render_recipient(self, record):
        return SafeString(self._cell_recipient(record))

    @cached_property
    def _card_url(self) -> str:
        return escape(reverse("customer_card"))  # one reverse() per table, not per row

    @cached_property
    def _detail_url(self) -> str:
        return reverse("threads:detail", args=[PLACEHOLDER_ID])

    def render_sender(self, record):
        return SafeString(self._cell_sender(record))

    def render_subject(self, record):
        return SafeString(self._cell_subject(record))

    def render_owner(self, value):
        return value.get_full_name() or value.get_username()

    def render_status(self, record):
        return SafeString(self._cell_status(record))
