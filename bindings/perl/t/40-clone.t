# LinuxNS::Clone (the Linux::Clone interface): clone, unshare, setns, kcmp,
# pivot_root, each in forked children; return conventions (-1 and $!).
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NSTest;
use POSIX ();
use Errno qw(EINVAL EBADF);
use File::Temp ();
use Linux::Clone;
use LinuxNS::Clone ();

need_root();

# clone: a sub in new namespaces; its return value is the exit status.
{
    pipe(my $r, my $w) or die;
    my $pid = Linux::Clone::clone sub {
        print {$w} join(' ', $$, proc_id('self', 'pid'), proc_id('self', 'uts')), "\n";
        close $w;
        42;
    }, 0, POSIX::SIGCHLD | Linux::Clone::NEWPID | Linux::Clone::NEWUTS;
    close $w;
    ok($pid > 0, "clone returns the child's pid $pid");
    my $line = <$r> // '';
    is(waitpid($pid, 0), $pid, 'the child is ours to wait for');
    is($? >> 8, 42, 'its exit status is the sub\'s return value');
    my ($cpid, $pidns, $uts) = split ' ', $line;
    is($cpid, 1, 'NEWPID: the child is pid 1');
    isnt($uts, proc_id('self', 'uts'), 'NEWUTS: a new UTS namespace');
    isnt($pidns, proc_id($$, 'pid'), 'NEWPID: /proc/self/ns/pid of the child is a new namespace');
}

# Refused flags: -1 with EINVAL, nothing started.
for my $case (['VM', Linux::Clone::VM], ['VFORK', Linux::Clone::VFORK], ['THREAD', Linux::Clone::THREAD],
              ['SIGHAND', Linux::Clone::SIGHAND], ['FILES', Linux::Clone::FILES], ['FS', Linux::Clone::FS]) {
    $! = 0;
    my $rc = Linux::Clone::clone(sub { 0 }, 0, POSIX::SIGCHLD | $case->[1]);
    is($rc, -1, "clone with $case->[0]: -1");
    is($! + 0, EINVAL, '... $! = EINVAL');
}
{
    my $rc = Linux::Clone::clone(sub { 0 }, 0, POSIX::SIGUSR1);
    is($rc, -1, 'clone with exit signal SIGUSR1: -1');
    is($! + 0, EINVAL, '... $! = EINVAL');
}

# unshare: 0, and the forked child is in a new namespace.
{
    my ($rc, $before, $after) = in_child(sub {
        my $b = proc_id('self', 'net');
        # ($) makes unshare a named unary operator: parenthesise a | of flags
        my $rc = Linux::Clone::unshare(Linux::Clone::NEWNET | Linux::Clone::NEWUTS);
        return ($rc, $b, proc_id('self', 'net'));
    });
    is($rc, 0, 'unshare(NEWNET|NEWUTS) returns 0');
    isnt($after, $before, '... and moved the child');
    my ($bad, $err) = in_child(sub { my $r = Linux::Clone::unshare(Linux::Clone::VM); ($r, $! + 0) });
    is($bad, -1, 'unshare(VM): -1');
    is($err, EINVAL, '... EINVAL');
    # The ($) prototype: "unshare FLAGS and ..." parses as in Linux::Clone.
    my ($ok) = in_child(sub { my $r = 'x'; Linux::Clone::unshare Linux::Clone::NEWUTS and $r = 'failed'; $r });
    is($ok, 'x', 'unshare FLAGS and ...: parses with the ($) prototype');
}

# setns: with a file handle and a descriptor number.
{
    pipe(my $r, my $w) or die;
    my $holder = LinuxNS::spawn(['sh', '-c', 'read x; exit 0'], namespaces => LinuxNS::NS_UTS, fds => { 0 => $r });
    close $r;
    my ($rc, $uts, $rc2) = in_child(sub {
        open my $fh, '<', "/proc/$holder/ns/uts" or die "open: $!";
        my $rc = Linux::Clone::setns($fh, Linux::Clone::NEWUTS);
        my $in = proc_id('self', 'uts');
        open my $back, '<', "/proc/1/ns/uts";
        my $rc2 = Linux::Clone::setns(fileno($fh), 0);
        return ($rc, $in, $rc2);
    });
    is($rc, 0, 'setns($fh, NEWUTS) returns 0');
    is($uts, proc_id($holder, 'uts'), '... and the child is in that namespace');
    is($rc2, 0, 'setns($fd, 0) returns 0');
    my ($bad, $err) = in_child(sub {
        open my $fh, '<', "/proc/$holder/ns/uts" or die;
        my $r = Linux::Clone::setns($fh, Linux::Clone::NEWNET);
        ($r, $! + 0);
    });
    is($bad, -1, 'setns with the wrong type: -1');
    is($err, EINVAL, '... EINVAL');
    my $r2 = Linux::Clone::setns(999, 0);
    is($r2, -1, 'setns of a closed descriptor: -1');
    is($! + 0, EBADF, '... EBADF');
    close $w;
    waitpid($holder, 0);
}

# kcmp: ourselves and a forked child share nothing of VM, everything after fork is copied.
{
    is(Linux::Clone::kcmp($$, $$, Linux::Clone::KCMP_VM), 0, 'kcmp(self, self, VM) = 0');
    pipe(my $r, my $w) or die;
    my $pid = fork // die;
    if ($pid == 0) { close $w; <$r>; POSIX::_exit(0) }
    close $r;
    my $vm = Linux::Clone::kcmp($$, $pid, Linux::Clone::KCMP_VM);
    ok($vm >= 1 && $vm <= 3, "kcmp(self, child, VM) = $vm: different");
    open my $fh, '<', '/dev/null' or die;
    is(Linux::Clone::kcmp($$, $$, Linux::Clone::KCMP_FILE, fileno($fh), fileno($fh)), 0, 'kcmp FILE of one fd: 0');
    my $rc = Linux::Clone::kcmp($$, $$, 99);
    is($rc, -1, 'kcmp with a bad type: -1');
    is($! + 0, EINVAL, '... EINVAL');
    close $w;
    waitpid($pid, 0);
}

# pivot_root in a child with its own mount namespace.
{
    my $dir = File::Temp::tempdir(CLEANUP => 1);
    my ($rc, $err, $seen) = in_child(sub {
        Linux::Clone::unshare(Linux::Clone::NEWNS) == 0 or die "unshare: $!";
        system('mount', '--make-rprivate', '/') == 0 or die "make-rprivate";
        system('mount', '-t', 'tmpfs', 'tmpfs', $dir) == 0 or die "mount tmpfs";
        mkdir "$dir/old" or die;
        open my $f, '>', "$dir/marker" or die; close $f;
        my $rc = Linux::Clone::pivot_root($dir, "$dir/old");
        my $err = $! + 0;
        return ($rc, $err, (-e '/marker' ? 1 : 0));
    });
    is($rc, 0, 'pivot_root returns 0');
    is($seen, 1, '... and / is the new root');
    my ($bad, $berr) = in_child(sub { my $r = Linux::Clone::pivot_root('/nonexistent', '/nonexistent'); ($r, $! + 0) });
    is($bad, -1, 'pivot_root of a missing directory: -1');
    ok($berr, "... \$! set ($berr)");
}

done_testing();
