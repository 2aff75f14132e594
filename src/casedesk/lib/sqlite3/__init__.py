"""Django's SQLite backend with one change, see `base`. ENGINE = "casedesk.lib.sqlite3"."""
