//! Showing a [`Command`]: [`Style`] and [`Printer`], as the `unshare`
//! crate writes them (and `Debug`).

use std::ffi::{CString, OsStr};
use std::fmt;
use std::os::unix::ffi::OsStrExt;

use super::Command;

/// How [`Command::display`] shows a command.
///
/// ```
/// use linuxns::unshare::{Command, Style};
/// let mut cmd = Command::new("/bin/echo");
/// cmd.arg("hi");
/// assert_eq!(cmd.display(&Style::short()).to_string(), r#""echo" "hi""#);
/// ```
#[derive(Clone, Debug)]
pub struct Style {
    cmd_only: bool,
    print_env: bool,
    show_path: bool,
}

impl Style {
    /// Everything, as `Debug` shows it.
    ///
    /// ```
    /// use linuxns::unshare::{Command, Style};
    /// let mut cmd = Command::new("/bin/hello");
    /// cmd.env_clear().env("A", "B");
    /// assert_eq!(cmd.display(&Style::debug()).to_string(), r#"<Command "/bin/hello"; environ: {"A"="B",}>"#);
    /// ```
    pub fn debug() -> Style {
        Style {
            cmd_only: false,
            print_env: true,
            show_path: true,
        }
    }

    /// The program's name and its arguments only.
    ///
    /// ```
    /// use linuxns::unshare::{Command, Style};
    /// let mut cmd = Command::new("/bin/hello");
    /// cmd.arg("world!");
    /// assert_eq!(cmd.display(&Style::short()).to_string(), r#""hello" "world!""#);
    /// ```
    pub fn short() -> Style {
        Style {
            cmd_only: true,
            print_env: false,
            show_path: false,
        }
    }

    /// With [`Style::debug`], whether the environment is shown (else only
    /// its size).
    ///
    /// ```
    /// use linuxns::unshare::{Command, Style};
    /// let mut cmd = Command::new("/bin/hello");
    /// cmd.env_clear().env("A", "B");
    /// assert_eq!(cmd.display(&Style::debug().env(false)).to_string(), r#"<Command "/bin/hello"; environ[1]>"#);
    /// ```
    pub fn env(mut self, enable: bool) -> Style {
        self.print_env = enable;
        self
    }

    /// With [`Style::short`], whether the program's whole path is shown
    /// (and `argv[0]` after it when they differ).
    ///
    /// ```
    /// use linuxns::unshare::{Command, Style};
    /// let cmd = Command::new("/bin/hello");
    /// assert_eq!(cmd.display(&Style::short().path(true)).to_string(), r#""/bin/hello""#);
    /// ```
    pub fn path(mut self, enable: bool) -> Style {
        self.show_path = enable;
        self
    }
}

/// A [`Command`] shown in a [`Style`], made by [`Command::display`].
///
/// ```
/// use linuxns::unshare::{Command, Style};
/// let cmd = Command::new("/bin/true");
/// println!("{}", cmd.display(&Style::debug()));
/// ```
pub struct Printer<'a>(pub(crate) &'a Command, pub(crate) &'a Style);

/// An argument as a C string shows (`"a\xff"`).
struct C<'a>(&'a OsStr);

impl fmt::Debug for C<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match CString::new(self.0.as_bytes()) {
            Ok(c) => fmt::Debug::fmt(&c, f),
            Err(_) => fmt::Debug::fmt(self.0, f),
        }
    }
}

impl fmt::Display for Printer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Printer(cmd, style) = *self;
        let program = cmd.filename.as_os_str();
        let arg0 = cmd.args[0].as_os_str();
        if style.cmd_only {
            if style.show_path {
                write!(f, "{:?}", C(program))?;
                if arg0 != program {
                    write!(f, " ({:?})", C(arg0))?;
                }
            } else {
                let name = if arg0 != program { arg0 } else { program };
                let bytes = name.as_bytes();
                match bytes.iter().rposition(|&b| b == b'/') {
                    Some(i) => write!(f, "{:?}", String::from_utf8_lossy(&bytes[i + 1..]))?,
                    None => write!(f, "{:?}", C(name))?,
                }
            }
            for a in &cmd.args[1..] {
                write!(f, " {:?}", C(a))?;
            }
            return Ok(());
        }
        write!(f, "<Command {:?}", C(program))?;
        if arg0 != program {
            write!(f, " ({:?})", C(arg0))?;
        }
        for a in &cmd.args[1..] {
            write!(f, " {:?}", C(a))?;
        }
        if let Some(env) = &cmd.environ {
            if style.print_env {
                f.write_str("; environ: {")?;
                for (k, v) in env {
                    write!(f, "{:?}={:?},", k, v)?;
                }
                f.write_str("}")?;
            } else {
                write!(f, "; environ[{}]", env.len())?;
            }
        }
        if let Some(dir) = &cmd.chroot_dir {
            write!(f, "; chroot={:?}", dir)?;
        }
        if let Some((new, old, unmount)) = &cmd.pivot_root {
            write!(f, "; pivot_root=({:?};{:?};{})", new, old, unmount)?;
        }
        if let Some(dir) = &cmd.work_dir {
            write!(f, "; work-dir={:?}", C(dir.as_os_str()))?;
        }
        if let Some((uids, gids)) = &cmd.id_maps {
            write!(f, "; uid_map={:?}", uids)?;
            write!(f, "; gid_map={:?}", gids)?;
        }
        if let Some(uid) = cmd.uid {
            write!(f, "; uid={}", uid)?;
        }
        if let Some(gid) = cmd.gid {
            write!(f, "; gid={}", gid)?;
        }
        if let Some(gids) = &cmd.groups {
            write!(f, "; gids={:?}", gids)?;
        }
        f.write_str(">")
    }
}

impl fmt::Debug for Command {
    /// As [`Style::debug`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&Printer(self, &Style::debug()), f)
    }
}
