"""Seed the 2008 rate table (中组发〔2008〕3号 第二—六条) as data: later versions are added as rows."""

from datetime import date
from decimal import Decimal

from django.db import migrations


def seed(apps, schema_editor):  # noqa: ANN001, ANN201
    RateTable = apps.get_model("dues", "RateTable")
    RateTable.objects.update_or_create(
        version="2008",
        defaults={
            "name": "中组发〔2008〕3号",
            "effective_from": date(2008, 4, 1),
            "in_service_bands": [
                ["3000.00", "0.005"],
                ["5000.00", "0.01"],
                ["10000.00", "0.015"],
                [None, "0.02"],
            ],
            "retired_bands": [["5000.00", "0.005"], [None, "0.01"]],
            "farmer_min": Decimal("0.20"),
            "farmer_max": Decimal("1.00"),
            "reduced_amount": Decimal("0.20"),
            "source": "关于中国共产党党费收缴、使用和管理的规定 第二—六条",
        },
    )


def unseed(apps, schema_editor):  # noqa: ANN001, ANN201
    apps.get_model("dues", "RateTable").objects.filter(version="2008").delete()


class Migration(migrations.Migration):
    dependencies = [("dues", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
