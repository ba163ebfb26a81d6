from django.urls import path

from ronghe.members import io_views as views

app_name = "member_io"
urlpatterns = [
    path("import/", views.import_start, name="import"),
    path("import/template.xlsx", views.import_template, name="import-template"),
    path("import/<uuid:code>/", views.import_job, name="import-job"),
    path("import/<uuid:code>/commit/", views.import_commit, name="import-commit"),
    path("import/<uuid:code>/rejected.xlsx", views.import_rejected, name="import-rejected"),
    path("export/", views.export_roster, name="export"),
    path("<uuid:code>/card.docx", views.member_card, name="member-card"),
    path("birthdays/", views.birthdays, name="birthdays"),
    path("birthdays/cards.docx", views.birthday_cards, name="birthday-cards"),
]
