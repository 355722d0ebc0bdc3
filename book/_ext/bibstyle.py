"""Sphinx extension: an author–year bibliography whose labels match the citations in the text.

The chapters cite with ``{cite}`key``` in sphinxcontrib-bibtex's author–year referencing style,
which prints "Rumelhart *et al.*, 1986". Its stock pybtex styles label the list either with
numbers ([1], [2], …) or with alpha codes ([RHW86]), neither of which a reader can match to the
citation. This extension registers

* a pybtex label style, ``book_author_year``: "Surname, 1986", "Surname and Surname, 1986" or
  "Surname et al., 1986", the same names the text prints; when two cited works would get the
  same label, the year gets a letter in list order (1986a, 1986b);
* a pybtex formatting style, ``book_author_year`` (pybtex's ``plain`` with that label style),
  which sorts the list by the authors' surnames, then year, then title;
* a sphinxcontrib-bibtex referencing style, ``book_author_year``: the stock ``author_year`` style,
  except that the year it prints is taken from the entry's label, so a citation of the second of
  two works by the same authors in the same year reads "1986b" in the text as in the list.

_config.yml selects them with ``bibtex_default_style`` and ``bibtex_reference_style``.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pybtex.plugin
from pybtex.database import Entry, Person
from pybtex.richtext import Text
from pybtex.style.formatting import toplevel
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.formatting.unsrt import date
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from pybtex.style.template import field, first_of, node, optional_field, sentence
from sphinx.application import Sphinx
from sphinxcontrib.bibtex.plugin import register_plugin as register_referencing_plugin
from sphinxcontrib.bibtex.style.referencing import GroupReferenceStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinxcontrib.bibtex.style.referencing.basic_author_year import (
    BasicAuthorYearParentheticalReferenceStyle,
    BasicAuthorYearTextualReferenceStyle,
)
from sphinxcontrib.bibtex.style.referencing.extra_author import ExtraAuthorReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_empty import ExtraEmptyReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_label import ExtraLabelReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_year import ExtraYearReferenceStyle
from sphinxcontrib.bibtex.style.template import join, join2, post_text, pre_text, reference

NAME = "book_author_year"
_YEAR_SEP = ", "


def _plain(text: str) -> str:
    """BibTeX text as a reader sees it: braces dropped."""
    return text.replace("{", "").replace("}", "")


def _surname(person: Person) -> str:
    """The surname as the text prints it (with prefixes such as "van", without braces)."""
    return _plain(" ".join(person.prelast_names + person.last_names))


def _persons(entry: Entry) -> list[Person]:
    """The people a citation names: the authors, else the editors."""
    return list(entry.persons.get("author") or entry.persons.get("editor") or [])


def _sort_text(text: str) -> str:
    """Case- and accent-insensitive form for sorting (Müller next to Muller, not after Z)."""
    decomposed = unicodedata.normalize("NFD", _plain(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def author_label(entry: Entry) -> str:
    """The names part of a label, as sphinxcontrib-bibtex's author–year citations print it."""
    names = [_surname(p) for p in _persons(entry)]
    if not names:
        return _plain(entry.fields.get("title", entry.key))
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} et al."


class AuthorYearLabelStyle(BaseLabelStyle):
    """Labels "Surname, 1986", "A and B, 1986", "A et al., 1986"; 1986a, 1986b when needed."""

    def format_labels(self, sorted_entries: Iterable[Entry]) -> Iterator[str]:
        entries = list(sorted_entries)
        bases = [f"{author_label(e)}{_YEAR_SEP}{e.fields.get('year', 'n.d.')}" for e in entries]
        count = Counter(bases)
        seen: Counter[str] = Counter()
        for base in bases:
            if count[base] == 1:
                yield base
            else:
                yield base + "abcdefghijklmnopqrstuvwxyz"[seen[base]]
                seen[base] += 1


