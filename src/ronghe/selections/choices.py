from django.db import models


class SubjectKind(models.TextChoices):
    MEMBER = "member", "党员"
    ORGANIZATION = "organization", "党组织"
    BRAND = "brand", "党建品牌"
    LECTURE = "lecture", "党课"
    SITE = "site", "党建阵地"


class CampaignState(models.TextChoices):
    NOMINATING = "nominating", "推荐中"
    JUDGING = "judging", "评审中"
    REVIEW = "review", "联审中"
    PUBLICITY = "publicity", "公示中"
    ANNOUNCED = "announced", "已公布"


class NominationState(models.TextChoices):
    NOMINATED = "nominated", "已推荐"
    WITHDRAWN = "withdrawn", "已撤回"
    AWARDED = "awarded", "已授予"
    NOT_AWARDED = "not_awarded", "未入选"
    SET_ASIDE = "set_aside", "暂缓授予"


class SiteLevel(models.TextChoices):
    COUNTY = "county", "县级"
    CITY = "city", "市级"
    PROVINCE = "province", "省级"


class CaseState(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    RETURNED = "returned", "退回修改"
    PUBLISHED = "published", "已发布"
