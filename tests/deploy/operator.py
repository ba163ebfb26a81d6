"""What an operator and a user do over HTTP on a production site: sign in (binding TOTP and changing
the initial password when the login asks for it), and small roster files."""

from __future__ import annotations

import io
import re
from datetime import date

import pyotp
import xlsxwriter

from ronghe.core.idnumbers import make_id_number
from tests.deploy.site import Browser, Response

HEADER = [
    "姓名",
    "性别",
    "公民身份号码",
    "出生日期",
    "民族",
    "学历",
    "入党日期",
    "转正日期",
    "所在党支部",
    "手机号码",
]


def login(browser: Browser, username: str, password: str, new_password: str) -> Response:
    """The login form, then whatever it leads to: binding an authenticator (the secret the setup page
    shows for manual entry, codes from pyotp) and the forced change of an initial password."""
    response = browser.post("/accounts/login/", {"username": username, "password": password})
    assert response.status == 302, f"login {username}: {response.status} {response.text[:500]}"
    path = response.location
    for _ in range(8):
        if path == "/accounts/otp/setup/":
            page = browser.get(path)
            secret = re.search(r'id="otp-secret"[^>]*>([A-Z2-7]+)<', page.text)
            assert secret, page.text[:1000]
            done = browser.post(path, {"code": pyotp.TOTP(secret.group(1)).now()}, page=page)
            assert done.status == 200 and "恢复码" in done.text, done.text[:1000]
            path = "/"
        elif path == "/accounts/password/":
            changed = browser.post(
                path, {"old_password": password, "new_password1": new_password, "new_password2": new_password}
            )
            assert changed.status == 302, changed.text[:2000]
            path = changed.location
        else:
            page = browser.get(path)
            if page.status != 302:
                assert page.status == 200, f"{path}: {page.status}"
                return page
            path = page.location
    raise AssertionError(f"login of {username} went round in circles at {path}")


def roster_xlsx(count: int, *, prefix: str = "测试", first: int = 0) -> bytes:
    """A roster workbook of `count` valid members with unique ID numbers (streamed, constant memory)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet("名册")
    sheet.write_row(0, 0, HEADER)
    for i in range(first, first + count):
        sex = "男" if i % 2 else "女"
        born = date(1950 + i % 40, 1 + i // 40 % 12, 1 + i // 480 % 28)
        id_number = make_id_number("110105", born, 1 + i // 13440, sex)
        sheet.write_row(
            i - first + 1,
            0,
            [f"{prefix}{i:06d}", sex, id_number, "", "汉族", "大学", "2010-07-01", "2011-07-01", "", ""],
        )
    book.close()
    return out.getvalue()
