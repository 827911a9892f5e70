# The spawn options of LINUXNS_0.2 (umask, rlimits, uid/gid/groups, setsid,
# pgid, caps, seccomp, root_idmap), read back inside the child; the mounts
# of another mount namespace; idmapped mounts. As root.
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NSTest;
use POSIX ();
use File::Temp ();
use Errno qw(EINVAL EPERM);
use FFI::Platypus 2.00;
use LinuxNS qw(:types :map :propagation :caps :features :functions);

need_root();

my $features = features();

# Runs the program with the options and returns its output.
sub run_out {
    my ($argv, %o) = @_;
    pipe(my $r, my $w) or die "pipe: $!";
    my $pid = spawn($argv, %o, fds => { 1 => $w, %{ delete $o{fds} // {} } });
    close $w;
    my $out = do { local $/; <$r> } // '';
    close $r;
    waitpid($pid, 0);
    return wantarray ? ($out, $?, $pid) : $out;
}

# "Key:\tvalue" lines of /proc/self/status as the program sees them.
sub status_of {
    my ($out) = @_;
    return { map { /^(\w+):\s*(.*?)\s*$/ ? ($1, $2) : () } split /\n/, $out };
}

# --- umask, resource limits, ids: from inside the child -------------------------
{
    my ($out, $st) = run_out(['sh', '-c', 'umask; cat /proc/self/status; grep -E "^Max (open files|core file size)" /proc/self/limits'],
        umask => 027, rlimits => { NOFILE => [100, 200], RLIMIT_CORE => 0 },
        uid => 1234, gid => 2345, groups => [3456, 4567]);
    is($st, 0, 'spawn with umask, rlimits, uid, gid, groups: exit 0');
    my ($umask) = $out =~ /^(\d+)$/m;
    is($umask, '0027', 'umask => 027: the shell\'s umask is 0027');
    my $s = status_of($out);
    is($s->{Umask}, '0027', '... and /proc/self/status Umask');
    is($s->{Uid}, "1234\t1234\t1234\t1234", 'uid => 1234: real, effective, saved and fs uid');
    is($s->{Gid}, "2345\t2345\t2345\t2345", 'gid => 2345: all four gids');
    is($s->{Groups}, '3456 4567', 'groups => [3456, 4567]');
    like($out, qr/^Max open files\s+100\s+200\s/m, 'rlimits NOFILE => [100, 200]: soft 100, hard 200 in /proc/self/limits');
    like($out, qr/^Max core file size\s+0\s+0\s/m, 'rlimits RLIMIT_CORE => 0: soft and hard 0');
    is($s->{CapEff}, '0000000000000000', 'leaving uid 0 clears the effective set');

    # Only a gid, groups none: the uid stays the caller's.
    my $s2 = status_of(scalar run_out(['cat', '/proc/self/status'], gid => 77, groups => []));
    is($s2->{Uid}, "0\t0\t0\t0", 'gid => 77 only: the uid stays 0');
    is($s2->{Gid}, "77\t77\t77\t77", '... gid 77');
    is($s2->{Groups}, '', '... groups => []: none');

    # rlimits: a single value is soft and hard; 'unlimited'; a number key.
    my $lim = run_out(['grep', '-E', '^Max (stack size|file size)', '/proc/self/limits'],
        rlimits => { 3 => [1 << 22, 'unlimited'], FSIZE => 1 << 30 });
    like($lim, qr/^Max stack size\s+4194304\s+unlimited\s/m, 'rlimits 3 (STACK) => [4 MiB, unlimited]');
    like($lim, qr/^Max file size\s+1073741824\s+1073741824\s/m, 'rlimits FSIZE => 1 GiB: soft and hard');

    # In a new user namespace the ids are those of its maps.
    my $s3 = status_of(scalar run_out(['cat', '/proc/self/status'], namespaces => NS_USER,
        uid_map => [{inside => 0, outside => 100000, count => 2000}],
        gid_map => [{inside => 0, outside => 100000, count => 2000}], uid => 1000, gid => 1000));
    is($s3->{Uid}, "1000\t1000\t1000\t1000", 'uid => 1000 in a new user namespace: its own 1000');
}

# --- setsid and pgid ---------------------------------------------------------
{
    # /proc/self/stat of the spawned program itself: pid, pgrp, session.
    my $fields = sub { (split ' ', $_[0] =~ s/\(.*\)//sr)[0, 3, 4] };
    my $our_sid = ($fields->(do { open my $f, '<', '/proc/self/stat' or die; scalar <$f> }))[2];
    my ($out, undef, $pid) = run_out(['cat', '/proc/self/stat'], setsid => 1);
    my ($cpid, $pgrp, $sid) = $fields->($out);
    is($cpid, $pid, 'setsid => 1: (the program is the spawned pid)');
    is($sid, $pid, '... leads a new session');
    is($pgrp, $pid, '... and a new process group');
    ($out, undef, $pid) = run_out(['cat', '/proc/self/stat'], pgid => 0);
    ($cpid, $pgrp, $sid) = $fields->($out);
    is($pgrp, $pid, 'pgid => 0: a new process group of its own');
    is($sid, $our_sid, '... in our session');
    eval { spawn(['true'], setsid => 1, pgid => 0) };
    is($@->errno, EINVAL, 'setsid with pgid: EINVAL from ' . $@->function);
}

# --- capability sets ---------------------------------------------------------
{
    my $net_bind = 1 << 10;    # CAP_NET_BIND_SERVICE
    my $s = status_of(scalar run_out(['cat', '/proc/self/status'], caps => { bounding => [10] }));
    is($s->{CapBnd}, '0000000000000400', 'caps bounding => [10]: a root program\'s bounding set');
    is($s->{CapEff}, '0000000000000400', '... limits its effective set to CAP_NET_BIND_SERVICE');
    my $s2 = status_of(scalar run_out(['cat', '/proc/self/status'], uid => 1234, gid => 1234,
        caps => { NS_CAPS_PERMITTED | NS_CAPS_EFFECTIVE | NS_CAPS_INHERITABLE | NS_CAPS_AMBIENT, $net_bind }));
    is($s2->{CapAmb}, '0000000000000400', 'caps (all but bounding) => 1 << 10 as uid 1234: ambient');
    is($s2->{CapEff}, '0000000000000400', '... the program keeps CAP_NET_BIND_SERVICE effective');
    eval { spawn(['true'], caps => { sideways => 1 }) };
    is($@->errno, EINVAL, 'an unknown capability set: EINVAL');
    eval { spawn(['true'], caps => { bounding => [99] }) };
    is($@->errno, EINVAL, 'a capability beyond cap_last_cap: EINVAL from ' . $@->function);
}

# --- seccomp ---------------------------------------------------------------------
{
    my $allow = [[0x06, 0, 0, 0x7fff0000]];    # BPF_RET|BPF_K, SECCOMP_RET_ALLOW
    my $s = status_of(scalar run_out(['cat', '/proc/self/status'], seccomp => $allow));
    is($s->{Seccomp}, 2, 'seccomp => [ALLOW]: the program runs under a filter (Seccomp: 2)');
    is($s->{NoNewPrivs}, 1, '... with no_new_privs');
    SKIP: {
        skip 'the errno filter is written for x86_64', 2 unless (POSIX::uname())[4] eq 'x86_64';
        # arch != x86_64: kill; nr == mkdir (83) or mkdirat (258): EPERM; else allow.
        my $filter = [
            {code => 0x20, k => 4},                        # ld [arch]
            {code => 0x15, jt => 1, jf => 0, k => 0xc000003e},
            {code => 0x06, k => 0x80000000},               # ret KILL_PROCESS
            {code => 0x20, k => 0},                        # ld [nr]
            {code => 0x15, jt => 2, jf => 0, k => 83},
            {code => 0x15, jt => 1, jf => 0, k => 258},
            {code => 0x06, k => 0x7fff0000},               # ret ALLOW
            {code => 0x06, k => 0x00050000 | EPERM},       # ret ERRNO(EPERM)
        ];
        my $dir = File::Temp::tempdir(CLEANUP => 1);
        my ($out, $st) = run_out(['sh', '-c', "mkdir '$dir/x' 2>&1; echo rc=\$?"], seccomp => $filter);
        like($out, qr/rc=[1-9]/, 'a filter refusing mkdir: mkdir fails in the program');
        ok(!-e "$dir/x", '... and made nothing');
    }
    eval { spawn(['true'], seccomp => [[0x06, 0, 0, 0x7fff0000], [0xffff, 0, 0, 0]]) };
    is($@->errno, EINVAL, 'a filter with an invalid instruction: EINVAL');
    like($@->detail, qr/^ns_spawn_attr_set_seccomp: /, '... ' . $@->detail);
    eval { spawn(['true'], seccomp => 'abc') };
    is($@->errno, EINVAL, 'seccomp bytes that are not whole instructions: EINVAL');
}

eval { spawn(['true'], umask => 01000) };
is($@->errno, EINVAL, 'umask => 01000: EINVAL from ' . $@->function);
eval { spawn(['true'], groups => [0xFFFFFFFF]) };
is($@->errno, EINVAL, 'groups with (gid_t)-1: EINVAL from ' . $@->function);
eval { spawn(['true'], rlimits => { NOFILE => [10, 5] }) };
is($@->errno, EINVAL, 'a soft limit above the hard one: EINVAL from ' . $@->function);
eval { spawn(['true'], rlimits => { NOSUCH => 1 }) };
is($@->errno, EINVAL, 'an unknown resource: EINVAL');

# --- the mounts of another mount namespace ---------------------------------------
SKIP: {
    my $dir = File::Temp::tempdir(CLEANUP => 1);
    pipe(my $r, my $w) or die;
    pipe(my $ready_r, my $ready_w) or die;
    my $holder = eval {
        spawn(['sh', '-c', "mount -t tmpfs -o size=1m perl-linuxns-tmpfs '$dir' && echo ok; read x"],
            namespaces => NS_MNT, propagation => NS_PROPAGATION_PRIVATE, fds => { 0 => $r, 1 => $ready_w });
    };
    skip "spawn: $@", 6 unless $holder;
    close $r;
    close $ready_w;
    my $ok = <$ready_r> // '';
    skip 'mount -t tmpfs failed in the child', 6 unless $ok eq "ok\n";
    my $mnt = open_pid($holder, NS_MNT);
    my @mounts = mount_list($mnt);
    my ($tmpfs) = grep { $_->{mount_point} eq $dir } @mounts;
    ok($tmpfs, "mount_list of the child's mount namespace has its tmpfs on $dir");
    is($tmpfs && $tmpfs->{fs_type}, 'tmpfs', '... of type tmpfs');
    is($tmpfs && $tmpfs->{source}, 'perl-linuxns-tmpfs', '... with its source');
    is(scalar(@mounts), mount_count($mnt), "... and as many mounts as mount_count (@{[ scalar @mounts ]})");
    ok(!grep({ $_->{mount_point} eq $dir } mount_list(open_pid(0, NS_MNT))), 'our own mount namespace has no such mount');
    my ($root) = grep { $_->{mount_point} eq '/' } @mounts;
    is($root && $root->{propagation} & (1 << 18), 1 << 18, 'its "/" is private (MS_PRIVATE), as spawn made it');
    close $w;
    waitpid($holder, 0);
}

# --- idmapped mounts -------------------------------------------------------------
SKIP: {
    skip 'no idmapped mounts on this kernel (Linux 5.12)', 1 unless $features & NS_FEATURE_IDMAPPED_MOUNTS;
    my $dir = File::Temp::tempdir(CLEANUP => 1);
    chmod 0755, $dir;
    mkdir "$dir/src" or die;
    mkdir "$dir/dst" or die;
    open my $f, '>', "$dir/src/file" or die;
    close $f;
    my $u = new_userns(uid_map => [{inside => 0, outside => 65534}], gid_map => [{inside => 0, outside => 65534}]);

    # ns_mount_idmapped in a forked child with a private mount namespace.
    my $libc = FFI::Platypus->new(api => 2, lib => [undef]);
    my $mount = $libc->function(mount => ['opaque', 'string', 'opaque', 'ulong', 'opaque'] => 'int');
    my ($uid, $gid, $src_uid, $idmapped, $flag) = in_child(sub {
        unshare(NS_MNT);
        $mount->call(undef, '/', undef, 0x4000 | (1 << 18), undef) == 0 or die "mount --make-rprivate /: $!";
        mount_idmapped("$dir/src", "$dir/dst", $u);
        my ($m) = grep { $_->{mount_point} eq "$dir/dst" } mount_list(open_pid(0, NS_MNT));
        return ((stat "$dir/dst/file")[4, 5], (stat "$dir/src/file")[4], $m && $m->{idmapped}, $m && $m->{attr});
    });
    is($uid, 65534, 'mount_idmapped with "0 65534 1": root\'s file shows as uid 65534 through the mount');
    is($gid, 65534, '... gid 65534');
    is($src_uid, 0, '... and as 0 at the source');
    is($idmapped, 1, 'mount_list shows the mount idmapped');
    is(($flag // 0) & 0x100000, 0x100000, '... with MOUNT_ATTR_IDMAP in attr');
    ok(!-e "$dir/dst/file", 'the mount stayed in the child\'s mount namespace');
    eval { mount_idmapped("$dir/src", "$dir/dst", open_pid(0, NS_NET)) };
    is($@->errno, EINVAL, 'mount_idmapped with a net namespace: EINVAL');

    # root_idmap: the child's root mounted through the same mapping.
    # The sandbox's root is host uid 65534 (uid => 0 inside: setresuid).
    my %o = (namespaces => NS_USER | NS_MNT, root => "$dir/src", uid => 0, gid => 0,
             uid_map => [{inside => 0, outside => 65534}], gid_map => [{inside => 0, outside => 65534}]);
    for my $case ([0, 65534, 'without root_idmap, root\'s file is the overflow uid 65534 inside'],
                  [1, 0, 'with root_idmap, root\'s file is owned by the sandbox\'s root (0)']) {
        my ($with, $want, $what) = @$case;
        pipe(my $r, my $w) or die;
        my $pid = spawn_sub(sub {
            print {$w} join(' ', (stat '/file')[4], $>), "\n";
            close $w;
            return 0;
        }, %o, ($with ? (root_idmap => $u) : ()));
        close $w;
        my ($owner, $me) = split ' ', (<$r> // '');
        waitpid($pid, 0);
        is($owner, $want, $what);
        is($me, 0, '... for the sandbox\'s root (uid 0 inside, 65534 outside)');
    }
    eval { spawn(['true'], root_idmap => $u) };
    is($@->errno, EINVAL, 'root_idmap without a root: EINVAL from ' . $@->function);
}

done_testing();
