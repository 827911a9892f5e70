//! The child's descriptors: [`Stdio`] for 0-2, [`Fd`] for the others,
//! the pipe ends a [`Child`](super::Child) holds, and descriptor ranges.

use std::fs::File;
use std::io::{self, Read, Write};
use std::ops::{Range, RangeFrom, RangeFull, RangeTo};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};

/// A descriptor given to [`Stdio`] or [`Fd`], which the
/// [`Command`](super::Command) owns and closes when it is dropped (each
/// spawn gives the child a copy).
///
/// ```
/// use std::os::fd::AsRawFd;
/// let f = std::fs::File::open("/dev/null").unwrap();
/// if let linuxns::unshare::Stdio::Fd(c) = linuxns::unshare::Stdio::dup_file(&f).unwrap() {
///     assert!(c.as_raw_fd() >= 3);
/// }
/// ```
#[derive(Debug)]
pub struct Closing(pub(crate) OwnedFd);

impl Closing {
    /// Takes ownership of `fd` (closed when this is dropped).
    ///
    /// # Safety
    /// `fd` is an open descriptor that nothing else owns or closes.
    ///
    /// ```
    /// use std::os::fd::IntoRawFd;
    /// let fd = std::fs::File::open("/dev/null").unwrap().into_raw_fd();
    /// // SAFETY: fd was just given up by its File.
    /// let c = unsafe { linuxns::unshare::Closing::new(fd) };
    /// drop(c);
    /// ```
    pub unsafe fn new(fd: RawFd) -> Closing {
        // SAFETY: per the contract.
        Closing(unsafe { OwnedFd::from_raw_fd(fd) })
    }
}

impl AsRawFd for Closing {
    fn as_raw_fd(&self) -> RawFd {
        self.0.as_raw_fd()
    }
}

impl AsFd for Closing {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.0.as_fd()
    }
}

/// A close-on-exec copy of `file` numbered 3 or above, as the `unshare`
/// crate takes one.
pub(crate) fn dup_file_cloexec<F: AsRawFd>(file: &F) -> io::Result<Closing> {
    let raw = file.as_raw_fd();
    if raw < 0 {
        return Err(io::Error::from_raw_os_error(libc::EBADF));
    }
    // SAFETY: `file` owns (or borrows) the descriptor for the duration of
    // this call, which only duplicates it.
    let fd = unsafe { BorrowedFd::borrow_raw(raw) };
    fd.try_clone_to_owned().map(Closing)
}

/// What a child's standard input, output or error is (the default is
/// [`Stdio::inherit`]).
///
/// ```
/// use linuxns::unshare::{Command, Stdio};
/// let st = Command::new("/bin/sh").arg("-c").arg("echo hidden")
///     .stdout(Stdio::null()).status().unwrap();
/// assert!(st.success());
/// ```
#[derive(Debug)]
pub enum Stdio {
    /// A pipe to or from the caller ([`Child::stdin`](super::Child::stdin),
    /// ...).
    Pipe,
    /// The caller's own descriptor.
    Inherit,
    /// `/dev/null`.
    Null,
    /// A descriptor of the caller's, owned by the command.
    Fd(Closing),
}

impl Stdio {
    /// A pipe to or from the caller.
    ///
    /// ```
    /// let _ = linuxns::unshare::Stdio::piped();
    /// ```
    pub fn piped() -> Stdio {
        Stdio::Pipe
    }

    /// The caller's own descriptor.
    ///
    /// ```
    /// let _ = linuxns::unshare::Stdio::inherit();
    /// ```
    pub fn inherit() -> Stdio {
        Stdio::Inherit
    }

    /// `/dev/null`.
    ///
    /// ```
    /// let _ = linuxns::unshare::Stdio::null();
    /// ```
    pub fn null() -> Stdio {
        Stdio::Null
    }

    /// The [`Fd`] for a descriptor that the child reads (`write` false) or
    /// writes.
    ///
    /// ```
    /// use linuxns::unshare::{Fd, Stdio};
    /// assert!(matches!(Stdio::piped().to_fd(false), Fd::ReadPipe));
    /// assert!(matches!(Stdio::null().to_fd(true), Fd::WriteNull));
    /// ```
    pub fn to_fd(self, write: bool) -> Fd {
        match (self, write) {
            (Stdio::Fd(c), _) => Fd::Fd(c),
            (Stdio::Pipe, false) => Fd::ReadPipe,
            (Stdio::Pipe, true) => Fd::WritePipe,
            (Stdio::Inherit, _) => Fd::Inherit,
            (Stdio::Null, false) => Fd::ReadNull,
            (Stdio::Null, true) => Fd::WriteNull,
        }
    }

