from django.urls import path

from ronghe.dues.views import collection, io, members, statements

app_name = "dues"
urlpatterns = [
    path("", collection.collection, name="collection"),
    path("run/", collection.month_run, name="run"),
    path("collect/", collection.collect, name="collect"),
    path("arrears/", collection.arrears, name="arrears"),
    path("cases/<uuid:code>/close/", collection.case_close, name="case-close"),
    path("me/", members.my_dues, name="my-dues"),
    path("members/<uuid:code>/", members.member_dues, name="member"),
    path("members/<uuid:code>/base/", members.member_base, name="member-base"),
    path("members/<uuid:code>/pay/", members.member_pay, name="member-pay"),
    path("members/<uuid:code>/difference/", members.member_difference, name="member-difference"),
    path("members/<uuid:code>/voluntary/", members.member_voluntary, name="member-voluntary"),
    path("members/<uuid:code>/relief/", members.member_relief, name="member-relief"),
    path("members/<uuid:code>/reason/", members.member_reason, name="member-reason"),
    path("reliefs/", members.relief_list, name="relief-list"),
    path("reliefs/<uuid:code>/decide/", members.relief_decide, name="relief-decide"),
    path("statement/", statements.statement, name="statement"),
    path("statement.xlsx", statements.statement_xlsx, name="statement-xlsx"),
    path("publication/", statements.publication, name="publication"),
    path("publication/uses/", statements.use_create, name="use-create"),
    path("settings/", statements.dues_settings, name="settings"),
    path("import/", io.payroll_import, name="import"),
]
