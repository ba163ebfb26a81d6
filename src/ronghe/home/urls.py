from django.urls import path

from ronghe.home import views

app_name = "home"
urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("screen/", views.screen, name="screen"),
]
