"""`casedesk reindex`: index every case's text again (after data loaded around the services)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from casedesk.search.services.index import rebuild_all


class Command(BaseCommand):
    help = "Index every case's text for search again (the services keep it current otherwise)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = rebuild_all()
        self.stdout.write(f"Indexed {count:,} cases for search.")
