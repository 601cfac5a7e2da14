"""Who a reply goes to: To, Cc and Bcc, checked, and filled from the customer's last message."""

from dataclasses import dataclass, field
from email.utils import getaddresses

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils.translation import gettext as _

from pok.models import Pok
from threads.models import Direction

MAX_RECIPIENTS = 50  # in all: a relay refuses far more, a person never types as many


class BadAddress(ValueError):
    """str() says which address and why, for staff."""


@dataclass
class Recipients:
    to: str
    cc: list[str] = field(default_factory=list)
    bcc: list[str] = field(default_factory=list)

    def everyone(self) -> list[str]:
        return [self.to, *self.cc, *self.bcc]


def split(value) -> list[str]:
    """Addresses from a comma- or semicolon-separated text (names allowed), or from a list; bare and lower-case."""
    if isinstance(value, list | tuple):
        value = ", ".join(value)
    pairs = getaddresses([(value or "").replace(";", ",")])
    return list(dict.fromkeys(address.strip().lower() for _name, address in pairs if address.strip()))


def checked(value, label: str) -> list[str]:
    """The addresses of `value` (text or list), each valid and once; BadAddress names the first that is not."""
    text = ", ".join(value) if isinstance(value, list | tuple) else (value or "")
    addresses = []
    for part in text.replace(";", ",").split(","):
        if not part.strip():
            continue
        pairs = getaddresses([part])
        address = pairs[0][1].strip().lower() if pairs else ""
        try:
            validate_email(address)
        except ValidationError:
            raise BadAddress(
                _("%(field)s: not an e-mail address: %(value)s") % {"field": label, "value": part.strip()[:100]}
            ) from None
        addresses.append(address)
    return list(dict.fromkeys(addresses))


def own_addresses() -> set[str]:
    """Every address of our service points: never a recipient of our own replies."""
    rows = Pok.objects.filter(~Q(from_address="") | Q(imap_user__contains="@")).values_list("from_address", "imap_user")
    return {address.lower() for row in rows for address in row if "@" in address}


def recipients(to: str, cc=(), bcc=()) -> Recipients:
    """Checked recipients of a reply: valid, none of ours, each once (To before Cc before Bcc)."""
    [to_address, *more] = checked(to, _("To")) or [""]
    if not to_address or more:
        raise BadAddress(_("To: exactly one e-mail address, please."))
    cc_addresses, bcc_addresses = checked(cc, _("Cc")), checked(bcc, _("Bcc"))
    ours = own_addresses()
    for address in [to_address, *cc_addresses, *bcc_addresses]:
        if address in ours:
            raise BadAddress(
                _("%(address)s is an address of a service point: our own mailboxes are never added.")
                % {"address": address}
            )
    cc_addresses = [a for a in cc_addresses if a != to_address]
    bcc_addresses = [a for a in bcc_addresses if a != to_address and a not in cc_addresses]
    if 1 + len(cc_addresses) + len(bcc_addresses) > MAX_RECIPIENTS:
        raise BadAddress(_("At most %(count)s recipients in all.") % {"count": MAX_RECIPIENTS})
    return Recipients(to_address, cc_addresses, bcc_addresses)


def reply_defaults(thread, messages, reply_to_all: bool) -> Recipients:
    """The reply form's To and Cc: the sender of the customer's last message and, replying to all,
    the others it was addressed to, without our own addresses. `messages`: the thread's, in order."""
    last = next(
        (m for m in reversed(messages) if m.direction == Direction.INCOMING and not m.is_auto_reply and m.from_address),
        None,
    )
    to = (last.from_address if last else thread.customer_email).lower()
    if last is None or not reply_to_all:
        return Recipients(to)
    ours = own_addresses()
    cc = [a for a in split(f"{last.to}, {last.cc}") if a != to and a not in ours]
    return Recipients(to, cc)


def sender_patterns(address: str) -> list[str]:
    """What a block of `address` may be written as: the address, its domain and the domains above it
    (jan@mail.example.com: itself, mail.example.com, example.com)."""
    address = (address or "").strip().lower()
    if "@" not in address:
        return [address] if address else []
    parts = address.rpartition("@")[2].split(".")
    return [address] + [".".join(parts[n:]) for n in range(len(parts) - 1)]
