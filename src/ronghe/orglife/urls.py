from django.urls import path

from ronghe.orglife.views import checkin as ckv
from ronghe.orglife.views import compliance as cv
from ronghe.orglife.views import exports as ev
from ronghe.orglife.views import meetings as mv

app_name = "orglife"
urlpatterns = [
    path("meetings/", mv.meeting_list, name="meeting-list"),
    path("meetings/create/", mv.meeting_create, name="meeting-create"),
    path("meetings/<uuid:code>/", mv.meeting_detail, name="meeting-detail"),
    path("meetings/<uuid:code>/update/", mv.meeting_update, name="meeting-update"),
    path("meetings/<uuid:code>/delete/", mv.meeting_delete, name="meeting-delete"),
    path("meetings/<uuid:code>/decisions/", mv.decision_create, name="decision-create"),
    path("meetings/<uuid:code>/decisions/<int:pk>/delete/", mv.decision_delete, name="decision-delete"),
    path(
        "meetings/<uuid:code>/attendance/<int:pk>/correct/", mv.attendance_correct, name="attendance-correct"
    ),
    path("meetings/<uuid:code>/exclusions/", mv.exclusion_create, name="exclusion-create"),
    path("meetings/<uuid:code>/exclusions/<int:pk>/delete/", mv.exclusion_delete, name="exclusion-delete"),
    path("meetings/<uuid:code>/grades/", mv.grades_update, name="grades-update"),
    path("meetings/<uuid:code>/attachments/", mv.attachment_upload, name="attachment-upload"),
    path("meetings/<uuid:code>/checkin/", ckv.checkin_open, name="checkin-open"),
    path("meetings/<uuid:code>/projector/", ckv.checkin_projector, name="checkin-projector"),
    path("meetings/<uuid:code>/record.docx", ev.meeting_docx, name="meeting-docx"),
    path("attachments/<uuid:code>/", mv.attachment_download, name="attachment-download"),
    path("c/", ckv.checkin_enter, name="checkin-enter"),
    path("c/<str:code>/", ckv.checkin, name="checkin"),
    path("compliance/", cv.compliance, name="compliance"),
    path("todo/", cv.todo, name="todo"),
    path("leaders/", cv.leaders, name="leaders"),
    path("organizations/<uuid:code>/calendar/", cv.org_calendar, name="org-calendar"),
    path("organizations/<uuid:code>/ledger.xlsx", ev.ledger_xlsx, name="ledger-xlsx"),
    path("requirements/", cv.requirement_list, name="requirement-list"),
    path("requirements/<int:pk>/", cv.requirement_update, name="requirement-update"),
    path("requirements/copy/", cv.requirement_copy, name="requirement-copy"),
    path("settings/", cv.policy_update, name="policy-update"),
]
