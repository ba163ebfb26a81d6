"""The vote page (namespace "voting"), included from the project's urls under /v/."""

from django.urls import path

from ronghe.core.voting import views

app_name = "voting"
urlpatterns = [path("<str:token>/", views.vote, name="vote")]
