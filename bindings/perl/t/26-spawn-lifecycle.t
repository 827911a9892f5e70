# The spawn options no_new_privs, autoreap and autokill (LINUXNS_0.2,
# CLONE_NNP / CLONE_AUTOREAP / CLONE_PIDFD_AUTOKILL of Linux 7.1), as the
# kernel shows them: NoNewPrivs in the program's /proc/self/status; where
# the kernel has the flags, a program nobody waits for whose status comes
# from its pidfd, and a program that dies with its pidfd; where it has
# not, EOPNOTSUPP naming 7.1. As any user.
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NSTest;
use POSIX ();
use IO::Select ();
use Errno qw(ECHILD EOPNOTSUPP ESRCH);
use LinuxNS qw(:types :features :functions);

my $features = features();
diag(sprintf('features 0x%x: CLONE_NNP %d, CLONE_AUTOREAP %d, CLONE_PIDFD_AUTOKILL %d', $features,
    map { $features & $_ ? 1 : 0 } NS_FEATURE_CLONE_NNP, NS_FEATURE_CLONE_AUTOREAP, NS_FEATURE_CLONE_PIDFD_AUTOKILL));

# Runs the program with its stdout into a pipe; its output and status.
sub run_out {
    my ($argv, %o) = @_;
    pipe(my $r, my $w) or die "pipe: $!";
    my $pid = spawn($argv, %o, fds => { 1 => $w });
    close $w;
    my $out = do { local $/; <$r> } // '';
    close $r;
    waitpid($pid, 0);
    return wantarray ? ($out, $?) : $out;
}

# The NoNewPrivs value of /proc/self/status as the program reads it.
sub nnp_of {
    my ($out) = @_;
    return $out =~ /^NoNewPrivs:\t(\d+)$/m ? $1 : undef;
}

# A spawn of cat /proc/self/status with an attribute object (which takes
# no other spawn options: the pipe goes into the object); its output.
sub status_with_attr {
    my ($attr) = @_;
    pipe(my $r, my $w) or die "pipe: $!";
    $attr->set(fds => { 1 => $w });
    my $pid = spawn(['cat', '/proc/self/status'], attr => $attr);
    close $w;
    my $out = do { local $/; <$r> } // '';
    close $r;
    waitpid($pid, 0);
    return $out;
}

sub our_nnp {
    open my $f, '<', '/proc/self/status' or die "/proc/self/status: $!";
    my $s = do { local $/; <$f> };
    return nnp_of($s);
}

