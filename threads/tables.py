"""The thread lists of a POK (spec 7): every column sortable, problems marked."""

from urllib.parse import urlencode

import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django_tables2 import RequestConfig
from django_tables2.paginators import LazyPaginator

PER_PAGE = 50
PLACEHOLDER_ID = "AAAAAAA"  # a public id's shape, replaced by each row's own


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


def _marks(record) -> str:
    marks = []
    if record.has_problem:
        marks.append(format_html('<span class="mark" title="{}">⚠</span> ', _("A message could not be read in full")))
    if record.has_failed_delivery:
        marks.append(
            format_html(
                '<span class="badge badge-danger" title="{}">{}</span> ',
                _("A reply failed to send"),
                _("not delivered"),
            )
        )
    elif record.has_pending_delivery:
        marks.append(
            format_html(
                '<span class="badge badge-sending" title="{}">{}</span> ', _("A reply is being sent"), _("sending")
            )
        )
    return mark_safe("".join(marks))  # each part is built by format_html


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
        template_name = "threads/_table.html"
        attrs = {"class": "thread-table striped"}
        row_attrs = {"class": _row_class}
        empty_text = _("No threads here.")
        orderable = True

    def paginate(self, *args, per_page=None, **kwargs):
        # The page size is ours: `?per_page=-1` breaks the paginator, `?per_page=1000000` loads the archive.
        super().paginate(*args, per_page=PER_PAGE, **kwargs)

    def get_column_class_names(self, classes_set, bound_column):
        # col-<name> on every cell: the phone layout stacks a row's cells by what they hold.
        return {*super().get_column_class_names(classes_set, bound_column), f"col-{bound_column.name}"}

    def rows_html(self) -> str:
        """The page's rows as django-tables2 would render them (tests/scale compares), without its template
        layers per cell: one Python call per cell instead of a nested template render (most of the page's time)."""
        # The cells' attributes (col-<name>) do not depend on the row: computed once per column.
        cells = [(column.attrs["td"].as_html(), getattr(self, f"_cell_{column.name}")) for column in self.columns]
        rows = []
        for counter, row in enumerate(self.paginated_rows):
            record = row.record
            css = f"{_row_class(record)} {'odd' if counter % 2 else 'even'}"
            rows.append(
                format_html(
                    '<tr class="{}">{}</tr>',
                    css,
                    format_html_join("", "<td {}>{}</td>", ((attrs, cell(record)) for attrs, cell in cells)),
                )
            )
        return mark_safe("".join(rows))  # each row is built by format_html

    def _cell_pick(self, record):
        column = self.columns["pick"]
        return column.column.render(value=record.public_id, bound_column=column, record=record)

    def _cell_pok(self, record):
        return conditional_escape(record.pok.name)

    def _cell_last_message_at(self, record):
        return self.render_last_message_at(record.last_message_at) if record.last_message_at else "—"

    def _cell_sender(self, record):
        return self.render_sender(record)

    def _cell_recipient(self, record):
        return record.recipient

    def _cell_subject(self, record):
        return self.render_subject(record)

    def _cell_owner(self, record):
        return self.render_owner(record.owner) if record.owner else "—"

    def _cell_status(self, record):
        return self.render_status(record)

    def render_last_message_at(self, value):
        return date_format(localtime(value), "SHORT_DATETIME_FORMAT")

    @cached_property
    def _card_url(self) -> str:
        return reverse("customer_card")  # one reverse() per table, not per row

    @cached_property
    def _detail_url(self) -> str:
        return reverse("threads:detail", args=[PLACEHOLDER_ID])

    def render_sender(self, record):
        name = format_html("<strong>{}</strong><br>", record.customer_name) if record.customer_name else ""
        return format_html(
            '<a href="{}">{}<small>{}</small></a>',
            f"{self._card_url}?{urlencode({'email': record.customer_email})}",
            name,
            record.customer_email,
        )

    def render_subject(self, record):
        return format_html(
            '{}<a href="{}">{}</a> <small class="token">{}</small>',
            _marks(record),
            self._detail_url.replace(PLACEHOLDER_ID, record.public_id),
            record.subject or _("(no subject)"),
            record.token,
        )

    def render_owner(self, value):
        return value.get_full_name() or value.get_username()

    def render_status(self, record):
        return format_html(
            '<span class="badge badge-{}">{}</span> <span class="count" title="{}">{}</span>',
            record.status,
            record.get_status_display(),
            _("messages"),
            record.message_count,
        )
