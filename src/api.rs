//! The safe Rust API of namespaces: handles, sets of types, entering,
//! creating, listing, maps, persistence and limits. Every function here is
//! a typed front of the same core functions the C API calls.

use std::ffi::{CString, OsStr};
use std::fmt;
use std::ops::{BitAnd, BitOr, BitOrAssign, Not, Sub};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::path::Path;

use crate::error::{Error, Result};
use crate::types::{ns_idmap, ns_info, NsType, NS_ALL, NS_FOR_CHILDREN, NS_MAP_DENY_SETGROUPS};
use crate::{create, enter, handles, idmap, limits, persist, pivot_kcmp, survey, timens};

/// A path argument as a C string; a NUL byte in it is EINVAL naming `what`.
pub(crate) fn c_path(path: &Path, what: &str) -> Result<CString> {
    c_os(path.as_os_str(), what)
}

/// An OsStr argument as a C string.
pub(crate) fn c_os(s: &OsStr, what: &str) -> Result<CString> {
    CString::new(s.as_bytes())
        .map_err(|_| Error::invalid(format!("{what} {:?}", s)).with_hint("it contains a NUL byte"))
}

/// A set of namespace types, as the kernel's `CLONE_NEW*` bits.
///
/// Built from [`NsType`]s with `|`, from the constants, or collected from
/// an iterator; iterating gives the types in [`NsType::ALL`] order.
///
/// ```
/// use linuxns::{NsSet, NsType};
///
/// let set = NsType::User | NsType::Net;
/// assert!(set.contains(NsType::Net));
/// assert!(!set.contains(NsType::Pid));
/// assert_eq!(set.len(), 2);
/// assert_eq!(set.to_string(), "net|user");
/// assert_eq!(set | NsSet::UTS, NsSet::USER | NsSet::NET | NsSet::UTS);
/// assert_eq!(set.iter().collect::<Vec<_>>(), [NsType::Net, NsType::User]);
/// assert_eq!(NsSet::from_bits(libc::CLONE_NEWNET), Some(NsSet::NET));
/// assert_eq!(NsSet::from_bits(libc::CLONE_VM), None);
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct NsSet(i32);

impl NsSet {
    /// Mount namespaces.
    pub const MNT: NsSet = NsSet(NsType::Mnt as i32);
    /// Cgroup namespaces.
    pub const CGROUP: NsSet = NsSet(NsType::Cgroup as i32);
    /// UTS namespaces.
    pub const UTS: NsSet = NsSet(NsType::Uts as i32);
    /// IPC namespaces.
    pub const IPC: NsSet = NsSet(NsType::Ipc as i32);
    /// User namespaces.
    pub const USER: NsSet = NsSet(NsType::User as i32);
    /// PID namespaces.
    pub const PID: NsSet = NsSet(NsType::Pid as i32);
    /// Network namespaces.
    pub const NET: NsSet = NsSet(NsType::Net as i32);
    /// Time namespaces.
    pub const TIME: NsSet = NsSet(NsType::Time as i32);

    /// No type.
    ///
    /// ```
    /// assert!(linuxns::NsSet::empty().is_empty());
    /// ```
    pub const fn empty() -> NsSet {
        NsSet(0)
    }

    /// All eight types.
    ///
    /// ```
    /// assert_eq!(linuxns::NsSet::all().len(), 8);
    /// ```
    pub const fn all() -> NsSet {
        NsSet(NS_ALL)
    }

    /// The `CLONE_NEW*` bits (the C API's `NS_*` mask).
    ///
    /// ```
    /// use linuxns::NsSet;
    /// assert_eq!((NsSet::NET | NsSet::UTS).bits(), libc::CLONE_NEWNET | libc::CLONE_NEWUTS);
    /// ```
    pub const fn bits(self) -> i32 {
        self.0
    }

    /// The set of these bits; `None` when a bit is not a namespace type.
    ///
    /// ```
    /// use linuxns::NsSet;
    /// assert_eq!(NsSet::from_bits(0), Some(NsSet::empty()));
    /// assert_eq!(NsSet::from_bits(1), None);
    /// ```
    pub const fn from_bits(bits: i32) -> Option<NsSet> {
        if bits & !NS_ALL != 0 {
            None
        } else {
            Some(NsSet(bits))
        }
    }

    /// Is every type of `other` in the set?
    ///
    /// ```
    /// use linuxns::{NsSet, NsType};
    /// assert!(NsSet::all().contains(NsType::Time));
    /// assert!(NsSet::all().contains(NsSet::NET | NsSet::PID));
    /// ```
    pub fn contains(self, other: impl Into<NsSet>) -> bool {
        let o = other.into().0;
        self.0 & o == o
    }

    /// Is the set empty?
    ///
    /// ```
    /// assert!(!linuxns::NsSet::NET.is_empty());
    /// ```
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// How many types the set holds.
    ///
    /// ```
    /// assert_eq!((linuxns::NsSet::NET | linuxns::NsSet::IPC).len(), 2);
    /// ```
    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Adds the types of `other`.
    ///
    /// ```
    /// let mut s = linuxns::NsSet::empty();
    /// s.insert(linuxns::NsType::Uts);
    /// assert_eq!(s, linuxns::NsSet::UTS);
    /// ```
    pub fn insert(&mut self, other: impl Into<NsSet>) {
        self.0 |= other.into().0;
    }

