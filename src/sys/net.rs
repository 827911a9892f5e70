//! Network interfaces: what bringing the loopback device up (`ip link set
//! lo up`) takes, through the SIOCGIFFLAGS/SIOCSIFFLAGS ioctls of a socket
//! in the caller's network namespace. The spawn child issues them itself
//! (child_ops::loopback_up), with these values.

pub(crate) const SIOCGIFFLAGS: usize = 0x8913;
pub(crate) const SIOCSIFFLAGS: usize = 0x8914;
pub(crate) const IFF_UP: libc::c_short = 0x1;

/// struct ifreq with the flags member of its union (40 bytes on 64-bit).
#[repr(C)]
pub(crate) struct IfreqFlags {
    pub name: [u8; 16],
    pub flags: libc::c_short,
    _pad: [u8; 22],
}

/// The request for "lo", flags 0 (on the stack: no allocation).
pub(crate) const fn lo_request() -> IfreqFlags {
    let mut name = [0u8; 16];
    name[0] = b'l';
    name[1] = b'o';
    IfreqFlags {
        name,
        flags: 0,
        _pad: [0; 22],
    }
}

const _: () = assert!(std::mem::size_of::<IfreqFlags>() == 40);
