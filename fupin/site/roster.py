"""The roster import: a spreadsheet of people (单位, 姓名, 手机, 邮箱, 角色) becomes accounts and roles at once.

All or nothing: every row is checked first, and every problem is named (file, row, column, value, what is
expected); if there is any, nothing is created. Otherwise each person gets an account (user name = the mobile
number, or the number with -2, -3… if that name is taken) with a random initial password to be changed at first
login, and the passwords go into one xlsx that only the importer can download, once (see handout_take).
The file is read by fupin.ingest.readers, which refuses zip bombs, encrypted and damaged files.
"""

import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from fupin.core import safe_files
from fupin.core.errors import UserError
from fupin.core.text import normalize
from fupin.ingest.limits import ReadLimits
from fupin.ingest.messages import ReadError
from fupin.ingest.readers import read_document
from fupin.site import people
from fupin.site.models import AccountEvent, AccountEventKind, AccountProfile, PasswordHandout
from fupin.units.models import Role, Unit
from fupin.units.selectors import UnitMatcher

COLUMNS = {  # column → the headings accepted for it (normalised)
    "单位": ("单位", "单位名称", "所在单位", "工会", "工会名称"),
    "姓名": ("姓名", "名字", "人员", "人员姓名"),
    "手机": ("手机", "手机号", "手机号码", "电话", "联系电话", "移动电话"),
    "邮箱": ("邮箱", "电子邮箱", "电子邮件", "email", "e-mail", "邮件"),
    "角色": ("角色", "身份", "权限"),
}
REQUIRED = ("单位", "姓名", "手机", "角色")
ROLE_WORDS = {
    Role.REPORTER: ("单位填报员", "填报员", "填报", "填报人"),
    Role.APPROVER: ("单位审核人", "审核人", "审核", "审核员"),
    Role.VIEWER: ("查看", "查看人", "只读"),
    Role.ADMIN: ("市总管理员", "管理员"),
}
ROLES_EXPECTED = "单位填报员、单位审核人、查看或市总管理员（一人多个角色用顿号分开）"
ROLE_SEPARATORS = re.compile(r"[、,，;；/／\s]+")
HEADER_SEARCH_ROWS = 10
# A passwords file nobody fetched is removed after this long: plaintext passwords do not wait on a disk for ever.
HANDOUT_KEPT = timedelta(hours=24)

NO_HEADER = "{file}中找不到表头：第一行应为“单位”“姓名”“手机”“邮箱”“角色”（“邮箱”可不填），缺少{missing}"
NO_PEOPLE = "{file}中表头下面没有人员"
UNIT_UNKNOWN = "找不到这个单位（或有几个单位都能这样写），应为系统中单位的全称、简称或别名"
UNIT_RETIRED = "这个单位已停用，应为在用的单位"
NAME_MISSING = "姓名为空，应填写本人姓名"
PHONE_MISSING = "手机为空，应为本人的 11 位手机号"
PHONE_BAD = "不是手机号，应为 11 位数字、以 1 开头（如 13812345678）"
PHONE_TWICE = "与第{other}行的手机号相同，应每人一行、一人一个手机号（一人多个角色写在同一行）"
PHONE_TAKEN = "已被账号 {username} 使用，应为尚未登记的手机号（已有账号的人请在账号页为他添加角色）"
ROLE_MISSING = "角色为空，应为" + ROLES_EXPECTED
ROLE_BAD = "不是角色，应为" + ROLES_EXPECTED
EMAIL_BAD = "邮箱格式不对，应如 name@example.cn，或不填"
REFUSED = "名单有 {count} 处错误，没有建立任何账号。请改正后重新导入："
OUT_EXISTS = "文件 {path} 已存在：初始密码不覆盖已有文件，请换一个文件名"
HANDOUT_GONE = "初始密码文件不存在、已下载过（只能下载一次）或已超过 24 小时被删除"

ROLE_LOOKUP = {normalize(word): role for role, words in ROLE_WORDS.items() for word in words}
HEADING_LOOKUP = {normalize(h).lower(): column for column, headings in COLUMNS.items() for h in headings}


@dataclass
class Problem:
    file: str
    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        shown = f"“{self.value}”" if self.value else "（空）"
        return f"{self.file} 第{self.row}行“{self.column}”列 {shown}：{self.message}"


class RosterRefused(UserError):
    def __init__(self, problems: list):
        super().__init__(REFUSED.format(count=len(problems)), details=[str(p) for p in problems])
        self.problems = problems


@dataclass
class Entry:
    row: int
    unit: Unit
    name: str
    phone: str
    email: str
    roles: list[str]


@dataclass
class Created:
    user: object
    entry: Entry
    password: str = field(repr=False)

    @property
    def roles(self) -> str:
        return "、".join(Role(role).label for role in self.entry.roles)


