from django.urls import path

from ronghe.points import views

app_name = "points"
urlpatterns = [
    path("mine/", views.my_points, name="my-points"),
    path("ranking/", views.ranking, name="ranking"),
    path("members/<uuid:code>/", views.member_points, name="member-points"),
    path("members/<uuid:code>/adjust/", views.member_adjust, name="member-adjust"),
    path("members/<uuid:code>/statement.xlsx", views.member_statement, name="member-statement"),
    path("entries/<uuid:code>/", views.entry_detail, name="entry-detail"),
    path("members/<uuid:code>/statement.docx", views.member_statement_docx, name="member-statement-docx"),
    path("claims/", views.claim_list, name="claim-list"),
    path("claims/create/", views.claim_create, name="claim-create"),
    path("claims/review/", views.claim_review, name="claim-review"),
    path("claims/<uuid:code>/", views.claim_detail, name="claim-detail"),
    path("claims/<uuid:code>/photo/", views.claim_photo, name="claim-photo"),
    path("claims/<uuid:code>/decide/", views.claim_decide, name="claim-decide"),
    path("claims/<uuid:code>/withdraw/", views.claim_withdraw, name="claim-withdraw"),
    path("schemes/", views.scheme_list, name="scheme-list"),
    path("schemes/<uuid:code>/", views.scheme_detail, name="scheme-detail"),
    path("schemes/<uuid:code>/update/", views.scheme_update, name="scheme-update"),
    path("schemes/<uuid:code>/clone/", views.scheme_clone, name="scheme-clone"),
    path("schemes/<uuid:code>/activate/", views.scheme_activate, name="scheme-activate"),
    path("schemes/<uuid:code>/settings/", views.scheme_settings, name="scheme-settings"),
    path("schemes/<uuid:code>/indicators/create/", views.indicator_create, name="indicator-create"),
    path("schemes/<uuid:code>/indicators/<int:pk>/", views.indicator_update, name="indicator-update"),
    path("schemes/<uuid:code>/indicators/<int:pk>/delete/", views.indicator_delete, name="indicator-delete"),
    path("year-end/", views.year_end, name="year-end"),
    path("ledger/<uuid:code>.xlsx", views.ledger_export, name="ledger-export"),
]