    /// A copy of `file`'s descriptor (close-on-exec, numbered 3 or above).
    ///
    /// ```
    /// use linuxns::unshare::{Command, Stdio};
    /// let f = std::fs::File::open("/etc/hostname").unwrap();
    /// let mut child = Command::new("/bin/cat").stdin(Stdio::dup_file(&f).unwrap())
    ///     .stdout(Stdio::piped()).spawn().unwrap();
    /// let mut out = Vec::new();
    /// std::io::Read::read_to_end(child.stdout.as_mut().unwrap(), &mut out).unwrap();
    /// assert_eq!(out, std::fs::read("/etc/hostname").unwrap());
    /// assert!(child.wait().unwrap().success());
    /// ```
    pub fn dup_file<F: AsRawFd>(file: &F) -> io::Result<Stdio> {
        dup_file_cloexec(file).map(Stdio::Fd)
    }

    /// `file`'s own descriptor, which the command takes over. Rust opens
    /// files close-on-exec, as needed here.
    ///
    /// ```
    /// use linuxns::unshare::{Command, Stdio};
    /// let f = std::fs::File::create("/dev/null").unwrap();
    /// let st = Command::new("/bin/echo").arg("x").stdout(Stdio::from_file(f)).status().unwrap();
    /// assert!(st.success());
    /// ```
    pub fn from_file<F: IntoRawFd>(file: F) -> Stdio {
        // SAFETY: into_raw_fd gives up ownership of an open descriptor.
        Stdio::Fd(unsafe { Closing::new(file.into_raw_fd()) })
    }
}

/// What one of a child's descriptors is, for
/// [`Command::file_descriptor`](super::Command::file_descriptor) (the
/// standard ones take a [`Stdio`]).
///
/// ```
/// use linuxns::unshare::{Command, Fd};
/// let mut cmd = Command::new("/bin/sh");
/// cmd.arg("-c").arg("echo to-fd-3 >&3").file_descriptor(3, Fd::piped_write());
/// let mut child = cmd.spawn().unwrap();
/// let mut r = child.take_pipe_reader(3).unwrap();
/// let mut s = String::new();
/// std::io::Read::read_to_string(&mut r, &mut s).unwrap();
/// assert_eq!(s, "to-fd-3\n");
/// child.wait().unwrap();
/// ```
#[derive(Debug)]
pub enum Fd {
    /// A pipe the child reads (the caller writes:
    /// [`Child::take_pipe_writer`](super::Child::take_pipe_writer)).
    ReadPipe,
    /// A pipe the child writes (the caller reads:
    /// [`Child::take_pipe_reader`](super::Child::take_pipe_reader)).
    WritePipe,
    /// The caller's descriptor of the same number.
    Inherit,
    /// `/dev/null`, for reading.
    ReadNull,
    /// `/dev/null`, for writing.
    WriteNull,
    /// A descriptor of the caller's, owned by the command.
    Fd(Closing),
}

impl Fd {
    /// A pipe the child reads.
    ///
    /// ```
    /// let _ = linuxns::unshare::Fd::piped_read();
    /// ```
    pub fn piped_read() -> Fd {
        Fd::ReadPipe
    }

    /// A pipe the child writes.
    ///
    /// ```
    /// let _ = linuxns::unshare::Fd::piped_write();
    /// ```
    pub fn piped_write() -> Fd {
        Fd::WritePipe
    }

    /// The caller's descriptor of the same number (it must be open when
    /// the command is spawned).
    ///
    /// ```
    /// let _ = linuxns::unshare::Fd::inherit();
    /// ```
    pub fn inherit() -> Fd {
        Fd::Inherit
    }

    /// `/dev/null`, for reading.
    ///
    /// ```
    /// let _ = linuxns::unshare::Fd::read_null();
    /// ```
    pub fn read_null() -> Fd {
        Fd::ReadNull
    }

    /// `/dev/null`, for writing.
    ///
    /// ```
    /// let _ = linuxns::unshare::Fd::write_null();
    /// ```
    pub fn write_null() -> Fd {
        Fd::WriteNull
    }

    /// A copy of `file`'s descriptor (close-on-exec, numbered 3 or above).
    ///
    /// ```
    /// let f = std::fs::File::open("/dev/null").unwrap();
    /// assert!(matches!(linuxns::unshare::Fd::dup_file(&f).unwrap(), linuxns::unshare::Fd::Fd(_)));
    /// ```
    pub fn dup_file<F: AsRawFd>(file: &F) -> io::Result<Fd> {
        dup_file_cloexec(file).map(Fd::Fd)
    }

    /// `file`'s own descriptor, which the command takes over.
    ///
    /// ```
    /// let f = std::fs::File::open("/dev/null").unwrap();
    /// let _ = linuxns::unshare::Fd::from_file(f);
    /// ```
    pub fn from_file<F: IntoRawFd>(file: F) -> Fd {
        // SAFETY: into_raw_fd gives up ownership of an open descriptor.
        Fd::Fd(unsafe { Closing::new(file.into_raw_fd()) })
    }
}

