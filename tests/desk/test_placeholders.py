"""The canned replies' placeholders: a pure function, with a clear error for what it cannot fill."""

from __future__ import annotations

import subprocess
import sys

import pytest

from casedesk.desk.placeholders import PlaceholderError, fill, names_in

VALUES = {"contact_name": "Alice Adams", "case_number": "CASE-7", "deadline": "Tue 24 Nov"}


def test_it_fills_every_placeholder_and_keeps_literal_braces() -> None:
    text = "Hello {contact_name}, {case_number} is due {deadline}. {{not a placeholder}}"
    assert fill(text, VALUES) == (
        "Hello Alice Adams, CASE-7 is due Tue 24 Nov. {not a placeholder}"
    )


def test_it_names_the_unknown_placeholder_and_the_known_ones() -> None:
    with pytest.raises(PlaceholderError) as exc:
        fill("Hi {first_name}", VALUES)
    assert str(exc.value) == (
        "Unknown placeholder {first_name}; use one of {contact_name}, {case_number}, "
        "{deadline}, {exclusion_text}."
    )


def test_it_refuses_a_lone_brace() -> None:
    with pytest.raises(PlaceholderError, match="A brace has no partner"):
        names_in("Hi {contact_name")


def test_it_says_which_value_is_missing() -> None:
    with pytest.raises(PlaceholderError) as exc:
        fill("{exclusion_text}", VALUES)
    assert str(exc.value) == (
        "No value for {exclusion_text}: the terms' text of the canned reply's exclusion."
    )


def test_the_module_imports_no_django() -> None:
    code = "import casedesk.desk.placeholders, sys; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
