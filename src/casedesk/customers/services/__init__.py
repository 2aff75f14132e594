"""Every entitlement rule and every write to the customers models.

Services take the actor and the time explicitly; a refusal raises EntitlementError whose
`.message` is a sentence a manager can act on. `actor=None` is the operator at the command line.
"""

from .accounts import (
    check_customer_fields,
    check_nodes,
    check_subscription_fields,
    create_customer,
    create_subscription,
    rename_customer,
    set_project_description,
    update_subscription,
)
from .contacts import (
    add_contact,
    check_contact_fields,
    check_email_free,
    check_user_free,
    contact_limit_refusal,
    contact_limit_status,
    contact_limit_text,
    deactivate_contact,
    limit_setting_subscription,
    local_date,
    reactivate_contact,
    set_nodes,
    transfer_contact,
    update_contact,
)
from .entitlement import (
    can_open_case,
    customer_subscription,
    entitled_subscription,
    patch_refusal,
    subscription_year,
)
from .errors import EntitlementError, QuotaExceeded
from .logins import (
    awaiting_by_email,
    awaits_first_password,
    create_login,
    invitation_link,
    queue_login_mail,
    send_invitation,
)
from .quota import QuotaStatus, charge_incident, quota_applies, quota_status, refund_incident
from .releases import (
    add_release,
    check_release_fields,
    end_of_support,
    release_exclusion,
    release_support_note,
    update_release,
)
from .terms_versions import configured_terms_text, current_terms_version, terms_version_for

__all__ = [
    "EntitlementError",
    "QuotaExceeded",
    "QuotaStatus",
    "add_contact",
    "add_release",
    "awaiting_by_email",
    "awaits_first_password",
    "can_open_case",
    "charge_incident",
    "check_contact_fields",
    "check_customer_fields",
    "check_email_free",
    "check_user_free",
    "check_nodes",
    "check_release_fields",
    "check_subscription_fields",
    "configured_terms_text",
    "contact_limit_refusal",
    "contact_limit_status",
    "contact_limit_text",
    "create_customer",
    "create_login",
    "create_subscription",
    "current_terms_version",
    "customer_subscription",
    "deactivate_contact",
    "end_of_support",
    "entitled_subscription",
    "invitation_link",
    "limit_setting_subscription",
    "local_date",
    "patch_refusal",
    "quota_applies",
    "quota_status",
    "reactivate_contact",
    "queue_login_mail",
    "send_invitation",
    "refund_incident",
    "release_exclusion",
    "release_support_note",
    "rename_customer",
    "set_nodes",
    "set_project_description",
    "subscription_year",
    "terms_version_for",
    "transfer_contact",
    "update_contact",
    "update_release",
    "update_subscription",
]
