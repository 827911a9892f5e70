//! ns_clone: a fork-like child in new namespaces running a function, which
//! is ns_spawn_fn with an attribute that sets only the namespace types.

use std::ffi::c_void;
use std::os::fd::OwnedFd;

use crate::error::Result;
use crate::spawn::{spawn, Program, SpawnAttr};
use crate::types::check_mask;

/// The function a child runs; its return value is the exit status.
pub type ChildFn = unsafe extern "C" fn(*mut c_void) -> libc::c_int;

/// Starts a child in new namespaces `types` running `f(arg)`, with its own
/// copy of the caller's memory. Returns its pid and, if asked, a pidfd.
///
/// # Safety
/// `f` runs in a copy of the caller made without fork()'s library hooks:
/// in a multithreaded caller it may only do async-signal-safe work.
pub unsafe fn clone_fn(
    types: libc::c_int,
    f: ChildFn,
    arg: *mut c_void,
    want_pidfd: bool,
) -> Result<(libc::pid_t, Option<OwnedFd>)> {
    check_mask(types, "types")?;
    let mut attr = SpawnAttr::new();
    attr.set_namespaces(types)?;
    // SAFETY: forwarded contract.
    unsafe { spawn(&attr, Program::Call { f, arg }, want_pidfd) }
}
