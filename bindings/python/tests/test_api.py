"""The idiomatic API against the kernel's own view (/proc, uname, lsns)."""
from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest

import linuxns
from linuxns import _lib
from conftest import NAMES, ChildError, in_child, proc_id, requires_root

TYPES = {"mnt": linuxns.NS_MNT, "cgroup": linuxns.NS_CGROUP, "uts": linuxns.NS_UTS,
         "ipc": linuxns.NS_IPC, "user": linuxns.NS_USER, "pid": linuxns.NS_PID,
         "net": linuxns.NS_NET, "time": linuxns.NS_TIME}


# --- handles and ids ---------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_ids_match_readlink(name: str) -> None:
    with linuxns.open_pid(0, name) as ns:
        assert ns.id == proc_id(name)
        assert ns.type == TYPES[name] == linuxns.type_from_name(name)
        assert ns.type_name == name == linuxns.type_name(TYPES[name])
    with linuxns.open_pid(os.getpid(), TYPES[name]) as ns:
        assert ns.id == proc_id(name, str(os.getpid()))
    with linuxns.open_path(f"/proc/self/ns/{name}", name) as ns:
        assert ns.id == proc_id(name, "self")


def test_namespace_object() -> None:
    a = linuxns.open_pid(0, "net")
    b = linuxns.open_path("/proc/self/ns/net")
    c = linuxns.open_pid(0, "uts")
    with a, b, c:
        assert a == b and a.fileno() != b.fileno()
        assert hash(a) == hash(b)
        assert a != c
        assert "net:[" in repr(a)
        with a.userns() as u:
            assert u.id == proc_id("user")
            assert u.type == linuxns.NS_USER
        if os.geteuid() == 0:
            assert a.owner_uid == 0
        try:
            assert a.unique_id > 0
        except OSError as e:
            assert e.errno == errno.EOPNOTSUPP  # kernels before 6.18
    assert a.closed
    with pytest.raises(ValueError):
        a.fileno()


@requires_root
def test_parent_and_owner() -> None:
    with linuxns.open_pid(0, "user") as u:
        assert u.owner_uid == 0
        with pytest.raises(PermissionError) as ei:
            u.parent()  # the initial user namespace has none to show
        assert ei.value.strerror.startswith("ns_get_parent")
    with linuxns.new_userns([(0, 100000, 65536)], [(0, 100000, 65536)]) as child:
        assert child.type_name == "user"
        assert child.owner_uid == 0
        with child.parent() as p:
            assert p.id == proc_id("user")
        with child.userns() as p:
            assert p.id == proc_id("user")


def test_errors_are_oserror_subclasses() -> None:
    with pytest.raises(OSError) as ei:
        linuxns.open_pid(-1, "net")
    assert ei.value.errno == errno.EINVAL
    assert ei.value.strerror.startswith("ns_open_pid: pid -1")
    with pytest.raises(FileNotFoundError) as fe:
        linuxns.open_path("/nonexistent/ns")
    assert fe.value.strerror.startswith("ns_open_path")
    with pytest.raises(ProcessLookupError):
        linuxns.open_pid(2 ** 22 + 12345, "net")
    with pytest.raises(FileNotFoundError):
        linuxns.open_name(f"no-such-{uuid.uuid4().hex[:8]}")
    with pytest.raises(OSError) as ei:
        linuxns.type_name(3)
    assert ei.value.errno == errno.EINVAL
    with pytest.raises(OSError):
        linuxns.type_from_name("network")
    assert linuxns.last_error().startswith("ns_type_from_name")
    assert re.fullmatch(r"\d+\.\d+\.\d+", linuxns.version())


# --- moving threads, in forked children ------------------------------------

@requires_root
def test_unshare_and_setns_in_child() -> None:
    parent = proc_id("net")

    def child():
        home = linuxns.open_pid(0, "net")
        linuxns.unshare(["net", "uts"])
        away = proc_id("net")
        linuxns.setns(home)
        return away, proc_id("net"), home.id

    away, back, home = in_child(child)
    assert away != parent and back == parent == home
    assert proc_id("net") == parent


