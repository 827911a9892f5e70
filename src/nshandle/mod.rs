//! Namespace file handles (Linux 6.18): a small token naming one namespace
//! by the kernel's (type, inode, 64-bit id), which can be stored or sent
//! to another process and reopens the namespace while it lives, with no
//! bind mount. Its text form is `TYPE:INODE:ID`, e.g. `uts:4026532315:4121`.

mod stale;
mod text;

use std::fmt;
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};

use crate::api::Namespace;
use crate::error::{Error, Result};
use crate::handles;
use crate::sys::{self, features, nshandle::NsfsHandle};
use crate::types::NsType;

pub(crate) use text::parse;

pub use crate::types::NS_HANDLE_TEXT_MAX;

/// sizeof(struct ns_handle): what its `size` field holds.
const NS_HANDLE_SIZE: u32 = std::mem::size_of::<ns_handle>() as u32;

/// A namespace file handle, as plain bytes: a token that names one
/// namespace and reopens it (ns_open_handle) while it lives.
///
/// 64 bytes with no padding: ns_handle_encode always writes the same bytes
/// for the same namespace, so two handles can be compared with memcmp and
/// copied, stored in a file or sent to another process as they are. The
/// fields are in the host's byte order. A handle built by hand needs
/// `size`, `type`, `unique_id` and `inode` (the kernel checks all three
/// namespace fields) and zero `reserved` words.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ns_handle {
    /// sizeof(struct ns_handle), 64: a later layout has another size, or
    /// gives meaning to reserved words.
    pub size: u32,
    /// One NS_* value: the namespace's type.
    pub r#type: i32,
    /// The kernel's 64-bit namespace id, never reused, as ns_unique_id
    /// gives it.
    pub unique_id: u64,
    /// The inode number, as ns_id gives it and "net:[4026531840]" shows it.
    pub inode: u32,
    /// Zero.
    pub reserved: [u32; 11],
}

/// A namespace file handle (Linux 6.18): the namespace's type, inode
/// number and the kernel's 64-bit id, which together name it for as long
/// as the system runs.
///
/// A handle is a small value ([`Copy`], comparable, hashable) that can be
/// written to a file as text ([`Display`](fmt::Display), [`FromStr`](std::str::FromStr),
/// `TYPE:INODE:ID`) or sent to another process, and [`open`](NsHandle::open)s the namespace again
/// while it lives, without a bind mount. It keeps nothing alive by itself.
///
/// ```
/// use linuxns::{Namespace, NsHandle, NsType};
/// # fn main() -> linuxns::Result<()> {
/// let uts = Namespace::current(NsType::Uts)?;
/// let handle = uts.handle()?;
/// let text = handle.to_string(); // e.g. "uts:4026531838:2"
/// let again: NsHandle = text.parse()?;
/// assert_eq!(again, handle);
/// assert!(again.open()?.same(&uts)?);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NsHandle {
    ty: NsType,
    inode: u32,
    unique_id: u64,
}

