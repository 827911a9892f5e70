//! The caller's side of the conversation with a spawned child: reading its
//! report pipe (or the shared memory of a vfork child), writing its maps
//! when it is ready for them, reaping.

use std::ffi::{c_int, c_void};
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::atomic::Ordering::Relaxed;

use super::attr::SpawnAttr;
use super::plan::*;
use crate::error::{Error, Result};
use crate::idmap::{write_map, MapKind};

/// The failure a vfork child left in shared memory, if any.
pub(crate) fn shared_error(shared: &SharedError) -> Option<Error> {
    let step = shared.step.load(Relaxed);
    (step != 0).then(|| child_error(shared.errno.load(Relaxed), step, shared.arg.load(Relaxed)))
}

fn child_error(errno: i32, step: u32, arg: i32) -> Error {
    let mut text = step_name(step).to_string();
    if arg >= 0 {
        text = if step == Step::Setns as u32 {
            format!("{text} (join {arg})")
        } else {
            format!("{text} (fd {arg})")
        };
    }
    Error::new(errno, format!("child: {text}"))
}

pub(crate) struct Outcome {
    pub error: Option<Error>,
    pub final_pid: Option<libc::pid_t>,
}

/// Reads the child's messages until every writer is gone (exec or exit),
/// writing the maps when the child says it is ready for them.
pub(crate) type Held<'a, 'b> = (
    &'a mut dyn FnMut(libc::pid_t) -> Result<()>,
    Option<OwnedFd>,
);

pub(crate) fn converse(
    attr: &SpawnAttr,
    report: &OwnedFd,
    mut go: Option<OwnedFd>,
    map_pid: libc::pid_t,
    intermediate: bool,
    mut held: Option<Held<'_, '_>>,
) -> Outcome {
    let mut out = Outcome {
        error: None,
        final_pid: if intermediate { None } else { Some(map_pid) },
    };
    let mut held_pending = false;
    loop {
        let mut msg = Msg::default();
        // SAFETY: msg is a plain struct valid for writing.
        let n = unsafe {
            libc::read(
                report.as_raw_fd(),
                &mut msg as *mut Msg as *mut c_void,
                std::mem::size_of::<Msg>(),
            )
        };
        if n < 0 {
            if std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
                continue;
            }
            out.error.get_or_insert_with(|| {
                Error::io(std::io::Error::last_os_error(), "read child report")
            });
            break;
        }
        if n == 0 {
            break;
        }
        match msg.kind {
            MSG_READY => match write_maps(attr, map_pid) {
                Ok(()) => {
                    if let Some(g) = go.take() {
                        // SAFETY: one byte from a local.
                        unsafe { libc::write(g.as_raw_fd(), b"g".as_ptr().cast(), 1) };
                    }
                }
                Err(e) => {
                    // Closing the go pipe makes the child leave.
                    go = None;
                    out.error.get_or_insert(e);
                }
            },
            MSG_CHILD => out.final_pid = Some(msg.arg),
            MSG_HELD => held_pending = true,
            MSG_ERROR => {
                out.error
                    .get_or_insert(child_error(msg.errno, msg.step, msg.arg));
            }
            _ => {}
        }
        // The holding child is ready once both its HELD and (through an
        // intermediate) its pid have arrived; then run the callback and
        // release it by closing the hold pipe.
        if let (true, Some(pid)) = (held_pending, out.final_pid) {
            if let Some((f, w)) = held.take() {
                if let Err(e) = f(pid) {
                    out.error.get_or_insert(e);
                }
                drop(w);
            }
            held_pending = false;
        }
    }
    out
}

fn write_maps(attr: &SpawnAttr, pid: libc::pid_t) -> Result<()> {
    if let Some(g) = &attr.gid_map {
        write_map(MapKind::Gid, pid, &g.map, g.flags)?;
    }
    if let Some(u) = &attr.uid_map {
        write_map(MapKind::Uid, pid, &u.map, u.flags)?;
    }
    Ok(())
}

pub(crate) fn reap(pid: libc::pid_t, flags: c_int) {
    let mut status = 0;
    loop {
        // SAFETY: status is valid for writing.
        let r = unsafe { libc::waitpid(pid, &mut status, flags) };
        if r >= 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            break;
        }
    }
}
