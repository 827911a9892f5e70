"""Helpers: root check, forked children, /proc ids."""
from __future__ import annotations

import json
import os
import traceback
from typing import Any, Callable

import pytest

NAMES = ["mnt", "cgroup", "uts", "ipc", "user", "pid", "net", "time"]


def proc_id(name: str, pid: str = "thread-self") -> int:
    """N of readlink /proc/PID/ns/NAME = 'NAME:[N]'."""
    link = os.readlink(f"/proc/{pid}/ns/{name}")
    assert link.startswith(name + ":[")
    return int(link[len(name) + 2:-1])


def in_child(fn: Callable[[], Any]) -> Any:
    """Run fn() in a forked child, so namespace changes stay there; return
    its result (sent back as JSON) or fail with the child's error."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        code = 0
        try:
            os.close(r)
            out = json.dumps({"ok": fn()})
        except BaseException as e:
            out = json.dumps({"error": f"{type(e).__name__}: {e}",
                              "type": type(e).__name__,
                              "errno": getattr(e, "errno", None),
                              "tb": traceback.format_exc()})
            code = 1
        os.write(w, out.encode())
        os._exit(code)
    os.close(w)
    with os.fdopen(r) as f:
        data = f.read()
    os.waitpid(pid, 0)
    got = json.loads(data)
    if "error" in got:
        raise ChildError(got)
    return got["ok"]


class ChildError(AssertionError):
    def __init__(self, info: dict) -> None:
        super().__init__(f"child failed: {info['error']}\n{info['tb']}")
        self.info = info


requires_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (real namespaces)")


@pytest.fixture
def root() -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root (real namespaces)")
