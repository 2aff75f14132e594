"""Run the WSGI app under gunicorn from inside the `casedesk` command."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from gunicorn.app.base import BaseApplication


class _App(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        # Imported in the gunicorn worker, not at start-up: importing it sets Django up.
        from casedesk.wsgi import application

        return application


def run(bind: str, workers: int = 2, threads: int = 4) -> None:
    _App(
        {
            "bind": bind,
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "accesslog": "-",
            "timeout": 60,
        }
    ).run()


@contextmanager
def worker_beside() -> Iterator[subprocess.Popen[bytes]]:
    """Run `casedesk worker` as a child process for as long as the block runs."""
    proc = subprocess.Popen([sys.executable, "-m", "casedesk.cli", "worker"])  # noqa: S603
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
