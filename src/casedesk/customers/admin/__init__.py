"""The managers' admin for customers, subscriptions, contacts and releases.

Every save goes through `customers.services`: forms check with the service's own checks in
clean(), so a refused change shows the same sentence as everywhere else, and save_model /
save_formset call the service to write. One module per page; importing them registers them.
"""

from . import catalog, contacts, customers, subscriptions

__all__ = ["catalog", "contacts", "customers", "subscriptions"]
