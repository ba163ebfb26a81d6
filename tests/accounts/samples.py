"""Route samples for account administration (objects in subtree A)."""

from ronghe.accounts.models import RoleAssignment
from tests.routes import url_sample


@url_sample("accounts:role-revoke")
def _assignment(cast):
    return {"pk": RoleAssignment.objects.get(user=cast.member_a).pk}


@url_sample("accounts:user-set-active")
def _user(cast):
    return {"pk": cast.member_a.pk}


@url_sample("accounts:token-revoke")
def _token(cast):
    from ronghe.accounts.services import issue_token

    return {"pk": issue_token(user=cast.member_a).token.pk}


@url_sample("accounts:otp-reset")
def _otp_device(cast):
    from tests.accounts.otp import enrol

    enrol(cast.member_a)
    return {"pk": cast.member_a.otp_device.pk}