@requires_root
def test_enter_pid_and_open_pidfd() -> None:
    p = linuxns.spawn(["sleep", "30"], namespaces="net uts".split())
    try:
        with linuxns.open_pidfd(p.pidfd, "net") as ns:
            assert ns.id == proc_id("net", str(p.pid))
        target = proc_id("net", str(p.pid))
        assert in_child(lambda: (linuxns.enter_pid(p.pid, ["net", "uts"]), proc_id("net"))[1]) == target
        # a pidfd joins several at once
        assert in_child(lambda: (linuxns.setns(p.pidfd, "net"), proc_id("net"))[1]) == target
    finally:
        p.kill()
        assert p.wait() == -signal.SIGKILL
        p.close()


def test_write_maps_in_child() -> None:
    uid, gid = os.geteuid(), os.getegid()

    def child():
        linuxns.unshare("user")
        linuxns.write_gid_map(0, [(0, gid, 1)], linuxns.NS_MAP_DENY_SETGROUPS)
        linuxns.write_uid_map(0, [(0, uid, 1)])
        return os.getuid(), os.getgid()

    try:
        assert in_child(child) == [0, 0]
    except ChildError as e:
        if e.info["errno"] in (errno.EPERM, errno.ENOSPC):
            pytest.skip("user namespaces not allowed here")
        raise


# --- run_in -----------------------------------------------------------------

class Boom(Exception):
    pass


@requires_root
def test_run_in_result_thread_and_exception() -> None:
    with linuxns.open_pid(0, "net") as ns:
        me = threading.get_native_id()
        tid, link = linuxns.run_in(ns, lambda: (threading.get_native_id(),
                                                os.readlink("/proc/thread-self/ns/net")))
        assert tid != me and link == f"net:[{ns.id}]"
        err = Boom("from fn")

        def fn():
            raise err

        with pytest.raises(Boom) as ei:
            ns.run_in(fn)
        assert ei.value is err
        assert any(f.name == "fn" for f in __import__("traceback").extract_tb(ei.tb))


@requires_root
def test_run_in_new_namespace() -> None:
    before = proc_id("net")
    with linuxns.new("net") as ns:
        assert ns.id != before
        assert linuxns.run_in(ns, lambda: proc_id("net")) == ns.id
    assert proc_id("net") == before


# --- list_namespaces --------------------------------------------------------

def test_list_namespaces_matches_proc() -> None:
    infos = linuxns.list_namespaces()
    ids = {(i.type_name, i.id) for i in infos}
    for name in NAMES:
        assert (name, proc_id(name, "self")) in ids
    nets = linuxns.list_namespaces("net")
    assert nets and all(i.type == linuxns.NS_NET for i in nets)
    mine = [i for i in nets if i.id == proc_id("net")][0]
    assert mine.nprocs >= 1 and mine.pid >= 1
    assert mine.userns_id == proc_id("user")
    assert infos == sorted(infos, key=lambda i: (i.type, i.id))  # as the library orders them


def test_list_namespaces_callback_exception_propagates() -> None:
    seen = []

    def cb(info):
        seen.append(info)
        if len(seen) == 3:
            raise Boom("third")

    with pytest.raises(Boom, match="third"):
        linuxns.list_namespaces(0, cb)
    assert len(seen) == 3  # the walk stopped there
    assert len(linuxns.list_namespaces(0, lambda i: True)) == 1  # true stops


# --- spawn ------------------------------------------------------------------

def _userns_ok() -> bool:
    try:
        p = linuxns.spawn(["true"], namespaces="user", map_root=True)
    except OSError:
        return False
    return p.wait() == 0


def test_spawn_hostname_via_uname() -> None:
    if os.geteuid() != 0 and not _userns_ok():
        pytest.skip("needs root or user namespaces")
    host = os.uname().nodename
    p = linuxns.spawn(["uname", "-n"], namespaces=["user", "uts"], map_root=True,
                      hostname="pyns-box", stdout=linuxns.PIPE)
    out, err = p.communicate()
    assert (out, err, p.returncode) == (b"pyns-box\n", None, 0)
    assert os.uname().nodename == host