/// The caller's end of a pipe the child writes.
///
/// ```
/// use std::io::Read;
/// use linuxns::unshare::{Command, Stdio};
/// let mut child = Command::new("/bin/echo").arg("hi").stdout(Stdio::piped()).spawn().unwrap();
/// let mut s = String::new();
/// child.stdout.take().unwrap().read_to_string(&mut s).unwrap();
/// assert_eq!(s, "hi\n");
/// child.wait().unwrap();
/// ```
#[derive(Debug)]
pub struct PipeReader(File);

/// The caller's end of a pipe the child reads.
///
/// ```
/// use std::io::{Read, Write};
/// use linuxns::unshare::{Command, Stdio};
/// let mut child = Command::new("/bin/cat").stdin(Stdio::piped()).stdout(Stdio::piped())
///     .spawn().unwrap();
/// let mut w = child.stdin.take().unwrap();
/// w.write_all(b"ping").unwrap();
/// drop(w);
/// let mut s = String::new();
/// child.stdout.take().unwrap().read_to_string(&mut s).unwrap();
/// assert_eq!(s, "ping");
/// child.wait().unwrap();
/// ```
#[derive(Debug)]
pub struct PipeWriter(File);

impl PipeReader {
    /// Gives up the descriptor (no longer closed by this value).
    ///
    /// ```
    /// use std::os::fd::FromRawFd;
    /// use linuxns::unshare::{Command, Stdio};
    /// let mut child = Command::new("/bin/true").stdout(Stdio::piped()).spawn().unwrap();
    /// let fd = child.stdout.take().unwrap().into_fd();
    /// // SAFETY: fd was just given up.
    /// drop(unsafe { std::fs::File::from_raw_fd(fd) });
    /// child.wait().unwrap();
    /// ```
    pub fn into_fd(self) -> RawFd {
        self.0.into_raw_fd()
    }
}

impl PipeWriter {
    /// Gives up the descriptor (no longer closed by this value).
    ///
    /// ```
    /// use std::os::fd::FromRawFd;
    /// use linuxns::unshare::{Command, Stdio};
    /// let mut child = Command::new("/bin/true").stdin(Stdio::piped()).spawn().unwrap();
    /// let fd = child.stdin.take().unwrap().into_fd();
    /// // SAFETY: fd was just given up.
    /// drop(unsafe { std::fs::File::from_raw_fd(fd) });
    /// child.wait().unwrap();
    /// ```
    pub fn into_fd(self) -> RawFd {
        self.0.into_raw_fd()
    }
}

impl From<OwnedFd> for PipeReader {
    fn from(fd: OwnedFd) -> PipeReader {
        PipeReader(File::from(fd))
    }
}

impl From<OwnedFd> for PipeWriter {
    fn from(fd: OwnedFd) -> PipeWriter {
        PipeWriter(File::from(fd))
    }
}

impl Read for PipeReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl Write for PipeWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

macro_rules! fd_traits {
    ($t:ty) => {
        impl AsRawFd for $t {
            fn as_raw_fd(&self) -> RawFd {
                self.0.as_raw_fd()
            }
        }
        impl AsFd for $t {
            fn as_fd(&self) -> BorrowedFd<'_> {
                self.0.as_fd()
            }
        }
        impl IntoRawFd for $t {
            fn into_raw_fd(self) -> RawFd {
                self.0.into_raw_fd()
            }
        }
        impl From<$t> for OwnedFd {
            fn from(p: $t) -> OwnedFd {
                p.0.into()
            }
        }
    };
}
fd_traits!(PipeReader);
fd_traits!(PipeWriter);

/// A pipe end a [`Child`](super::Child) holds for a descriptor given to
/// [`file_descriptor`](super::Command::file_descriptor).
#[derive(Debug)]
pub(crate) enum PipeHolder {
    Reader(PipeReader),
    Writer(PipeWriter),
}

/// A range of descriptors for
/// [`Command::close_fds`](super::Command::close_fds), made from `a..b`,
/// `..b` (from 3), `a..` (to the last) or `..` (3 to the last).
///
/// ```
/// use linuxns::unshare::AnyRange;
/// assert!(matches!(AnyRange::from(..10), AnyRange::Range(3, 10)));
/// assert!(matches!(AnyRange::from(..), AnyRange::RangeFrom(3)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnyRange {
    /// From this descriptor to the last.
    RangeFrom(RawFd),
    /// From the first descriptor to the second, which is not included.
    Range(RawFd, RawFd),
}

impl From<Range<RawFd>> for AnyRange {
    fn from(r: Range<RawFd>) -> AnyRange {
        AnyRange::Range(r.start, r.end)
    }
}

impl From<RangeTo<RawFd>> for AnyRange {
    fn from(r: RangeTo<RawFd>) -> AnyRange {
        AnyRange::Range(3, r.end)
    }
}

impl From<RangeFrom<RawFd>> for AnyRange {
    fn from(r: RangeFrom<RawFd>) -> AnyRange {
        AnyRange::RangeFrom(r.start)
    }
}

impl From<RangeFull> for AnyRange {
    fn from(_: RangeFull) -> AnyRange {
        AnyRange::RangeFrom(3)
    }
}
