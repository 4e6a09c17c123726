"""argparse in Chinese for every `fupin` command: usage, argument errors and the help's own headings.

argparse looks each of its messages up through the module's `_` and `ngettext` when it says it, so putting a
Chinese catalogue in their place covers Django's CommandParser and every command's sub-parsers at once, with no
.mo files to build. Messages not in the catalogue (new ones in a later Python) stay as argparse says them.
"""

import argparse
import sys
from difflib import get_close_matches

MESSAGES = {
    "usage: ": "用法：",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少以下必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择“%(value)s”（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "“%(value)s”不是有效的%(type)s",
    "expected one argument": "需要一个值",
    "expected at most one argument": "至多需要一个值",
    "expected at least one argument": "至少需要一个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是：%(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "参数 %s 中必须给出一个",
    "ignored explicit argument %r": "多余的值 %r",
    "unexpected option string: %s": "意外的选项：%s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "没有“%(parser_name)s”这一项（可选：%(choices)s）",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "subcommands": "子命令",
    "show this help message and exit": "显示本帮助并退出",
}
PLURALS = {
    ("expected %s argument", "expected %s arguments"): "需要 %s 个值",
}
# `invalid %(type)s value` names the converter: say what kind of value was expected.
TYPE_NAMES = {"int": "整数", "float": "数字", "Decimal": "数字"}

UNKNOWN_COMMAND = "错误：没有“{name}”这个命令。{hint}运行 fupin help 列出全部命令。\n"
UNKNOWN_HINT = "是否要用“{match}”？"
HELP_HEAD = ("运行 fupin help 命令名 查看某个命令的用法。", "全部命令：")


def _gettext(message):
    return MESSAGES.get(message, message)


def _ngettext(singular, plural, n):
    found = PLURALS.get((singular, plural))
    return found if found else (singular if n == 1 else plural)


def _check_value_type(original):
    def _get_value(self, action, arg_string):
        try:
            return original(self, action, arg_string)
        except argparse.ArgumentError as exc:
            name = getattr(action.type, "__name__", "")
            if name in TYPE_NAMES and exc.message.endswith(f"不是有效的{name}"):
                exc.message = exc.message[: -len(name)] + TYPE_NAMES[name]
            raise

    return _get_value


def chinese_argparse() -> None:
    """Put the Chinese catalogue in argparse's place (idempotent); call before any parser is made."""
    if getattr(argparse, "_fupin_chinese", False):
        return
    argparse._ = _gettext
    argparse.ngettext = _ngettext
    argparse.ArgumentParser._get_value = _check_value_type(argparse.ArgumentParser._get_value)
    argparse._fupin_chinese = True


def management_utility(argv):
    """Django's ManagementUtility, saying in Chinese what it says itself: an unknown command, the list's heading."""
    from django.core.management import ManagementUtility, get_commands

    class Utility(ManagementUtility):
        def fetch_command(self, subcommand):
            commands = get_commands()
            if subcommand not in commands:
                matches = get_close_matches(subcommand, commands)
                hint = UNKNOWN_HINT.format(match=matches[0]) if matches else ""
                sys.stderr.write(UNKNOWN_COMMAND.format(name=subcommand, hint=hint))
                sys.exit(1)
            return super().fetch_command(subcommand)

        def main_help_text(self, commands_only=False):
            text = super().main_help_text(commands_only)
            if commands_only:
                return text
            lines = text.split("\n")
            lines[1:4] = [HELP_HEAD[0], "", HELP_HEAD[1]]
            return "\n".join(lines)

    return Utility(argv)
