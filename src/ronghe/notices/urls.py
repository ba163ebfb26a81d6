from django.urls import path

from ronghe.notices.views import notices as views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="notice-list"),
    path("create/", views.notice_create, name="notice-create"),
    path("<uuid:code>/", views.notice_detail, name="notice-detail"),
    path("<uuid:code>/remind/", views.notice_remind, name="notice-remind"),
    path("<uuid:code>/files/<uuid:file>/", views.notice_attachment, name="notice-attachment"),
]
