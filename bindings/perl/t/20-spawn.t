# spawn, spawn_sub, clone_sub: what the child sees, checked from inside
# and through /proc.
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NSTest;
use POSIX ();
use LinuxNS qw(:types :map :functions);

need_root();

sub slurp { my ($p) = @_; open my $f, '<', $p or return undef; local $/; my $t = <$f>; $t }

# A spawned shell in new user, pid, uts namespaces: pid 1, root, hostname.
{
    pipe(my $r, my $w) or die "pipe: $!";
    my ($pid, $pidfd) = spawn(
        ['sh', '-c', 'echo "$$ $(id -u) $(uname -n) $(readlink /proc/self/ns/uts)"'],
        namespaces => NS_USER | NS_PID | NS_UTS, map_root => 1, hostname => 'perl-spawn',
        fds => { 1 => $w }, pidfd => 1);
    close $w;
    my $out = <$r> // '';
    close $r;
    ok($pid > 0, "spawn gives pid $pid");
    ok(defined fileno($pidfd), 'and a pidfd handle on request');
    my $child_uts = eval { open_pidfd($pidfd, NS_UTS)->id };    # still alive? may have exited
    is(waitpid($pid, 0), $pid, 'the spawned program is our child');
    is($?, 0, '... and exits 0');
    chomp $out;
    my ($cpid, $uid, $host, $uts) = split ' ', $out;
    is($cpid, 1, "pid 1 in its PID namespace ($out)");
    is($uid, 0, 'uid 0 (map_root)');
    is($host, 'perl-spawn', 'the hostname set by spawn');
    isnt($uts, readlink('/proc/self/ns/uts'), 'a UTS namespace other than ours');
    is((POSIX::uname())[1] eq 'perl-spawn' ? 1 : 0, 0, 'our hostname is untouched');
}

# Maps: the child's /proc/PID/uid_map and gid_map, seen from outside.
{
    pipe(my $r, my $w) or die "pipe: $!";
    my $pid = spawn(['sh', '-c', 'read x; exit 0'], namespaces => NS_USER,
        uid_map => [{inside => 0, outside => 100000, count => 1000}, {inside => 1000, outside => 0, count => 1}],
        gid_map => [{inside => 0, outside => 200000, count => 10}],
        fds => { 0 => $r });
    close $r;
    my @uid = map { [split] } split /\n/, slurp("/proc/$pid/uid_map") // '';
    my @gid = map { [split] } split /\n/, slurp("/proc/$pid/gid_map") // '';
    is_deeply(\@uid, [[0, 100000, 1000], [1000, 0, 1]], 'uid_map as given, in /proc/PID/uid_map');
    is_deeply(\@gid, [[0, 200000, 10]], 'gid_map as given, in /proc/PID/gid_map');
    is(open_pid($pid, NS_USER)->id, proc_id($pid, 'user'), 'open_pid of the child = readlink /proc/PID/ns/user');
    isnt(proc_id($pid, 'user'), proc_id('self', 'user'), '... a new user namespace');
    close $w;
    waitpid($pid, 0);
    is($?, 0, 'the child ends when its stdin closes');
}

# write_uid_map / write_gid_map on a child that unshared its user namespace.
{
    pipe(my $r1, my $w1) or die;
    pipe(my $r2, my $w2) or die;
    my $pid = fork // die;
    if ($pid == 0) {
        close $r1; close $w2;
        LinuxNS::unshare(NS_USER);
        syswrite $w1, "1";
        sysread $r2, my $x, 1;
        POSIX::_exit(0);
    }
    close $w1; close $r2;
    sysread $r1, my $x, 1;
    ok(write_gid_map($pid, [{inside => 0, outside => 3000, count => 5}], NS_MAP_DENY_SETGROUPS), 'write_gid_map');
    ok(write_uid_map($pid, [{inside => 0, outside => 4000, count => 5}]), 'write_uid_map');
    is(slurp("/proc/$pid/uid_map") =~ s/\s+/ /gr, ' 0 4000 5 ', '/proc/PID/uid_map');
    is(slurp("/proc/$pid/gid_map") =~ s/\s+/ /gr, ' 0 3000 5 ', '/proc/PID/gid_map');
    like(slurp("/proc/$pid/setgroups"), qr/deny/, 'setgroups denied');
    close $w2;
    waitpid($pid, 0);
}

