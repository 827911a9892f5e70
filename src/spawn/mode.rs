//! Deciding how a spawn runs: a pure function of what is asked and what the
//! kernel was found to offer, so the whole table can be tested without a
//! single system call.

/// What the child runs, as far as the decision goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A program (execve): shares the caller's memory until it execs.
    Exec,
    /// A function in a fork-like copy of the caller.
    Call,
    /// A holding child of the library's own: shares the caller's memory.
    Hold,
}

/// Everything the decision depends on.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Ask {
    pub kind: Option<Kind>,
    /// Namespaces to join (ns_spawn_attr_join).
    pub joins: bool,
    /// One of them is a time namespace: setns(2) takes it only from a
    /// process whose memory no other process shares (EUSERS otherwise).
    pub joins_time: bool,
    /// The joins are all of types the first child may enter itself before
    /// creating the new ones with unshare(2) (user, net, uts, ipc, cgroup,
    /// mnt: not pid or time, but a PID join the calling thread makes), and
    /// no new type applies to children only (pid, time) or is also joined.
    pub joins_fast: bool,
    /// One of them is a user namespace (not the caller's own).
    pub joins_user: bool,
    /// Time offsets to write (a new time namespace).
    pub time_offsets: bool,
    /// A new time namespace is asked for.
    pub new_time: bool,
    /// A new user namespace with a uid or gid map.
    pub maps: bool,
    /// Those maps are single ids of the caller's own, which the child may
    /// write itself.
    pub maps_self_writable: bool,
    /// The library's own program whose status must survive foreign
    /// reapers (newuidmap).
    pub supervise: bool,
    /// clone3 works here.
    pub clone3: bool,
    /// /proc shows the caller's PID namespace.
    pub proc_is_ours: bool,
}

/// Who writes the uid/gid maps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Maps {
    None,
    /// The child, for itself, before anything else (no round trip).
    Child,
    /// The caller, while the child waits on the go pipe.
    Parent,
}

/// How the spawn runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Mode {
    /// Joins (but fast ones), time offsets, a new time namespace without
    /// clone3 (clone(2) cannot create one) and supervised programs go
    /// through an intermediate process, which creates the final child.
    pub intermediate: bool,
    /// The first child, the program's process, joins and then unshares the
    /// new types itself (no namespace flags on its clone).
    pub fast_joins: bool,
    /// The first child shares the caller's memory (CLONE_VM).
    pub shares_memory: bool,
    pub maps: Maps,
    /// CLONE_VFORK: the caller sleeps until the program runs and reads a
    /// failure from shared memory; no report channel at all.
    pub vfork: bool,
    /// Descriptors come back from the child (the final child's pidfd, a
    /// holder's /proc/self, a /proc/self to write maps through): the
    /// report channel is a socket, else a pipe.
    pub sends_fds: bool,
    /// The child sends its /proc/self for the maps (the caller's /proc is
    /// another PID namespace's).
    pub send_proc_dir: bool,
    /// The intermediate of a program is a vfork child that shares the
    /// caller's descriptor table (CLONE_FILES): the final child's pidfd,
    /// from its clone, is the caller's at once, and the intermediate
    /// reports through shared memory, as the final child does (vfork of
    /// the intermediate). No report channel, no message, one wake-up.
    pub files_shared: bool,
}