def test_spawn_pipes() -> None:
    p = linuxns.spawn(["sh", "-c", "tr a-z A-Z; echo oops >&2; exit 7"],
                      stdin=linuxns.PIPE, stdout=linuxns.PIPE, stderr=linuxns.PIPE)
    assert p.pid > 0 and p.pidfd >= 0
    out, err = p.communicate(b"hello\n")
    assert (out, err, p.returncode) == (b"HELLO\n", b"oops\n", 7)
    p.close()
    with linuxns.spawn(["sh", "-c", "echo out; echo err >&2"], stdout=linuxns.PIPE,
                       stderr=linuxns.STDOUT) as p:
        assert sorted(p.communicate()[0].split()) == [b"err", b"out"]


def test_spawn_wait_kill_env_cwd(tmp_path) -> None:
    p = linuxns.spawn(["sleep", "30"])
    with pytest.raises(subprocess.TimeoutExpired):
        p.wait(timeout=0.05)
    assert p.poll() is None
    p.kill()
    assert p.wait() == -signal.SIGKILL == p.returncode
    p.close()
    with open(tmp_path / "out", "wb") as f:
        p = linuxns.spawn(["sh", "-c", 'echo "$FOO $(pwd)"'], env={"FOO": "bar", "PATH": os.environ["PATH"]},
                          cwd=tmp_path, stdout=f)
        assert p.wait() == 0
    assert (tmp_path / "out").read_text() == f"bar {tmp_path}\n"
    with pytest.raises(FileNotFoundError) as ei:
        linuxns.spawn(["/nonexistent/program"])
    assert ei.value.strerror.startswith("ns_spawn")


@requires_root
def test_spawn_namespaces_pid1_proc_join() -> None:
    p = linuxns.spawn(["sh", "-c", "echo $$; readlink /proc/self/ns/pid; ls /proc | grep -c '^[0-9]'"],
                      namespaces=["user", "pid", "mnt"], map_root=True, mount_proc=True,
                      pdeathsig=signal.SIGKILL, stdout=linuxns.PIPE)
    out = p.communicate()[0].decode().split()
    assert p.returncode == 0
    assert out[0] == "1" and out[1] != f"pid:[{proc_id('pid')}]" and int(out[2]) <= 3  # sh, ls, grep
    with linuxns.new("uts") as uts:
        p = linuxns.spawn(["readlink", "/proc/self/ns/uts"], join=[uts], stdout=linuxns.PIPE)
        assert p.communicate()[0].decode().strip() == f"uts:[{uts.id}]"
    with linuxns.new_userns([(0, 200000, 1000)], [(0, 200000, 1000)]) as u:
        p = linuxns.spawn(["cat", "/proc/self/uid_map"], join=[u], stdout=linuxns.PIPE)
        assert p.communicate()[0].split() == [b"0", b"200000", b"1000"]


def test_spawn_fn_and_clone() -> None:
    assert linuxns.spawn_fn(lambda: 7).wait() == 7
    assert linuxns.clone(lambda: None).wait() == 0
    p = linuxns.spawn_fn(lambda: 1 / 0)
    assert p.wait() == 1
    if os.geteuid() == 0:
        r, w = os.pipe()
        p = linuxns.clone(lambda: os.write(w, str(proc_id("uts")).encode()) and 0, "uts")
        os.close(w)
        assert p.wait() == 0
        with os.fdopen(r) as f:
            assert int(f.read()) != proc_id("uts")


# --- persistence, limits, the rest -------------------------------------------

@requires_root
def test_bind_unbind(tmp_path) -> None:
    path = tmp_path / "uts"
    with linuxns.new("uts") as ns:
        ns.bind(path)
        with pytest.raises(FileExistsError):
            linuxns.bind(ns, path)
        with linuxns.open_path(path, "uts") as again:
            assert again == ns
    linuxns.unbind(path)
    assert not path.exists()
    with pytest.raises(FileNotFoundError):
        linuxns.unbind(path)