# Joining: a spawned program joins the UTS namespace of another child.
{
    pipe(my $r, my $w) or die;
    pipe(my $r2, my $w2) or die;
    my $holder = spawn(['sh', '-c', 'read x'], namespaces => NS_UTS, hostname => 'perl-join', fds => { 0 => $r2 });
    close $r2;
    my $uts = open_pid($holder, NS_UTS);
    my $pid = spawn(['uname', '-n'], join => [$uts], fds => { 1 => $w });
    close $w;
    my $out = <$r> // '';
    chomp $out;
    waitpid($pid, 0);
    is($out, 'perl-join', 'join => [$ns]: the program sees the joined hostname');
    close $w2;
    waitpid($holder, 0);
}

# A fresh /proc in new PID and mount namespaces; pdeathsig by name.
{
    pipe(my $r, my $w) or die;
    my $pid = spawn(['sh', '-c', 'echo $(ls -d /proc/[0-9]*)'],
        namespaces => NS_USER | NS_PID | NS_MNT, map_root => 1, mount_proc => 1,
        pdeathsig => 'TERM', fds => { 1 => $w });
    close $w;
    my @procs = split ' ', (<$r> // '');
    waitpid($pid, 0);
    is($procs[0], '/proc/1', 'mount_proc: the new /proc starts at pid 1');
    cmp_ok(scalar(@procs), '<', 5, '... and shows only the new PID namespace (' . scalar(@procs) . ' processes)');
    eval { spawn(['true'], pdeathsig => 'NOSUCHSIG') };
    like("$@", qr/unknown signal/, 'pdeathsig with an unknown name: EINVAL');
}

# env, cwd, a reusable attr.
{
    my $attr = spawn_attr(cwd => '/tmp');
    pipe(my $r, my $w) or die;
    $attr->set(fds => { 1 => $w });
    my $pid = spawn(['sh', '-c', 'echo "$PWD $FOO"'], attr => $attr, env => { FOO => 'bar', PATH => '/usr/bin:/bin' });
    close $w;
    my $out = <$r> // '';
    waitpid($pid, 0);
    is($out, "/tmp bar\n", 'env and cwd');
}

# spawn_sub and clone_sub: a Perl sub in the library's child.
{
    my $parent_uts = proc_id('self', 'uts');
    pipe(my $r, my $w) or die;
    my $pid = spawn_sub(sub {
        close $r;
        print {$w} join(' ', $$, (POSIX::uname())[1], proc_id('self', 'uts')), "\n";
        close $w;
        return 7;
    }, namespaces => NS_USER | NS_PID | NS_UTS, map_root => 1, hostname => 'perl-sub');
    close $w;
    my $out = <$r> // '';
    waitpid($pid, 0);
    is($? >> 8, 7, 'spawn_sub: the sub\'s value is the exit status');
    my ($p, $h, $u) = split ' ', $out;
    is($p, 1, 'spawn_sub: pid 1 in the new PID namespace');
    is($h, 'perl-sub', 'spawn_sub: hostname');
    isnt($u, $parent_uts, 'spawn_sub: a new UTS namespace');

    pipe($r, $w) or die;
    my ($cpid, $pidfd) = clone_sub(NS_UTS | NS_NET, sub {
        print {$w} proc_id('self', 'net'), "\n";
        close $w;
        return 3;
    }, pidfd => 1);
    close $w;
    $out = <$r> // '';
    chomp $out;
    waitpid($cpid, 0);
    is($? >> 8, 3, 'clone_sub: exit status');
    isnt($out, proc_id('self', 'net'), 'clone_sub: a new net namespace');
    ok(defined fileno($pidfd), 'clone_sub: pidfd on request');

    my $dpid = clone_sub(0, sub { open STDERR, '>', '/dev/null'; die "oops\n" });
    waitpid($dpid, 0);
    is($? >> 8, 255, 'a sub that dies exits 255');
}

done_testing();
