from django.urls import path

from ronghe.integration.views import plans, points, reviews, tasks

app_name = "integration"
urlpatterns = [
    path("work-points/", points.work_point_list, name="work-point-list"),
    path("work-points/create/", points.work_point_create, name="work-point-create"),
    path("work-points/publish/", points.work_point_publish, name="work-point-publish"),
    path("work-points/<uuid:code>/update/", points.work_point_update, name="work-point-update"),
    path("plans/", plans.plan_list, name="plan-list"),
    path("plans/create/", plans.plan_create, name="plan-create"),
    path("plans/<uuid:code>/", plans.plan_detail, name="plan-detail"),
    path("plans/<uuid:code>/update/", plans.plan_update, name="plan-update"),
    path("plans/<uuid:code>/step/", plans.plan_step, name="plan-step"),
    path("plans/<uuid:code>/tasks/create/", tasks.task_create, name="task-create"),
    path("tasks/", tasks.task_list, name="task-list"),
    path("tasks/overdue/", tasks.overdue_list, name="overdue-list"),
    path("tasks/<uuid:code>/", tasks.task_detail, name="task-detail"),
    path("tasks/<uuid:code>/update/", tasks.task_update, name="task-update"),
    path("tasks/<uuid:code>/delete/", tasks.task_delete, name="task-delete"),
    path("tasks/<uuid:code>/step/", tasks.task_step, name="task-step"),
    path("tasks/<uuid:code>/progress/", tasks.progress_create, name="progress-create"),
    path("reviews/", reviews.review_list, name="review-list"),
    path("reviews/create/", reviews.review_create, name="review-create"),
    path("reviews/<uuid:code>/", reviews.review_detail, name="review-detail"),
    path("reviews/<uuid:code>/save/", reviews.review_save, name="review-save"),
    path("reviews/<uuid:code>/opinion/", reviews.review_opinion, name="review-opinion"),
    path("reviews/<uuid:code>/rectify/", reviews.review_rectify, name="review-rectify"),
    path("reviews/<uuid:code>/finalize/", reviews.review_finalize, name="review-finalize"),
]
