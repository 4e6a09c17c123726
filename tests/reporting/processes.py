"""Tests that run `fupin` in processes of their own, on a database those processes share with the test."""

import shutil
import socket
import subprocess
import sys
from pathlib import Path

FUPIN = shutil.which("fupin") or str(Path(sys.executable).with_name("fupin"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(env, *args, **kw) -> subprocess.CompletedProcess:
    result = subprocess.run([FUPIN, *args], env=env, capture_output=True, text=True, timeout=300, **kw)
    assert result.returncode == 0, result.stderr
    return result
