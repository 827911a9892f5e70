//! ns_clone: a fork-like child in new namespaces running a function.

use std::ffi::c_void;
use std::os::fd::{FromRawFd, OwnedFd};

use crate::error::{Error, Result};
use crate::sys::{self, consts::*, features, CloneArgs};
use crate::types::{check_mask, mask_text, NS_TIME};

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
    check_mask(types, "ns_clone types")?;
    let step = || format!("clone({})", mask_text(types));
    let mut pidfd: libc::c_int = -1;
    let pidfd_flag = if want_pidfd { CLONE_PIDFD } else { 0 };
    let mut pid = None;
    if features::CLONE3.get() != Some(false) {
        let mut args = CloneArgs {
            flags: types as u32 as u64 | pidfd_flag,
            pidfd: &mut pidfd as *mut libc::c_int as u64,
            exit_signal: libc::SIGCHLD as u64,
            ..Default::default()
        };
        match sys::clone3_fork(&mut args, CLONE_ARGS_SIZE_VER0) {
            Ok(p) => {
                features::CLONE3.set(true);
                pid = Some(p);
            }
            Err(e) if e.raw_os_error() == Some(libc::ENOSYS) => features::CLONE3.set(false),
            Err(e) => return Err(Error::io(e, step())),
        }
    }
    let pid = match pid {
        Some(p) => p,
        None => {
            if types & NS_TIME != 0 {
                return Err(Error::new(libc::EOPNOTSUPP, step())
                    .hint("clone3 is unavailable and clone(2) cannot create a time namespace"));
            }
            let flags = types as u32 as u64 | pidfd_flag | libc::SIGCHLD as u64;
            sys::clone_fork(flags, &mut pidfd).map_err(|e| Error::io(e, step()))?
        }
    };
    if pid == 0 {
        // Child: run the function and leave without running the parent's
        // atexit handlers or flushing its stdio buffers.
        let status = f(arg);
        libc::_exit(status);
    }
    let fd = (want_pidfd && pidfd >= 0).then(|| OwnedFd::from_raw_fd(pidfd));
    Ok((pid, fd))
}
