"""Where a report's bytes go: a file named with -o, or standard output for text formats."""

import json
from dataclasses import dataclass
from pathlib import Path

from fupin.core.errors import UserError


@dataclass
class Output:
    content: bytes
    default_name: str  # used for binary formats when no -o is given
    binary: bool

    @property
    def text(self) -> str:
        return self.content.decode("utf-8")


def json_output(data, default_name: str) -> Output:
    return Output(json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8") + b"\n", default_name, False)


def write_file(output: Output, path: str | None) -> str:
    target = Path(path or output.default_name)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(output.content)
    except OSError as exc:
        raise UserError(f"无法写入文件 {target}：{exc.strerror}") from None
    return str(target)
