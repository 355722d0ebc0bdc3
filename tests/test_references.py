"""The bibliography is complete and well-formed, and its list matches the citations.

* Every ``{cite}`key``` (and ``{cite:p}``, ``{cite:t}``, … with one key or several) in the
  chapters names an entry of ``references.bib``.
* No key is defined twice (BibTeX keys are case-insensitive, so neither is ``Key`` next to
  ``key``).
* Every entry has the fields its type needs to be found by a reader: who, what, when, and where
  (journal, book, school, institution or publisher), and a DOI that looks like one.
* The author–year labels of the list (``book/_ext/bibstyle.py``) are unique, so that every
  citation in the text leads to exactly one entry, and the list is sorted by author, then year.

The entries' contents (titles, pages, years) were checked against their sources by hand; a test
cannot do that.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
BIB = ROOT / "references.bib"

# {cite}`a`, {cite:p}`a,b`, {cite:t}`a`, {cite:ps}`a` ... (sphinxcontrib-bibtex roles).
_CITE = re.compile(r"\{(?:foot)?cite(?::[a-z]+)?\}`([^`]*)`")
_ENTRY = re.compile(r"^@(\w+)\s*\{\s*([^,\s]+)\s*,", re.MULTILINE)

# entry type -> groups of fields; each group needs at least one of its fields.
REQUIRED: dict[str, list[tuple[str, ...]]] = {
    "article": [("author",), ("title",), ("journal",), ("year",)],
    "book": [("author", "editor"), ("title",), ("publisher",), ("year",)],
    "incollection": [("author",), ("title",), ("booktitle",), ("year",)],
    "inproceedings": [("author",), ("title",), ("booktitle",), ("year",)],
    "phdthesis": [("author",), ("title",), ("school",), ("year",)],
    "mastersthesis": [("author",), ("title",), ("school",), ("year",)],
    "techreport": [("author",), ("title",), ("institution",), ("year",)],
    "misc": [("author",), ("title",), ("howpublished", "url"), ("year",)],
}


def chapters() -> list[Path]:
    return sorted(BOOK.glob("*.md"))


def cited_keys() -> dict[str, list[str]]:
    """Cited key -> where it is cited ("chapter.md:line")."""
    where: dict[str, list[str]] = {}
    for md in chapters():
        for lineno, line in enumerate(md.read_text(encoding="utf-8").splitlines(), start=1):
            for match in _CITE.finditer(line):
                for key in match.group(1).split(","):
                    if key.strip():
                        where.setdefault(key.strip(), []).append(f"{md.name}:{lineno}")
    return where


@pytest.fixture(scope="module")
def bib():  # type: ignore[no-untyped-def]
    from pybtex.database import parse_file

    return parse_file(str(BIB), bib_format="bibtex")


def test_the_chapters_cite_something() -> None:
    # Guards the pattern above: if it stopped matching, every other check would pass vacuously.
    assert len(cited_keys()) >= 10


def test_no_key_is_defined_twice() -> None:
    keys = [key.lower() for _, key in _ENTRY.findall(BIB.read_text(encoding="utf-8"))]
    twice = sorted(key for key, n in Counter(keys).items() if n > 1)
    assert not twice, f"keys defined more than once in references.bib: {twice}"


def test_every_cited_key_is_in_the_bibliography(bib) -> None:  # type: ignore[no-untyped-def]
    known = set(bib.entries.keys())
    missing = {key: places for key, places in cited_keys().items() if key not in known}
    assert not missing, "cited but not in references.bib:\n" + "\n".join(
        f"  {key}: {', '.join(places)}" for key, places in sorted(missing.items())
    )


def test_every_entry_has_the_fields_its_type_needs(bib) -> None:  # type: ignore[no-untyped-def]
    problems = []
    for key, entry in bib.entries.items():
        kind = entry.type.lower()
        if kind not in REQUIRED:
            problems.append(f"{key}: entry type @{kind} is not one the book uses")
            continue
        present = set(entry.fields.keys()) | set(entry.persons.keys())
        present = {name.lower() for name in present if str(entry.fields.get(name, "x")).strip()}
        for group in REQUIRED[kind]:
            if not present & set(group):
                problems.append(f"{key} (@{kind}): no {' or '.join(group)}")
        year = entry.fields.get("year", "")
        if year and not re.fullmatch(r"1[89]\d\d|20\d\d", year):
            problems.append(f"{key}: year {year!r} is not a year")
        doi = entry.fields.get("doi", "")
        if doi and not re.fullmatch(r"10\.\d{4,9}/\S+", doi):
            problems.append(f"{key}: doi {doi!r} does not look like a DOI")
        url = entry.fields.get("url", "")
        if url and not url.startswith(("https://", "http://")):
            problems.append(f"{key}: url {url!r} is not a web address")
    assert not problems, "\n".join(problems)


def test_list_labels_are_unique_and_sorted_by_author_then_year(  # type: ignore[no-untyped-def]
    bib,
) -> None:
    pytest.importorskip("sphinxcontrib.bibtex")
    import pybtex.plugin

    sys.path.insert(0, str(BOOK / "_ext"))
    try:
        import bibstyle
    finally:
        sys.path.remove(str(BOOK / "_ext"))

    style = pybtex.plugin.find_plugin("pybtex.style.formatting", bibstyle.NAME)()
    cited = [bib.entries[key] for key in cited_keys() if key in bib.entries]
    formatted = list(style.format_entries(cited))
    labels = [entry.label for entry in formatted]
    twice = sorted(label for label, n in Counter(labels).items() if n > 1)
    assert not twice, f"two entries share a label: {twice}"
    # Every label is "names, year" with the year (and its letter) of the entry.
    for entry in formatted:
        year = bib.entries[entry.key].fields["year"]
        assert re.fullmatch(rf".+, {year}[a-z]?", entry.label), entry.label
    # Sorted by first author's surname (accents and case ignored), then by year.
    firsts = [
        (
            bibstyle._sort_text(bibstyle._surname(bibstyle._persons(bib.entries[e.key])[0])),
            bib.entries[e.key].fields["year"],
        )
        for e in formatted
    ]
    assert [name for name, _ in firsts] == sorted(name for name, _ in firsts)


def test_same_authors_same_year_get_letters() -> None:
    pytest.importorskip("sphinxcontrib.bibtex")
    from pybtex.database import Entry, Person

    sys.path.insert(0, str(BOOK / "_ext"))
    try:
        import bibstyle
    finally:
        sys.path.remove(str(BOOK / "_ext"))

    def entry(title: str, year: str, *authors: str) -> Entry:
        return Entry(
            "article",
            fields={"title": title, "year": year, "journal": "J"},
            persons={"author": [Person(a) for a in authors]},
        )

    entries = [
        entry("B", "1986", "Rumelhart, D.", "Hinton, G.", "Williams, R."),
        entry("A", "1986", "Rumelhart, D.", "Hinton, G.", "Williams, R."),
        entry("C", "1985", "LeCun, Y."),
        entry("D", "1989", "Becker, S.", "LeCun, Y."),
    ]
    style = bibstyle.AuthorYearStyle()
    labels = list(style.format_labels(style.sort(entries)))
    assert labels == [
        "Becker and LeCun, 1989",
        "LeCun, 1985",
        "Rumelhart et al., 1986a",
        "Rumelhart et al., 1986b",
    ]