class AuthorYearSortingStyle(BaseSortingStyle):
    """Sort by the surnames (then given names) of all authors in order, then year, then title."""

    def sorting_key(self, entry: Entry) -> tuple[str, str, str]:
        people = "   ".join(
            f"{_sort_text(_surname(p))}  {_sort_text(' '.join(p.first_names + p.middle_names))}"
            for p in _persons(entry)
        )
        return (people, entry.fields.get("year", ""), _sort_text(entry.fields.get("title", "")))


class AuthorYearStyle(PlainStyle):
    """pybtex's ``plain`` entries, with author–year labels and author–year sorting.

    One change to the entries: a master's-level thesis names its ``type`` when the entry gives
    one (a German *Diplom* thesis is not called a "Master's thesis"), as ``plain`` already does
    for PhD theses.
    """

    default_label_style = NAME
    default_sorting_style = NAME

    def get_mastersthesis_template(self, e: Entry) -> Any:
        return toplevel[
            sentence[self.format_names("author")],
            self.format_title(e, "title"),
            sentence[
                first_of[optional_field("type"), "Master's thesis"],
                field("school"),
                optional_field("address"),
                date,
            ],
            sentence[optional_field("note")],
            self.format_web_refs(e),
        ]


@node
def labelled_year(children: list[Any], data: dict[str, Any]) -> Text:
    """The year as the entry's label prints it (with its letter, e.g. 1986b)."""
    assert not children
    label = data["formatted_entry"].label
    return Text(label.rpartition(_YEAR_SEP)[2])


@dataclass
class _Parenthetical(BasicAuthorYearParentheticalReferenceStyle):
    def inner(self, role_name: str) -> Any:
        return join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
            pre_text,
            reference[
                join(sep=self.author_year_sep)[
                    self.person.author_or_editor_or_title(full="s" in role_name),
                    labelled_year,
                ]
            ],
            post_text,
        ]


@dataclass
class _Textual(BasicAuthorYearTextualReferenceStyle):
    def inner(self, role_name: str) -> Any:
        return join(sep=self.text_reference_sep)[
            self.person.author_or_editor_or_title(full="s" in role_name),
            join[
                self.bracket.left,
                join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
                    pre_text,
                    reference[labelled_year],
                    post_text,
                ],
                self.bracket.right,
            ],
        ]


@dataclass
class _Year(ExtraYearReferenceStyle):
    def inner(self, role_name: str) -> Any:
        return reference[labelled_year]


@dataclass
class AuthorYearLabelledReferenceStyle(AuthorYearReferenceStyle):
    """sphinxcontrib-bibtex's ``author_year``, printing the year (and letter) of the label.

    The same group of styles as ``AuthorYearReferenceStyle.__post_init__`` builds, with the
    three that print a year replaced.
    """

    def __post_init__(self) -> None:
        self.styles.extend(
            [
                _Parenthetical(
                    bracket=self.bracket_parenthetical,
                    person=self.person,
                    author_year_sep=self.author_year_sep,
                    pre_text_sep=self.pre_text_sep,
                    post_text_sep=self.post_text_sep,
                ),
                _Textual(
                    bracket=self.bracket_textual,
                    person=self.person,
                    text_reference_sep=self.text_reference_sep,
                    pre_text_sep=self.pre_text_sep,
                    post_text_sep=self.post_text_sep,
                ),
                ExtraAuthorReferenceStyle(bracket=self.bracket_author, person=self.person),
                ExtraLabelReferenceStyle(bracket=self.bracket_label),
                _Year(bracket=self.bracket_year),
                ExtraEmptyReferenceStyle(),
            ]
        )
        GroupReferenceStyle.__post_init__(self)


pybtex.plugin.register_plugin("pybtex.style.labels", NAME, AuthorYearLabelStyle)
pybtex.plugin.register_plugin("pybtex.style.sorting", NAME, AuthorYearSortingStyle)
pybtex.plugin.register_plugin("pybtex.style.formatting", NAME, AuthorYearStyle)
register_referencing_plugin(
    "sphinxcontrib.bibtex.style.referencing", NAME, AuthorYearLabelledReferenceStyle
)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register nothing with Sphinx itself: importing this module registers the styles."""
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
