"""党费: per-organization settings, the versioned rate table, members' bases and monthly records,
少交/免交 applications, 正当理由, voluntary payments, arrears cases and the yearly use of 党费."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models

from ronghe.dues import rules
from ronghe.dues.choices import (
    CaseState,
    Category,
    Fixing,
    LixiuStandard,
    PaymentMethod,
    RecordState,
    ReliefKind,
    ReliefState,
    RoundingMode,
    RoundingUnit,
    TaxReading,
    Timing,
    UseCategory,
)


class DuesSetting(models.Model):
    """An organization's choices where the rules are UNCONFIRMED or local; inherited by its subtree
    (the nearest ancestor's row applies)."""

    scope_org_field = "organization"

    organization = models.OneToOneField(
        "orgs.Organization", on_delete=models.CASCADE, related_name="dues_setting", verbose_name="党组织"
    )
    tax_reading = models.CharField(
        "“税后”口径", max_length=20, choices=TaxReading.choices, default=TaxReading.TAX_AND_INSURANCE
    )
    rounding_unit = models.CharField(
        "取整单位", max_length=5, choices=RoundingUnit.choices, default=RoundingUnit.FEN
    )
    rounding_mode = models.CharField(
        "取整方式", max_length=10, choices=RoundingMode.choices, default=RoundingMode.HALF_UP
    )
    fixing = models.CharField("核定方式", max_length=10, choices=Fixing.choices, default=Fixing.ANNUAL)
    lixiu_standard = models.CharField(
        "离休党员标准", max_length=12, choices=LixiuStandard.choices, default=LixiuStandard.IN_SERVICE
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "党费设置"
        verbose_name_plural = "党费设置"

    def __str__(self) -> str:
        return f"{self.organization} 党费设置"

    def audit_org_path(self) -> str:
        return self.organization.path


class RateTable(models.Model):
    """A version of the rate bands (党费规定 第二—六条), seeded with the 2008 version. Bands are
    `[[upper or null, rate], …]` as decimal strings, upper bounds inclusive."""

    version = models.CharField("版本", max_length=20, unique=True)
    name = models.CharField("名称", max_length=100)
    effective_from = models.DateField("施行日期")
    in_service_bands = models.JSONField("在职党员比例")
    retired_bands = models.JSONField("离退休党员比例")
    farmer_min = models.DecimalField("农民党员每月最低（元）", max_digits=12, decimal_places=2)
    farmer_max = models.DecimalField("农民党员每月最高（元）", max_digits=12, decimal_places=2)
    reduced_amount = models.DecimalField("定额交纳（元）", max_digits=12, decimal_places=2)
    source = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        verbose_name = "党费比例表"
        verbose_name_plural = "党费比例表"
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return self.name


class DuesBase(models.Model):
    """A member's monthly base (计算基数) and group from a month on (a new wage: from the month first paid)."""

    scope_org_field = "member__organization"
    scope_member_field = "member"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="dues_bases")
    effective_from = models.DateField("起始月份")
    category = models.CharField("类别", max_length=12, choices=Category.choices, default=Category.IN_SERVICE)
    base = models.DecimalField("计算基数（元）", max_digits=12, decimal_places=2)
    items = models.JSONField("工资项目", default=dict, blank=True)
    tax_reading = models.CharField("“税后”口径", max_length=20, choices=TaxReading.choices, blank=True)
    source = models.CharField("来源", max_length=10, default="manual")  # manual | import
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "党费计算基数"
        verbose_name_plural = "党费计算基数"
        ordering = ["member_id", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "effective_from"], name="one_dues_base_per_member_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.effective_from:%Y-%m} {self.base}"

    def audit_org_path(self) -> str:
        return self.member.organization.path


class DuesRecord(models.Model):
    """One member's 党费 for one month: due, paid (按月/预交/补交) or exempt."""

    scope_org_field = "organization"
    scope_member_field = "member"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="dues_records")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="dues_records", verbose_name="收缴党组织"
    )
    period = models.DateField("月份")
    category = models.CharField("类别", max_length=12, choices=Category.choices, blank=True)
    base = models.DecimalField("计算基数（元）", null=True, blank=True, max_digits=12, decimal_places=2)
    rate = models.DecimalField("比例", max_digits=6, decimal_places=4, null=True, blank=True)
    amount_due = models.DecimalField(
        "应交（元）", null=True, blank=True, max_digits=12, decimal_places=2
    )  # null: no base yet
    state = models.CharField("状态", max_length=8, choices=RecordState.choices, default=RecordState.DUE)
    paid_amount = models.DecimalField("实交（元）", null=True, blank=True, max_digits=12, decimal_places=2)
    paid_on = models.DateField("交纳日期", null=True, blank=True)
    timing = models.CharField("交纳方式", max_length=10, choices=Timing.choices, blank=True)
    method = models.CharField("交纳人", max_length=10, choices=PaymentMethod.choices, blank=True)
    relief = models.ForeignKey("Relief", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # A base raised for months already paid (e.g. a backdated pay rise): `amount_due` is raised, the
    # difference is paid later (补交差额) and kept apart so the first payment stays as it was.
    difference_paid = models.DecimalField(
        "已补交差额（元）", null=True, blank=True, max_digits=12, decimal_places=2
    )
    difference_paid_on = models.DateField("补交差额日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "党费记录"
        verbose_name_plural = "党费记录"
        ordering = ["period", "member_id"]
        constraints = [models.UniqueConstraint(fields=["member", "period"], name="one_dues_record_per_month")]
        indexes = [
            # Covers the 收缴报表 (a subtree's year grouped by organization and month: counts by state and
            # timing, sums of amounts) so it reads the index alone; still the (organization, period)
            # index every other read of an organization's months uses, as its first two columns.
            models.Index(
                fields=["organization", "period", "state", "timing", "amount_due", "paid_amount"],
                name="dues_record_org_period_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.period:%Y-%m}"

    @property
    def difference_owed(self) -> Decimal:
        """差额 still to pay on a paid month whose fee was raised after payment (0 when none)."""
        return rules.difference_owed(self.state, self.amount_due, self.paid_amount)

    def audit_org_path(self) -> str:
        return self.organization.path


class Relief(models.Model):
    """少交/免交: the member applies, the 党支部 studies it, the 上一级党委 approves (党费规定 第七条)."""

    scope_org_field = "organization"
    scope_member_field = "member"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="dues_reliefs")
    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("类型", max_length=8, choices=ReliefKind.choices)
    from_period = models.DateField("起始月份")
    to_period = models.DateField("截止月份")
    reduced_amount = models.DecimalField(
        "少交后每月（元）", null=True, blank=True, max_digits=12, decimal_places=2
    )
    reason = models.TextField("困难情况")
    state = models.CharField("状态", max_length=10, choices=ReliefState.choices, default=ReliefState.APPLIED)
    approved_by_org = models.ForeignKey(
        "orgs.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="批准党委",
    )
    comment = models.TextField("意见", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "少交免交申请"
        verbose_name_plural = "少交免交申请"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()}"

    def audit_org_path(self) -> str:
        return self.organization.path


class ArrearsReason(models.Model):
    """A recorded 正当理由 for not paying in some months (those months are not arrears)."""

    scope_org_field = "organization"
    scope_member_field = "member"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="dues_reasons")
    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    from_period = models.DateField("起始月份")
    to_period = models.DateField("截止月份")
    reason = models.TextField("正当理由")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "未交党费正当理由"
        verbose_name_plural = "未交党费正当理由"
        ordering = ["-from_period"]

    def __str__(self) -> str:
        return f"{self.member} {self.from_period:%Y-%m}—{self.to_period:%Y-%m}"

    def audit_org_path(self) -> str:
        return self.organization.path


class VoluntaryPayment(models.Model):
    """自愿多交党费 (incl. a centrally launched 特殊党费); ≥ 1000 元 at once is remitted in full to 中央."""

    scope_org_field = "organization"
    scope_member_field = "member"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="dues_voluntary")
    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    paid_on = models.DateField("交纳日期")
    purpose = models.CharField("说明", max_length=100, blank=True)
    remit_to_central = models.BooleanField("全额上缴中央", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "自愿多交党费"
        verbose_name_plural = "自愿多交党费"
        ordering = ["-paid_on", "-id"]

    def __str__(self) -> str:
        return f"{self.member} {self.amount}"

    def audit_org_path(self) -> str:
        return self.organization.path


class ArrearsCase(models.Model):
    """6 consecutive months unpaid without a valid reason: a case for the 支部大会 to review.
    Never an automatic 除名; the decision is the 支部大会's, recorded here."""

    scope_org_field = "organization"
    scope_member_field = "member"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="dues_cases")
    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    opened_on = models.DateField("提出日期")
    months = models.PositiveSmallIntegerField("连续未交月数")
    since = models.DateField("起始月份")
    state = models.CharField("状态", max_length=8, choices=CaseState.choices, default=CaseState.OPEN)
    decision = models.TextField("支部大会研究结果", blank=True)
    closed_on = models.DateField("研究日期", null=True, blank=True)

    class Meta:
        verbose_name = "欠交党费研究事项"
        verbose_name_plural = "欠交党费研究事项"
        ordering = ["-opened_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=models.Q(state="open"), name="one_open_dues_case_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} 连续{self.months}个月未交党费"

    def audit_org_path(self) -> str:
        return self.organization.path


class DuesUse(models.Model):
    """党费使用 (for the yearly publication of 收缴/使用)."""

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    category = models.CharField("用途", max_length=15, choices=UseCategory.choices)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    note = models.CharField("说明", max_length=200, blank=True)
    spent_on = models.DateField("日期")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "党费使用"
        verbose_name_plural = "党费使用"
        ordering = ["-spent_on", "-id"]

    def __str__(self) -> str:
        return f"{self.organization} {self.get_category_display()} {self.amount}"

    def audit_org_path(self) -> str:
        return self.organization.path
