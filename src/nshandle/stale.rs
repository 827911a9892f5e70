//! Why open_by_handle_at said ESTALE: the kernel answers it both for a
//! namespace that is gone and for one the caller may not open; the
//! caller's standing, or a live holder, tells them apart where it can.

use std::os::fd::{AsFd, AsRawFd};

use super::NsHandle;
use crate::error::Error;
use crate::handles;
use crate::procfs::StackPath;
use crate::sys::{self, consts::*};
use crate::types::NsType;

/// The kernel said ESTALE: the namespace is gone, or the caller may not
/// open it, and the kernel does not say which. Tell them apart where the
/// caller's standing or a live holder settles it.
pub(super) fn explain_stale(h: &NsHandle, step: String) -> Error {
    if sees_all_namespaces() {
        return Error::new(libc::ESTALE, step)
            .with_hint("the namespace is gone: no live namespace has this type, inode and id");
    }
    if let Some(pid) = find_holder(h) {
        return Error::new(libc::EPERM, step).with_hint(format!(
            "the namespace lives (process {pid} is in it), but the kernel opens a handle \
             only for a caller in the namespace or with CAP_SYS_ADMIN over its owner"
        ));
    }
    Error::new(libc::ESTALE, step).with_hint(
        "the namespace is gone, or the caller may not open it: the kernel answers both \
         alike, and no process the caller may inspect is in it",
    )
}

/// Would the kernel open any live namespace for the caller? It does for
/// CAP_SYS_ADMIN in the initial user namespace, from the initial pid
/// namespace (the rule of may_see_all_namespaces, which newer stable
/// kernels apply to handles of namespaces the caller is not in).
fn sees_all_namespaces() -> bool {
    let own_is = |t: NsType, ino: u64| {
        handles::own(t)
            .and_then(|fd| handles::id(fd.as_fd().as_raw_fd()))
            .is_ok_and(|id| id == ino)
    };
    sys::nshandle::has_effective_cap(CAP_SYS_ADMIN).unwrap_or(false)
        && own_is(NsType::User, USER_NS_INIT_INO)
        && own_is(NsType::Pid, PID_NS_INIT_INO)
}

/// A process the caller may inspect that is in the handle's namespace
/// now: /proc/PID/ns/TYPE shows its inode, and the namespace opened there
/// has the same handle (the id is never reused, so it is the same
/// namespace, alive).
fn find_holder(h: &NsHandle) -> Option<i32> {
    let mut link = [0u8; 64];
    let want = format!("{}:[{}]", h.ty.name(), h.inode);
    let mut found = None;
    let _ = crate::procfs::for_each_number(c"/proc", |pid| {
        if found.is_some() {
            return;
        }
        let mut path = StackPath::new();
        path.push("/proc/")
            .push_num(pid.into())
            .push("/ns/")
            .push(h.ty.name());
        let same_link = sys::fs::readlink(path.as_cstr(), &mut link)
            .is_ok_and(|n| link.get(..n) == Some(want.as_bytes()));
        if !same_link {
            return;
        }
        let same_ns = sys::open_internal(path.as_cstr(), libc::O_RDONLY)
            .and_then(|fd| sys::nshandle::encode(fd.as_fd().as_raw_fd()))
            .is_ok_and(|k| k == h.kernel());
        if same_ns {
            found = Some(pid);
        }
    });
    found
}
