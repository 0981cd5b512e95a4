"""Two-language texts (pt-BR for students, en for the team) and the choice between them.

Every student-facing message is a :class:`Text` holding both languages, so a record stores both and
a report renders either with ``--lang``. Check authors write ``Text(en=..., pt=...)`` (or call
``fail(en=..., pt=...)``); the harness's own messages live in :mod:`harness.messages`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

LANGUAGES = ("pt-BR", "en")
DEFAULT_LANGUAGE = "pt-BR"


def normalize_language(lang: str | None) -> str:
    """Accept pt, pt_BR, pt-br, en, en-US...; anything else is a clear error."""
    if lang is None:
        return DEFAULT_LANGUAGE
    key = lang.strip().lower().replace("_", "-")
    if key in ("pt", "pt-br"):
        return "pt-BR"
    if key in ("en", "en-us", "en-gb"):
        return "en"
    raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")


@dataclass(frozen=True)
class Text:
    """The same message in English and Brazilian Portuguese."""

    en: str
    pt: str

    @classmethod
    def same(cls, text: str) -> Text:
        """Text that reads the same in both languages (a number, a name, a value)."""
        return cls(en=text, pt=text)

    @classmethod
    def coerce(cls, value: Text | str) -> Text:
        return value if isinstance(value, Text) else cls.same(str(value))

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return self.en if normalize_language(lang) == "en" else self.pt

    def as_dict(self) -> dict[str, str]:
        return {"pt-BR": self.pt, "en": self.en}

    def format(self, **values: Any) -> Text:
        """str.format in both languages; Text arguments are rendered in the matching language."""
        return Text(
            en=self.en.format(**_pick(values, "en")),
            pt=self.pt.format(**_pick(values, "pt-BR")),
        )

    def __add__(self, other: Text | str) -> Text:
        other = Text.coerce(other)
        return Text(en=self.en + other.en, pt=self.pt + other.pt)

    def __radd__(self, other: str) -> Text:
        return Text.coerce(other) + self

    @staticmethod
    def join(parts: Iterable[Text | str], sep: str = " ") -> Text:
        items = [Text.coerce(p) for p in parts]
        return Text(en=sep.join(p.en for p in items), pt=sep.join(p.pt for p in items))

    def __str__(self) -> str:
        return self.en


def _pick(values: Mapping[str, Any], lang: str) -> dict[str, Any]:
    return {k: (v.render(lang) if isinstance(v, Text) else v) for k, v in values.items()}
