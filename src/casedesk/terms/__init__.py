"""The support terms as data and rules: pure Python, no Django import (see DESIGN.md §2)."""

from .document import Level, Terms, default_terms, load_terms, parse_terms
from .durations import Target, parse_target
from .errors import Problem, TermsError

__all__ = [
    "Level",
    "Problem",
    "Target",
    "Terms",
    "TermsError",
    "default_terms",
    "load_terms",
    "parse_target",
    "parse_terms",
]
