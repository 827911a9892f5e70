# Namespace pools (ns_pool_new, ns_pool_take, ns_pool_free,
# ns_spawn_attr_use_pool): bad input as any user; as root, a set taken
# from a user+net+uts pool (types, order, ownership, new namespaces) and
# spawns with an attribute that uses a user+net pool whose loopback is up,
# before and after the pool is freed.
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NSTest;
use File::Temp ();
use Time::HiRes ();
use Errno qw(EINVAL);
use LinuxNS qw(:types :pool :functions);

# --- bad input: EINVAL before any thread starts -----------------------------
for my $case ([0, 1, 0, 'types 0'], [NS_MNT, 1, 0, 'NS_MNT'], [NS_TIME, 1, 0, 'NS_TIME'],
              [NS_USER | NS_MNT, 1, 0, 'NS_USER | NS_MNT'], [NS_NET, 0, 0, 'size 0'],
              [NS_NET, 1025, 0, 'size 1025'], [NS_UTS, 1, NS_POOL_LO_UP, 'NS_POOL_LO_UP without NS_NET'],
              [NS_NET, 1, 0x2, 'unknown flag 0x2']) {
    my ($types, $size, $flags, $what) = @$case;
    my $pool = eval { pool_new($types, $size, $flags) };
    my $e = $@;
    ok(!defined $pool, "pool_new: $what fails");
    isa_ok($e, 'LinuxNS::Error', '... with');
    is(ref $e ? $e->errno : undef, EINVAL, '... EINVAL');
    is(ref $e ? $e->function : undef, 'ns_pool_new', '... from ns_pool_new');
}
is(NS_POOL_LO_UP, 0x1, 'NS_POOL_LO_UP is 0x1');
eval { spawn_attr(pool => 'not a pool') };
is(ref $@ ? $@->errno : undef, EINVAL, 'spawn_attr(pool => not a pool): EINVAL');

if ($> != 0) {
    done_testing();
    exit 0;
}

# --- take: a user+net+uts set -------------------------------------------------
{
    my $pool = pool_new(NS_USER | NS_NET | NS_UTS, 2);
    isa_ok($pool, 'LinuxNS::Pool');
    my @set;
    my $end = Time::HiRes::time() + 5;
    until (@set = $pool->take) {
        last if Time::HiRes::time() > $end;
        Time::HiRes::sleep(0.01);
    }
    is(scalar(@set), 3, 'take gives three namespaces once a set is ready');
    is_deeply([map { $_->type } @set], [NS_UTS, NS_USER, NS_NET],
        'in ascending NS_* order: uts, user, net (ns_type)');
    is_deeply([map { $_->type } @set], [$pool->type_order], '... as type_order says');
    my ($uts, $user, $net) = @set;
    isnt($user->id, proc_id('self', 'user'), 'a new user namespace');
    isnt($net->id, proc_id('self', 'net'), 'a new network namespace');
    isnt($uts->id, proc_id('self', 'uts'), 'a new UTS namespace');
    is(get_userns($net)->id, $user->id, 'the pooled user namespace owns the net namespace (ns_get_userns)');
    is($uts->userns->id, $user->id, '... and the UTS namespace');
    is(owner_uid($user), $>, 'the user namespace was created by our euid');
    ok(defined $_->fileno && $_->fileno >= 0, "a descriptor " . $_->fileno) for @set;
    my $again = $pool->take_wait(5);
    is(scalar(@$again), 3, 'take_wait: another set');
    isnt($again->[1]->id, $user->id, '... with another user namespace');
    ok($pool->free, 'free');
    ok(!defined $pool->ptr, '... the pointer is gone');
    ok($pool->free, 'free again does nothing');
    eval { $pool->take };
    is(ref $@ ? $@->errno : undef, EINVAL, 'take after free: EINVAL');
}

# --- spawn with a pool of user+net, lo up -------------------------------------
{
    my ($ip) = grep { -x } map { "$_/ip" } split(/:/, $ENV{PATH} // ''), '/usr/sbin', '/sbin';
    my $out = File::Temp->new;
    $out->autoflush(1);
    my $pool = pool_new(NS_USER | NS_NET, 2, NS_POOL_LO_UP);
    my $attr = spawn_attr(namespaces => NS_USER | NS_NET | NS_UTS | NS_PID, map_root => 1,
        pool => $pool, fds => { 1 => $out });
    # Each run appends one line: "PID UID LINK" where LINK is ip's line for lo.
    my $script = 'printf "%s %s %s\n" "$$" "$(id -u)" "$( [ -n "$1" ] && "$1" -o link show lo 2>&1 | head -n 1)"';
    my $run = sub {
        my $pid = spawn(['sh', '-c', $script, 'sh', $ip // ''], attr => $attr);
        waitpid($pid, 0);
        my $status = $?;
        open my $fh, '<', $out->filename or die;
        my @lines = <$fh>;
        chomp(my $last = $lines[-1] // '');
        return ($status, split(' ', $last, 3));
    };

    # Let the pool fill: the first spawn that finds a set ready sees lo UP.
    Time::HiRes::sleep(0.2);
    my ($status, $cpid, $uid, $link);
    my $end = Time::HiRes::time() + 5;
    while (1) {
        ($status, $cpid, $uid, $link) = $run->();
        last if !defined $ip || ($link // '') =~ /,UP/ || Time::HiRes::time() > $end;
        Time::HiRes::sleep(0.05);
    }
    is($status, 0, 'a spawn with a pool exits 0');
    is($cpid, 1, '... pid 1 of its own PID namespace');
    is($uid, 0, '... uid 0 (map_root, the pooled user namespace)');
    SKIP: {
        skip 'ip not found', 1 unless defined $ip;
        like($link, qr/\blo\b.*,UP/, "... lo is up in the pooled network namespace: $link");
    }

    ok($pool->free, 'the pool freed');
    ($status, $cpid, $uid, $link) = $run->();
    is($status, 0, 'the same attr spawns after the pool is freed');
    is($cpid, 1, '... pid 1');
    is($uid, 0, '... uid 0');
    SKIP: {
        skip 'ip not found', 1 unless defined $ip;
        unlike($link, qr/,UP/, "... lo is down in the network namespace it creates: $link");
    }

    # A pool type the attr does not create: ns_spawn refuses it.
    my $pool2 = pool_new(NS_USER | NS_NET, 1);
    my $bad = spawn_attr(namespaces => NS_USER | NS_UTS, pool => $pool2);
    eval { spawn(['true'], attr => $bad) };
    is(ref $@ ? $@->errno : undef, EINVAL, 'spawn: a pool type not in namespaces is EINVAL');
    ok($bad->set(pool => undef), 'pool => undef stops using the pool');
    my $pid = spawn(['true'], attr => $bad);
    waitpid($pid, 0);
    is($?, 0, '... and the spawn works');
}

done_testing();
