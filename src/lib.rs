//! Linux namespaces for Rust: handles, ids, entering, creating, listing,
//! maps, persistence, and a [`Command`] that spawns programs into new or
//! existing namespaces safely from any thread, at a cost that does not
//! grow with the caller's memory.
//!
//! The same library is a C library (`liblinuxns.so`, `include/linuxns.h`);
//! this crate's API and the C API run the same code.
//!
//! # Guide
//!
//! ## Handles
//!
//! A [`Namespace`] is an open namespace file (`/proc/PID/ns/X`, a bind
//! mount, a `/run/netns` name). It keeps the namespace alive while it is
//! open and answers the kernel's questions: [`id`](Namespace::id) (the
//! inode number shown as `net:[4026531840]`),
//! [`unique_id`](Namespace::unique_id), [`ns_type`](Namespace::ns_type),
//! [`owner`](Namespace::owner), [`parent`](Namespace::parent),
//! [`same`](Namespace::same). Types are [`NsType`]; sets of them are
//! [`NsSet`], built with `|`. Its [`handle`](Namespace::handle) (Linux
//! 6.18) is an [`NsHandle`]: a small value, or text, to store or send to
//! another process, that [opens](NsHandle::open) the namespace again while
//! it lives, without a bind mount.
//!
//! ```
//! use linuxns::{Namespace, NsType};
//! # fn main() -> linuxns::Result<()> {
//! let parent = std::os::unix::process::parent_id() as i32;
//! let net = Namespace::open_pid(parent, NsType::Net)?;
//! let mine = Namespace::current(NsType::Net)?;
//! println!("my parent is in net:[{}], same as me: {}", net.id()?, net.same(&mine)?);
//! # Ok(())
//! # }
//! ```
//!
//! ## Spawning a sandbox
//!
//! [`Command`] is `std::process::Command` with namespaces: new ones
//! ([`unshare`](Command::unshare)), existing ones ([`join`](Command::join)),
//! maps ([`map_root`](Command::map_root)), a hostname, a root, a fresh
//! `/proc`, a cgroup, clock offsets. Any user can create a user namespace
//! and, inside it, the others:
//!
//! ```
//! use linuxns::{Command, NsSet};
//! # fn main() -> linuxns::Result<()> {
//! let out = Command::new("sh")
//!     .args(["-c", "echo $(id -u)@$(hostname) pid $$"])
//!     .unshare(NsSet::USER | NsSet::UTS | NsSet::PID | NsSet::MNT | NsSet::IPC)
//!     .map_root()
//!     .hostname("sandbox")
//!     .mount_proc(true)
//!     .output()?;
//! assert_eq!(out.stdout, b"0@sandbox pid 1\n");
//! # Ok(())
//! # }
//! ```
//!
//! A [`Pool`] makes namespace sets ahead of time on a thread of its own, so
//! that spawns take fresh namespaces instead of creating them on their
//! critical path ([`Command::pool`]).
//!
//! ## Entering a namespace
//!
//! setns(2) moves only the calling thread, and the kernel refuses some
//! namespaces to threads of a multithreaded process. A Rust program almost
//! always has threads (the test harness, an async runtime, a logger), so
//! prefer the forms that never move the caller: [`run_in`] runs a closure
//! on a fresh thread inside the namespace, and [`Command::join`] starts a
//! program there. [`setns`] and [`unshare()`] are there for single-threaded
//! programs and threads you own.
//!
//! ```
//! use linuxns::{run_in, Namespace, NsSet, NsType};
//! # fn main() -> linuxns::Result<()> {
//! # if !linuxns::is_root() { return Ok(()); }
//! let net = Namespace::new(NsType::Net)?;
//! // /proc/net is the main thread's view; this thread's is thread-self's.
//! let links = run_in(&net, NsSet::empty(), || {
//!     std::fs::read_to_string("/proc/thread-self/net/dev")
//! })?;
//! let names: Vec<String> = links.unwrap().lines().skip(2)
//!     .filter_map(|l| l.split(':').next()).map(|n| n.trim().to_owned()).collect();
//! assert_eq!(names, ["lo"]); // a new network namespace has only lo
//! # Ok(())
//! # }
//! ```
//!
//! ## Listing namespaces
//!
//! [`list`] finds every namespace of the given types that processes or
//! bind mounts hold, as lsns(8) does:
//!
//! ```
//! use linuxns::{list, NsSet};
//! # fn main() -> linuxns::Result<()> {
//! for ns in list(NsSet::NET | NsSet::USER)? {
//!     println!("{} {} {} procs, lowest pid {:?}", ns.ns_type, ns.id, ns.nprocs, ns.pid);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! [`list_all`] also finds the namespaces no process is in: those kept
//! alive by a descriptor, a bind mount in any mount namespace, a thread,
//! or only as another namespace's parent or owner (listns(2) on 6.19).
//!
//! ## Errors
//!
//! Every call returns [`Result`]. An [`Error`] carries the errno
//! ([`errno`](Error::errno), [`kind`](Error::kind)), the step that failed
//! with its argument ([`step`](Error::step)) and often a
//! [`hint`](Error::hint); it displays as `step: reason (hint)`, e.g.
//! `child: sethostname: Operation not permitted`, and converts into
//! `std::io::Error`.
//!
//! ## Threads and runtimes
//!
//! Nothing here changes process-wide state behind the caller's back:
//! spawning never runs the caller's code in the child, blocks signals only
//! for the calling thread during the clone, and tracks its children by
//! pidfd, so a runtime that reaps children itself (`SIGCHLD` ignored, a
//! `waitpid(-1)` loop) cannot steal a status or make a wait hang. All
//! types are `Send`; a [`Command`] may be spawned from any thread.
//!
//! ## Kernel versions
//!
//! Linux 5.3 or later is assumed for pidfds and `clone3`; older or
//! filtered (seccomp) system calls fall back where a fallback exists:
//! `clone(2)` when `clone3` is refused, one `setns` per type before 5.8,
//! `/proc` where pidfds cannot be opened. Time namespaces need 5.6,
//! [`Command::cgroup`] 5.7, [`mount_idmapped`] and [`Command::root_idmap`]
//! 5.12, [`Namespace::unique_id`] and [`NsHandle`] 6.18. A
//! function that cannot work on the running kernel fails with `EOPNOTSUPP`
//! or `ENOSYS` and says which version it needs. [`Namespace::mounts`] asks
//! the kernel by descriptor from 6.18 and before has a helper thread join
//! the namespace and read its mountinfo.
//! [`pid_translate`] asks the kernel from 6.11 and reads `/proc` before;
//! [`pidfd_status`] finds a reaped process's status from 6.15.
//! [`features`] tells which of these the running kernel offers.
//!
//! ## Drop-in for the `unshare` crate
//!
//! The module [`unshare`](mod@unshare) has the API of the `unshare` crate 0.7;
//! replacing `unshare::` by `linuxns::unshare::` in a program written for it
//! keeps it compiling and running, on this library's spawn.
//!
//! ## What has no Rust form
//!
//! The C API's `ns_clone` and `ns_spawn_fn` run a function in a fork-like
//! copy of the caller. In a multithreaded Rust program that copy may hold
//! locks (the allocator's among them) that no thread will release, so no
//! safe Rust API can offer it: run a program with [`Command`] instead.

