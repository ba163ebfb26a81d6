from django.urls import path

from ronghe.accounts import role_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password-change"),
    path("roles/", role_views.role_list, name="role-list"),
    path("roles/grant/", role_views.role_grant, name="role-grant"),
    path("roles/<int:pk>/revoke/", role_views.role_revoke, name="role-revoke"),
    path("users/", role_views.user_list, name="user-list"),
    path("users/create/", role_views.user_create, name="user-create"),
    path("users/<int:pk>/active/", role_views.user_set_active, name="user-set-active"),
]
