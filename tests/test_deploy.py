import os
import subprocess
import sys
from pathlib import Path


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ronghe.settings",
        "RONGHE_PRODUCTION": "1",
        "DEBUG": "0",
        "RONGHE_DATA_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "dangjian.example.gov.cn",
        "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src"),
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "ronghe", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "secret_key.txt").exists()
