"""The overview's pictures: the level × severity heat-map, bars by customer and for severity
changes; each with its numbers one click away (a <details> table) and in a CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest

from .conftest import RANGE
from .test_pages import row_cells

pytestmark = pytest.mark.django_db


def test_the_heat_map_shows_attainment_per_level_and_severity(manager_client, month):
    response = manager_client.get(f"/console/reports/?{RANGE}")
    signature = row_cells(response, "heatmap", "Signature")
    assert signature == ["no cases", "no cases", "50.0 % 2 of 4", "no cases"]
    assert row_cells(response, "heatmap", "Standard")[1] == "0.0 % 0 of 1"
    html = response.content.decode()
    assert re.search(
        r'<td class="num heat-bad"><a href="[^"]*level=signature&amp;severity=3"', html
    )
    # The full table is still there, folded under the heat-map.
    assert re.search(r"<details class=\"numbers\"><summary>[^<]*level and severity", html)
    assert row_cells(response, "attainment-level", "Signature · Sev 3")[6] == "50.0 %"


def test_customers_and_severity_changes_are_drawn_as_bars_with_their_numbers(manager_client, month):
    html = manager_client.get(f"/console/reports/?{RANGE}").content.decode()
    customers = re.search(r'<svg class="chart" id="chart-customers".*?</svg>', html, re.S)
    assert customers
    assert "<title>Globex: 0 met of 2 decided</title>" in customers.group(0)
    severity = re.search(r'<svg class="chart" id="chart-severity".*?</svg>', html, re.S)
    assert severity
    assert "<title>Standard: raised 2 times</title>" in severity.group(0)
    assert "<title>Premium: lowered once</title>" in severity.group(0)


def test_the_severity_changes_chart_has_a_csv(manager_client, month):
    response = manager_client.get(f"/console/reports/?{RANGE}&by=severity-changes&format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "severity-changes-2026-10-01-2026-11-23.csv" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines[0][:4] == ["Level", "Raised", "Lowered", "Lowered before first response"]
    assert lines[0][4:] == ["Requests confirmed", "Requests declined", "Requests waiting"]
    assert ["Standard", "2", "0", "0", "0", "0", "0"] in lines
