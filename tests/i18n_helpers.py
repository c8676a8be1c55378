"""Helpers of the translation tests: figures written by hand the way each locale writes them."""

from __future__ import annotations

# Separators written here by hand (CLDR's, as a reader of each language expects them).
SEPARATORS = {
    "en": (",", "."),
    "da": (".", ","),
    "de": (".", ","),
    "sv": ("\u00a0", ","),
    "fi": ("\u00a0", ","),
    "nb": ("\u00a0", ","),
    "pl": ("\u00a0", ","),
    "lt": ("\u00a0", ","),
    "lv": ("\u00a0", ","),
    "et": ("\u00a0", ","),
}


def by_hand(lang: str, english: str) -> str:
    group, decimal = SEPARATORS[lang]
    return english.replace(",", "\0").replace(".", decimal).replace("\0", group)
