from django.urls import path

from ronghe.members import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="member-list"),
]
