from django.urls import path

from . import follow_views, statement_views, views

app_name = "portal"
urlpatterns = [
    path("", views.case_list, name="cases"),
    path("new/", views.new_case, name="new_case"),
    path("cases/<str:ref>/", views.case_detail, name="case"),
    path("cases/<str:ref>/reply/", views.reply, name="reply"),
    path("cases/<str:ref>/severity/", views.request_severity, name="request_severity"),
    path("cases/<str:ref>/reopen/", views.reopen, name="reopen"),
    path("cases/<str:ref>/patch/", views.request_patch, name="request_patch"),
    path("cases/<str:ref>/followers/", follow_views.followers_view, name="followers"),
    path("files/<int:pk>/", views.attachment, name="attachment"),
    path("subscription/", views.subscription, name="subscription"),
    path("subscription/contacts/request/", views.contact_request, name="contact_request"),
    path("subscription/<int:pk>/description/", views.edit_description, name="edit_description"),
    path("statement/", statement_views.statement, name="statement"),
]
