"""linuxns.namespaces against PyPI's lxns.namespaces: the same scenarios
run with each module, results compared."""
from __future__ import annotations

import errno
import inspect
import os
import warnings
from typing import Any, Callable, Dict

import pytest

import linuxns.namespaces as ours
from conftest import in_child, proc_id, requires_root

lxns = pytest.importorskip("lxns.namespaces", reason="lxns not installed (pip install lxns)")
import lxns.os as lxns_os  # noqa: E402

MODULES = {"lxns": lxns, "linuxns": ours}


def both(scenario: Callable[[Any], Any]) -> Any:
    """Run scenario(module) with lxns and with linuxns.namespaces; they must
    give the same result, which is returned."""
    got: Dict[str, Any] = {name: scenario(m) for name, m in MODULES.items()}
    assert got["linuxns"] == got["lxns"]
    return got["lxns"]


def outcome(fn: Callable[[], Any]) -> Any:
    """A call's result, or the type of what it raised (and errno)."""
    try:
        return ("ok", fn())
    except Exception as e:  # compared, not hidden
        return ("raised", type(e).__name__, getattr(e, "errno", None))


def test_same_names() -> None:
    assert ours.__all__ == lxns.__all__
    public = {n for n in dir(lxns) if not n.startswith("_")} - {"annotations", "TYPE_CHECKING",
                                                                 "O_CLOEXEC", "O_RDONLY", "close_fd",
                                                                 "fstat", "open_fd", "stat", "warn",
                                                                 "ns_get_nstype", "ns_get_userns",
                                                                 "setns"}
    missing = public - set(dir(ours))
    assert not missing
    for n in dir(lxns_os):
        if n.startswith("CLONE_"):
            assert getattr(ours, n) == getattr(lxns_os, n), n
    assert [c.__name__ for c in ours.ALL_NAMESPACE_CLASSES] == \
           [c.__name__ for c in lxns.ALL_NAMESPACE_CLASSES]
    for a, b in zip(ours.ALL_NAMESPACE_CLASSES, lxns.ALL_NAMESPACE_CLASSES):
        assert (a.NAMESPACE_CONSTANT, a.NAMESPACE_PROC_NAME) == (b.NAMESPACE_CONSTANT, b.NAMESPACE_PROC_NAME)
        for meth in ("__init__", "from_pid", "from_self", "fileno", "setns", "get_user_namespace",
                     "close", "get_current_ns_id", "unshare", "get_current_limit", "set_current_limit"):
            pa = list(inspect.signature(getattr(a, meth)).parameters)
            pb = list(inspect.signature(getattr(b, meth)).parameters)
            assert pa == pb, (a.__name__, meth)
    assert list(inspect.signature(ours.unshare_namespaces).parameters) == \
           list(inspect.signature(lxns.unshare_namespaces).parameters)


def test_ids_from_self_and_pid() -> None:
    def scenario(m):
        out = []
        for cls in m.ALL_NAMESPACE_CLASSES:
            with cls.from_self() as ns, cls.from_pid(os.getpid()) as by_pid:
                def owner_id():
                    with ns.get_user_namespace() as owner:
                        return owner.ns_id
                out.append((cls.__name__, ns.ns_id, by_pid.ns_id, cls.get_current_ns_id(),
                            outcome(owner_id), repr(ns)))
        return out

    result = both(scenario)
    for name, nsid, by_pid, current, owner, _ in result:
        proc_name = [c for c in lxns.ALL_NAMESPACE_CLASSES if c.__name__ == name][0].NAMESPACE_PROC_NAME
        assert nsid == by_pid == current == proc_id(proc_name, "self")
        if name == "UserNamespace":  # its parent: none to show from the initial one
            assert owner == ("raised", "PermissionError", errno.EPERM) or \
                (owner[0] == "ok" and owner[1] != proc_id("user", "self"))
        else:
            assert owner == ("ok", proc_id("user", "self"))