@dataclass
class Outcome:
    created: list[Created]
    handout: PasswordHandout


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into a cell: 13812345678.0
    return str(value).strip() if value is not None else ""


def _header(rows: list[tuple[int, list]]) -> tuple[int, dict[str, int]] | None:
    for number, cells in rows[:HEADER_SEARCH_ROWS]:
        found: dict[str, int] = {}
        for index, cell in enumerate(cells):
            column = HEADING_LOOKUP.get(normalize(_text(cell)).lower())
            if column and column not in found:
                found[column] = index
        if {"单位", "姓名"} <= set(found):
            return number, found
    return None


def _roles(text: str) -> list[str] | None:
    """"填报员、审核人" → [reporter, approver]; None if any word is not a role."""
    roles = []
    for word in ROLE_SEPARATORS.split(text):
        if not normalize(word):
            continue
        role = ROLE_LOOKUP.get(normalize(word))
        if role is None:
            return None
        if role not in roles:
            roles.append(role)
    return roles


def roster_check(data: bytes, file_name: str) -> list[Entry]:
    """Read and judge every row; the entries to create, or RosterRefused naming every problem."""
    try:
        rows = next((list(t.rows) for t in read_document(data, ReadLimits.for_upload()).tables), [])
    except ReadError as exc:
        raise UserError(f"{file_name}：{exc.message}") from None
    found = _header(rows)
    if found is None:
        header = next((cells for _, cells in rows if any(_text(c) for c in cells)), [])
        known = {HEADING_LOOKUP.get(normalize(_text(c)).lower()) for c in header}
        missing = "、".join(f"“{c}”" for c in REQUIRED if c not in known)
        raise UserError(NO_HEADER.format(file=file_name, missing=missing or "“单位”“姓名”"))
    header_row, columns = found
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise UserError(NO_HEADER.format(file=file_name, missing="、".join(f"“{c}”" for c in missing)))

    matcher = UnitMatcher(Unit.objects.all())
    problems: list[Problem] = []
    entries: list[Entry] = []
    first_row_of_phone: dict[str, tuple[int, str]] = {}  # number → (row, as typed)
    for number, cells in rows:
        if number <= header_row:
            continue
        value = {c: _text(cells[i]) if i < len(cells) else "" for c, i in columns.items()}
        value.setdefault("邮箱", "")
        if not any(value.values()):
            continue
        row_problems = _row_problems(file_name, number, value, matcher, first_row_of_phone)
        problems += row_problems
        if not row_problems:
            entries.append(Entry(number, matcher.find(value["单位"]), value["姓名"],
                                 people.phone_clean(value["手机"]), value["邮箱"], _roles(value["角色"])))
    problems += _phones_taken(file_name, first_row_of_phone)
    if problems:
        raise RosterRefused(sorted(problems, key=lambda p: (p.row, list(COLUMNS).index(p.column))))
    if not entries:
        raise UserError(NO_PEOPLE.format(file=file_name))
    return entries


def _row_problems(file_name, number, value, matcher, first_row_of_phone) -> list[Problem]:
    problems = []

    def problem(column, message):
        problems.append(Problem(file_name, number, column, value[column], message))

    unit = matcher.find(value["单位"]) if value["单位"] else None
    if unit is None:
        problem("单位", UNIT_UNKNOWN)
    elif not unit.active:
        problem("单位", UNIT_RETIRED)
    if not value["姓名"]:
        problem("姓名", NAME_MISSING)
    phone = people.phone_clean(value["手机"])
    if not phone:
        problem("手机", PHONE_MISSING)
    elif people.phone_problem(phone):
        problem("手机", PHONE_BAD)
    elif phone in first_row_of_phone:
        problem("手机", PHONE_TWICE.format(other=first_row_of_phone[phone][0]))
    else:
        first_row_of_phone[phone] = (number, value["手机"])
    if not value["角色"]:
        problem("角色", ROLE_MISSING)
    elif not _roles(value["角色"]):
        problem("角色", ROLE_BAD)
    if people.email_problem(value["邮箱"]):
        problem("邮箱", EMAIL_BAD)
    return problems


def _phones_taken(file_name, first_row_of_phone: dict[str, tuple[int, str]]) -> list[Problem]:
    """Numbers already registered to someone: one query for the whole file."""
    taken = AccountProfile.objects.filter(phone__in=list(first_row_of_phone)).values_list("phone", "user__username")
    problems = []
    for phone, username in taken:
        row, typed = first_row_of_phone[phone]
        problems.append(Problem(file_name, row, "手机", typed, PHONE_TAKEN.format(username=username)))
    return problems


