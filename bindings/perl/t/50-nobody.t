# The unprivileged path: the same calls as uid and gid 65534, in a forked
# child of root that dropped its ids (as setpriv would).
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NSTest;
use POSIX ();
use Errno qw(EPERM EACCES);
use LinuxNS qw(:types :map :list :functions);
use Linux::Clone;

need_root();
my $nobody = nobody_uid();

my ($uid) = as_user(sub { $> });
is($uid, $nobody, "the child runs as uid $nobody");

# A user namespace first: then every other namespace is ours.
{
    my ($out, $status, $uid_map) = as_user(sub {
        pipe(my $r, my $w) or die;
        pipe(my $in_r, my $in_w) or die;
        my $pid = spawn(['sh', '-c', 'echo "$$ $(id -u) $(uname -n)"; read x; exit 0'],
            namespaces => NS_USER | NS_PID | NS_UTS | NS_NET, map_root => 1, hostname => 'nobody-box',
            fds => { 1 => $w, 0 => $in_r });
        close $in_r;
        my $line = readline($r);
        open my $f, '<', "/proc/$pid/uid_map" or die "uid_map: $!";
        my $map = do { local $/; <$f> };
        close $in_w;
        waitpid($pid, 0);
        return ($line, $?, $map);
    });
    chomp $out;
    is($out, '1 0 nobody-box', "spawn as $nobody: pid 1, root inside, own hostname");
    is($status, 0, '... exit 0');
    is($uid_map =~ s/\s+/ /gr, " 0 $nobody 1 ", "... /proc/PID/uid_map maps 0 to $nobody");
}

# Without a user namespace: EPERM, as a LinuxNS::Error.
{
    my ($errno, $detail) = as_user(sub {
        eval { spawn(['true'], namespaces => NS_NET) };
        return ($@ ? ($@->errno, $@->detail) : (0, ''));
    });
    is($errno, EPERM, "spawn with NS_NET only as $nobody: EPERM");
    like($detail, qr/^ns_spawn: /, "... $detail");
}

# run_in into a user namespace of our own, with maps written by us.
{
    my ($map, $inside_uid) = as_user(sub {
        my $u = new_userns(uid_map => [{inside => 0, outside => $nobody, count => 1}],
                           gid_map => [{inside => 0, outside => $nobody, count => 1}],
                           flags => NS_MAP_DENY_SETGROUPS);
        return run_in($u, sub {
            open my $f, '<', '/proc/self/uid_map' or die;
            my $m = do { local $/; <$f> };
            return ($m, $>);
        });
    });
    is($map =~ s/\s+/ /gr, " 0 $nobody 1 ", 'new_userns + run_in as nobody: the map inside');
    is($inside_uid, 0, '... uid 0 inside');
}

# Linux::Clone as nobody: clone and unshare with NEWUSER.
{
    my ($status, $rc, $uts_changed) = as_user(sub {
        my $pid = Linux::Clone::clone(sub { 9 }, 0, POSIX::SIGCHLD | Linux::Clone::NEWUSER | Linux::Clone::NEWUTS);
        die "clone: $!" if $pid < 0;
        waitpid($pid, 0);
        my $st = $? >> 8;
        my $before = proc_id('self', 'uts');
        my $rc = Linux::Clone::unshare(Linux::Clone::NEWUSER | Linux::Clone::NEWUTS);
        return ($st, $rc, proc_id('self', 'uts') ne $before ? 1 : 0);
    });
    is($status, 9, 'Linux::Clone::clone(NEWUSER|NEWUTS) as nobody: exit status of the sub');
    is($rc, 0, 'Linux::Clone::unshare(NEWUSER|NEWUTS) as nobody: 0');
    is($uts_changed, 1, '... a new UTS namespace');
    my ($bad, $err) = as_user(sub { my $r = Linux::Clone::unshare(Linux::Clone::NEWNET); ($r, $! + 0) });
    is($bad, -1, 'unshare(NEWNET) alone as nobody: -1');
    is($err, EPERM, '... EPERM');
}

# list_namespaces works unprivileged too and contains the caller's.
{
    my ($found) = as_user(sub {
        my $id = proc_id('self', 'net');
        return scalar grep { $_->{type} == NS_NET && $_->{id} == $id } list_namespaces(NS_NET);
    });
    is($found, 1, 'list_namespaces as nobody lists its net namespace');
}

# The 0.2 functions as nobody: a handle of our own namespace, the mounts
# of our mount namespace, a user namespace held only by a descriptor.
{
    my ($inode, $via_handle, $has_root, $n, $count, $listed) = as_user(sub {
        my $net = open_pid(0, NS_NET);
        my $h = eval { $net->handle };
        my @mounts = mount_list(open_pid(0, NS_MNT));
        my $u = new_ns(NS_USER);
        return (proc_id('self', 'net'), $h ? open_handle($h->text)->id : 'unsupported',
                scalar(grep { $_->{mount_point} eq '/' } @mounts), scalar(@mounts), mount_count(open_pid(0, NS_MNT)),
                scalar(grep { $_->{id} == $u->id && $_->{nprocs} == 0 } list_namespaces(NS_USER, NS_LIST_ALL)));
    });
    SKIP: {
        skip 'no nsfs file handles (Linux 6.18)', 1 if $via_handle eq 'unsupported';
        is($via_handle, $inode, "handle text -> open_handle as $nobody: our net:[$inode]");
    }
    is($has_root, 1, "mount_list as $nobody has \"/\"");
    cmp_ok($n, '>', 0, "... $n mounts") and cmp_ok(abs($n - $count), '<=', 2, "... about mount_count's $count (others may mount meanwhile)");
    is($listed, 1, "list_namespaces(NS_USER, NS_LIST_ALL) as $nobody finds its descriptor-held user namespace");
}

done_testing();