pub(crate) fn decide(a: &Ask) -> Mode {
    let kind = a.kind.unwrap_or(Kind::Exec);
    let fast_joins = a.joins && a.joins_fast && !a.joins_time && !a.new_time;
    let intermediate =
        a.supervise || (a.joins && !fast_joins) || a.time_offsets || (a.new_time && !a.clone3);
    let fast_joins = fast_joins && !intermediate;
    // Single own ids are written by the process in the new user
    // namespace itself: the program's, or the intermediate that creates
    // it (unless it joined a user namespace first: then its ids there are
    // not the caller's).
    let maps = match (
        a.maps,
        a.maps_self_writable && !(intermediate && a.joins_user),
    ) {
        (false, _) => Maps::None,
        (true, true) => Maps::Child,
        (true, false) => Maps::Parent,
    };
    let send_proc_dir = maps == Maps::Parent && !a.proc_is_ours;
    // A supervising intermediate outlives the spawn: its own memory; so
    // does one that joins a time namespace (EUSERS otherwise).
    let shares_memory = kind != Kind::Call && !a.supervise && !a.joins_time;
    // An intermediate that needs nothing from the caller while it runs
    // (no maps to wait for) and creates a program's process.
    let files_shared = intermediate && kind == Kind::Exec && shares_memory && maps != Maps::Parent;
    Mode {
        intermediate,
        fast_joins,
        shares_memory,
        maps,
        vfork: kind == Kind::Exec && (!intermediate || files_shared) && maps != Maps::Parent,
        sends_fds: (intermediate && !files_shared) || kind == Kind::Hold || send_proc_dir,
        send_proc_dir,
        files_shared,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(kind: Kind) -> Ask {
        Ask {
            kind: Some(kind),
            clone3: true,
            proc_is_ours: true,
            ..Default::default()
        }
    }

    #[test]
    fn the_paths() {
        // A plain program, or one with self-written root maps: vfork.
        let m = decide(&ask(Kind::Exec));
        assert!(m.vfork && !m.intermediate && !m.sends_fds && m.shares_memory);
        let m = decide(&Ask {
            maps: true,
            maps_self_writable: true,
            ..ask(Kind::Exec)
        });
        assert_eq!((m.vfork, m.maps), (true, Maps::Child));
        // Multi-range maps: the parent writes them, through /proc/PID, over
        // a pipe; through the child's /proc/self, over a socket, when /proc
        // is foreign.
        let m = decide(&Ask {
            maps: true,
            ..ask(Kind::Exec)
        });
        assert_eq!((m.vfork, m.maps, m.sends_fds), (false, Maps::Parent, false));
        let m = decide(&Ask {
            maps: true,
            proc_is_ours: false,
            ..ask(Kind::Exec)
        });
        assert!(m.send_proc_dir && m.sends_fds);
        // A join: an intermediate, which writes single own ids itself
        // (no round trip), unless it joined a user namespace first (then
        // the parent writes them, while it waits).
        let m = decide(&Ask {
            joins: true,
            maps: true,
            maps_self_writable: true,
            ..ask(Kind::Exec)
        });
        assert_eq!(
            (m.intermediate, m.maps, m.vfork, m.files_shared, m.sends_fds),
            (true, Maps::Child, true, true, false)
        );
        let m = decide(&Ask {
            joins: true,
            joins_user: true,
            maps: true,
            maps_self_writable: true,
            ..ask(Kind::Exec)
        });
        assert_eq!(
            (m.intermediate, m.maps, m.vfork, m.files_shared),
            (true, Maps::Parent, false, false)
        );
        // A new time namespace needs an intermediate only without clone3.
        let time = Ask {
            new_time: true,
            ..ask(Kind::Exec)
        };
        assert!(!decide(&time).intermediate);
        assert!(
            decide(&Ask {
                clone3: false,
                ..time
            })
            .intermediate
        );
        // A function gets its own memory; a holder sends descriptors.
        assert!(!decide(&ask(Kind::Call)).shares_memory);
        assert!(!decide(&ask(Kind::Call)).vfork);
        assert!(decide(&ask(Kind::Hold)).sends_fds);
        // Joining a time namespace: an intermediate in its own memory.
        let m = decide(&Ask {
            joins: true,
            joins_time: true,
            ..ask(Kind::Exec)
        });
        assert!(m.intermediate && !m.shares_memory && !m.vfork);
        // A supervised helper: an intermediate in its own memory.
        let m = decide(&Ask {
            supervise: true,
            ..ask(Kind::Exec)
        });
        assert!(m.intermediate && !m.shares_memory && m.sends_fds && !m.vfork);
    }

    /// The rules that hold in every one of the 3 * 2^10 combinations.
    #[test]
    fn invariants_over_the_whole_table() {
        for bits in 0u32..(3 << 10) {
            let kind = [Kind::Exec, Kind::Call, Kind::Hold][(bits >> 10) as usize % 3];
            let b = |n: u32| bits & (1 << n) != 0;
            let a = Ask {
                kind: Some(kind),
                joins: b(0),
                joins_time: b(0) && b(8),
                joins_fast: b(0) && b(9),
                joins_user: b(0) && b(9) && b(8),
                time_offsets: b(1),
                new_time: b(2),
                maps: b(3),
                maps_self_writable: b(4),
                supervise: b(5),
                clone3: b(6),
                proc_is_ours: b(7),
            };
            let m = decide(&a);
            // vfork only for a program needing no round trip; an
            // intermediate then shares the caller's descriptors.
            assert!(
                !m.vfork
                    || (kind == Kind::Exec
                        && m.maps != Maps::Parent
                        && (!m.intermediate || m.files_shared))
            );
            assert!(
                !m.files_shared || (m.intermediate && m.vfork && m.shares_memory && !a.supervise)
            );
            // Every intermediate of a program that needs no round trip
            // and shares the caller's memory takes that path.
            assert_eq!(
                m.files_shared,
                m.intermediate && kind == Kind::Exec && m.shares_memory && m.maps != Maps::Parent
            );
            // Whatever needs an intermediate gets one; joins only when the
            // program's process cannot make them itself.
            let fast = a.joins_fast && !a.joins_time && !a.new_time;
            assert_eq!(
                m.intermediate,
                a.supervise || (a.joins && !fast) || a.time_offsets || (a.new_time && !a.clone3)
            );
            // Fast joins: the program's own process, which joins.
            assert!(!m.fast_joins || (a.joins && !m.intermediate));
            // The child (the program's process, or the intermediate that
            // creates the user namespace) writes maps only for itself,
            // only when they are single own ids, never after joining a
            // user namespace.
            assert!(
                m.maps != Maps::Child
                    || (a.maps_self_writable && !(m.intermediate && a.joins_user))
            );
            assert_eq!(m.maps == Maps::None, !a.maps);
            // A descriptor comes back exactly when something must send one.
            assert_eq!(
                m.sends_fds,
                (m.intermediate && !m.files_shared)
                    || kind == Kind::Hold
                    || (m.maps == Maps::Parent && !a.proc_is_ours)
            );
            // A vfork child has no report channel, so it can send nothing.
            assert!(!(m.vfork && m.sends_fds));
            // A function never shares the caller's memory.
            assert!(kind != Kind::Call || !m.shares_memory);
            // Nor does a process that joins a time namespace.
            assert!(!a.joins_time || !m.shares_memory);
        }
    }
}