impl NsHandle {
    /// A handle built from its three parts: the type, the inode number
    /// ([`Namespace::id`]) and the kernel's 64-bit id
    /// ([`Namespace::unique_id`]). `EINVAL` when either number is 0 or
    /// the inode does not fit in 32 bits (the kernel's handle holds 32).
    ///
    /// ```
    /// use linuxns::{Namespace, NsHandle, NsType};
    /// # fn main() -> linuxns::Result<()> {
    /// let net = Namespace::current(NsType::Net)?;
    /// let h = NsHandle::from_parts(NsType::Net, net.id()?, net.unique_id()?)?;
    /// assert_eq!(h, net.handle()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_parts(ty: NsType, id: u64, unique_id: u64) -> Result<NsHandle> {
        let inode = u32::try_from(id)
            .ok()
            .filter(|&i| i != 0)
            .ok_or_else(|| Error::invalid(format!("inode {id}")).with_hint("not 1 to 2^32-1"))?;
        if unique_id == 0 {
            return Err(Error::invalid("unique id 0")
                .with_hint("a handle needs its type, inode and unique id"));
        }
        Ok(NsHandle {
            ty,
            inode,
            unique_id,
        })
    }

    /// The namespace's type.
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let h = linuxns::Namespace::current(linuxns::NsType::Ipc)?.handle()?;
    /// assert_eq!(h.ns_type(), linuxns::NsType::Ipc);
    /// # Ok(())
    /// # }
    /// ```
    pub fn ns_type(&self) -> NsType {
        self.ty
    }

    /// The namespace's inode number, as [`Namespace::id`] gives it.
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let ns = linuxns::Namespace::current(linuxns::NsType::Net)?;
    /// assert_eq!(ns.handle()?.id(), ns.id()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn id(&self) -> u64 {
        self.inode.into()
    }

    /// The kernel's 64-bit namespace id, as [`Namespace::unique_id`]
    /// gives it.
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let ns = linuxns::Namespace::current(linuxns::NsType::Net)?;
    /// assert_eq!(ns.handle()?.unique_id(), ns.unique_id()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn unique_id(&self) -> u64 {
        self.unique_id
    }

    /// Opens the namespace again (open_by_handle_at(2), Linux 6.18).
    ///
    /// The kernel opens it for a caller that is in it or has
    /// `CAP_SYS_ADMIN` over its owning user namespace, and answers
    /// `ESTALE` both when the namespace is gone and when the caller may
    /// not open it. This call tells them apart where it can: `ESTALE`
    /// with the hint "the namespace is gone" for a caller the kernel
    /// would have let open any namespace (`CAP_SYS_ADMIN` in the initial
    /// user and pid namespaces); `EPERM` when a process the caller may
    /// inspect is still in the namespace; else `ESTALE` with the hint
    /// "gone, or the caller may not open it". `EOPNOTSUPP` before 6.18
    /// (keep the namespace with [`Namespace::bind`] there).
    ///
    /// ```
    /// use linuxns::{Namespace, NsType};
    /// # fn main() -> linuxns::Result<()> {
    /// let mnt = Namespace::current(NsType::Mnt)?;
    /// let opened = mnt.handle()?.open()?;
    /// assert_eq!(opened.id()?, mnt.id()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn open(&self) -> Result<Namespace> {
        open(self).map(Namespace::from)
    }

    /// The C form, with zero reserved words.
    pub(crate) fn to_c(self) -> ns_handle {
        ns_handle {
            size: NS_HANDLE_SIZE,
            r#type: self.ty.bit(),
            unique_id: self.unique_id,
            inode: self.inode,
            reserved: [0; 11],
        }
    }

    /// Checks a C handle: its size, zero reserved words, one NS_* type,
    /// and non-zero numbers.
    pub(crate) fn from_c(h: &ns_handle) -> Result<NsHandle> {
        if h.size != NS_HANDLE_SIZE {
            return Err(
                Error::invalid(format!("handle size {}", h.size)).with_hint(format!(
                    "this library's struct ns_handle has {NS_HANDLE_SIZE} bytes: \
                 set size to sizeof(struct ns_handle)"
                )),
            );
        }
        if h.reserved.iter().any(|&w| w != 0) {
            return Err(Error::invalid("handle reserved words")
                .with_hint("not zero: not a handle, or one of a newer library"));
        }
        let ty = NsType::from_bit(h.r#type).ok_or_else(|| {
            Error::invalid(format!("handle type {:#x}", h.r#type)).with_hint("not one NS_* value")
        })?;
        NsHandle::from_parts(ty, h.inode.into(), h.unique_id)
    }

    fn kernel(&self) -> NsfsHandle {
        NsfsHandle {
            id: self.unique_id,
            // The CLONE_NEW* bits are positive.
            ns_type: self.ty.bit() as u32,
            inum: self.inode,
        }
    }
}

impl fmt::Display for NsHandle {
    /// `TYPE:INODE:ID`: the /proc name of the type, the inode number and
    /// the 64-bit id, in decimal (`uts:4026532315:4121`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.ty.name(), self.inode, self.unique_id)
    }
}

impl std::str::FromStr for NsHandle {
    type Err = Error;

    /// Parses exactly the text [`Display`](fmt::Display) writes; anything
    /// else (spaces, a newline, leading zeros, a sign) is `EINVAL`.
    fn from_str(s: &str) -> Result<NsHandle> {
        parse(s.as_bytes())
    }
}

