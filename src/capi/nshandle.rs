//! Namespace file handles: encode, open, and their text form.

use std::ffi::{c_char, c_int};

use super::{arg_out, arg_str, ffi, give_fd};
use crate::error::{Error, Result};
use crate::nshandle::{self, ns_handle, NsHandle};

/// A required handle argument, checked.
///
/// # Safety
/// `h` is NULL or valid for reading a struct ns_handle.
unsafe fn arg_handle(h: *const ns_handle, what: &'static str) -> Result<NsHandle> {
    // SAFETY: per the caller's contract.
    let h = unsafe { h.as_ref() }.ok_or_else(|| Error::invalid(what).with_hint("NULL"))?;
    NsHandle::from_c(h)
}

/// Makes a file handle of a namespace: a token that reopens it later.
///
/// The handle names the namespace by its type, inode number and the
/// kernel's 64-bit id (never reused), so it cannot name another namespace
/// later. It is plain bytes: it can be copied, compared with memcmp (the
/// same namespace always gives the same bytes, different namespaces
/// different ones), written to a file (or as text, ns_handle_format) and
/// sent to another process, which opens the namespace with ns_open_handle
/// while it lives. A handle keeps nothing alive: the namespace lives as
/// long as a process, a descriptor or a bind mount holds it.
///
/// `fd`: a namespace descriptor (for a path such as /proc/PID/ns/net,
/// open it first, e.g. with ns_open_path).
///
/// `out`: receives the handle (NULL is refused).
///
/// Returns: 0 with `*out` set, or a negative errno.
///
/// Errors:
/// -EBADF: when `fd` is not open.
/// -EINVAL: when `out` is NULL or `fd` is not a namespace.
/// -EOPNOTSUPP: on kernels before 6.18 (or with LINUXNS_FORCE_FALLBACK
///   set); keep the namespace with ns_bind and reopen the path instead.
///
/// Thread safety: moves nothing; safe from any thread at any time.
/// ns_last_error is per thread.
///
/// Kernel: name_to_handle_at(2) on nsfs, 6.18; no fallback (-EOPNOTSUPP
/// before, found once and remembered).
#[no_mangle]
pub unsafe extern "C" fn ns_handle_encode(fd: c_int, out: *mut ns_handle) -> c_int {
    ffi("ns_handle_encode", || {
        // SAFETY: per this function's contract.
        let out = unsafe { arg_out(out, "ns_handle_encode: out") }?;
        *out = nshandle::encode(fd)?.to_c();
        Ok(0)
    })
}

/// Opens the namespace a file handle names.
///
/// The kernel opens it for a caller that is in the namespace, or that has
/// CAP_SYS_ADMIN over the user namespace owning it; newer stable kernels
/// open namespaces the caller is not in only for CAP_SYS_ADMIN in the
/// initial user namespace from the initial pid namespace, so do not rely
/// on opening other users' namespaces. No CAP_DAC_READ_SEARCH is needed
/// (nsfs makes its own checks): an unprivileged caller opens the handles
/// of its own namespaces and, on 6.18, of namespaces owned by user
/// namespaces it created.
///
/// The kernel answers ESTALE both when the namespace is gone and when the
/// caller may not open it. This function tells the two apart where it
/// can: for a caller with CAP_SYS_ADMIN in the initial user and pid
/// namespaces (which the kernel refuses nothing that lives) it returns
/// -ESTALE with ns_last_error ending in "(the namespace is gone: no live
/// namespace has this type, inode and id)"; when a process the caller may
/// inspect is still in the namespace it returns -EPERM; otherwise -ESTALE
/// with "(the namespace is gone, or the caller may not open it: ...)".
///
/// `h`: a handle from ns_handle_encode or ns_handle_parse, in this or
/// another process, or one built by hand with `size`, `type`,
/// `unique_id` and `inode` all set and zero `reserved` words.
///
/// `flags`: 0 or O_CLOEXEC, which mean the same: the descriptor is always
/// close-on-exec. Other bits are reserved.
///
/// Returns: a new O_CLOEXEC descriptor of the namespace, the caller's to
/// close, or a negative errno.
///
/// Errors:
/// -EINVAL: when `h` is NULL, its size is not sizeof(struct ns_handle),
///   a reserved word is not zero, `type` is not one NS_* value, `inode`
///   or `unique_id` is 0, or `flags` has other bits than O_CLOEXEC.
/// -ESTALE: when no live namespace has this type, inode and id, or
///   (the kernel does not say which) the caller may not open it; see
///   above for the text that tells them apart.
/// -EPERM: when the namespace lives (a process the caller may inspect is
///   in it) but the kernel refuses it to the caller.
/// -EOPNOTSUPP: on kernels before 6.18 (or with LINUXNS_FORCE_FALLBACK
///   set); keep the namespace with ns_bind and reopen the path instead.
/// -EMFILE: when no descriptor is free.
///
/// Thread safety: moves nothing; safe from any thread at any time.
/// ns_last_error is per thread.
///
/// Kernel: open_by_handle_at(2) with FD_NSFS_ROOT, 6.18; no fallback
/// (-EOPNOTSUPP before, found once and remembered).
#[no_mangle]
pub unsafe extern "C" fn ns_open_handle(h: *const ns_handle, flags: c_int) -> c_int {
    ffi("ns_open_handle", || {
        // SAFETY: per this function's contract.
        let h = unsafe { arg_handle(h, "ns_open_handle: h") }?;
        if flags & !libc::O_CLOEXEC != 0 {
            return Err(Error::invalid(format!("flags {flags:#x}"))
                .with_hint("0 or O_CLOEXEC; the descriptor is always close-on-exec"));
        }
        nshandle::open(&h).map(give_fd)
    })
}

