"""Accent folding shared by the apps: lower-case ASCII, so "Łódź", "LODZ" and "lodz" are the same word."""

from unidecode import unidecode


def unaccent(value: str | None) -> str:
    """Lower-case ASCII with the spacing kept: "Żółć" -> "zolc"."""
    return unidecode(value or "").lower()


def fold(value: str | None) -> str:
    """Lower-case ASCII with single spaces: "  Łódź  Bałuty" -> "lodz baluty"."""
    return " ".join(unaccent(value).split())