impl Namespace {
    /// The namespace's file handle (name_to_handle_at(2), Linux 6.18),
    /// which [`NsHandle::open`] turns back into a descriptor, in this or
    /// another process, while the namespace lives. `EOPNOTSUPP` before
    /// 6.18.
    ///
    /// ```
    /// use linuxns::{Namespace, NsType};
    /// # fn main() -> linuxns::Result<()> {
    /// let a = Namespace::current(NsType::Pid)?.handle()?;
    /// let b = Namespace::open_path("/proc/self/ns/pid", None)?.handle()?;
    /// assert_eq!(a, b); // the same namespace, the same handle
    /// # Ok(())
    /// # }
    /// ```
    pub fn handle(&self) -> Result<NsHandle> {
        encode(self.as_fd().as_raw_fd())
    }
}

fn unsupported(step: String) -> Error {
    Error::new(libc::EOPNOTSUPP, step).with_hint(
        "the kernel predates namespace file handles (6.18): keep the namespace \
         with a bind mount (ns_bind) and open that path instead",
    )
}

/// The handle of a namespace descriptor.
pub(crate) fn encode(fd: RawFd) -> Result<NsHandle> {
    handles::ns_stat(fd)?;
    let step = || format!("name_to_handle_at fd {fd}");
    if !features::nsfs_handles() {
        return Err(unsupported(step()));
    }
    let k = match sys::nshandle::encode(fd) {
        Ok(k) => k,
        Err(e) if matches!(e.raw_os_error(), Some(libc::ENOSYS | libc::EOPNOTSUPP)) => {
            features::NSFS_HANDLES.set(false);
            return Err(unsupported(step()));
        }
        Err(e) => return Err(Error::io(e, step())),
    };
    let ty = NsType::from_bit(k.ns_type as i32).ok_or_else(|| {
        Error::new(libc::EOPNOTSUPP, step())
            .with_hint("a namespace type this library does not know")
    })?;
    NsHandle::from_parts(ty, k.inum.into(), k.id).map_err(|e| e.with_step(step()))
}

/// A new O_CLOEXEC descriptor of the handle's namespace.
pub(crate) fn open(h: &NsHandle) -> Result<OwnedFd> {
    let step = || format!("open_by_handle_at {h}");
    if !features::nsfs_handles() {
        return Err(unsupported(step()));
    }
    match sys::nshandle::open(&h.kernel()) {
        Ok(fd) => Ok(fd),
        // EBADF: a kernel without FD_NSFS_ROOT; ENOSYS: a filter.
        Err(e) if matches!(e.raw_os_error(), Some(libc::ENOSYS | libc::EBADF)) => {
            features::NSFS_HANDLES.set(false);
            Err(unsupported(step()))
        }
        Err(e) if e.raw_os_error() == Some(libc::ESTALE) => Err(stale::explain_stale(h, step())),
        Err(e) => Err(Error::io(e, step())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_layout_is_64_bytes_without_padding() {
        assert_eq!(std::mem::size_of::<ns_handle>(), 64);
        assert_eq!(std::mem::offset_of!(ns_handle, unique_id), 8);
        assert_eq!(std::mem::offset_of!(ns_handle, inode), 16);
        assert_eq!(std::mem::offset_of!(ns_handle, reserved), 20);
    }

    #[test]
    fn text_round_trip_and_refusals() {
        let h = parse(b"cgroup:4294967295:18446744073709551615").unwrap();
        assert!(h.to_string().len() < NS_HANDLE_TEXT_MAX);
        assert_eq!(parse(h.to_string().as_bytes()).unwrap(), h);
        for bad in [
            &b""[..],
            b"net",
            b"net:1",
            b"net:1:2:3",
            b"net:01:2",
            b"net:1:+2",
            b"net:1:2\n",
            b" net:1:2",
            b"nett:1:2",
            b"net:0:2",
            b"net:1:0",
            b"net:4294967296:2",
            b"net:1:18446744073709551616",
            b"net:-1:2",
        ] {
            assert_eq!(parse(bad).unwrap_err().errno(), libc::EINVAL, "{bad:?}");
        }
    }

    #[test]
    fn c_form_checks() {
        let h = parse(b"uts:4026531838:2").unwrap();
        let c = h.to_c();
        assert_eq!(NsHandle::from_c(&c).unwrap(), h);
        let mut bad = c;
        bad.size = 32;
        assert!(NsHandle::from_c(&bad).is_err());
        let mut bad = c;
        bad.reserved[10] = 1;
        assert!(NsHandle::from_c(&bad).is_err());
        let mut bad = c;
        bad.r#type |= NsType::Net.bit();
        assert!(NsHandle::from_c(&bad).is_err());
    }
}
