"""Demo code is found by `ronghe demo` when it runs; a production process never imports it."""

import json
import os
import subprocess
import sys
from pathlib import Path

# Start-up as a server does it (settings, apps, the URLconf with every view and the API, the
# deploy checks), then list the ronghe modules loaded.
STARTUP = """
import json, sys
import django
django.setup()
from django.core.management import call_command
from django.urls import get_resolver
get_resolver().url_patterns
from ronghe.wsgi import application
call_command("check", "--deploy", verbosity=0)
print(json.dumps(sorted(m for m in sys.modules if m.startswith("ronghe"))))
"""


def test_a_production_process_imports_no_demo_code(tmp_path):
    # given: production-like settings
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ronghe.settings",
        "RONGHE_PRODUCTION": "1",
        "DEBUG": "0",
        "RONGHE_DATA_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "dangjian.example.gov.cn",
        "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),
    }
    env.pop("DATABASE_URL", None)
    # when
    result = subprocess.run(
        [sys.executable, "-c", STARTUP], env=env, capture_output=True, text=True, check=False
    )
    # then: the demo app's own package and AppConfig only
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert "ronghe.home.views" in loaded  # the start-up did load the views
    demo = [m for m in loaded if m.endswith(".demo") or m.startswith("ronghe.demo.")]
    assert demo == ["ronghe.demo", "ronghe.demo.apps"]


def test_building_a_county_finds_every_apps_steps_in_order():
    from ronghe.demo.generator import demo_steps

    steps = demo_steps()
    assert [(s.__module__, s.__name__) for s in steps] == [
        ("ronghe.orgs.demo", "officers_and_party_workers"),
        ("ronghe.orgs.demo", "unit_profiles"),
        ("ronghe.orglife.demo", "year_of_meetings"),
        ("ronghe.points.demo", "demo_points"),
        ("ronghe.discipline.demo", "demo_discipline"),
        ("ronghe.ratings.demo", "demo_ratings"),
        ("ronghe.selections.demo", "demo_selections"),
        ("ronghe.recruitment.demo", "recruitment"),
        ("ronghe.dues.demo", "demo_dues"),
        ("ronghe.integration.demo", "demo_integration"),
        ("ronghe.assessment.demo", "demo_assessment"),
        ("ronghe.education.demo", "demo_education"),
        ("ronghe.outreach.demo", "demo_outreach"),
        ("ronghe.notices.demo", "demo_notices"),
        ("ronghe.reports.demo", "demo_monthly_summary"),
        ("ronghe.reports.demo", "demo_annual_report"),
        ("ronghe.demo.story", "story"),
    ]
    assert demo_steps() == steps  # finding them again registers nothing twice
