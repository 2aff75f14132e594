"""The refused fields of a form, for the error summary at its top (core/_error_summary.html)."""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField

register = template.Library()


@register.filter
def refused_fields(form: forms.BaseForm) -> list[BoundField]:
    """The form's fields with errors, in the order people see them (hidden ones included: their
    errors have no field to sit next to)."""
    return [field for field in form if field.errors]
