"""The organization tree (materialized path) and the units organizations serve."""

from __future__ import annotations

import os
import uuid
from typing import Any

from django.db import models

from ronghe.orgs.choices import OfficerPost, OrgKind, UnitKind, WorkerKind

SEGMENT = 5  # base-36 characters per path segment: up to 60 million siblings


def path_segment(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            break
    return out.rjust(SEGMENT, "0")


def ancestor_paths(path: str) -> list[str]:
    """The paths of a node's ancestors and of the node itself, root first (its own path last):
    every prefix of the materialized path that ends a segment. "" for no node gives []."""
    return [path[: i + SEGMENT + 1] for i in range(0, len(path) - 1, SEGMENT + 1)]


def subtree_filter(path: str, field: str = "path") -> models.Q:
    """Rows whose `field` lies under `path` (itself included): the prefix test plus the range the
    subtree spans, so a btree index on the path starts and stops at the subtree (PostgreSQL does
    not turn LIKE 'prefix%' into an index range under a non-C collation; at a province the roster's
    last page skipped 46,000 other organizations' index entries). The upper bound is the next
    sibling's path without its dot: letters and digits only, so every collation orders it alike."""
    q = models.Q(**{f"{field}__startswith": path, f"{field}__gte": path})
    last = int(path[-SEGMENT - 1 : -1], 36)
    if last + 1 < 36**SEGMENT:
        q &= models.Q(**{f"{field}__lt": path[: -SEGMENT - 1] + path_segment(last + 1)})
    return q


# Up to this many subtrees are selected by their own paths; more (every branch of a county) by the
# subtree of their common ancestor: a WHERE of hundreds of ORed prefix tests is tested on every row
# (10,000 members × 337 branches took 0.4 s on SQLite) and costs as much again to build in Django.
SUBTREES_LISTED = 20


def subtrees_filter(paths: list[str], field: str = "path") -> models.Q:
    """Rows whose `field` lies under one of `paths` — or a superset of them when there are many
    (the common ancestor's subtree, or every row when they share none): callers attribute each row
    to the subtrees asked about themselves (`ancestor_paths`)."""
    if not paths:
        return models.Q(pk__in=[])
    if len(paths) > SUBTREES_LISTED:
        common = os.path.commonprefix(paths)
        common = common[: len(common) - len(common) % (SEGMENT + 1)]  # whole segments only
        return subtree_filter(common, field) if common else models.Q()
    q = models.Q(pk__in=[])
    for path in paths:
        q |= subtree_filter(path, field)
    return q


class Unit(models.Model):
    """A business organization (单位): 县交通运输局, 县供电公司 …"""

    scope_org_field = None  # units are scoped through their organizations

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("单位名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=40, blank=True)
    kind = models.CharField("单位类别", max_length=20, choices=UnitKind.choices, default=UnitKind.OTHER)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    staff_count = models.PositiveIntegerField("在编人数", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~models.Q(credit_code=""), name="unit_credit_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    """A Party organization node. `path` is the materialized path: subtree = path prefix."""

    scope_org_field = ""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="上级党组织",
    )
    path = models.CharField(max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField(default=0)
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
        verbose_name="所在单位",
    )
    joint_units = models.ManyToManyField(
        Unit, blank=True, related_name="joint_organizations", verbose_name="联合支部覆盖单位"
    )
    founded_on = models.DateField("成立日期", null=True, blank=True)
    term_years = models.PositiveSmallIntegerField("任期（年）", default=3)
    last_election_on = models.DateField("上次换届日期", null=True, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("有效", default=True)
    # 撤销: the organization stops being counted from this day (党内统计 of earlier years still count it)
    dissolved_on = models.DateField("撤销日期", null=True, blank=True)
    dissolution_ref = models.CharField("撤销批准文号", max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        ordering = ["path"]
        # (depth, path): the top levels of a province's tree (filter options) without a full scan
        indexes = [models.Index(fields=["kind", "path"]), models.Index(fields=["depth", "path"])]

    def __str__(self) -> str:
        return self.name

    def audit_org_path(self) -> str:
        return self.path

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.path:
            self.path = self.next_child_path(self.parent)
            self.depth = 0 if self.parent is None else self.parent.depth + 1
        super().save(*args, **kwargs)

    @staticmethod
    def next_child_path(parent: Organization | None) -> str:
        prefix = parent.path if parent else ""
        siblings = Organization.objects.filter(parent=parent).values_list("path", flat=True)
        used = [int(p[len(prefix) : len(prefix) + SEGMENT], 36) for p in siblings]
        return prefix + path_segment(max(used, default=-1) + 1) + "."

    def subtree(self) -> models.QuerySet[Organization]:
        return Organization.objects.filter(path__startswith=self.path)

    def ancestors(self) -> models.QuerySet[Organization]:
        return Organization.objects.filter(path__in=ancestor_paths(self.path)).order_by("depth")


class Officer(models.Model):
    """A post on an organization's committee (书记, 副书记, 委员 …) held by a member.

    Ending a post sets `ended_on`; rows are never deleted, so the history of who held what stays.
    """

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="officers", verbose_name="党组织"
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="officer_posts", verbose_name="党员"
    )
    post = models.CharField("职务", max_length=20, choices=OfficerPost.choices)
    started_on = models.DateField("任职日期")
    ended_on = models.DateField("离任日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "班子成员"
        verbose_name_plural = "班子成员"
        ordering = ["organization_id", "ended_on", "post", "id"]
        indexes = [models.Index(fields=["organization", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.organization} {self.get_post_display()} {self.member}"

    def audit_org_path(self) -> str:
        return self.organization.path


class PartyWorker(models.Model):
    """A full-time or part-time Party-affairs worker (党务干部) of the unit an organization serves."""

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="party_workers", verbose_name="党组织"
    )
    name = models.CharField("姓名", max_length=50)
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_work",
        verbose_name="对应党员",
    )
    kind = models.CharField("类别", max_length=20, choices=WorkerKind.choices)
    started_on = models.DateField("任职日期")
    ended_on = models.DateField("离任日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "党务干部"
        verbose_name_plural = "党务干部"
        ordering = ["organization_id", "ended_on", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"

    def audit_org_path(self) -> str:
        return self.organization.path


class Leader(models.Model):
    """A leader of a unit (局长, 副局长 …) and whether they sit on its 党组/党委 (`is_party_group_member`)."""

    scope_org_field = None  # scoped through its unit

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="leaders", verbose_name="单位")
    name = models.CharField("姓名", max_length=50)
    title = models.CharField("职务", max_length=100)
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="unit_posts",
        verbose_name="对应党员",
    )
    is_party_group_member = models.BooleanField("党组（党委）成员", default=False)
    order = models.PositiveSmallIntegerField("排序", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "单位领导"
        verbose_name_plural = "单位领导"
        ordering = ["unit_id", "order", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.title}）"


class Department(models.Model):
    """A business department (处室/股室) of a unit: owners of business tasks."""

    scope_org_field = None  # scoped through its unit

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="departments", verbose_name="单位")
    name = models.CharField("部门名称", max_length=100)
    head_name = models.CharField("负责人", max_length=50, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "业务部门"
        verbose_name_plural = "业务部门"
        ordering = ["unit_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="department_name_unique_per_unit")
        ]

    def __str__(self) -> str:
        return self.name