# --- no_new_privs ----------------------------------------------------------
{
    is(our_nnp(), 0, 'this process runs without no_new_privs (NoNewPrivs: 0)');
    my ($out, $st) = run_out(['cat', '/proc/self/status'], no_new_privs => 1);
    is($st, 0, 'spawn with no_new_privs => 1: exit 0');
    is(nnp_of($out), 1, '... the program\'s /proc/self/status has NoNewPrivs: 1');
    is(our_nnp(), 0, '... and ours still NoNewPrivs: 0');
    is(nnp_of(scalar run_out(['cat', '/proc/self/status'])), 0, 'a plain spawn: NoNewPrivs: 0');
    is(nnp_of(scalar run_out(['cat', '/proc/self/status'], no_new_privs => 0)), 0, 'no_new_privs => 0: NoNewPrivs: 0');
    # Inherited: what the program runs has it too.
    is(nnp_of(scalar run_out(['sh', '-c', 'cat /proc/self/status'], no_new_privs => 1)), 1,
        'no_new_privs => 1: a process the program starts has NoNewPrivs: 1 as well');

    # A reused attribute object, turned off again.
    my $attr = spawn_attr(no_new_privs => 1);
    is(nnp_of(status_with_attr($attr)), 1, 'spawn_attr(no_new_privs => 1): NoNewPrivs: 1');
    $attr->set(no_new_privs => 0);
    is(nnp_of(status_with_attr($attr)), 0, '... then $attr->set(no_new_privs => 0): NoNewPrivs: 0');

    # spawn_sub: the sub itself runs with it.
    pipe(my $r2, my $w2) or die "pipe: $!";
    my $child = spawn_sub(sub {
        open my $f, '<', '/proc/self/status' or return 2;
        my $s = do { local $/; <$f> };
        print {$w2} (nnp_of($s) // 'none'), "\n";
        close $w2;
        return 0;
    }, no_new_privs => 1);
    close $w2;
    my $line = <$r2> // '';
    waitpid($child, 0);
    is($line, "1\n", 'spawn_sub with no_new_privs => 1: the sub sees NoNewPrivs: 1');
    is($?, 0, '... and exits 0');
}

# --- autoreap ------------------------------------------------------------------
if ($features & NS_FEATURE_CLONE_AUTOREAP) {
    my ($pid, $fh) = spawn(['sh', '-c', 'exit 7'], autoreap => 1, pidfd => 1);
    ok(IO::Select->new($fh)->can_read(10), 'autoreap => 1 (NS_FEATURE_CLONE_AUTOREAP): the pidfd polls readable once the program exits');
    is(pidfd_status($fh), 7 << 8, '... pidfd_status gives its status (exit 7)');
    is(waitpid($pid, POSIX::WNOHANG()), -1, '... waitpid cannot wait for it');
    ok($!{ECHILD}, '... ECHILD: the kernel reaped it');
    close $fh;

    my ($pid2, $fh2) = spawn(['sleep', '30'], autoreap => 1, pidfd => 1);
    is(pidfd_status($fh2), undef, 'an autoreaped program that runs: pidfd_status undef');
    kill 'KILL', $pid2;
    ok(IO::Select->new($fh2)->can_read(10), '... after SIGKILL the pidfd polls readable');
    is(pidfd_status($fh2), POSIX::SIGKILL(), '... and its status is death by SIGKILL');
    close $fh2;

    # The kernel reaps only a child the caller clones itself.
    my $uts = open_pid(0, NS_UTS);
    eval { spawn(['true'], autoreap => 1, join => [$uts]) };
    is(ref $@ && $@->errno, EOPNOTSUPP, 'autoreap with a join: EOPNOTSUPP from ' . (ref $@ ? $@->function : "$@"));
} else {
    eval { spawn(['true'], autoreap => 1) };
    my $e = $@;
    isa_ok($e, 'LinuxNS::Error', 'autoreap => 1 without NS_FEATURE_CLONE_AUTOREAP: dies with');
    is(ref $e && $e->errno, EOPNOTSUPP, '... EOPNOTSUPP');
    is(ref $e && $e->function, 'ns_spawn_attr_set_autoreap', '... from ns_spawn_attr_set_autoreap');
    like(ref $e ? $e->detail : '', qr/^ns_spawn_attr_set_autoreap: .*CLONE_AUTOREAP.*\b7\.1\b/,
        '... the detail names the function, CLONE_AUTOREAP and 7.1: ' . (ref $e ? $e->detail : $e));
    eval { spawn_attr(autoreap => 1) };
    is(ref $@ && $@->errno, EOPNOTSUPP, 'spawn_attr(autoreap => 1): EOPNOTSUPP as well');
}
{
    # Off always succeeds, and the program is an ordinary child.
    my ($out, $st) = run_out(['sh', '-c', 'echo ran; exit 4'], autoreap => 0);
    is($out, "ran\n", 'autoreap => 0: the program runs');
    is($st, 4 << 8, '... and waitpid gets its status (exit 4)');
}

# --- autokill --------------------------------------------------------------------
if ($features & NS_FEATURE_CLONE_PIDFD_AUTOKILL) {
    # The program holds the write end of a pipe: EOF when it is gone.
    pipe(my $r, my $w) or die "pipe: $!";
    my ($pid, $fh) = spawn(['sleep', '60'], autokill => 1, pidfd => 1, fds => { 1 => $w });
    close $w;
    ok(kill(0, $pid), 'autokill => 1 (NS_FEATURE_CLONE_PIDFD_AUTOKILL): the program runs while we hold its pidfd');
    ok(!IO::Select->new($r)->can_read(0.2), '... its stdout stays open');
    close $fh;
    ok(IO::Select->new($r)->can_read(10), 'closing the pidfd: the program\'s stdout closes within 10 s');
    is(scalar(<$r>), undef, '... at EOF: the program is gone');
    my $gone = 0;
    for (1 .. 500) {
        if (!kill(0, $pid) && $!{ESRCH}) { $gone = 1; last }
        select(undef, undef, undef, 0.01);
    }
    ok($gone, '... killed and reaped by the kernel (kill 0: ESRCH)');
    is(waitpid($pid, POSIX::WNOHANG()), -1, '... never our child to wait for (autokill implies autoreap)');

    # A pidfd kept open keeps it alive; no_new_privs comes with autokill.
    pipe(my $r2, my $w2) or die "pipe: $!";
    my ($pid2, $fh2) = spawn(['sh', '-c', 'cat /proc/self/status; exit 0'], autokill => 1, pidfd => 1, fds => { 1 => $w2 });
    close $w2;
    my $out = do { local $/; <$r2> } // '';
    ok(IO::Select->new($fh2)->can_read(10), 'autokill => 1, pidfd held: the program runs to its end, the pidfd polls readable');
    is(pidfd_status($fh2), 0, '... pidfd_status 0 (exit 0)');
    is(nnp_of($out), 1, '... and it ran with NoNewPrivs: 1 (autokill implies no_new_privs)');
    close $fh2;
} else {
    eval { spawn(['true'], autokill => 1) };
    my $e = $@;
    isa_ok($e, 'LinuxNS::Error', 'autokill => 1 without NS_FEATURE_CLONE_PIDFD_AUTOKILL: dies with');
    is(ref $e && $e->errno, EOPNOTSUPP, '... EOPNOTSUPP');
    is(ref $e && $e->function, 'ns_spawn_attr_set_autokill', '... from ns_spawn_attr_set_autokill');
    like(ref $e ? $e->detail : '', qr/^ns_spawn_attr_set_autokill: .*CLONE_PIDFD_AUTOKILL.*\b7\.1\b/,
        '... the detail names the function, CLONE_PIDFD_AUTOKILL and 7.1: ' . (ref $e ? $e->detail : $e));
    # The refused setter left the object as it was: no no_new_privs.
    my $attr = spawn_attr(no_new_privs => 0);
    eval { $attr->set(autokill => 1) };
    is(ref $@ && $@->errno, EOPNOTSUPP, '$attr->set(autokill => 1): EOPNOTSUPP');
    is(nnp_of(status_with_attr($attr)), 0, '... and left the object as it was: the program has NoNewPrivs: 0');
}
{
    my ($out, $st) = run_out(['sh', '-c', 'echo ran; exit 5'], autokill => 0);
    is($out, "ran\n", 'autokill => 0: the program runs');
    is($st, 5 << 8, '... and waitpid gets its status (exit 5)');
    ($out, $st) = run_out(['cat', '/proc/self/status'], autoreap => 0, autokill => 0, no_new_privs => 1);
    is(nnp_of($out), 1, 'autoreap => 0, autokill => 0 with no_new_privs => 1: NoNewPrivs: 1');
    is($st, 0, '... exit 0');
}

done_testing();
