"""Typed readers for environment settings that fail loudly on bad values."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import SimpleLazyObject


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value == "":
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"Unexpected value {name}={value!r}: use true or false")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"Unexpected value {name}={value!r}: use a whole number"
        ) from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_secret(name: str, home: Path) -> str:
    """A secret from NAME, NAME_FILE, or a file generated once in the data folder."""
    if os.environ.get(name):
        return os.environ[name]
    if os.environ.get(f"{name}_FILE"):
        return Path(os.environ[f"{name}_FILE"]).read_text().strip()
    path = home / name.lower()
    if not path.exists():
        from django.core.management.utils import get_random_secret_key

        home.mkdir(parents=True, exist_ok=True)
        # Create with owner-only permissions before writing the secret into it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(get_random_secret_key())
    return path.read_text().strip()


def lazy_secret(name: str, home: Path) -> Any:
    """env_secret, read (and generated) at first use rather than when settings are read."""
    return SimpleLazyObject(lambda: env_secret(name, home))


def env_url(name: str, default: str) -> str:
    """An absolute http(s) URL without a trailing slash (links are built by appending paths)."""
    value = os.environ.get(name, "").strip() or default
    scheme, _, host = value.partition("://")
    if scheme not in ("http", "https") or not host.strip("/"):
        raise ImproperlyConfigured(
            f"Unexpected value {name}={value!r}: use an absolute URL such as "
            "https://support.example.com"
        )
    return value.rstrip("/")
