from __future__ import annotations

from django.urls import path

from . import views

app_name = "mail"
urlpatterns = [
    path("", views.held_list, name="held"),
    path("<int:pk>/", views.message, name="message"),
    path("<int:pk>/attach", views.attach, name="attach"),
    path("<int:pk>/add-contact", views.add_contact, name="add_contact"),
    path("<int:pk>/discard", views.discard, name="discard"),
    path("outbox/", views.outbox_list, name="outbox"),
    path("outbox/<int:pk>/send-again", views.send_again, name="send_again"),
]
