"""Issue 16: every `fupin` command imported matplotlib (~0.6 s). It is imported where a chart is drawn
(fupin/publishing/charts.py) and nowhere else: not by settings, the URLs, nor any command's module."""

import os
import subprocess
import sys

import pytest

LOAD_EVERYTHING = """
import sys
import django
django.setup()
from django.core.management import get_commands, load_command_class
from django.urls import get_resolver
get_resolver().url_patterns  # every app's views and what they import
for name, app in get_commands().items():
    if isinstance(app, str):
        load_command_class(app, name).create_parser("fupin", name)
print("matplotlib" in sys.modules)
from fupin.insights.aggregates import Share
from fupin.publishing import charts
try:
    charts.bar_chart_png([Share("c1", "扶贫832平台", 123456, 2, "100.0")], title="采购渠道构成")
except Exception:  # no CJK font here: the import happened all the same
    pass
print("matplotlib" in sys.modules)
"""


@pytest.fixture
def env(tmp_path):
    return {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {
        "FUPIN_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "fupin.settings"}


def test_loading_every_command_and_view_leaves_matplotlib_unimported_until_a_chart_is_drawn(env):
    result = subprocess.run([sys.executable, "-c", LOAD_EVERYTHING], env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


def test_fupin_check_does_not_import_matplotlib(env):
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "fupin", "check"], env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "django" in imported and not {m for m in imported if m.split(".")[0] in ("matplotlib", "numpy")}
