from django.db import models


class CommitteeKind(models.TextChoices):
    """The discipline body of a unit: a 机关纪委 beside a 机关党委, a 纪检组 of a 党组, or a 纪检委员 alone."""

    COMMISSION = "commission", "机关纪委"
    GROUP = "group", "纪检组"
    COMMISSIONER = "commissioner", "纪检委员"


class CommitteeTitle(models.TextChoices):
    SECRETARY = "secretary", "书记（组长）"
    DEPUTY = "deputy", "副书记（副组长）"
    MEMBER = "member", "委员"


class CaseSource(models.TextChoices):
    LETTER = "letter", "信访举报"
    INSPECTION = "inspection", "巡视巡察"
    AUDIT = "audit", "审计监督"
    REFERRAL = "referral", "上级交办、有关部门移送"
    SELF = "self", "主动投案"
    OTHER = "other", "其他"


class CaseState(models.TextChoices):
    RECEIVED = "received", "受理"
    VERIFYING = "verifying", "初核"
    FILED = "filed", "立案审查"
    CONCLUDED = "concluded", "了结"
    DECIDED = "decided", "已作出处分/处理"
    CLOSED = "closed", "结案"


# A case still being handled: a member in one of these is "under review".
OPEN_STATES = frozenset({CaseState.RECEIVED, CaseState.VERIFYING, CaseState.FILED})


class CaseAction(models.TextChoices):
    VERIFY = "verify", "开始初核"
    FILE = "file", "立案"
    CONCLUDE = "conclude", "了结"
    SANCTION = "sanction", "给予处分"
    HANDLE = "handle", "予以处理"
    CLOSE = "close", "结案"


class SanctionCategory(models.TextChoices):
    PARTY = "party", "党纪处分"
    GOVERNMENT = "government", "政务处分"
    HANDLING = "handling", "组织处理"


class SanctionKind(models.TextChoices):
    # 党纪处分 (中国共产党纪律处分条例 第八条)
    WARNING = "warning", "警告"
    SERIOUS_WARNING = "serious_warning", "严重警告"
    REMOVAL = "removal", "撤销党内职务"
    PROBATION = "probation", "留党察看"
    EXPULSION = "expulsion", "开除党籍"
    # 政务处分 (公职人员政务处分法 第七条)
    GOV_WARNING = "gov_warning", "政务警告"
    GOV_DEMERIT = "gov_demerit", "记过"
    GOV_MAJOR_DEMERIT = "gov_major_demerit", "记大过"
    GOV_DEMOTION = "gov_demotion", "降级"
    GOV_REMOVAL = "gov_removal", "撤职"
    GOV_DISMISSAL = "gov_dismissal", "开除"
    # 组织处理 and 批评教育: not a 处分
    CRITICISM = "criticism", "批评教育"
    SELF_EXAMINATION = "self_examination", "责令检查"
    ADMONITION = "admonition", "诫勉"


class RiskLevel(models.TextChoices):
    HIGH = "high", "高"
    MEDIUM = "medium", "中"
    LOW = "low", "低"
