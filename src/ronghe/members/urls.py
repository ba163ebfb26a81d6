from django.urls import path

from ronghe.members import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="member-list"),
    path("create/", views.member_create, name="member-create"),
    path("statistics/", views.member_statistics, name="member-statistics"),
    path("transfers/", views.transfer_list, name="transfer-list"),
    path("transfers/incoming/", views.transfer_incoming, name="transfer-incoming"),
    path("transfers/<uuid:code>/transition/", views.transfer_transition, name="transfer-transition"),
    path("<uuid:code>/", views.member_detail, name="member-detail"),
    path("<uuid:code>/update/", views.member_update, name="member-update"),
    path("<uuid:code>/unmask/", views.member_unmask, name="member-unmask"),
    path("<uuid:code>/status/", views.member_status, name="member-status"),
    path("<uuid:code>/transfer/internal/", views.member_transfer_internal, name="member-transfer-internal"),
    path("<uuid:code>/transfer/outgoing/", views.member_transfer_outgoing, name="member-transfer-outgoing"),
]
