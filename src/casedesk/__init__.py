"""casedesk: a support desk that enforces written support terms."""

__version__ = "0.1.0"
