from django.urls import path

from ronghe.selections.views import campaigns, criteria, library, nominations

app_name = "selections"
urlpatterns = [
    path("", campaigns.campaign_list, name="campaign-list"),
    path("create/", campaigns.campaign_create, name="campaign-create"),
    path("my-honours/", nominations.my_honours, name="my-honours"),
    path("brands/", library.brand_list, name="brand-list"),
    path("brands/create/", library.brand_create, name="brand-create"),
    path("brands/<uuid:code>/", library.brand_detail, name="brand-detail"),
    path("brands/<uuid:code>/logo", library.brand_logo, name="brand-logo"),
    path("sites/", library.site_list, name="site-list"),
    path("sites/create/", library.site_create, name="site-create"),
    path("cases/", library.case_list, name="case-list"),
    path("cases/create/", library.case_create, name="case-create"),
    path("cases/<uuid:code>/", library.case_detail, name="case-detail"),
    path("nominations/<uuid:code>/", nominations.nomination_detail, name="nomination-detail"),
    path("nominations/<uuid:code>/withdraw/", nominations.nomination_withdraw, name="nomination-withdraw"),
    path("nominations/<uuid:code>/set-aside/", nominations.nomination_set_aside, name="nomination-set-aside"),
    path("nominations/<uuid:code>/replace/", nominations.nomination_replace, name="nomination-replace"),
    path("nominations/<uuid:code>/certificate.docx", nominations.certificate, name="certificate"),
    path("nominations/<uuid:code>/certificate.pdf", nominations.certificate_pdf, name="certificate-pdf"),
    path("<uuid:code>/", campaigns.campaign_detail, name="campaign-detail"),
    path("<uuid:code>/nominate/", nominations.nomination_create, name="nomination-create"),
    path("<uuid:code>/judges/", campaigns.campaign_judge, name="campaign-judge"),
    path("<uuid:code>/criteria/", criteria.criterion_list, name="criterion-list"),
    path("<uuid:code>/criteria/<int:pk>/", criteria.criterion_update, name="criterion-update"),
    path("<uuid:code>/criteria/<int:pk>/delete/", criteria.criterion_delete, name="criterion-delete"),
    path("<uuid:code>/start-judging/", campaigns.campaign_start_judging, name="campaign-start-judging"),
    path("<uuid:code>/propose/", campaigns.campaign_propose, name="campaign-propose"),
    path("<uuid:code>/publish/", campaigns.campaign_publish, name="campaign-publish"),
    path("<uuid:code>/announce/", campaigns.campaign_announce, name="campaign-announce"),
    path("<uuid:code>/honours.docx", campaigns.honours_docx, name="honours-docx"),
    path("<uuid:code>/honours.pdf", campaigns.honours_pdf, name="honours-pdf"),
]
