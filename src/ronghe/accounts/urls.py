from django.urls import path

from ronghe.accounts.views import auth, roles, tokens, twofactor, users

app_name = "accounts"
urlpatterns = [
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("password/", auth.password_change, name="password-change"),
    path("otp/", twofactor.otp_verify, name="otp-verify"),
    path("otp/setup/", twofactor.otp_setup, name="otp-setup"),
    path("otp/devices/", twofactor.otp_list, name="otp-list"),
    path("otp/devices/<int:pk>/reset/", twofactor.otp_reset, name="otp-reset"),
    path("roles/", roles.role_list, name="role-list"),
    path("roles/grant/", roles.role_grant, name="role-grant"),
    path("roles/<int:pk>/revoke/", roles.role_revoke, name="role-revoke"),
    path("users/", users.user_list, name="user-list"),
    path("users/create/", users.user_create, name="user-create"),
    path("users/<int:pk>/active/", users.user_set_active, name="user-set-active"),
    path("tokens/", tokens.token_list, name="token-list"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke, name="token-revoke"),
]
