# Namespace handles and ids against /proc, list_namespaces against the
# caller's namespaces.
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NSTest;
use POSIX ();
use Errno qw(EOPNOTSUPP);
use LinuxNS qw(:types :functions);

need_root();

# A child of ours to open namespaces of by pid.
pipe(my $hold_r, my $hold_w) or die "pipe: $!";
my $kid = fork // die "fork: $!";
if ($kid == 0) { close $hold_w; <$hold_r>; POSIX::_exit(0) }
close $hold_r;

my %types = (mnt => NS_MNT, cgroup => NS_CGROUP, uts => NS_UTS, ipc => NS_IPC,
             user => NS_USER, pid => NS_PID, net => NS_NET, time => NS_TIME);
for my $name (sort keys %types) {
    next unless -e "/proc/self/ns/$name";
    my $ns = open_pid(0, $types{$name});
    isa_ok($ns, 'LinuxNS::Namespace', "open_pid(0, $name)");
    is($ns->id, proc_id('self', $name), "$name: id = readlink /proc/self/ns/$name");
    is(id($ns), $ns->id, "$name: LinuxNS::id on the handle");
    is($ns->type, $types{$name}, "$name: type");
    is($ns->type_name, $name, "$name: type_name");
    ok($ns->equals(open_path("/proc/$$/ns/$name")), "$name: equals open_path(/proc/PID/ns/$name)");
    is(same($ns, open_path("/proc/self/ns/$name", $types{$name})), 1, "$name: same()");
    my $by_pid = open_pid($kid, $types{$name});
    is($by_pid->id, proc_id($kid, $name), "$name: open_pid(child) = readlink /proc/CHILD/ns/$name");
    ok($ns->equals($by_pid), "$name: the child's namespace equals ours");
    my $owner = eval { $ns->owner_uid };
    ok(defined $owner, "$name: owner_uid " . ($owner // $@));
}

# The user namespace of a handle, and the parent of a new one.
{
    my $net = open_pid(0, NS_NET);
    my $owner = $net->userns;
    is($owner->id, proc_id('self', 'user'), 'userns of our net namespace is our user namespace');
    my $u = new_userns(uid_map => [{inside => 0, outside => 0, count => 1}],
                       gid_map => [{inside => 0, outside => 0}]);
    isnt($u->id, proc_id('self', 'user'), 'new_userns is a new user namespace');
    is($u->parent->id, proc_id('self', 'user'), '... whose parent is ours');
    is($u->owner_uid, 0, '... created by uid 0');
    is($u->type_name, 'user', '... of type user');
}

# Destruction closes the descriptor.
{
    my $fd;
    {
        my $ns = open_pid(0, NS_UTS);
        $fd = $ns->fileno;
        ok(-e "/proc/self/fd/$fd", "descriptor $fd is open while the handle lives");
    }
    ok(!-e "/proc/self/fd/$fd", '... and closed once the handle is gone');
}

# new_ns makes a namespace without moving us.
{
    my $before = proc_id('self', 'uts');
    my $uts = new_ns(NS_UTS);
    isnt($uts->id, $before, 'new_ns(NS_UTS) is a new namespace');
    is(proc_id('self', 'uts'), $before, '... and we did not move');
}

# unique_id: Linux 6.18, else EOPNOTSUPP.
{
    my $ns = open_pid(0, NS_NET);
    my $uid = eval { $ns->unique_id };
    if (defined $uid) {
        ok($uid > 0, "unique_id $uid");
        is(open_pid(0, NS_NET)->unique_id, $uid, '... is the same for the same namespace');
    } else {
        is($@->errno, EOPNOTSUPP, 'unique_id: EOPNOTSUPP on this kernel');
    }
}

# list_namespaces contains each of our namespaces, with our pid counted.
{
    my @all = list_namespaces();
    ok(@all > 0, scalar(@all) . ' namespaces on the system');
    for my $name (sort keys %types) {
        my $id = proc_id('self', $name) // next;
        my ($mine) = grep { $_->{type_name} eq $name && $_->{id} == $id } @all;
        ok($mine, "list_namespaces has our $name namespace $id");
        next unless $mine;
        is($mine->{type}, $types{$name}, "... type $name");
        cmp_ok($mine->{nprocs}, '>=', 1, "... with $mine->{nprocs} processes");
        cmp_ok($mine->{pid}, '<=', $$, "... lowest pid $mine->{pid} <= ours");
        is($mine->{userns_id}, proc_id('self', 'user'), '... owned by our user namespace') if $name ne 'user';
    }
    my @net = list_namespaces(NS_NET);
    ok(!grep({ $_->{type} != NS_NET } @net), 'list_namespaces(NS_NET) lists only net namespaces');
    is_deeply([map { $_->{id} } @net], [map { $_->{id} } grep { $_->{type} == NS_NET } @all],
              '... the same ones as the full list');
}

# Limits and kcmp.
cmp_ok(get_limit(NS_NET), '>=', 0, 'get_limit(NS_NET)');
is(kcmp($$, $$, LinuxNS::NS_KCMP_VM()), 0, 'kcmp of ourselves: equal');

# setns and unshare move the caller: in a forked child.
{
    my ($before, $after, $back) = in_child(sub {
        my $old = open_pid(0, NS_UTS);
        my $b = proc_id('self', 'uts');
        unshare(NS_UTS);
        my $a = proc_id('self', 'uts');
        setns($old, NS_UTS);
        return ($b, $a, proc_id('self', 'uts'));
    });
    isnt($after, $before, 'unshare(NS_UTS) in a child moves it');
    is($back, $before, 'setns back into the old namespace');
}

# Named network namespaces, as ip netns.
SKIP: {
    my $name = "perl-linuxns-$$";
    my $net = eval { netns_add($name) };
    skip "netns_add: $@", 4 unless $net;
    ok(-e "/run/netns/$name", "netns_add creates /run/netns/$name");
    is(open_name($name)->id, $net->id, 'open_name gives the same namespace');
    ok(netns_del($name), 'netns_del');
    ok(!-e "/run/netns/$name", '... removes it');
}

close $hold_w;
waitpid($kid, 0);
done_testing();
