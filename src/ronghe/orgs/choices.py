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


# Kinds that hold elections and have a term of office (domain-rules §2.3).
ELECTED_KINDS = frozenset(
    {OrgKind.COMMITTEE, OrgKind.PARTY_COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH, OrgKind.JOINT_BRANCH}
)
# The organizations that approve an admission, a 转正 or a 少交/免交 (a 党委 or the 工委, never a 党总支).
APPROVING_KINDS = frozenset({OrgKind.PARTY_COMMITTEE, OrgKind.COMMITTEE})


class OfficerPost(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY = "deputy", "副书记"
    ORGANIZATION = "organization", "组织委员"
    PROPAGANDA = "propaganda", "宣传委员"
    DISCIPLINE = "discipline", "纪检委员"
    MEMBER = "member", "委员"


POST_BY_LABEL = {label: value for value, label in OfficerPost.choices}


class WorkerKind(models.TextChoices):
    FULL_TIME = "full_time", "专职"
    PART_TIME = "part_time", "兼职"


class UnitKind(models.TextChoices):
    """单位类别, as the 工委's register of units groups them."""

    PARTY_GOVERNMENT = "party_government", "党政机关"
    INSTITUTION = "institution", "事业单位"
    STATE_OWNED = "state_owned", "国有企业"
    MASS_ORGANIZATION = "mass_organization", "群团组织"
    OTHER = "other", "其他"
