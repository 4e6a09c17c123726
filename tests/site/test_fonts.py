"""Charts find the CJK font however matplotlib's font cache was made: a cache written before fonts-noto-cjk was
installed (the first `fupin` command on a fresh machine, or `make run` before `make test`) must not leave every
chart saying that no Chinese font is installed."""

import json
import os
import subprocess
import sys

from tests.reporting.processes import FUPIN

STALE_CACHE = """
from matplotlib import font_manager as fm
from pathlib import Path
import matplotlib
# The font list as a machine without fonts-noto-cjk writes it: every CJK font left out.
fm.fontManager.ttflist = [f for f in fm.fontManager.ttflist if "CJK" not in f.name and "Hei" not in f.name]
fm.json_dump(fm.fontManager, Path(matplotlib.get_cachedir(), f"fontlist-v{fm.FontManager.__version__}.json"))
"""

DRAW = """
import json
from fupin.insights.aggregates import Share
from fupin.publishing import charts
png = charts.bar_chart_png([Share("c1", "扶贫832平台", 123456, 2, "100.0")], title="采购渠道构成")
print(json.dumps({"png": png[:8] == b"\\x89PNG\\r\\n\\x1a\\n", "size": len(png), "font": charts.cjk_font().get_name()}))
"""


def cached_font_names(cache_dir) -> list[str]:
    (path,) = cache_dir.glob("fontlist-v*.json")
    return [f["name"] for f in json.loads(path.read_text())["ttflist"]]


def test_a_chart_is_drawn_with_the_cjk_font_though_the_font_cache_predates_the_font(tmp_path):
    cache_dir = tmp_path / "mpl"
    env = os.environ | {"MPLCONFIGDIR": str(cache_dir), "FUPIN_HOME": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-c", STALE_CACHE], env=env, check=True, timeout=120)
    assert not any("CJK" in name for name in cached_font_names(cache_dir))  # the stale cache the bug report had

    result = subprocess.run([FUPIN, "shell", "-c", DRAW], env=env, capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr
    drawn = json.loads(result.stdout.strip().splitlines()[-1])
    assert drawn["png"] and drawn["size"] > 5_000
    assert "CJK" in drawn["font"] or "Hei" in drawn["font"]
    assert any("CJK" in name or "Hei" in name for name in cached_font_names(cache_dir))  # saved for next time


def test_commands_that_draw_nothing_do_not_import_matplotlib(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"FUPIN_HOME": str(tmp_path)}
    code = "import sys; from django.urls import resolve; resolve('/'); print('matplotlib' in sys.modules)"
    result = subprocess.run([FUPIN, "shell", "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"