@requires_root
def test_netns_add_del() -> None:
    name = f"pyns-{uuid.uuid4().hex[:8]}"
    with linuxns.netns_add(name) as ns:
        try:
            with linuxns.open_name(name) as again:
                assert again == ns and again.type_name == "net"
            if shutil.which("ip"):
                out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
                assert name in out
            with pytest.raises(FileExistsError):
                linuxns.netns_add(name)
        finally:
            linuxns.netns_del(name)
    with pytest.raises(FileNotFoundError):
        linuxns.open_name(name)


def test_limits() -> None:
    for name in ("net", "user", "uts"):
        with open(f"/proc/sys/user/max_{name}_namespaces") as f:
            assert linuxns.get_limit(name) == int(f.read())
    if os.geteuid() == 0:
        with pytest.raises(OSError) as ei:
            linuxns.set_limit("ipc", -1)  # refused before anything is written
        assert ei.value.errno == errno.EINVAL
        v = linuxns.get_limit("ipc")
        try:
            linuxns.set_limit("ipc", v)  # unchanged, but written
        except PermissionError as e:  # /proc/sys read-only (a container)
            assert e.strerror.startswith("ns_set_limit: open /proc/sys/user/max_ipc_namespaces")


@requires_root
def test_set_time_offset_in_child() -> None:
    def child():
        linuxns.unshare("time")
        linuxns.set_time_offset(time.CLOCK_MONOTONIC, 1000, 5)
        p = linuxns.spawn(["cat", "/proc/self/timens_offsets"], stdout=linuxns.PIPE)
        return p.communicate()[0].decode()

    out = in_child(child)
    assert re.search(r"monotonic\s+1000\s+5", out), out


@requires_root
def test_pivot_root_errors_in_child(tmp_path) -> None:
    def child():
        linuxns.unshare("mnt")
        try:
            linuxns.pivot_root(tmp_path / "missing", tmp_path / "missing")
        except OSError as e:
            return e.errno, e.strerror
        return None

    code, text = in_child(child)
    assert code == errno.ENOENT and text.startswith("ns_pivot_root")


def test_kcmp() -> None:
    try:
        assert linuxns.kcmp(os.getpid(), os.getpid(), linuxns.NS_KCMP_VM) == 0
    except OSError as e:
        if e.errno in (errno.ENOSYS, errno.EOPNOTSUPP, errno.EPERM):
            pytest.skip(f"kcmp unavailable: {e}")
        raise
    p = linuxns.spawn(["sleep", "5"])
    try:
        assert linuxns.kcmp(os.getpid(), p.pid, linuxns.NS_KCMP_VM) != 0
    finally:
        p.kill()
        p.wait()
        p.close()


# --- the package itself -------------------------------------------------------

def _exported() -> set:
    nm = shutil.which("nm")
    if not nm:
        pytest.skip("nm not found")
    path = [l.split()[-1] for l in open("/proc/self/maps") if "liblinuxns" in l][0]
    out = subprocess.run([nm, "-D", "--defined-only", path], capture_output=True, text=True).stdout
    return {l.split()[-1].split("@")[0] for l in out.splitlines() if " T " in l}


def test_every_exported_function_is_wrapped() -> None:
    exported = _exported()
    assert len(exported) == 79  # 53 of LINUXNS_0.1, 26 of LINUXNS_0.2 (linuxns.map)
    assert set(_lib.FUNCTIONS) == exported
    src = open(linuxns.__file__).read()
    for name in exported - {"ns_last_error", "ns_version"}:
        assert f"lib.{name}(" in src, f"{name} has no Python wrapper"


def _lib_path() -> str:
    return [l.split()[-1] for l in open("/proc/self/maps") if "liblinuxns" in l][0]


def test_loading_through_environment() -> None:
    code = "import linuxns, sys; sys.stdout.write(linuxns.version())"
    env = dict(os.environ, LINUXNS_LIBRARY=_lib_path(), LD_LIBRARY_PATH="")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout == linuxns.version(), out.stderr
    env["LINUXNS_LIBRARY"] = "/nonexistent/liblinuxns.so.0"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode != 0
    assert "ImportError" in out.stderr and "LINUXNS_LIBRARY" in out.stderr
