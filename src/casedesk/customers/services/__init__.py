"""Every entitlement rule and every write to the customers models.

Services take the actor and the time explicitly; a refusal raises EntitlementError whose
`.message` is a sentence a manager can act on. `actor=None` is the operator at the command line.
"""

from .accounts import (
    check_customer_fields,
    check_nodes,
    check_slug_free,
    check_subscription_fields,
    create_customer,
    create_subscription,
    rename_customer,
    set_project_description,
    update_subscription,
)
from .contact_requests import add_refusal as contact_add_refusal
from .contact_requests import approve as approve_contact_request
from .contact_requests import ask as ask_contact_change
from .contact_requests import decline as decline_contact_request
from .contacts import (
    add_contact,
    check_can_designate,
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
from .descriptions import (
    MIN_DESCRIPTION,
    description_history,
    description_refusal,
    edit_project_description,
)
from .designate import add_contact_with_login, transfer_contact_with_login
from .entitlement import (
    can_open_case,
    customer_subscription,
    entitled_subscription,
    patch_refusal,
    subscription_among,
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
from .quota import (
    QuotaStatus,
    charge_incident,
    charged_cases,
    holds_charge,
    quota_applies,
    quota_status,
    refund_incident,
)
from .quota_notice import QuotaNotice, quota_notice
from .releases import (
    add_release,
    check_release_fields,
    check_release_free,
    end_of_support,
    release_exclusion,
    release_support_note,
    release_warnings,
    update_release,
)
from .statements import mail_statement, statement_recipients
from .terms_versions import configured_terms_text, current_terms_version, terms_version_for

__all__ = [
    "add_contact_with_login",
    "transfer_contact_with_login",
    "EntitlementError",
    "QuotaExceeded",
    "QuotaNotice",
    "QuotaStatus",
    "add_contact",
    "add_release",
    "awaiting_by_email",
    "awaits_first_password",
    "can_open_case",
    "charge_incident",
    "charged_cases",
    "check_can_designate",
    "check_contact_fields",
    "check_customer_fields",
    "check_email_free",
    "check_user_free",
    "check_nodes",
    "check_release_fields",
    "check_release_free",
    "check_slug_free",
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
    "quota_notice",
    "quota_status",
    "reactivate_contact",
    "queue_login_mail",
    "send_invitation",
    "refund_incident",
    "holds_charge",
    "release_exclusion",
    "release_support_note",
    "release_warnings",
    "rename_customer",
    "set_nodes",
    "set_project_description",
    "contact_add_refusal",
    "approve_contact_request",
    "ask_contact_change",
    "decline_contact_request",
    "MIN_DESCRIPTION",
    "description_history",
    "description_refusal",
    "edit_project_description",
    "subscription_among",
    "mail_statement",
    "statement_recipients",
    "subscription_year",
    "terms_version_for",
    "transfer_contact",
    "update_contact",
    "update_release",
    "update_subscription",
]
