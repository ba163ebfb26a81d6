from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from ronghe.accounts.choices import Role
from ronghe.accounts.models import User
from ronghe.core.forms import StyledFormMixin
from ronghe.core.types import Actor
from ronghe.orgs.forms import CodeChoiceField
from ronghe.orgs.models import Organization
from ronghe.orgs.queries import organizations_for_user


class LoginForm(StyledFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。连续失败5次将锁定15分钟。",
        "inactive": "该账户已停用，请联系系统管理员。",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"


class ChangePasswordForm(StyledFormMixin, PasswordChangeForm):
    pass


class GrantRoleForm(StyledFormMixin, forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    organization = CodeChoiceField(
        queryset=Organization.objects.none(), label="党组织（授权范围）", empty_label="请选择"
    )

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organization = self.fields["organization"]
        assert isinstance(organization, forms.ModelChoiceField)
        organization.queryset = organizations_for_user(user, "roles.grant").exclude(kind="group")

    def clean_username(self) -> str:
        from ronghe.accounts.services import normalize_username

        name = normalize_username(self.cleaned_data["username"])
        user = User.objects.filter(username=name).first()
        if user is None:
            raise forms.ValidationError("没有这个用户")
        self.cleaned_data["user"] = user
        return name


class RoleFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="用户名", required=False, max_length=150)
    role = forms.ChoiceField(label="角色", required=False, choices=[("", "全部角色"), *Role.choices])


class CreateUserForm(StyledFormMixin, forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    display_name = forms.CharField(label="姓名", max_length=50)
    password = forms.CharField(
        label="初始密码", widget=forms.PasswordInput(render_value=False), help_text="首次登录须修改"
    )


class UserFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="用户名/姓名", required=False, max_length=150)


class TokenFilterForm(StyledFormMixin, forms.Form):
    STATUS_CHOICES = [("", "全部状态"), ("live", "有效"), ("expired", "已过期"), ("revoked", "已吊销")]

    q = forms.CharField(label="用户名", required=False, max_length=150)
    status = forms.ChoiceField(label="状态", required=False, choices=STATUS_CHOICES)


class OtpCodeForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label="验证码",
        max_length=20,
        error_messages={"required": "验证码：不能为空"},
        help_text="动态口令应用中的6位数字；手机不在身边时可输入一个恢复码。",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class OtpEnrolForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label="验证码",
        max_length=10,
        error_messages={"required": "验证码：不能为空"},
        help_text="扫码后，输入动态口令应用显示的6位数字。",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
