"""Demo step: 通知公告 of the demo county — the 工委 publishes to everyone, one unit to its own branches;
some members have read them, so the receipts and the home page's unread list have something to show."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.demo.generator import County, step
from ronghe.notices import services
from ronghe.notices.models import NoticeRead

NOTICES = [
    (
        "关于召开{year}年度组织生活会和开展民主评议党员的通知",
        "各党支部：\n请于12月31日前召开{year}年度组织生活会，同步开展民主评议党员。会前做好学习研讨、谈心谈话和征求意见，"
        "会后将会议记录、整改清单报机关工委。",
    ),
    (
        "关于按时交纳党费的提醒",
        "各党支部：\n请党员按月足额交纳党费，支部于每月25日前完成收缴登记。",
    ),
]


@step
def demo_notices(county: County, rng: random.Random) -> None:
    admin = User.objects.filter(username="gwadmin").first()
    if admin is None:
        return
    day = datetime.combine(
        county.today - timedelta(days=3), time(9, 0), tzinfo=timezone.get_current_timezone()
    )
    published = [
        services.publish(
            actor=admin,
            organization=county.committee,
            title=title.format(year=county.today.year),
            body=body.format(year=county.today.year),
            now=day + timedelta(days=n),
        )
        for n, (title, body) in enumerate(NOTICES)
    ]
    # about half of the demo members with a login have read the first notice
    readers = list(User.objects.filter(member__isnull=False).order_by("pk")[:200])
    first = published[0]
    NoticeRead.objects.bulk_create(
        [
            NoticeRead(notice=first, user=u, read_at=day + timedelta(hours=1))
            for u in readers
            if rng.random() < 0.5
        ],
        ignore_conflicts=True,
    )
