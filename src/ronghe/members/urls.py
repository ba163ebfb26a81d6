"""The members app's pages: the roster and a member's page (namespace `members`, under /members/),
and the roster's import, export and birthday pages (namespace `member_io`, under /members/io/,
included from ronghe/urls.py as `io_urlpatterns`)."""

from django.urls import path

from ronghe.members.views import detail, io, roster

app_name = "members"
urlpatterns = [
    path("", roster.member_list, name="member-list"),
    path("create/", roster.member_create, name="member-create"),
    path("statistics/", roster.member_statistics, name="member-statistics"),
    path("transfers/", detail.transfer_list, name="transfer-list"),
    path("transfers/incoming/", detail.transfer_incoming, name="transfer-incoming"),
    path("transfers/<uuid:code>/transition/", detail.transfer_transition, name="transfer-transition"),
    path("<uuid:code>/", detail.member_detail, name="member-detail"),
    path("<uuid:code>/update/", roster.member_update, name="member-update"),
    path("<uuid:code>/unmask/", detail.member_unmask, name="member-unmask"),
    path("<uuid:code>/status/", detail.member_status, name="member-status"),
    path("<uuid:code>/transfer/internal/", detail.member_transfer_internal, name="member-transfer-internal"),
    path("<uuid:code>/transfer/outgoing/", detail.member_transfer_outgoing, name="member-transfer-outgoing"),
]

io_urlpatterns = [
    path("import/", io.import_start, name="import"),
    path("import/template.xlsx", io.import_template, name="import-template"),
    path("import/<uuid:code>/", io.import_job, name="import-job"),
    path("import/<uuid:code>/columns/", io.import_columns, name="import-columns"),
    path("import/<uuid:code>/commit/", io.import_commit, name="import-commit"),
    path("import/<uuid:code>/cancel/", io.import_cancel, name="import-cancel"),
    path("import/<uuid:code>/retry/", io.import_retry, name="import-retry"),
    path("import/<uuid:code>/rejected.xlsx", io.import_rejected, name="import-rejected"),
    path("export/", io.export_roster, name="export"),
    path("<uuid:code>/card.docx", io.member_card, name="member-card"),
    path("birthdays/", io.birthdays, name="birthdays"),
    path("birthdays/cards.docx", io.birthday_cards, name="birthday-cards"),
]
