from django.urls import path

from ronghe.education.views import birthdays as bv
from ronghe.education.views import external as ev
from ronghe.education.views import hours as hv
from ronghe.education.views import materials as mv
from ronghe.education.views import training as tv

app_name = "education"

urlpatterns = [
    path("classes/", tv.class_list, name="class-list"),
    path("classes/new/", tv.class_create, name="class-create"),
    path("classes/<uuid:code>/", tv.class_detail, name="class-detail"),
    path("classes/<uuid:code>/enrol/", tv.class_enrol, name="class-enrol"),
    path("classes/<uuid:code>/sessions/", tv.session_create, name="session-create"),
    path("sessions/<uuid:code>/checkin/", tv.session_checkin_open, name="session-checkin-open"),
    path("sessions/<uuid:code>/attendance/", tv.session_attendance, name="session-attendance"),
    path("c/<str:code>/", tv.checkin_page, name="checkin"),
    path("hours/", hv.hours_overview, name="hours"),
    path("birthdays/", bv.birthday_list, name="birthday-list"),
    path("birthdays/new/", bv.birthday_create, name="birthday-create"),
    path("birthdays/<uuid:code>/", bv.birthday_detail, name="birthday-detail"),
    path("me/", hv.my_learning, name="my-learning"),
    path("me/external/new/", ev.external_create, name="external-create"),
    path("external/", ev.external_review, name="external-review"),
    path("external/<uuid:code>/", ev.external_detail, name="external-detail"),
    path("external/<uuid:code>/decide/", ev.external_decide, name="external-decide"),
    path("external/<uuid:code>/withdraw/", ev.external_withdraw, name="external-withdraw"),
    path("materials/", mv.material_list, name="material-list"),
    path("materials/new/", mv.material_create, name="material-create"),
    path("materials/<uuid:code>/", mv.material_detail, name="material-detail"),
    path("materials/<uuid:code>/open/", mv.material_open, name="material-open"),
    path("materials/<uuid:code>/file/", mv.material_file, name="material-file"),
    path("policy/", hv.policy_page, name="policy"),
    path("staffing/", hv.staffing_page, name="staffing"),
    path("xuexi/", hv.study_ranking, name="study-ranking"),
    path("xuexi/import/", hv.study_import, name="study-import"),
]