#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![deny(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

mod api;
mod api_mounts;
mod api_pool;
mod capi;
mod clone;
mod command;
mod create;
mod enter;
mod error;
mod features;
mod handles;
mod idmap;
mod idmount;
mod limits;
mod mountinfo;
mod mounts;
mod nshandle;
mod persist;
mod pidinfo;
mod pidns_proc;
mod pivot_kcmp;
mod pool;
mod procattrs;
mod procfs;
mod spawn;
mod survey;
mod survey_all;
mod survey_discover;
mod survey_listns;
mod sys;
mod timens;
mod types;

#[doc(hidden)]
#[allow(missing_docs)]
pub mod fuzzing;

pub mod unshare;

pub use api::{
    current_gid, current_uid, enter_pid, is_root, kcmp, limit, list, list_all, netns_add,
    netns_del, pivot_root, run_in, set_limit, set_time_offset, setns, unbind, unshare,
    write_gid_map, write_uid_map, Clock, IdMap, KcmpType, MapFlags, Namespace, NsInfo, NsSet,
};
pub use api_mounts::MountInfo;
pub use api_pool::Pool;
pub use command::{CapSets, Child, Command, Propagation, Resource, Stdio};
pub use error::{Error, Result};
pub use features::{features, Features};
pub use idmount::mount_idmapped;
pub use nshandle::NsHandle;
pub use pidinfo::{pid_translate, pidfd_status};
pub use types::NsType;
