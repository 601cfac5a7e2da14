"""BaseLinker search buttons (spec 8.3.3): one per e-mail, marketplace login and sender name.

BaseLinker has no documented deep link for its search: the URL pattern is the setting
CRM_BASELINKER_SEARCH_URL with a `{query}` placeholder. Marketplace logins are found in
message subjects by the regular expressions of CRM_MARKETPLACE_LOGIN_PATTERNS.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from django.conf import settings
from django.utils.translation import gettext_lazy as _

EMAIL = "email"
LOGIN = "login"
NAME = "name"
KIND_LABELS = {EMAIL: _("e-mail"), LOGIN: _("marketplace login"), NAME: _("name")}
# Punctuation that ends a sentence after a login in a subject ("od użytkownika jan_k.").
TRAILING = ".,;:!?)]}\"'"


@dataclass(frozen=True)
class SearchButton:
    kind: str
    query: str
    url: str

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]


def search_url(query: str) -> str:
    return settings.CRM_BASELINKER_SEARCH_URL.replace("{query}", quote(query, safe=""))


@lru_cache(maxsize=8)
def _patterns(patterns: tuple[str, ...]) -> list[re.Pattern]:
    return [re.compile(pattern, re.IGNORECASE) for pattern in patterns]


def logins_in(subject: str) -> list[str]:
    """Marketplace logins recognised in one subject, in pattern order."""
    found = []
    for pattern in _patterns(tuple(settings.CRM_MARKETPLACE_LOGIN_PATTERNS)):
        for match in pattern.finditer(subject or ""):
            login = (match.group(1) or "").strip().rstrip(TRAILING)
            if login:
                found.append(login)
    return found


def search_buttons(emails: list[str], subjects: list[str], names: list[str]) -> list[SearchButton]:
    """Buttons for e-mails, then logins in the subjects, then display names; each query once (ignoring case)."""
    candidates = [(EMAIL, email) for email in emails]
    candidates += [(LOGIN, login) for subject in subjects for login in logins_in(subject)]
    candidates += [(NAME, name) for name in names]
    buttons, seen = [], set()
    for kind, query in candidates:
        query = " ".join((query or "").split())
        if query and query.casefold() not in seen:
            seen.add(query.casefold())
            buttons.append(SearchButton(kind, query, search_url(query)))
    return buttons
