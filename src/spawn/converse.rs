//! The caller's side of the conversation with a spawned child: reading its
//! report socket (or the shared memory of a vfork child), writing its maps
//! when it is ready for them, receiving the final child's pidfd.

use std::os::fd::{AsFd, AsRawFd};
use std::sync::atomic::Ordering::Relaxed;

use super::attr::SpawnAttr;
use super::parent::HeldChild;
use super::plan::*;
use crate::error::{Error, Result};
use crate::idmap::{write_map_via, MapKind, MapTarget};
use crate::sys::{self, fdtrack, Fd};

/// The failure a vfork child left in shared memory, if any.
pub(crate) fn shared_error(shared: &SharedError) -> Option<Error> {
    let step = shared.step.load(Relaxed);
    (step != 0).then(|| child_error(shared.errno.load(Relaxed), step, shared.arg.load(Relaxed)))
}

fn child_error(errno: i32, step: u32, arg: i32) -> Error {
    let mut text = step_name(step).to_string();
    if arg >= 0 {
        let what = match step {
            s if s == Step::Setns as u32 => "join",
            s if s == Step::Uid as u32 => "uid",
            s if s == Step::Gid as u32 => "gid",
            s if s == Step::Rlimit as u32 => "resource",
            s if s == Step::Bounding as u32 || s == Step::Ambient as u32 => "capability",
            _ => "fd",
        };
        text = format!("{text} ({what} {arg})");
    }
    let err = Error::new(errno, format!("child: {text}"));
    if step == Step::ProcSelf as u32 {
        crate::procfs::explain_proc_error(err)
    } else if step == Step::Ambient as u32 && errno == libc::EPERM {
        err.with_hint("an ambient capability must be permitted and inheritable, and not refused by the securebits")
    } else if step == Step::Rlimit as u32 && errno == libc::EPERM {
        err.with_hint("raising a hard limit needs CAP_SYS_RESOURCE in the initial user namespace, and RLIMIT_NOFILE stays within /proc/sys/fs/nr_open")
    } else {
        err
    }
}

pub(crate) struct Outcome {
    pub error: Option<Error>,
    pub final_pid: Option<libc::pid_t>,
    /// The final child's pidfd, from the intermediate process.
    pub final_pidfd: Option<Fd>,
}

/// The Hold callback and the write end of the hold pipe.
pub(crate) type Held<'a, 'b> = (
    &'a mut (dyn FnMut(&HeldChild<'_>) -> Result<()> + 'b),
    Option<Fd>,
);

/// A message, the descriptors it carried, and whether one of them could
/// not be received (no free descriptor).
type Received = (Msg, Vec<Fd>, bool);

/// One message and the descriptors it carried; None at EOF.
fn receive(report: &Fd, socket: bool) -> Result<Option<Received>> {
    if !socket {
        // A pipe carries no descriptors: a plain blocking read.
        let mut msg = Msg::default();
        // SAFETY: msg is a plain struct; any bytes make a valid Msg.
        let buf = unsafe {
            std::slice::from_raw_parts_mut(
                &mut msg as *mut Msg as *mut u8,
                std::mem::size_of::<Msg>(),
            )
        };
        return match sys::fs::read(report.as_raw_fd(), buf) {
            Ok(0) => Ok(None),
            Ok(_) => Ok(Some((msg, Vec::new(), false))),
            Err(e) => Err(Error::io(e, "read child report")),
        };
    }
    loop {
        // Wait without the descriptor gate (the child may take a while),
        // then receive under it, so a descriptor arriving is tracked
        // before any other call's child can be created with it.
        sys::wait_readable(report.as_raw_fd()).map_err(|e| Error::io(e, "poll child report"))?;
        let mut msg = Msg::default();
        // SAFETY: msg is a plain struct valid for writing its size;
        // received descriptors are new and ours.
        let got = unsafe {
            fdtrack::adopt_shared(|| {
                let buf = std::slice::from_raw_parts_mut(
                    &mut msg as *mut Msg as *mut u8,
                    std::mem::size_of::<Msg>(),
                );
                sys::recv_with_fds(report.as_raw_fd(), buf)
                    .map(|(n, fds)| ((n, fds.contains(&-1)), fds))
            })
        };
        match got {
            Ok(((0, _), _)) => return Ok(None),
            Ok(((_, truncated), fds)) => return Ok(Some((msg, fds, truncated))),
            Err(e) if matches!(e.raw_os_error(), Some(libc::EAGAIN) | Some(libc::EINTR)) => {}
            Err(e) => return Err(Error::io(e, "read child report")),
        }
    }
}

