# The functions of LINUXNS_0.2 that any user may call, checked against the
# kernel: namespace file handles, ns_list_ex, the mounts of our mount
# namespace, pid translation, the status of a pidfd, ns_features. Runs as
# root (perl_package) and as uid 65534 (perl_unprivileged).
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NSTest;
use POSIX ();
use IO::Select;
use Errno qw(EINVAL EBADF ESTALE EPERM);
use LinuxNS qw(:types :list :features :handle :functions);

my %types = (mnt => NS_MNT, cgroup => NS_CGROUP, uts => NS_UTS, ipc => NS_IPC,
             user => NS_USER, pid => NS_PID, net => NS_NET, time => NS_TIME);

# --- ns_features -------------------------------------------------------------
my $features = features();
{
    my @names = grep { $features & LinuxNS->can($_)->() } @{ $LinuxNS::EXPORT_TAGS{features} };
    diag(sprintf 'features 0x%x: %s', $features, join(' ', map { s/^NS_FEATURE_//r } @names));
    ok($features & NS_FEATURE_CLONE3, 'features() has NS_FEATURE_CLONE3 (clone3 is not refused here)');
    is(features(), $features, '... and is the same on a second call');
    my $known = 0;
    $known |= LinuxNS->can($_)->() for @{ $LinuxNS::EXPORT_TAGS{features} };
    is($features & ~$known, 0, '... with no bit outside the NS_FEATURE_* constants');
}

# --- namespace file handles: encode, format, parse, open ---------------------
SKIP: {
    skip 'no nsfs file handles on this kernel (Linux 6.18)', 1 unless $features & NS_FEATURE_NSFS_HANDLES;
    for my $name (sort keys %types) {
        my $inode = proc_id('self', $name) // next;
        my $ns = open_pid(0, $types{$name});
        my $h = handle_encode($ns);
        isa_ok($h, 'LinuxNS::Handle', "handle_encode($name)");
        is($h->size, 64, "$name: size 64");
        is($h->type, $types{$name}, "$name: type");
        is($h->inode, $inode, "$name: inode = readlink /proc/self/ns/$name");
        is($h->unique_id, $ns->unique_id, "$name: unique_id = ns_unique_id");
        my $text = handle_format($h);
        like($text, qr/^\Q$name\E:\Q$inode\E:[1-9]\d*$/, "$name: handle_format gives '$text'");
        cmp_ok(length($text), '<', NS_HANDLE_TEXT_MAX, "... shorter than NS_HANDLE_TEXT_MAX");
        my $back = handle_parse($text);
        is($back->bytes, $h->bytes, "$name: handle_parse gives the same 64 bytes");
        my $opened = open_handle($back);
        isa_ok($opened, 'LinuxNS::Namespace', "$name: open_handle");
        is($opened->id, $inode, "$name: the opened namespace is readlink's $name:[$inode]");
        ok($opened->equals($ns), "$name: ... the same namespace as open_pid's (ns_same)");
        is(open_handle($text)->id, $inode, "$name: open_handle of the text");
        ok($ns->handle->equals($h), "$name: LinuxNS::Namespace->handle is the same handle");
        is(LinuxNS::Handle->from_bytes($h->bytes)->text, $text, "$name: from_bytes(bytes)->text");
        is(LinuxNS::Handle->parse($text)->open->id, $inode, "$name: LinuxNS::Handle->parse(text)->open");
    }

    # A namespace held only by our descriptor: the handle outlives it.
    my $type = $> == 0 ? NS_UTS : NS_USER;
    my $held = eval { new_ns($type) };
    skip "new_ns: $@", 1 unless $held;
    my $h = $held->handle;
    is(open_handle($h)->id, $held->id, 'open_handle of a namespace held by a descriptor');
    my $id = $held->id;
    undef $held;
    # The kernel frees some namespaces (user) from a work queue: a moment
    # after the last reference goes.
    my ($gone, $e);
    for (1 .. 60) {
        $gone = eval { open_handle($h) };
        $e = $@;
        last unless $gone;
        undef $gone;
        select(undef, undef, undef, 0.05);
    }
    ok(!$gone, 'once the descriptor is closed, open_handle fails');
    ok(ref $e && ($e->errno == ESTALE || $e->errno == EPERM), '... with ESTALE: ' . $e);
}

# Handle errors need no kernel support.
{
    eval { handle_parse('uts:0:1') };
    is($@->errno, EINVAL, 'handle_parse("uts:0:1"): EINVAL');
    like($@->detail, qr/^ns_handle_parse: /, '... ' . $@->detail);
    eval { handle_parse("net:4026531840:1\n") };
    is($@->errno, EINVAL, 'handle_parse of a text with its newline: EINVAL');
    my $h = handle_parse('net:4026531840:18446744073709551615');
    is($h->unique_id, '18446744073709551615', 'handle_parse keeps a 64-bit id');
    is($h->text, 'net:4026531840:18446744073709551615', '... and formats it back');
    eval { handle_format('net:1:1') };
    is($@->errno, EINVAL, 'handle_format of a string: EINVAL');
    eval { LinuxNS::Handle->from_bytes('short') };
    is($@->errno, EINVAL, 'from_bytes of 5 bytes: EINVAL');
    eval { open_handle(LinuxNS::Handle->new(size => 64, type => NS_NET, inode => 1)) };
    is($@->errno, EINVAL, 'open_handle of a handle without an id: EINVAL');
}

# --- ns_list_ex: a namespace no process is in --------------------------------
SKIP: {
    # Root makes a UTS namespace; another user a user namespace.
    my $type = $> == 0 ? NS_UTS : NS_USER;
    my $held = eval { new_ns($type) };
    skip "new_ns: $@", 4 unless $held;
    my $id = $held->id;
    my ($all) = grep { $_->{id} == $id } list_namespaces($type, NS_LIST_ALL);
    ok($all, 'list_namespaces(TYPE, NS_LIST_ALL) finds a namespace held only by our descriptor (' . type_name($type) . ":[$id])");
    is($all && $all->{nprocs}, 0, '... with nprocs 0');
    is($all && $all->{pid}, 0, '... and pid 0');
    ok(!grep({ $_->{id} == $id } list_namespaces($type)), 'list_namespaces(TYPE) (ns_list) does not');
    ok(!grep({ $_->{id} == $id } list_namespaces($type, 0)), 'list_namespaces(TYPE, 0) (ns_list_ex) does not');
    my ($ours) = grep { $_->{id} == proc_id('self', 'net') } list_namespaces(NS_NET, NS_LIST_ALL);
    cmp_ok($ours && $ours->{nprocs}, '>=', 1, 'NS_LIST_ALL also lists our net namespace, with its processes');
    eval { list_namespaces(0, 0x80) };
    is($@->errno, EINVAL, 'an unknown flag: EINVAL from ' . $@->function);
}

# --- ns_mount_list and ns_mount_count of our mount namespace -----------------
{
    my $mnt = open_pid(0, NS_MNT);
    # Others may mount meanwhile: a listing between two equal counts.
    my (@mounts, $count, @info_ids);
    for (1 .. 10) {
        my $before = mount_count($mnt);
        @mounts = mount_list($mnt);
        @info_ids = map { (split ' ')[0] } do { open my $f, '<', '/proc/self/mountinfo' or die; <$f> };
        $count = mount_count($mnt);
        last if $before == $count && @mounts == $count;
    }
    ok(@mounts > 0, scalar(@mounts) . ' mounts in our mount namespace');
    is(scalar(@mounts), $count, "mount_list has mount_count's $count mounts");
    is($mnt->mount_count, $count, 'LinuxNS::Namespace->mount_count');
    is(scalar(@{[ $mnt->mounts ]}), $count, 'LinuxNS::Namespace->mounts');
    my ($root) = grep { $_->{mount_point} eq '/' } @mounts;
    ok($root, 'mount_list contains "/"');
    like($root && $root->{fs_type}, qr/^\w/, "... of type " . ($root && $root->{fs_type}));
    is_deeply([sort { $a <=> $b } map { $_->{proc_id} } @mounts], [sort { $a <=> $b } @info_ids],
              'the proc_ids are the ids of /proc/self/mountinfo');
    my %want = map { $_ => 1 } qw(propagation id parent_id proc_id proc_parent_id dev_major dev_minor
        peer_group master attr mount_point root fs_type source idmapped);
    is_deeply([sort keys %$root], [sort keys %want], 'each mount has every field of struct ns_mount_info');
    ok(!grep({ !defined $_->{mount_point} || !defined $_->{source} } @mounts), 'every mount has a mount point and a source');

    eval { mount_list(open_pid(0, NS_UTS)) };
    is($@->errno, EINVAL, 'mount_list of a UTS namespace: EINVAL');
    eval { mount_count(open_pid(0, NS_NET)) };
    is($@->errno, EINVAL, 'mount_count of a net namespace: EINVAL');
    eval { mount_count(987654) };
    is($@->errno, EBADF, 'mount_count of a closed descriptor: EBADF');
}

# --- ns_pid_translate ----------------------------------------------------------
{
    my $pidns = open_pid(0, NS_PID);
    is(pid_translate($$, $pidns, $pidns), $$, "pid_translate(\$\$, ours, ours) = $$");
    eval { pid_translate(0, $pidns, $pidns) };
    is($@->errno, EINVAL, 'pid_translate(0, ...): EINVAL');
    eval { pid_translate($$, open_pid(0, NS_NET), $pidns) };
    is($@->errno, EINVAL, 'pid_translate from a net namespace: EINVAL');
}
SKIP: {
    # A child in a new PID namespace (and user namespace, for any caller).
    pipe(my $r, my $w) or die "pipe: $!";
    my $pid = eval { spawn(['sh', '-c', 'read x'], namespaces => NS_USER | NS_PID, map_root => 1, fds => { 0 => $r }) };
    skip "spawn with NS_USER|NS_PID: $@", 3 unless $pid;
    close $r;
    my $ours = open_pid(0, NS_PID);
    my $theirs = open_pid($pid, NS_PID);
    is(pid_translate(1, $theirs, $ours), $pid, "pid 1 of the child's PID namespace is our $pid");
    is(pid_translate($pid, $ours, $theirs), 1, "... and our $pid is its 1");
    is(pid_translate($pid, $ours, $ours), $pid, '... and is ours in ours');
    close $w;
    waitpid($pid, 0);
}

# --- ns_pidfd_status -----------------------------------------------------------
{
    pipe(my $r, my $w) or die "pipe: $!";
    my ($pid, $pidfd) = spawn(['sh', '-c', 'read x; exit 3'], fds => { 0 => $r }, pidfd => 1);
    close $r;
    is(pidfd_status($pidfd), undef, 'pidfd_status of a running child: undef');
    close $w;
    ok(IO::Select->new($pidfd)->can_read(30), 'the pidfd polls readable once the child exited');
    my $st = pidfd_status($pidfd);
    ok(defined $st && POSIX::WIFEXITED($st), 'pidfd_status of the exited child');
    is(POSIX::WEXITSTATUS($st // 0), 3, '... its exit status 3');
    is(waitpid($pid, 0), $pid, '... without reaping it (waitpid still has it)');
    is($?, $st, "... waitpid's status is the same");
    SKIP: {
        skip 'no PIDFD_INFO_EXIT (Linux 6.15)', 1 unless $features & NS_FEATURE_PIDFD_INFO_EXIT;
        is(pidfd_status($pidfd), $st, 'pidfd_status once reaped (PIDFD_INFO_EXIT): the same');
    }

    my ($kpid, $kfd) = spawn(['sleep', '60'], pidfd => 1);
    kill 'KILL', $kpid;
    IO::Select->new($kfd)->can_read(30);
    my $kst = pidfd_status($kfd);
    ok(defined $kst && POSIX::WIFSIGNALED($kst) && POSIX::WTERMSIG($kst) == 9, 'pidfd_status of a killed child: SIGKILL');
    waitpid($kpid, 0);
    eval { pidfd_status(open_pid(0, NS_NET)) };
    is($@->errno, EBADF, 'pidfd_status of a descriptor that is not a pidfd: EBADF');
}

done_testing();
