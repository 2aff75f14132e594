"""Search over cases, customers and contacts: one service whatever the database."""