def test_closed_and_wrong_type() -> None:
    def scenario(m):
        ns = m.NetworkNamespace.from_self()
        ns.close()
        ns.close()  # twice is fine
        out = [repr(ns)]
        for call in (ns.fileno, lambda: ns.ns_id, ns.setns, ns.get_user_namespace):
            out.append(outcome(call))
        fd = os.open("/proc/self/ns/uts", os.O_RDONLY | os.O_CLOEXEC)
        try:
            out.append(outcome(lambda: m.NetworkNamespace(fd)))
            out.append(outcome(lambda: m.UtsNamespace(fd, closefd=False).fileno() == fd))
        finally:
            os.close(fd)
        out.append(outcome(lambda: m.PidNamespace.from_pid(2 ** 22 + 4321)))
        return out

    result = both(scenario)
    assert result[1] == ("raised", "ValueError", None)
    assert result[5] == ("raised", "ValueError", None)
    assert result[-1][1] == "FileNotFoundError"


def test_not_a_namespace_descriptor() -> None:
    fd = os.open("/proc/self/status", os.O_RDONLY | os.O_CLOEXEC)
    try:
        codes = {}
        for name, m in MODULES.items():
            with pytest.raises(OSError) as ei:
                m.NetworkNamespace(fd)
            codes[name] = ei.value.errno
        assert codes == {"lxns": errno.ENOTTY, "linuxns": errno.EINVAL}  # a documented difference
    finally:
        os.close(fd)


@requires_root
def test_setns_own_user_namespace() -> None:
    # The documented difference: the library lets a caller "join" the user
    # namespace it is in; setns(2), and so lxns, refuse it with EINVAL.
    def scenario(m):
        with m.UserNamespace.from_self() as ns:
            return outcome(ns.setns)

    assert scenario(lxns) == ("raised", "OSError", errno.EINVAL)
    assert scenario(ours) == ("ok", None)


def test_unclosed_warns() -> None:
    def scenario(m):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            ns = m.UtsNamespace.from_self()
            del ns
        return [x.category.__name__ for x in w]

    assert both(scenario) == ["ResourceWarning"]


def test_descriptors_go_both_ways() -> None:
    with lxns.NetworkNamespace.from_self() as theirs, ours.NetworkNamespace.from_self() as mine:
        with ours.NetworkNamespace(theirs.fileno(), closefd=False) as a, \
                lxns.NetworkNamespace(os.dup(mine.fileno())) as b:
            assert a.ns_id == b.ns_id == theirs.ns_id == mine.ns_id


def test_limits() -> None:
    def scenario(m):
        return [(c.__name__, outcome(c.get_current_limit)) for c in m.ALL_NAMESPACE_CLASSES]

    result = both(scenario)
    assert all(r[1][0] == "ok" for r in result)
    if os.geteuid() == 0:
        def write(m):
            v = m.IpcNamespace.get_current_limit()
            return outcome(lambda: m.IpcNamespace.set_current_limit(v)), \
                outcome(lambda: m.IpcNamespace.set_current_limit(-1))[0]
        both(write)


@requires_root
def test_unshare_and_setns_in_children() -> None:
    parent = {n: proc_id(n) for n in ("net", "uts", "ipc", "mnt")}

    def scenario(m):
        def child():
            homes = {c.NAMESPACE_PROC_NAME: c.from_self()
                     for c in (m.NetworkNamespace, m.UtsNamespace, m.IpcNamespace)}
            m.unshare_namespaces(network=True, uts=True, mount=True)
            moved = {n: proc_id(n) != parent[n] for n in ("net", "uts", "ipc", "mnt")}
            m.IpcNamespace.unshare()
            moved_ipc = proc_id("ipc") != parent["ipc"]
            for ns in homes.values():
                ns.setns()
            back = {n: proc_id(n) == parent[n] for n in homes}
            for ns in homes.values():
                ns.close()
            return moved, moved_ipc, back

        return in_child(child)

    moved, moved_ipc, back = both(scenario)
    assert moved == {"net": True, "uts": True, "ipc": False, "mnt": True}
    assert moved_ipc and all(back.values())


@requires_root
def test_user_namespace_in_children() -> None:
    def scenario(m):
        def child():
            before = m.UserNamespace.get_current_ns_id()
            m.unshare_namespaces(user=True, network=True)
            with m.NetworkNamespace.from_self() as net, net.get_user_namespace() as owner:
                return owner.ns_id == m.UserNamespace.get_current_ns_id() != before, \
                    outcome(lambda: m.UtsNamespace.from_self().get_user_namespace().close())[0]
        return in_child(child)

    assert both(scenario) == [True, "raised"]
