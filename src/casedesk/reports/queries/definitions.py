"""The definitions the report pages print as footnotes (and the CSV as its last line)."""

DEFINITIONS = {
    "attainment": (
        "attainment = met ÷ (met + breached + overdue); pending cases are not decided yet, and "
        "reasonable-efforts cases have no deadline and are excluded."
    ),
    "met": "met: the first public reply by an engineer came at or before the response deadline.",
    "breached": "breached: the first public reply came after the deadline.",
    "pending": "pending: no reply yet and the deadline is still ahead.",
    "overdue": (
        "overdue: no reply yet and the deadline has passed (also when the case was closed "
        "without a public reply)."
    ),
    "with_deadline": "with a deadline: every case except those on a reasonable-efforts target.",
    "reasonable": (
        "reasonable efforts: the terms set no deadline for this level and severity; shown "
        "apart, never as breached."
    ),
    "response": (
        "response time: receipt to first public reply, whole minutes, on cases with a deadline; "
        "median and p90 are nearest-rank (a real case's time). Business time counts business "
        "hours only on business-hours levels and equals wall time on 24x7x365 levels."
    ),
    "late": "mean lateness: average of (first reply − deadline) over breached cases.",
    "severity": (
        "Cases are grouped at their current severity. Raised/lowered count severity changes "
        "made by engineers; lowered before first response counts cases lowered before "
        "their first reply: every earlier severity above the new one then reads as the new "
        "one (from receipt, or from the raise that set it)."
    ),
    "quota": (
        "used = incidents whose charges outnumber their refunds in that subscription year; "
        "overrides are charges an engineer made over the limit, with a reason."
    ),
}