    /// Removes the types of `other`.
    ///
    /// ```
    /// let mut s = linuxns::NsSet::all();
    /// s.remove(linuxns::NsType::User);
    /// assert_eq!(s.len(), 7);
    /// ```
    pub fn remove(&mut self, other: impl Into<NsSet>) {
        self.0 &= !other.into().0;
    }

    /// The types of the set, in [`NsType::ALL`] order.
    ///
    /// ```
    /// use linuxns::{NsSet, NsType};
    /// let names: Vec<_> = (NsSet::UTS | NsSet::IPC).iter().map(NsType::name).collect();
    /// assert_eq!(names, ["ipc", "uts"]);
    /// ```
    pub fn iter(self) -> impl Iterator<Item = NsType> {
        NsType::ALL
            .into_iter()
            .filter(move |t| self.0 & t.bit() != 0)
    }
}

impl From<NsType> for NsSet {
    fn from(t: NsType) -> NsSet {
        NsSet(t.bit())
    }
}

impl FromIterator<NsType> for NsSet {
    fn from_iter<I: IntoIterator<Item = NsType>>(iter: I) -> NsSet {
        iter.into_iter().fold(NsSet::empty(), |s, t| s | t)
    }
}

impl IntoIterator for NsSet {
    type Item = NsType;
    type IntoIter = std::vec::IntoIter<NsType>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter().collect::<Vec<_>>().into_iter()
    }
}

impl<T: Into<NsSet>> BitOr<T> for NsSet {
    type Output = NsSet;
    fn bitor(self, rhs: T) -> NsSet {
        NsSet(self.0 | rhs.into().0)
    }
}

impl<T: Into<NsSet>> BitOrAssign<T> for NsSet {
    fn bitor_assign(&mut self, rhs: T) {
        self.0 |= rhs.into().0;
    }
}

impl<T: Into<NsSet>> BitAnd<T> for NsSet {
    type Output = NsSet;
    fn bitand(self, rhs: T) -> NsSet {
        NsSet(self.0 & rhs.into().0)
    }
}

impl<T: Into<NsSet>> Sub<T> for NsSet {
    type Output = NsSet;
    fn sub(self, rhs: T) -> NsSet {
        NsSet(self.0 & !rhs.into().0)
    }
}

impl Not for NsSet {
    type Output = NsSet;
    fn not(self) -> NsSet {
        NsSet(!self.0 & NS_ALL)
    }
}

impl<T: Into<NsSet>> BitOr<T> for NsType {
    type Output = NsSet;
    fn bitor(self, rhs: T) -> NsSet {
        NsSet::from(self) | rhs
    }
}

impl fmt::Display for NsSet {
    /// `net|uts`, or `none` for the empty set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        let names: Vec<&str> = self.iter().map(NsType::name).collect();
        f.write_str(&names.join("|"))
    }
}

impl fmt::Debug for NsSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NsSet({self})")
    }
}

/// A namespace, held open by a file descriptor (`/proc/PID/ns/X`, a bind
/// mount, an ioctl's result). The namespace lives at least as long as the
/// handle; dropping the handle closes the descriptor.
///
/// The descriptor is close-on-exec. A handle converts to and from
/// [`OwnedFd`]; one made from an `OwnedFd` is checked when a method uses
/// it (a file that is not a namespace gives `EINVAL`).
///
/// ```
/// use linuxns::{Namespace, NsType};
///
/// # fn main() -> linuxns::Result<()> {
/// let net = Namespace::open_pid(std::process::id() as i32, NsType::Net)?;
/// assert_eq!(net.ns_type()?, NsType::Net);
/// let again = Namespace::current(NsType::Net)?;
/// assert!(net.same(&again)?);
/// println!("net:[{}]", net.id()?);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Namespace {
    fd: OwnedFd,
}

