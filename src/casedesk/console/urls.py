from __future__ import annotations

from django.urls import path

from . import after_views as after
from . import case_views as c
from . import contact_requests as cr
from . import contacts, queue_page, search_views, tasks, views
from . import desk_views as desk
from . import link_views as links
from . import owner_views as own
from . import statement_views as st

app_name = "console"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("customers/", views.customer_list, name="customers"),
    path("customers/<slug:slug>/", views.customer_detail, name="customer"),
    path("customers/<slug:slug>/statement/", st.statement, name="statement"),
    path("customers/<slug:slug>/statement/mail", st.mail_statement, name="mail_statement"),
    path("customers/<slug:slug>/contacts/add", contacts.add_view, name="add_contact"),
    path(
        "customers/<slug:slug>/contacts/<int:pk>/transfer",
        contacts.transfer_view,
        name="transfer_contact",
    ),
    path(
        "customers/<slug:slug>/contacts/<int:pk>/deactivate",
        contacts.deactivate_view,
        name="deactivate_contact",
    ),
    path("contact-requests/", cr.request_list, name="contact_requests"),
    path("contact-requests/<int:pk>/approve", cr.approve_view, name="approve_contact_request"),
    path("contact-requests/<int:pk>/decline", cr.decline_view, name="decline_contact_request"),
    path("files/<int:pk>", views.file_download, name="file"),
    path("tasks/", tasks.task_list, name="tasks"),
    path("search/", search_views.search, name="search"),
    path("cases/<str:ref>/", c.case_page, name="case"),
    path("cases/<str:ref>/respond", c.respond_view, name="respond"),
    path("cases/<str:ref>/note", c.note_view, name="note"),
    path("cases/<str:ref>/severity", c.severity_view, name="severity"),
    path("cases/<str:ref>/severity-request/confirm", c.confirm_request_view, name="confirm"),
    path("cases/<str:ref>/severity-request/decline", c.decline_request_view, name="decline"),
    path("cases/<str:ref>/assign", c.assign_view, name="assign"),
    path("cases/<str:ref>/status", c.status_view, name="status"),
    path("cases/<str:ref>/exclude", c.exclude_view, name="exclude"),
    path("cases/<str:ref>/patches", c.request_patch_view, name="request_patch"),
    path("cases/<str:ref>/patches/<int:pk>/deliver", c.deliver_patch_view, name="deliver_patch"),
    path("cases/<str:ref>/classify", after.classify_view, name="classify"),
    path("cases/<str:ref>/ask", after.ask_view, name="ask"),
    path("cases/<str:ref>/resolve", after.resolve_view, name="resolve"),
    path("cases/<str:ref>/links", links.link_view, name="link"),
    path("cases/<str:ref>/links/<str:other>/remove", links.unlink_view, name="unlink"),
    path("cases/<str:ref>/merge", links.merge_view, name="merge"),
    path("cases/<str:ref>/use-macro", desk.use_macro_view, name="use_macro"),
    path("cases/<str:ref>/macro-text", desk.macro_text_view, name="macro_text"),
    path("cases/<str:ref>/presence", desk.presence_view, name="presence"),
    path("cases/<str:ref>/followers", desk.followers_view, name="followers"),
    path("cases/<str:ref>/watch", desk.watch_view, name="watch"),
    path("macros/", desk.macro_list, name="macros"),
    path("macros/new", desk.macro_edit, name="macro_new"),
    path("macros/<int:pk>/", desk.macro_edit, name="macro_edit"),
    path("queue/body", queue_page.queue_body, name="queue_body"),
    path("queue/bulk", own.bulk_view, name="bulk"),
    path("groups/", own.group_list, name="groups"),
    path("cases/<str:ref>/take", own.take_view, name="take"),
    path("cases/<str:ref>/group", own.group_view, name="group"),
]