/// What the conversation needs from the spawn.
pub(crate) struct Talk<'a, 'b, 'c> {
    pub report: &'a Fd,
    /// The report channel is a socket (the child sends descriptors), not
    /// a pipe.
    pub socket: bool,
    /// The write end of the go pipe (maps written).
    pub go: Option<Fd>,
    /// A descriptor held in reserve and closed just before each receive,
    /// so a descriptor the child sends finds a free slot even when the
    /// caller had none to spare: the spawn then fails with EMFILE before
    /// anything starts, not after the program has.
    pub reserve: Option<Fd>,
    /// The process that waits for its maps (the first child).
    pub map_pid: libc::pid_t,
    pub first_pidfd: Option<&'a Fd>,
    pub intermediate: bool,
    pub held: Option<Held<'b, 'c>>,
}

/// Reads the child's messages until every sender is gone (exec or exit),
/// writing the maps when the child says it is ready for them.
pub(crate) fn converse(attr: &SpawnAttr, talk: Talk<'_, '_, '_>) -> Outcome {
    let Talk {
        report,
        socket,
        mut go,
        mut reserve,
        map_pid,
        first_pidfd,
        intermediate,
        mut held,
    } = talk;
    let mut out = Outcome {
        error: None,
        final_pid: if intermediate { None } else { Some(map_pid) },
        final_pidfd: None,
    };
    let mut held_dir: Option<Option<Fd>> = None;
    loop {
        drop(reserve.take());
        let (msg, mut fds, truncated) = match receive(report, socket) {
            Ok(Some(m)) => m,
            Ok(None) => break,
            Err(e) => {
                out.error.get_or_insert(e);
                break;
            }
        };
        if truncated {
            // A descriptor the child sent could not be received. Closing
            // the go pipe makes a child waiting for its maps leave; the
            // caller kills and reaps whatever was started.
            go = None;
            out.error.get_or_insert(
                Error::new(libc::EMFILE, "receive a descriptor from the child")
                    .with_hint("no descriptor is free"),
            );
        }
        match msg.kind {
            MSG_READY if !truncated => {
                let dir = fds.pop();
                let target = MapTarget {
                    pid: map_pid,
                    dir: dir.as_ref().map(|d| d.as_fd()),
                    // Without a dir, the spawn found /proc to be ours.
                    pid_checked: dir.is_none(),
                };
                match write_maps(attr, &target) {
                    Ok(()) => {
                        if let Some(g) = go.take() {
                            let _ = sys::fs::send_nosignal(g.as_raw_fd(), b"g");
                        }
                    }
                    Err(e) => {
                        // Closing the go pipe makes the child leave.
                        go = None;
                        out.error.get_or_insert(e);
                    }
                }
            }
            MSG_CHILD => {
                out.final_pid = Some(msg.arg);
                out.final_pidfd = fds.pop();
            }
            MSG_HELD if !truncated => held_dir = Some(fds.pop()),
            MSG_ERROR => {
                out.error
                    .get_or_insert(child_error(msg.errno, msg.step, msg.arg));
            }
            _ => {}
        }
        drop(fds);
        if socket && msg.kind == MSG_READY {
            // Another descriptor follows (the final child's pidfd): keep a
            // slot for it again (the /proc/self just received is closed).
            reserve = sys::dup_min(report.as_raw_fd(), 0).ok();
        }
        // The holding child is ready once both its HELD and (through an
        // intermediate) its pid have arrived; then run the callback and
        // release it by closing the hold pipe.
        if let (Some(dir), Some(pid)) = (&held_dir, out.final_pid) {
            if let Some((f, w)) = held.take() {
                let pidfd = if intermediate {
                    out.final_pidfd.as_ref()
                } else {
                    first_pidfd
                };
                let r = f(&HeldChild {
                    pid,
                    pidfd: pidfd.map(|f| f.as_fd()),
                    proc_dir: dir.as_ref().map(|d| d.as_fd()),
                });
                if let Err(e) = r {
                    out.error.get_or_insert(e);
                }
                drop(w);
            }
        }
    }
    out
}

fn write_maps(attr: &SpawnAttr, target: &MapTarget<'_>) -> Result<()> {
    if let Some(g) = &attr.gid_map {
        let helper = attr.map_helper(MapKind::Gid);
        write_map_via(MapKind::Gid, target, &g.map, g.flags, helper)?;
    }
    if let Some(u) = &attr.uid_map {
        let helper = attr.map_helper(MapKind::Uid);
        write_map_via(MapKind::Uid, target, &u.map, u.flags, helper)?;
    }
    Ok(())
}
