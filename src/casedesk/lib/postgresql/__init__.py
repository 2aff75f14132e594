"""Django's PostgreSQL backend with one change, see `compiler`. ENGINE = "casedesk.lib.postgresql"."""
