"""Issue 15: `fupin` argument errors came out as argparse's English ("the following arguments are required",
"invalid choice", "usage:"). Every command's usage and argument errors are Chinese, exit code 2, through the
console script itself."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FUPIN = str(Path(sys.executable).with_name("fupin"))
ENGLISH = ["usage:", "error:", "the following arguments are required", "invalid choice", "unrecognized arguments",
           "expected one argument", "expected at least one argument", "invalid int value", "invalid float value",
           "choose from", "Unknown command", "Type '", "ambiguous option", "show this help message",
           "positional arguments", "not allowed with argument", "Did you mean"]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    home = tmp_path_factory.mktemp("cli")
    return {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"FUPIN_HOME": str(home)}


def fupin(env, *args):
    return subprocess.run([FUPIN, *args], env=env, capture_output=True, text=True, timeout=120)


def assert_chinese(result, *said):
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("用法："), result.stderr
    assert not [w for w in ENGLISH if w in result.stderr], result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    for text in said:
        assert text in result.stderr, result.stderr


@pytest.mark.parametrize(("args", "said"), [
    (["report", "attachment", "--period", "2020-01", "--bogus"], ["无法识别的参数：--bogus"]),
    (["report", "attachment", "--period", "2020-01", "--format", "pdf2"],
     ["参数 --format：无效的选择“pdf2”（可选：", "json"]),
    (["report", "attachment"], ["缺少以下必需的参数：--period"]),
    (["check", "--period", "2020-10", "--outlier-z"], ["参数 --outlier-z：需要一个值"]),
    (["calendar", "deadline", "2020-10", "--n", "五"], ["参数 --n：“五”不是有效的整数"]),
    (["calendar", "show", "二〇二七"], ["参数 year：“二〇二七”不是有效的整数"]),
    (["calendar"], ["缺少以下必需的参数：操作"]),
    (["import", "--bogus"], ["缺少以下必需的参数：FILE, --period"]),
    (["migrate", "--bogus"], ["无法识别的参数：--bogus"]),
    (["remind", "--bogus"], ["无法识别的参数：--bogus"]),
])
def test_argument_errors_are_chinese_with_exit_code_2(env, args, said):
    assert_chinese(fupin(env, *args), *said)


def test_an_unknown_command_is_named_in_chinese_with_a_suggestion(env):
    result = fupin(env, "reprot", "attachment")
    assert result.returncode == 1 and not [w for w in ENGLISH if w in result.stderr], result.stderr
    assert "没有“reprot”这个命令" in result.stderr and "report" in result.stderr and "fupin help" in result.stderr


def test_the_help_of_a_command_is_chinese_too(env):
    result = fupin(env, "report", "--help")
    assert result.returncode == 0 and result.stdout.startswith("用法：fupin report")
    assert "显示本帮助并退出" in result.stdout and "show this help message" not in result.stdout


def test_every_command_refuses_an_unknown_option_in_chinese(env):
    """All commands at once, in one process (one subprocess per command would take minutes): the same parser
    and the same translation as the console script."""
    script = """
import io, json, sys
from contextlib import redirect_stderr
from fupin.cli import REFUSED
from fupin.core.argparse_cn import chinese_argparse
chinese_argparse()
import django
django.setup()
from django.core.management import ManagementUtility, get_commands
out = {}
for name in sorted(set(get_commands()) - set(REFUSED)):
    err = io.StringIO()
    with redirect_stderr(err):
        try:
            ManagementUtility(["fupin", name, "--bogus"]).execute()
            code = 0
        except SystemExit as exc:
            code = exc.code
    out[name] = [code, err.getvalue()]
print(json.dumps(out))
"""
    result = subprocess.run([sys.executable, "-c", script], env=env | {"DJANGO_SETTINGS_MODULE": "fupin.settings"},
                            capture_output=True, text=True, timeout=300)
    found = json.loads(result.stdout.splitlines()[-1])
    assert {"report", "import", "calendar", "migrate", "backup", "serve"} <= set(found)
    wrong = {name: err for name, (code, err) in found.items()
             if code != 2 or not err.startswith("用法：") or f"fupin {name}：错误：" not in err
             or [w for w in ENGLISH if w in err]}
    assert wrong == {}
    # a command without required arguments names the option it does not know
    assert "无法识别的参数：--bogus" in found["migrate"][1] and "无法识别的参数：--bogus" in found["remind"][1]
