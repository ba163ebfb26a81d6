from django.urls import path

from ronghe.ratings.views import campaigns, entries, exports, schemes

app_name = "ratings"
urlpatterns = [
    path("", campaigns.campaign_list, name="campaign-list"),
    path("create/", campaigns.campaign_create, name="campaign-create"),
    path("schemes/", schemes.scheme_list, name="scheme-list"),
    path("schemes/<uuid:code>/", schemes.scheme_detail, name="scheme-detail"),
    path("schemes/<uuid:code>/copy/", schemes.scheme_copy, name="scheme-copy"),
    path("schemes/<uuid:code>/activate/", schemes.scheme_activate, name="scheme-activate"),
    path("schemes/<uuid:code>/indicators/create/", schemes.indicator_create, name="indicator-create"),
    path("schemes/<uuid:code>/indicators/<int:pk>/", schemes.indicator_update, name="indicator-update"),
    path(
        "schemes/<uuid:code>/indicators/<int:pk>/delete/", schemes.indicator_delete, name="indicator-delete"
    ),
    path("schemes/<uuid:code>/dimensions/<int:pk>/", schemes.dimension_update, name="dimension-update"),
    path("<uuid:code>/", campaigns.campaign_detail, name="campaign-detail"),
    path("<uuid:code>/propose/", campaigns.campaign_propose, name="campaign-propose"),
    path("<uuid:code>/publish/", campaigns.campaign_publish, name="campaign-publish"),
    path("<uuid:code>/name/", campaigns.campaign_name, name="campaign-name"),
    path("<uuid:code>/judges/", campaigns.campaign_judge, name="campaign-judge"),
    path("<uuid:code>/what-if/", campaigns.campaign_what_if, name="campaign-what-if"),
    path("<uuid:code>/list.xlsx", exports.result_list_xlsx, name="list-xlsx"),
    path("<uuid:code>/list.docx", exports.result_list_docx, name="list-docx"),
    path("rechecks/<uuid:code>/decide/", campaigns.recheck_decide, name="recheck-decide"),
    path("entries/<uuid:code>/", entries.entry_detail, name="entry-detail"),
    path("entries/<uuid:code>/self-assess/", entries.entry_self_assess, name="entry-self-assess"),
    path("entries/<uuid:code>/check/", entries.entry_check, name="entry-check"),
    path("entries/<uuid:code>/evaluate/", entries.entry_evaluate, name="entry-evaluate"),
    path("entries/<uuid:code>/set-aside/", entries.entry_set_aside, name="entry-set-aside"),
    path("entries/<uuid:code>/follow-up/", entries.entry_follow_up, name="entry-follow-up"),
    path("entries/<uuid:code>/remove-star/", entries.entry_remove_star, name="entry-remove-star"),
    path("entries/<uuid:code>/certificate.docx", exports.certificate, name="certificate"),
]
