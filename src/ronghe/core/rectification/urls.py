"""整改 (namespace "rectification")."""

from django.urls import path

from ronghe.core.rectification import views

app_name = "rectification"
urlpatterns = [
    path("", views.item_list, name="item-list"),
    path("<uuid:code>/", views.item_detail, name="item-detail"),
    path("<uuid:code>/plan/", views.plan_update, name="plan-update"),
    path("<uuid:code>/progress/", views.progress_add, name="progress-add"),
    path("<uuid:code>/step/", views.item_step, name="item-step"),
]
