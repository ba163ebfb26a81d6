from django.db import models


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", "机关工委"
    LEADING_GROUP = "leading_group", "党组"
    PARTY_COMMITTEE = "party_committee", "机关党委"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"
    JOINT_BRANCH = "joint_branch", "联合党支部"
    GROUP = "group", "党小组"
    TEMPORARY = "temporary", "临时党组织"


BRANCH_KINDS = frozenset({OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.TEMPORARY})