impl Namespace {
    /// Opens namespace `ty` of process or thread `pid` (0: the calling
    /// thread), as `/proc/PID/ns/TYPE`.
    ///
    /// Errors: `EINVAL` for a negative pid, `ESRCH` when there is no such
    /// process, `EACCES`/`EPERM` when the caller may not inspect it,
    /// `EOPNOTSUPP` when the kernel lacks the type, `ENOENT` when /proc is
    /// not mounted.
    ///
    /// ```
    /// use linuxns::{Namespace, NsType};
    /// # fn main() -> linuxns::Result<()> {
    /// let me = std::process::id() as i32;
    /// let uts = Namespace::open_pid(me, NsType::Uts)?;
    /// println!("pid {me} is in uts:[{}]", uts.id()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn open_pid(pid: i32, ty: NsType) -> Result<Namespace> {
        handles::open_pid(pid, ty.bit()).map(Namespace::from)
    }

    /// Opens the pid or time namespace the process's future children get
    /// (`pid_for_children`, `time_for_children`); `EINVAL` for other types.
    ///
    /// ```
    /// use linuxns::{Namespace, NsType};
    /// # fn main() -> linuxns::Result<()> {
    /// let p = Namespace::open_pid_for_children(0, NsType::Pid)?;
    /// assert!(p.same(&Namespace::current(NsType::Pid)?)?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn open_pid_for_children(pid: i32, ty: NsType) -> Result<Namespace> {
        handles::open_pid(pid, ty.bit() | NS_FOR_CHILDREN).map(Namespace::from)
    }

    /// The calling thread's namespace of type `ty`.
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let mnt = linuxns::Namespace::current(linuxns::NsType::Mnt)?;
    /// assert!(mnt.id()? > 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn current(ty: NsType) -> Result<Namespace> {
        Namespace::open_pid(0, ty)
    }

    /// Opens namespace `ty` of the process behind a pidfd (race-free: the
    /// pidfd names that process even if its pid is reused).
    ///
    /// ```
    /// use linuxns::{Command, Namespace, NsType};
    /// # fn main() -> linuxns::Result<()> {
    /// let mut child = Command::new("sleep").arg("5").spawn()?;
    /// if let Some(pidfd) = child.pidfd() {
    ///     let net = Namespace::open_pidfd(pidfd, NsType::Net)?;
    ///     assert!(net.same(&Namespace::current(NsType::Net)?)?);
    /// }
    /// child.kill()?;
    /// child.wait()?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn open_pidfd(pidfd: BorrowedFd<'_>, ty: NsType) -> Result<Namespace> {
        handles::open_pidfd(pidfd.as_raw_fd(), ty.bit()).map(Namespace::from)
    }

    /// Opens a namespace file: `/proc/PID/ns/X`, a bind mount, a
    /// `/run/netns` entry. `ty` `Some(t)` also checks its type (`EINVAL`
    /// when it differs); any other file is `EINVAL`.
    ///
    /// ```
    /// use linuxns::{Namespace, NsType};
    /// # fn main() -> linuxns::Result<()> {
    /// let ns = Namespace::open_path("/proc/self/ns/ipc", Some(NsType::Ipc))?;
    /// assert_eq!(ns.ns_type()?, NsType::Ipc);
    /// assert!(Namespace::open_path("/proc/self/ns/ipc", Some(NsType::Net)).is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn open_path(path: impl AsRef<Path>, ty: Option<NsType>) -> Result<Namespace> {
        let p = c_path(path.as_ref(), "path")?;
        handles::open_path(&p, ty.map_or(0, NsType::bit)).map(Namespace::from)
    }

    /// Opens the network namespace `ip netns` knows as `name`
    /// (`/run/netns/NAME`, then `/var/run/netns/NAME`).
    ///
    /// ```no_run
    /// # fn main() -> linuxns::Result<()> {
    /// let ns = linuxns::Namespace::open_name("blue")?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn open_name(name: &str) -> Result<Namespace> {
        let n = c_os(OsStr::new(name), "netns name")?;
        handles::open_name(&n).map(Namespace::from)
    }

    /// A fresh namespace of type `ty`, of which the caller is no member.
    /// For pid and time namespaces it is the namespace a child would get
    /// (its first process is pid 1); a user namespace has no maps (see
    /// [`Namespace::new_userns`]). Needs the privilege the kernel asks for:
    /// `CAP_SYS_ADMIN`, except for a user namespace.
    ///
    /// ```
    /// use linuxns::{Namespace, NsType};
    /// # fn main() -> linuxns::Result<()> {
    /// # if !linuxns::is_root() { return Ok(()); }
    /// let net = Namespace::new(NsType::Net)?;
    /// assert!(!net.same(&Namespace::current(NsType::Net)?)?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn new(ty: NsType) -> Result<Namespace> {
        create::new_ns(ty.bit()).map(Namespace::from)
    }

    /// A fresh user namespace with these maps (either may be `None`),
    /// written with `flags`; any user may create one. Set up by a helper
    /// process, so the caller never moves.
    ///
    /// ```
    /// use linuxns::{IdMap, MapFlags, Namespace};
    /// # fn main() -> linuxns::Result<()> {
    /// let me = IdMap::new(0, linuxns::current_uid(), 1);
    /// let my_gid = IdMap::new(0, linuxns::current_gid(), 1);
    /// let user = Namespace::new_userns(Some(&[me]), Some(&[my_gid]), MapFlags::DENY_SETGROUPS)?;
    /// assert_eq!(user.owner_uid()?, linuxns::current_uid());
    /// # Ok(())
    /// # }
    /// ```
    pub fn new_userns(
        uid_map: Option<&[IdMap]>,
        gid_map: Option<&[IdMap]>,
        flags: MapFlags,
    ) -> Result<Namespace> {
        let u = uid_map.map(to_c_maps);
        let g = gid_map.map(to_c_maps);
        create::new_userns(u.as_deref(), g.as_deref(), flags.0).map(Namespace::from)
    }

    /// Another handle of the same namespace (a new descriptor).
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let a = linuxns::Namespace::current(linuxns::NsType::Uts)?;
    /// let b = a.try_clone()?;
    /// assert!(a.same(&b)?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_clone(&self) -> Result<Namespace> {
        self.fd
            .try_clone()
            .map(Namespace::from)
            .map_err(|e| Error::io(e, format!("dup fd {}", self.fd.as_raw_fd())))
    }

    /// The namespace's inode number, as in `net:[4026531840]`, lsns(8)
    /// and `readlink /proc/PID/ns/net`.
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let ns = linuxns::Namespace::current(linuxns::NsType::Net)?;
    /// let link = std::fs::read_link("/proc/thread-self/ns/net").unwrap();
    /// assert_eq!(link.to_str().unwrap(), format!("net:[{}]", ns.id()?));
    /// # Ok(())
    /// # }
    /// ```
    pub fn id(&self) -> Result<u64> {
        handles::id(self.raw())
    }

    /// The kernel's 64-bit namespace id, never reused while the system
    /// runs (`NS_GET_ID`, Linux 6.18); `EOPNOTSUPP` on older kernels,
    /// where only [`id`](Namespace::id) exists.
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let ns = linuxns::Namespace::current(linuxns::NsType::Net)?;
    /// assert_ne!(ns.unique_id()?, 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn unique_id(&self) -> Result<u64> {
        handles::unique_id(self.raw())
    }

    /// The namespace's type (`NS_GET_NSTYPE`).
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let ns = linuxns::Namespace::current(linuxns::NsType::Cgroup)?;
    /// assert_eq!(ns.ns_type()?, linuxns::NsType::Cgroup);
    /// # Ok(())
    /// # }
    /// ```
    pub fn ns_type(&self) -> Result<NsType> {
        handles::ns_type(self.raw())
    }

    /// The user namespace that owns this one (`NS_GET_USERNS`); `EPERM`
    /// when it lies outside the caller's.
    ///
    /// ```
    /// use linuxns::{Namespace, NsType};
    /// # fn main() -> linuxns::Result<()> {
    /// let owner = Namespace::current(NsType::Net)?.owner()?;
    /// assert_eq!(owner.ns_type()?, NsType::User);
    /// # Ok(())
    /// # }
    /// ```
    pub fn owner(&self) -> Result<Namespace> {
        handles::get_userns(self.raw()).map(Namespace::from)
    }

    /// The parent of a pid or user namespace (`NS_GET_PARENT`); `EINVAL`
    /// for other types, `EPERM` when the parent lies outside the caller's
    /// namespace.
    ///
    /// ```
    /// use linuxns::{IdMap, MapFlags, Namespace, NsType};
    /// # fn main() -> linuxns::Result<()> {
    /// let child = Namespace::new_userns(None, None, MapFlags::empty())?;
    /// let parent = child.parent()?;
    /// assert!(parent.same(&Namespace::current(NsType::User)?)?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn parent(&self) -> Result<Namespace> {
        handles::get_parent(self.raw()).map(Namespace::from)
    }

    /// The uid that created this user namespace (`NS_GET_OWNER_UID`);
    /// `EINVAL` for other types.
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let user = linuxns::Namespace::current(linuxns::NsType::User)?;
    /// let _uid = user.owner_uid()?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn owner_uid(&self) -> Result<u32> {
        handles::owner_uid(self.raw())
    }

    /// Are both handles the same namespace (same device and inode)?
    ///
    /// ```
    /// use linuxns::{Namespace, NsType};
    /// # fn main() -> linuxns::Result<()> {
    /// let a = Namespace::current(NsType::Net)?;
    /// let b = Namespace::open_path("/proc/self/ns/net", None)?;
    /// assert!(a.same(&b)?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn same(&self, other: &impl AsFd) -> Result<bool> {
        handles::same(self.raw(), other.as_fd().as_raw_fd())
    }

    /// Keeps the namespace alive at `path` with a bind mount (creating the
    /// file if missing), as `ip netns add` does; undone by [`unbind`].
    /// Needs `CAP_SYS_ADMIN` in the caller's mount namespace.
    ///
    /// ```
    /// use linuxns::{Namespace, NsType};
    /// # fn main() -> linuxns::Result<()> {
    /// # if !linuxns::is_root() { return Ok(()); }
    /// let dir = std::env::temp_dir().join(format!("doc-bind-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("uts");
    /// let ns = Namespace::new(NsType::Uts)?;
    /// ns.bind(&path)?;
    /// assert!(Namespace::open_path(&path, Some(NsType::Uts))?.same(&ns)?);
    /// linuxns::unbind(&path)?;
    /// # std::fs::remove_dir(&dir).unwrap();
    /// # Ok(())
    /// # }
    /// ```
    pub fn bind(&self, path: impl AsRef<Path>) -> Result<()> {
        let p = c_path(path.as_ref(), "path")?;
        persist::bind(self.raw(), &p)
    }

    fn raw(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl AsFd for Namespace {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl AsRawFd for Namespace {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl IntoRawFd for Namespace {
    fn into_raw_fd(self) -> RawFd {
        self.fd.into_raw_fd()
    }
}

impl FromRawFd for Namespace {
    /// # Safety
    /// `fd` is an open descriptor that nothing else owns.
    unsafe fn from_raw_fd(fd: RawFd) -> Namespace {
        // SAFETY: per this function's contract.
        Namespace::from(unsafe { OwnedFd::from_raw_fd(fd) })
    }
}

impl From<OwnedFd> for Namespace {
    fn from(fd: OwnedFd) -> Namespace {
        Namespace { fd }
    }
}

impl From<Namespace> for OwnedFd {
    fn from(ns: Namespace) -> OwnedFd {
        ns.fd
    }
}

/// Moves the calling thread into a namespace: setns(2).
///
/// `fd` is a namespace (then `types` is empty, meaning any, or exactly its
/// type) or a pidfd (then `types` is the non-empty set of that process's
/// namespaces to enter, all at once). Only the calling thread moves; a
/// user namespace needs a single-threaded process, a mount namespace a
/// thread that does not share its filesystem context. From a program with
/// threads (every Rust test harness, every async runtime), use [`run_in`]
/// or [`Command::join`](crate::Command::join) instead.
///
/// ```
/// use linuxns::{setns, Namespace, NsSet, NsType};
/// # fn main() -> linuxns::Result<()> {
/// # if !linuxns::is_root() { return Ok(()); }
/// let uts = Namespace::new(NsType::Uts)?;
/// std::thread::spawn(move || -> linuxns::Result<()> {
///     setns(&uts, NsSet::empty())?; // only this thread moves
///     Ok(())
/// }).join().unwrap()?;
/// # Ok(())
/// # }
/// ```
pub fn setns(fd: impl AsFd, types: NsSet) -> Result<()> {
    enter::setns(fd.as_fd().as_raw_fd(), types.bits())
}

/// Moves the calling thread into new namespaces: unshare(2). For pid and
/// time namespaces the thread stays where it is and its next children are
/// created in the new namespace. A user namespace needs a single-threaded
/// process; see [`setns`] about threads.
///
/// ```
/// use linuxns::{unshare, NsSet};
/// # fn main() -> linuxns::Result<()> {
/// # if !linuxns::is_root() { return Ok(()); }
/// std::thread::spawn(|| -> linuxns::Result<()> {
///     unshare(NsSet::UTS)?; // this thread gets its own hostname
///     Ok(())
/// }).join().unwrap()?;
/// # Ok(())
/// # }
/// ```
pub fn unshare(types: NsSet) -> Result<()> {
    enter::unshare(types.bits())
}

/// Moves the calling thread into the namespaces `types` (empty: every one
/// in which it differs) of process `pid`, in one atomic setns where the
/// kernel allows (through a pidfd, 5.8). See [`setns`] about threads.
///
/// ```no_run
/// use linuxns::{enter_pid, NsSet};
/// # fn main() -> linuxns::Result<()> {
/// enter_pid(4242, NsSet::NET | NsSet::UTS)?;
/// # Ok(())
/// # }
/// ```
pub fn enter_pid(pid: i32, types: NsSet) -> Result<()> {
    enter::enter_pid(pid, types.bits())
}

/// Runs `f` on a fresh thread that has joined `ns` (as [`setns`] takes it)
/// and returns its result; the calling thread never moves, so it is safe
/// from any thread of any runtime. A panic in `f` is resumed in the
/// caller. User namespaces cannot be joined by one thread (`EINVAL`): use
/// a [`Command`](crate::Command) for that.
///
/// ```
/// use linuxns::{run_in, Namespace, NsSet, NsType};
/// # fn main() -> linuxns::Result<()> {
/// # if !linuxns::is_root() { return Ok(()); }
/// let net = Namespace::new(NsType::Net)?;
/// let inside = run_in(&net, NsSet::empty(), || {
///     Namespace::current(NsType::Net).and_then(|n| n.id())
/// })??;
/// assert_eq!(inside, net.id()?);
/// # Ok(())
/// # }
/// ```
pub fn run_in<R: Send>(ns: &impl AsFd, types: NsSet, f: impl FnOnce() -> R + Send) -> Result<R> {
    let fd = ns.as_fd().as_raw_fd();
    match enter::run_in(fd, types.bits(), move || catch_unwind(AssertUnwindSafe(f)))? {
        Ok(r) => Ok(r),
        Err(panic) => resume_unwind(panic),
    }
}

/// One namespace found by [`list`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct NsInfo {
    /// Its inode number, as in `net:[4026531840]`.
    pub id: u64,
    /// Its type.
    pub ns_type: NsType,
    /// The id of the user namespace that owns it (0 if unknown).
    pub userns_id: u64,
    /// Pid and user namespaces: the parent's id, when visible.
    pub parent_id: Option<u64>,
    /// How many processes were found in it.
    pub nprocs: u32,
    /// The lowest pid found in it; `None` when no process is in it (kept
    /// only by a bind mount, or, with [`list_all`], a descriptor, a thread
    /// or a child namespace).
    pub pid: Option<i32>,
    /// The uid that created its owning user namespace.
    pub owner_uid: u32,
}

impl NsInfo {
    fn from_c(i: &ns_info) -> Option<NsInfo> {
        Some(NsInfo {
            id: i.id,
            ns_type: NsType::from_bit(i.r#type)?,
            userns_id: i.userns_id,
            parent_id: (i.parent_id != 0).then_some(i.parent_id),
            nprocs: i.nprocs,
            pid: (i.pid > 0).then_some(i.pid),
            owner_uid: i.owner_uid,
        })
    }
}

/// Every namespace of the types in `types` (empty: all) that the caller
/// can see: those of every process in /proc and those bind-mounted, as
/// lsns(8) lists them, ascending by type and id.
///
/// ```
/// use linuxns::{list, Namespace, NsSet, NsType};
/// # fn main() -> linuxns::Result<()> {
/// let mine = Namespace::current(NsType::Net)?.id()?;
/// let nets = list(NsSet::NET)?;
/// assert!(nets.iter().any(|n| n.id == mine && n.ns_type == NsType::Net));
/// for n in &nets {
///     println!("{:>12} {:4} {:5} {:?}", n.id, n.ns_type, n.nprocs, n.pid);
/// }
/// # Ok(())
/// # }
/// ```
pub fn list(types: NsSet) -> Result<Vec<NsInfo>> {
    let all = survey::list(types.bits())?;
    Ok(all.iter().filter_map(NsInfo::from_c).collect())
}

/// Every namespace of the types in `types` (empty: all) that the caller
/// can find, also those no process is in: kept alive only by an open
/// descriptor, a bind mount in any mount namespace, a thread, a
/// `*_for_children` link, or as the parent or owner of another (the C
/// API's `ns_list_ex` with `NS_LIST_ALL`). Ascending by type and id.
///
/// `nprocs` and `pid` count the processes in a namespace as [`list`] does:
/// `0` and `None` for one that only a descriptor, a mount, a thread or a
/// child namespace keeps alive. On Linux 6.19 and later a caller that may
/// see every namespace (root in the initial namespaces) gets the kernel's
/// own listing (listns(2)); everyone else, and older kernels, a scan of
/// /proc that finds what the caller may inspect.
///
/// ```
/// use linuxns::{list, list_all, Namespace, NsSet, NsType};
/// # fn main() -> linuxns::Result<()> {
/// # if !linuxns::is_root() { return Ok(()); }
/// // A UTS namespace no process is in, held by this descriptor only.
/// let held = Namespace::new(NsType::Uts)?;
/// let id = held.id()?;
/// let all = list_all(NsSet::UTS)?;
/// let found = all.iter().find(|n| n.id == id).expect("listed");
/// assert_eq!((found.nprocs, found.pid), (0, None));
/// assert!(!list(NsSet::UTS)?.iter().any(|n| n.id == id));
/// # Ok(())
/// # }
/// ```
pub fn list_all(types: NsSet) -> Result<Vec<NsInfo>> {
    let all = crate::survey_all::list_ex(types.bits(), crate::types::NS_LIST_ALL)?;
    Ok(all.iter().filter_map(NsInfo::from_c).collect())
}

/// One range of a uid or gid map: `count` ids from `inside` in the
/// namespace are the ids from `outside` in its parent.
///
/// ```
/// let root_is_me = linuxns::IdMap::new(0, 1000, 1);
/// assert_eq!((root_is_me.inside, root_is_me.outside, root_is_me.count), (0, 1000, 1));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct IdMap {
    /// First id inside the namespace.
    pub inside: u32,
    /// First id in the parent namespace.
    pub outside: u32,
    /// How many ids.
    pub count: u32,
}

impl IdMap {
    /// A range of `count` ids.
    ///
    /// ```
    /// let m = linuxns::IdMap::new(0, 100000, 65536);
    /// assert_eq!(m.count, 65536);
    /// ```
    pub const fn new(inside: u32, outside: u32, count: u32) -> IdMap {
        IdMap {
            inside,
            outside,
            count,
        }
    }
}

pub(crate) fn to_c_maps(m: &[IdMap]) -> Vec<ns_idmap> {
    m.iter()
        .map(|r| ns_idmap {
            inside: r.inside,
            outside: r.outside,
            count: r.count,
        })
        .collect()
}

/// How maps are written.
///
/// ```
/// use linuxns::MapFlags;
/// let f = MapFlags::DENY_SETGROUPS | MapFlags::USE_HELPER;
/// assert!(f.contains(MapFlags::USE_HELPER));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct MapFlags(u32);

impl MapFlags {
    /// Gid maps: write `deny` to `/proc/PID/setgroups` first, as an
    /// unprivileged writer must.
    pub const DENY_SETGROUPS: MapFlags = MapFlags(NS_MAP_DENY_SETGROUPS);
    /// Write through newuidmap(1)/newgidmap(1), which allow the ranges of
    /// /etc/subuid and /etc/subgid.
    pub const USE_HELPER: MapFlags = MapFlags(crate::types::NS_MAP_USE_HELPER);

    /// No flag.
    ///
    /// ```
    /// assert_eq!(linuxns::MapFlags::empty(), linuxns::MapFlags::default());
    /// ```
    pub const fn empty() -> MapFlags {
        MapFlags(0)
    }

    /// Are the flags of `other` set?
    ///
    /// ```
    /// assert!(!linuxns::MapFlags::empty().contains(linuxns::MapFlags::USE_HELPER));
    /// ```
    pub const fn contains(self, other: MapFlags) -> bool {
        self.0 & other.0 == other.0
    }
}

impl BitOr for MapFlags {
    type Output = MapFlags;
    fn bitor(self, rhs: MapFlags) -> MapFlags {
        MapFlags(self.0 | rhs.0)
    }
}

/// Writes the uid map of process `pid` (0: the calling process), whose
/// user namespace has none yet. At most 340 ranges.
///
/// ```
/// use linuxns::{write_uid_map, Command, IdMap, MapFlags, NsSet, Stdio};
/// # fn main() -> linuxns::Result<()> {
/// let mut child = Command::new("sleep").arg("5").unshare(NsSet::USER).spawn()?;
/// write_uid_map(child.id() as i32, &[IdMap::new(0, linuxns::current_uid(), 1)], MapFlags::empty())?;
/// let map = std::fs::read_to_string(format!("/proc/{}/uid_map", child.id())).unwrap();
/// assert_eq!(map.split_whitespace().collect::<Vec<_>>(), ["0", &linuxns::current_uid().to_string(), "1"]);
/// child.kill()?;
/// child.wait()?;
/// # Ok(())
/// # }
/// ```
pub fn write_uid_map(pid: i32, map: &[IdMap], flags: MapFlags) -> Result<()> {
    idmap::write_map(idmap::MapKind::Uid, pid, &to_c_maps(map), flags.0)
}

/// Writes the gid map of process `pid` (0: the calling process); with
/// [`MapFlags::DENY_SETGROUPS`], denies setgroups(2) first. At most 340
/// ranges.
///
/// ```
/// use linuxns::{write_gid_map, Command, IdMap, MapFlags, NsSet};
/// # fn main() -> linuxns::Result<()> {
/// let mut child = Command::new("sleep").arg("5").unshare(NsSet::USER).spawn()?;
/// let gid = linuxns::current_gid();
/// write_gid_map(child.id() as i32, &[IdMap::new(0, gid, 1)], MapFlags::DENY_SETGROUPS)?;
/// let sg = std::fs::read_to_string(format!("/proc/{}/setgroups", child.id())).unwrap();
/// assert_eq!(sg.trim(), "deny");
/// child.kill()?;
/// child.wait()?;
/// # Ok(())
/// # }
/// ```
pub fn write_gid_map(pid: i32, map: &[IdMap], flags: MapFlags) -> Result<()> {
    idmap::write_map(idmap::MapKind::Gid, pid, &to_c_maps(map), flags.0)
}

/// Undoes [`Namespace::bind`]: detaches the namespace mounted at `path`
/// and removes the file. `EINVAL` when no namespace is mounted there.
///
/// ```
/// let e = linuxns::unbind("/etc/hostname").unwrap_err();
/// assert_eq!(e.errno(), libc::EINVAL);
/// ```
pub fn unbind(path: impl AsRef<Path>) -> Result<()> {
    let p = c_path(path.as_ref(), "path")?;
    persist::unbind(&p)
}

/// `ip netns add NAME`: a new network namespace kept at /run/netns/NAME,
/// visible to `ip netns list`; returns a handle of it. A failure leaves no
/// file or mount behind.
///
/// ```
/// # fn main() -> linuxns::Result<()> {
/// # if !linuxns::is_root() { return Ok(()); }
/// let name = format!("doc{}", std::process::id());
/// let ns = linuxns::netns_add(&name)?;
/// assert!(linuxns::Namespace::open_name(&name)?.same(&ns)?);
/// linuxns::netns_del(&name)?;
/// # Ok(())
/// # }
/// ```
pub fn netns_add(name: &str) -> Result<Namespace> {
    let n = c_os(OsStr::new(name), "netns name")?;
    persist::netns_add(&n).map(Namespace::from)
}

/// `ip netns delete NAME`.
///
/// ```
/// let e = linuxns::netns_del("no/such").unwrap_err();
/// assert_eq!(e.errno(), libc::EINVAL);
/// ```
pub fn netns_del(name: &str) -> Result<()> {
    let n = c_os(OsStr::new(name), "netns name")?;
    persist::netns_del(&n)
}

/// The limit on namespaces of type `ty` per user:
/// `/proc/sys/user/max_TYPE_namespaces`.
///
/// ```
/// # fn main() -> linuxns::Result<()> {
/// let n = linuxns::limit(linuxns::NsType::Net)?;
/// assert!(n > 0);
/// # Ok(())
/// # }
/// ```
pub fn limit(ty: NsType) -> Result<u32> {
    let v = limits::get_limit(ty.bit())?;
    u32::try_from(v).map_err(|_| Error::new(libc::ERANGE, format!("limit {v}")))
}

/// Sets that limit (0 to 2147483647; root only).
///
/// ```
/// # fn main() -> linuxns::Result<()> {
/// # let knob = "/proc/sys/user/max_ipc_namespaces";
/// # if std::fs::OpenOptions::new().write(true).open(knob).is_err() { return Ok(()); }
/// let old = linuxns::limit(linuxns::NsType::Ipc)?;
/// linuxns::set_limit(linuxns::NsType::Ipc, old)?;
/// # Ok(())
/// # }
/// ```
pub fn set_limit(ty: NsType, value: u32) -> Result<()> {
    limits::set_limit(ty.bit(), i64::from(value))
}

/// A clock a time namespace offsets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Clock {
    /// `CLOCK_MONOTONIC`.
    Monotonic,
    /// `CLOCK_BOOTTIME`.
    Boottime,
}

impl Clock {
    pub(crate) fn id(self) -> libc::clockid_t {
        match self {
            Clock::Monotonic => libc::CLOCK_MONOTONIC,
            Clock::Boottime => libc::CLOCK_BOOTTIME,
        }
    }
}

/// Sets a clock's offset in the time namespace of process `pid` (0: the
/// caller's `time_for_children`): `/proc/PID/timens_offsets`. The kernel
/// allows it only before any process has entered the namespace.
///
/// ```no_run
/// # fn main() -> linuxns::Result<()> {
/// linuxns::unshare(linuxns::NsSet::TIME)?;
/// linuxns::set_time_offset(0, linuxns::Clock::Boottime, 86400, 0)?;
/// # Ok(())
/// # }
/// ```
pub fn set_time_offset(pid: i32, clock: Clock, sec: i64, nsec: i64) -> Result<()> {
    timens::set_time_offset(pid, clock.id(), sec, nsec)
}

/// pivot_root(2): makes `new_root` the root of the calling process's mount
/// namespace and moves the old root to `put_old`.
///
/// ```no_run
/// # fn main() -> linuxns::Result<()> {
/// linuxns::pivot_root("/newroot", "/newroot/.old")?;
/// # Ok(())
/// # }
/// ```
pub fn pivot_root(new_root: impl AsRef<Path>, put_old: impl AsRef<Path>) -> Result<()> {
    let n = c_path(new_root.as_ref(), "new_root")?;
    let o = c_path(put_old.as_ref(), "put_old")?;
    pivot_kcmp::pivot_root(&n, &o)
}

/// What [`kcmp`] compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KcmpType {
    /// File descriptors `idx1` and `idx2` (the same open file?).
    File,
    /// Address spaces.
    Vm,
    /// Descriptor tables.
    Files,
    /// Filesystem information (root, cwd, umask).
    Fs,
    /// Signal handler tables.
    Sighand,
    /// I/O contexts.
    Io,
    /// System V semaphore undo lists.
    Sysvsem,
}