/// Writes the text form of a namespace file handle.
///
/// The text is "TYPE:INODE:ID": the type's /proc name, the inode number
/// and the kernel's 64-bit id, in decimal, e.g. "uts:4026532315:4121".
/// Each handle has exactly one text, which ns_handle_parse turns back into
/// the same bytes; it can be stored in a file or passed on a command line.
/// At most NS_HANDLE_TEXT_MAX bytes with the NUL.
///
/// `h`: the handle.
///
/// `buf`: receives the NUL-terminated text; NULL only with `len` 0.
///
/// `len`: the size of `buf`; NS_HANDLE_TEXT_MAX is always enough.
///
/// Returns: the length of the text without its NUL, or a negative errno;
/// nothing is written on failure.
///
/// Errors:
/// -EINVAL: when `h` is NULL or not a valid handle (as for
///   ns_open_handle), or `buf` is NULL with a non-zero `len`.
/// -ERANGE: when `len` is too short for the text and its NUL.
///
/// Thread safety: safe from any thread at any time. ns_last_error is per
/// thread.
///
/// Kernel: any (no system call).
#[no_mangle]
pub unsafe extern "C" fn ns_handle_format(
    h: *const ns_handle,
    buf: *mut c_char,
    len: usize,
) -> c_int {
    ffi("ns_handle_format", || {
        // SAFETY: per this function's contract.
        let h = unsafe { arg_handle(h, "ns_handle_format: h") }?;
        if buf.is_null() && len != 0 {
            return Err(Error::invalid("ns_handle_format: buf").with_hint("NULL"));
        }
        let text = h.to_string();
        debug_assert!(text.len() < nshandle::NS_HANDLE_TEXT_MAX);
        if text.len() >= len {
            return Err(Error::new(libc::ERANGE, format!("buffer of {len} bytes"))
                .with_hint(format!("the text needs {} with its NUL", text.len() + 1)));
        }
        // SAFETY: buf is valid for len bytes, and the text with its NUL fits.
        let out = unsafe { std::slice::from_raw_parts_mut(buf.cast::<u8>(), len) };
        out[..text.len()].copy_from_slice(text.as_bytes());
        out[text.len()] = 0;
        Ok(text.len() as c_int)
    })
}

/// Turns the text form of a namespace file handle back into the handle.
///
/// Accepts exactly what ns_handle_format writes, "TYPE:INODE:ID": no
/// spaces, no newline (strip the one a file line ends with), no signs and
/// no leading zeros, so a text and a handle correspond one to one.
/// Parsing needs no kernel support; opening the handle does.
///
/// `text`: a NUL-terminated string.
///
/// `out`: receives the handle (NULL is refused).
///
/// Returns: 0 with `*out` set, or a negative errno.
///
/// Errors:
/// -EINVAL: when `text` or `out` is NULL, or `text` is not a handle's
///   text: another shape, an unknown type name, a number that is 0, not
///   decimal or too large (the inode has 32 bits, the id 64).
///
/// Thread safety: safe from any thread at any time. ns_last_error is per
/// thread.
///
/// Kernel: any (no system call).
#[no_mangle]
pub unsafe extern "C" fn ns_handle_parse(text: *const c_char, out: *mut ns_handle) -> c_int {
    ffi("ns_handle_parse", || {
        // SAFETY: per this function's contract.
        let text = unsafe { arg_str(text, "ns_handle_parse: text") }?;
        // SAFETY: per this function's contract.
        let out = unsafe { arg_out(out, "ns_handle_parse: out") }?;
        *out = nshandle::parse(text.to_bytes())?.to_c();
        Ok(0)
    })
}
