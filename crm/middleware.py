"""Bad input stops at the door: a path, query string, header or cookie with a NUL byte, bytes that are not
UTF-8 or an absurdly long value gets HTTP 400 before any view (or the database) sees it.

PostgreSQL refuses NUL in text (a 500 if it got that far), and no page of the CRM takes a
query value longer than a few hundred characters.
"""

import re
from urllib.parse import unquote_to_bytes

from django.http import HttpResponseBadRequest
from django.utils import translation
from django.utils.translation import gettext as _

from crm.preferences import session_language

MAX_PATH_CHARS = 2048
# How Django writes a byte of the path that is not UTF-8; no address of the CRM has a percent sign.
REPERCENTED_BYTE = re.compile("%[89A-F][0-9A-F]")
MAX_QUERY_VALUE_CHARS = 4096


class BadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Before LocaleMiddleware: the answer is in the language the browser asks for.
        with translation.override(translation.get_language_from_request(request)):
            problem = (
                path_problem(request.path_info)
                or query_problem(request.META.get("QUERY_STRING", ""))
                or header_problem(request.META)
                or cookie_problem(request.COOKIES)
            )
            if problem:
                return _bad_request(problem)
        return self.get_response(request)

    def process_exception(self, request, exception):
        """The admin's date filters and date hierarchy (Django's own code) overflow on years like 1 or 10**30;
        the CRM's own views validate their input instead, which the URLconf walk test holds them to."""
        match = request.resolver_match
        if isinstance(exception, OverflowError) and match is not None and match.app_name == "admin":
            return _bad_request(_("a value is out of range"))
        return None


def _bad_request(problem: str) -> HttpResponseBadRequest:
    text = _("Bad request: %(problem)s") % {"problem": problem}
    return HttpResponseBadRequest(text + "\n", content_type="text/plain; charset=utf-8")


def path_problem(path: str) -> str:
    """Problems of request.path_info: Django has decoded it, percent-encoding again the bytes that are not UTF-8."""
    if len(path) > MAX_PATH_CHARS:
        return _("the address is too long")
    if "\x00" in path:
        return _("the address contains a NUL byte")
    if REPERCENTED_BYTE.search(path):
        return _("the address is not valid UTF-8")
    return ""


def query_problem(query_string: str) -> str:
    for field in query_string.split("&"):
        for part in field.split("=", 1):
            raw = unquote_to_bytes(part.replace("+", " "))
            problem = _text_problem(raw)
            if problem:
                return problem
            # bytes >= characters: decode only what may be too long
            if len(raw) > MAX_QUERY_VALUE_CHARS and len(raw.decode()) > MAX_QUERY_VALUE_CHARS:
                return _("a query value is too long")
    return ""


def header_problem(meta: dict) -> str:
    """HTTP forbids NUL in a header; django-axes stores the User-Agent and Accept of a failed login."""
    if any(key.startswith("HTTP_") and "\x00" in str(value) for key, value in meta.items()):
        return _("a header contains a NUL byte")
    return ""


def cookie_problem(cookies: dict[str, str]) -> str:
    """A session cookie "\\000..." (Django decodes the octal escape) would reach the session table."""
    if any("\x00" in name or "\x00" in value for name, value in cookies.items()):
        return _("a cookie contains a NUL byte")
    return ""


def _text_problem(raw: bytes) -> str:
    if b"\x00" in raw:
        return _("the address contains a NUL byte")
    try:
        raw.decode()
    except UnicodeDecodeError:
        return _("the address is not valid UTF-8")
    return ""


class UserLanguageMiddleware:
    """After LocaleMiddleware: the language a staff member chose (copied into the session at login, see
    crm.preferences) wins over the browser's; without a choice the browser's language stays."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = session_language(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
