from django.apps import AppConfig


class PointsConfig(AppConfig):
    name = "ronghe.points"
    label = "points"
    verbose_name = "党员积分"

    def ready(self) -> None:
        from ronghe.core.scoring.choices import SchemePurpose
        from ronghe.core.scoring.editing import register_purpose

        register_purpose(SchemePurpose.MEMBER_POINTS, permission="points.manage_scheme", noun="积分方案")

        from ronghe.points.exports import register_ledger_export

        register_ledger_export()  # the 积分台账 export (core.exports.jobs kind "points.ledger")
