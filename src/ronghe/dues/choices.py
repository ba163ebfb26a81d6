from django.db import models


class Category(models.TextChoices):
    """党费 groups of 党费规定 第二—六条 (domain-rules §4.2)."""

    IN_SERVICE = "in_service", "在职（按月领取工资）"
    RETIRED = "retired", "离退休（退休）"
    LIXIU = "lixiu", "离休"
    FARMER = "farmer", "农民党员（定额）"
    REDUCED = "reduced", "学生、下岗失业、依靠抚恤或救济、领取低保（定额）"


class TaxReading(models.TextChoices):
    """The two readings of "税后" (domain-rules §4.1, UNCONFIRMED which applies)."""

    TAX_ONLY = "tax_only", "（a）只扣除个人所得税（2008年组织局答问）"
    TAX_AND_INSURANCE = "tax_and_insurance", "（b）扣除个人所得税及个人缴纳的社会保险、住房公积金、年金"


class RoundingUnit(models.TextChoices):
    FEN = "fen", "分（0.01元）"
    JIAO = "jiao", "角（0.1元）"


class RoundingMode(models.TextChoices):
    HALF_UP = "half_up", "四舍五入"
    DOWN = "down", "舍去"


class Fixing(models.TextChoices):
    ANNUAL = "annual", "年初核定，全年不变"
    MONTHLY = "monthly", "工资变动当月起调整"


class LixiuStandard(models.TextChoices):
    IN_SERVICE = "in_service", "按同级在职标准"
    RETIRED = "retired", "按离退休标准"


class RecordState(models.TextChoices):
    DUE = "due", "未交"
    PAID = "paid", "已交"
    EXEMPT = "exempt", "免交"


class Timing(models.TextChoices):
    REGULAR = "regular", "按月交纳"
    PREPAID = "prepaid", "预交"
    BACKPAID = "backpaid", "补交"


class PaymentMethod(models.TextChoices):
    SELF = "self", "本人交纳"
    PROXY = "proxy", "委托他人代交（经支部同意）"


class ReliefKind(models.TextChoices):
    REDUCE = "reduce", "少交"
    EXEMPT = "exempt", "免交"


class ReliefState(models.TextChoices):
    APPLIED = "applied", "已申请"
    STUDIED = "studied", "支部已研究"
    APPROVED = "approved", "上级党委已批准"
    REJECTED = "rejected", "未批准"


class CaseState(models.TextChoices):
    OPEN = "open", "待支部大会研究"
    CLOSED = "closed", "已研究"


class UseCategory(models.TextChoices):
    """党费使用 categories for the yearly publication ([C] list, domain-rules §4.3)."""

    TRAINING = "training", "培训党员"
    MATERIALS = "materials", "订阅或购买党员教育资料、设备"
    COMMENDATION = "commendation", "表彰先进基层党组织和优秀党员"
    HARDSHIP = "hardship", "补助生活困难党员"
    DISASTER = "disaster", "补助遭受严重自然灾害的党员、修缮受灾的党员教育设施"
    REMITTED = "remitted", "按规定上缴"
    OTHER = "other", "其他"
