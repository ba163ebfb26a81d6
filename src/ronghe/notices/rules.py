"""Pure rules of notices."""

from __future__ import annotations

TITLE_MAX = 200
BODY_MAX = 5000


def ancestor_paths(path: str) -> list[str]:
    """The materialized paths of a node and every node above it: "00a.01b." → ["00a.", "00a.01b."]."""
    parts = [p for p in path.split(".") if p]
    return [".".join(parts[: i + 1]) + "." for i in range(len(parts))]


def check_notice(title: str, body: str) -> dict[str, str]:
    """Problems with a notice's text, by field (empty when it may be published)."""
    problems = {}
    if not title.strip():
        problems["title"] = "请填写标题"
    elif len(title) > TITLE_MAX:
        problems["title"] = f"标题不超过 {TITLE_MAX} 字"
    if not body.strip():
        problems["body"] = "请填写正文"
    elif len(body) > BODY_MAX:
        problems["body"] = f"正文不超过 {BODY_MAX} 字"
    return problems


# The permissions a notice may be addressed by (`Notice.audience_permission`), with how the page says it.
AUDIENCES = {"reports.view": "本单位党务工作人员"}
# Files a notice carries are `core.evidence` rows of this kind (uploaded with the notice by its publisher,
# or attached by the platform to a notice it produced); recipients download them through the notice.
ATTACHMENT_KIND = "notices.notice"
ATTACHMENTS_MAX = 5