/// kcmp(2): do processes `pid1` and `pid2` share a kernel resource?
/// `Some(Equal)` when they do; otherwise the kernel's (arbitrary but
/// stable) order, or `None` when it says only "different".
///
/// ```
/// use linuxns::{kcmp, KcmpType};
/// # fn main() -> linuxns::Result<()> {
/// # if !linuxns::is_root() { return Ok(()); }
/// let me = std::process::id() as i32;
/// assert_eq!(kcmp(me, me, KcmpType::Vm, 0, 0)?, Some(std::cmp::Ordering::Equal));
/// # Ok(())
/// # }
/// ```
pub fn kcmp(
    pid1: i32,
    pid2: i32,
    ty: KcmpType,
    idx1: u64,
    idx2: u64,
) -> Result<Option<std::cmp::Ordering>> {
    let t = ty as libc::c_int;
    let r = pivot_kcmp::kcmp(pid1, pid2, t, idx1 as libc::c_ulong, idx2 as libc::c_ulong)?;
    Ok(match r {
        0 => Some(std::cmp::Ordering::Equal),
        1 => Some(std::cmp::Ordering::Less),
        2 => Some(std::cmp::Ordering::Greater),
        _ => None,
    })
}

/// The caller's effective uid (for building maps).
///
/// ```
/// let _ = linuxns::current_uid();
/// ```
pub fn current_uid() -> u32 {
    crate::sys::process::geteuid()
}

/// The caller's effective gid (for building maps).
///
/// ```
/// let _ = linuxns::current_gid();
/// ```
pub fn current_gid() -> u32 {
    crate::sys::process::getegid()
}

/// Is the caller root (effective uid 0)? Examples use it to skip what needs
/// privilege.
///
/// ```
/// if linuxns::is_root() { println!("privileged"); }
/// ```
pub fn is_root() -> bool {
    current_uid() == 0
}
