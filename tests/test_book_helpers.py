"""The chapters' shared helpers (book/_book.py): guards that fail, words the data choose,
numbers written for reading."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book"))
import _book

NBSP = "\u00a0"


def test_claim_passes_silently_when_true() -> None:
    _book.claim(True, "anything")


def test_claim_raises_with_the_sentence_when_false() -> None:
    with pytest.raises(_book.ClaimError, match="falls below"):
        _book.claim(1.0 < 0.5, "the error falls below one half")


def test_claim_is_an_assertion_error() -> None:
    # a failed claim fails the build like any failed assert in a chapter
    assert issubclass(_book.ClaimError, AssertionError)


@pytest.mark.parametrize("condition, expected", [(True, "faster"), (False, "slower")])
def test_word_and_verdict_choose_by_condition(condition: bool, expected: str) -> None:
    assert _book.word(condition, "faster", "slower") == expected
    assert _book.verdict("speed_word", condition, "faster", "slower") == expected


@pytest.mark.parametrize(
    "x, digits, expected",
    [
        (0.68, 2, "0.68"),
        (0.0046, 2, "0.0046"),
        (2.5, 3, "2.50"),
        (1234.0, 2, "1,234"),
        (-0.25, 2, "−0.25"),
        (0, 2, "0"),
        (6.8e-11, 2, f"6.8{NBSP}×{NBSP}10⁻¹¹"),
        (-3e-7, 2, f"−3.0{NBSP}×{NBSP}10⁻⁷"),
        (1.9e11, 2, f"1.9{NBSP}×{NBSP}10¹¹"),
        (9.99e-5, 2, f"1.0{NBSP}×{NBSP}10⁻⁴"),  # rounding carries into the next power
    ],
)
def test_number_is_written_for_reading(x: float, digits: int, expected: str) -> None:
    assert _book.number(x, digits) == expected


@pytest.mark.parametrize("bad, match", [(float("nan"), "finite"), (float("inf"), "finite")])
def test_number_rejects_non_finite(bad: float, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        _book.number(bad)


def test_number_rejects_zero_digits() -> None:
    with pytest.raises(ValueError, match="digits"):
        _book.number(1.0, 0)