def _username_for(phone: str, taken: set[str]) -> str:
    """The mobile number; if someone already has that user name, the number with -2, -3…"""
    name, n = phone, 1
    while name in taken:
        n += 1
        name = f"{phone}-{n}"
    taken.add(name)
    return name


def handout_dir() -> Path:
    path = Path(settings.VAR_DIR) / "password-handouts"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _handout_path(token: str) -> Path:
    return handout_dir() / f"{token}.xlsx"


def _handout_bytes(created: list[Created], source_name: str) -> bytes:
    import io

    buffer = io.BytesIO()
    book = safe_files.workbook(buffer)
    sheet = book.add_worksheet("初始密码")
    bold = book.add_format({"bold": True})
    safe_files.write_text(sheet, 0, 0, f"初始密码（{source_name}，共 {len(created)} 人）：只能下载一次，"
                          "请分别告知本人；首次登录须修改密码。用后请删除本文件。")
    safe_files.write_row(sheet, 1, 0, ["序号", "单位", "姓名", "手机", "用户名", "初始密码", "角色"], bold)
    for r, c in enumerate(created, start=2):
        safe_files.write_row(sheet, r, 0, [r - 1, c.entry.unit.display_name, c.entry.name, c.entry.phone,
                                           c.user.username, c.password, c.roles])
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 6, 16)
    book.close()
    return buffer.getvalue()


def roster_import(data: bytes, file_name: str, *, by, passwords_out: str | None = None) -> Outcome:
    """Check the roster, then create every account and role, and write the passwords file, in one transaction.

    The passwords go to the var area for the importer's one download (the web), or straight to `passwords_out`
    (the command line, run by whoever holds the server), which then counts as handed out."""
    if passwords_out and Path(passwords_out).exists():
        raise UserError(OUT_EXISTS.format(path=passwords_out))
    entries = roster_check(data, file_name)
    phones = [e.phone for e in entries]
    candidates = phones + [f"{p}-{n}" for p in phones for n in range(2, 10)]
    taken = set(get_user_model().objects.filter(username__in=candidates).values_list("username", flat=True))
    token = secrets.token_urlsafe(24)
    path = Path(passwords_out) if passwords_out else _handout_path(token)
    try:
        with transaction.atomic():
            created = []
            for entry in entries:
                person = people.NewPerson(_username_for(entry.phone, taken), entry.name, entry.phone, entry.email)
                user, password = people._create(person, by=by, note=f"名单 {file_name} 第{entry.row}行")
                for role in entry.roles:
                    people.role_add(user=user, unit=entry.unit, role=role, by=by)
                created.append(Created(user, entry, password))
            handout = PasswordHandout.objects.create(token=token, by=by, source_name=file_name[:255],
                                                     people=len(created),
                                                     downloaded_at=timezone.now() if passwords_out else None)
            AccountEvent.objects.create(kind=AccountEventKind.ROSTER_IMPORT, by=by, username="",
                                        note=f"{file_name}：新建 {len(created)} 个账号"[:200])
            if passwords_out:
                AccountEvent.objects.create(kind=AccountEventKind.PASSWORDS_DOWNLOAD, by=by, username="",
                                            note=f"写入文件 {passwords_out}"[:200])
            safe_files.write_file(safe_files.Output(_handout_bytes(created, file_name), path.name, True), str(path))
    except BaseException:
        path.unlink(missing_ok=True)  # nothing was created, so no passwords may remain on disk
        raise
    return Outcome(created, handout)


def handouts_expire() -> int:
    """Remove the passwords files older than HANDOUT_KEPT that were never fetched (their rows stay); how many."""
    stale = PasswordHandout.objects.filter(downloaded_at__isnull=True, at__lt=timezone.now() - HANDOUT_KEPT)
    removed = 0
    for token in stale.values_list("token", flat=True):
        path = _handout_path(token)
        if path.is_file():
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def handout_take(*, token: str, user) -> tuple[PasswordHandout, bytes]:
    """The passwords file, for the person who imported, the first time only: the row is marked fetched (a second
    request, even at the same moment, finds it fetched) and the file removed from the disk."""
    handouts_expire()
    handout = PasswordHandout.objects.filter(token=token, by=user, downloaded_at__isnull=True).first()
    path = _handout_path(token) if handout else None
    if handout is None or not path.is_file():
        raise UserError(HANDOUT_GONE)
    content = path.read_bytes()
    with transaction.atomic():
        if not PasswordHandout.objects.filter(pk=handout.pk, downloaded_at__isnull=True).update(
                downloaded_at=timezone.now()):
            raise UserError(HANDOUT_GONE)
        AccountEvent.objects.create(kind=AccountEventKind.PASSWORDS_DOWNLOAD, by=user, username="",
                                    note=f"{handout.source_name}（{handout.people} 人）"[:200])
    path.unlink(missing_ok=True)
    return handout, content
