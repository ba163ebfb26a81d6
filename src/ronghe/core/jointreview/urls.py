"""联审 pages (namespace "jointreview"), included from the project's urls under /jointreview/."""

from django.urls import path

from ronghe.core.jointreview import views

app_name = "jointreview"
urlpatterns = [
    path("", views.review_list, name="review-list"),
    path("<uuid:code>/", views.review_detail, name="review-detail"),
    path("<uuid:code>/opinion/", views.opinion_give, name="opinion-give"),
    path("<uuid:code>/override/", views.review_override, name="review-override"),
]
