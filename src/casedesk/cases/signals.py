"""The case services' one hook for apps that follow cases (the SLA watch, in `watch.apps`).

The cases domain does not import its followers: it says what changed and they subscribe.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the service's transaction after a case's SLA fields were stored (or set on a case
# about to be inserted), with `case` and `new` (True: the case was opened in this transaction,
# so it has no history for a receiver to read). Receivers run in that transaction: an error
# rolls the change back.
sla_changed = Signal()

# Sent inside the service's transaction after a case's effort fields (cases.effort) changed,
# with `case`; the watch reschedules its quiet and update alerts.
effort_changed = Signal()
