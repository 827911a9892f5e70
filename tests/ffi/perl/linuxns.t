#!/usr/bin/perl
# Perl consumer of liblinuxns through FFI::Platypus, printing TAP.
#
#   PKG_CONFIG_PATH=/path/to/linuxns/target/release prove -v tests/ffi/perl/linuxns.t
#
# Every check compares what the library says with what the kernel shows
# in /proc or uname(2).
use strict;
use warnings;
use Test::More;
use FFI::Platypus 2.00;
use FFI::Platypus::Buffer ();
use FFI::CheckLib qw(find_lib_or_die);
use POSIX qw(EINVAL ENOENT _exit);
use Carp qw(croak);

# The namespace types: the kernel's CLONE_NEW* bits, as in linuxns.h.
use constant {
    NS_MNT    => 0x00020000, NS_CGROUP => 0x02000000, NS_UTS  => 0x04000000,
    NS_IPC    => 0x08000000, NS_USER   => 0x10000000, NS_PID  => 0x20000000,
    NS_NET    => 0x40000000, NS_TIME   => 0x00000080,
};

# Find liblinuxns where pkg-config says it is (an uninstalled build tree
# too), else in the system's library path.
chomp(my $libdir = `pkg-config --variable=libdir linuxns 2>/dev/null` // '');
my $lib = find_lib_or_die(lib => 'linuxns', ($libdir ? (libpath => $libdir) : ()));
my $ffi = FFI::Platypus->new(api => 2, lib => $lib);
$ffi->type('int' => 'pid_t');
$ffi->type('opaque' => 'ns_spawn_attr');

$ffi->attach(ns_version         => []                      => 'string');
$ffi->attach(ns_last_error      => []                      => 'string');
$ffi->attach(ns_type_name       => ['int']                 => 'string');
$ffi->attach(ns_open_pid        => ['pid_t', 'int']        => 'int');
$ffi->attach(ns_id              => ['int', 'uint64*']      => 'int');
$ffi->attach(ns_unshare         => ['int']                 => 'int');
$ffi->attach(ns_spawn_attr_new  => []                      => 'ns_spawn_attr');
$ffi->attach(ns_spawn_attr_free => ['ns_spawn_attr']       => 'void');
$ffi->attach(ns_spawn_attr_set_namespaces => ['ns_spawn_attr', 'int'] => 'int');
$ffi->attach(ns_spawn_attr_map_root       => ['ns_spawn_attr']        => 'int');
$ffi->attach(ns_spawn_attr_set_hostname   => ['ns_spawn_attr', 'string'] => 'int');
$ffi->attach(ns_spawn_attr_set_fd         => ['ns_spawn_attr', 'int', 'int'] => 'int');
# LINUXNS_0.2: struct ns_handle as an FFI::Platypus record (64 bytes, no
# padding), passed by pointer; ns_mount_list's callback as a closure.
{
    package NsHandle;
    use FFI::Platypus::Record;
    record_layout_1(uint32 => 'size', sint32 => 'type', uint64 => 'unique_id',
                    uint32 => 'inode', 'uint32[11]' => 'reserved');
}
$ffi->attach(ns_features      => []                                     => 'uint64');
$ffi->attach(ns_handle_encode => ['int', 'record(NsHandle)*']           => 'int');
$ffi->attach(ns_handle_format => ['record(NsHandle)*', 'opaque', 'size_t'] => 'int');
$ffi->attach(ns_handle_parse  => ['string', 'record(NsHandle)*']        => 'int');
$ffi->attach(ns_open_handle   => ['record(NsHandle)*', 'int']           => 'int');
$ffi->attach(ns_mount_list    => ['int', '(opaque,opaque)->int', 'opaque'] => 'int');
$ffi->attach(ns_mount_count   => ['int']                                => 'int');
# char *const argv[]: an array ref ending in undef (the NULL); envp NULL
# (opaque undef) passes our environment.
$ffi->attach(ns_spawn => ['string', 'string[]', 'opaque', 'ns_spawn_attr', 'int*'] => 'pid_t');

# The same function again, turning a negative errno into an exception with
# $! set and ns_last_error's text: the usual Platypus wrapper idiom.
$ffi->attach([ns_open_pid => 'open_ns'] => ['pid_t', 'int'] => 'int' => sub {
    my ($xsub, @args) = @_;
    my $rc = $xsub->(@args);
    if ($rc < 0) {
        my $detail = ns_last_error();
        $! = -$rc;
        croak $detail;   # "ns_open_pid: what failed: reason"
    }
    return $rc;
});

# libc's sethostname, to show the child's UTS namespace is really its own.
my $libc = FFI::Platypus->new(api => 2, lib => [undef]);
$libc->attach(sethostname => ['string', 'size_t'] => 'int');

sub proc_id {
    my ($path, $type) = @_;
    my $link = readlink($path) // return undef;
    return $link =~ /^\Q$type\E:\[(\d+)\]$/ ? $1 : undef;
}

diag('liblinuxns ' . ns_version() . " from $lib");
like(ns_version(), qr/^\d+\.\d+\.\d+$/, 'ns_version() is MAJOR.MINOR.PATCH');

# --- open and id, for every namespace type this kernel has ---------------
for my $type (NS_NET, NS_UTS, NS_IPC, NS_MNT, NS_USER, NS_PID, NS_CGROUP, NS_TIME) {
    my $name = ns_type_name($type);
    my $fd = ns_open_pid(0, $type);
    cmp_ok($fd, '>=', 0, "ns_open_pid(0, $name) gives a descriptor") or diag ns_last_error();
    my $rc = ns_id($fd, \my $id);
    is($rc, 0, "ns_id on the $name descriptor");
    my $want = proc_id("/proc/self/ns/$name", $name);
    ok(defined $want, "readlink /proc/self/ns/$name");
    is($id, $want, "ns_id = $name:[N] of /proc/self/ns/$name");
    POSIX::close($fd);
}

# --- errors: a negative errno, errno set, and a text ---------------------
{
    my $rc = ns_open_pid(-1, NS_NET);
    my $errno = $! + 0;
    is($rc, -EINVAL, 'ns_open_pid(-1, NS_NET) returns -EINVAL');
    is($errno, EINVAL, '... and sets errno ($!) to EINVAL');
    isnt(ns_last_error(), '', "... and ns_last_error says why: " . ns_last_error());

    my $fd = eval { open_ns(-1, NS_NET) };
    like($@, qr/^ns_open_pid: .+/, 'the croaking wrapper dies with ns_last_error text');
    ok($!{EINVAL}, '... with $! = EINVAL');
}

# --- ns_unshare in a forked child: new user+UTS namespace ----------------
{
    my $parent_uts = proc_id('/proc/self/ns/uts', 'uts');
    my $parent_host = (POSIX::uname())[1];
    pipe(my $r, my $w) or die "pipe: $!";
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        close $r;
        # A new user namespace gives the child every capability over the
        # new UTS namespace it owns, also when we are not root.
        my $rc = ns_unshare(NS_USER | NS_UTS);
        my $host = 'perl-unshare';
        my $set = $rc == 0 ? sethostname($host, length $host) : -1;
        printf $w "%d %d %s %s\n", $rc, $set, proc_id('/proc/self/ns/uts', 'uts') // '-',
            (POSIX::uname())[1];
        close $w;
        _exit(0);
    }
    close $w;
    my $line = <$r> // '';
    close $r;
    waitpid($pid, 0);
    is($?, 0, 'forked child exited 0');
    my ($rc, $set, $child_uts, $child_host) = split ' ', $line;
    is($rc, 0, 'ns_unshare(NS_USER|NS_UTS) in the child returned 0');
    is($set, 0, 'sethostname in the child succeeded');
    isnt($child_uts, $parent_uts, "child's /proc/self/ns/uts changed ($child_uts, ours $parent_uts)");
    is($child_host, 'perl-unshare', "child's uname sees its hostname");
    is(proc_id('/proc/self/ns/uts', 'uts'), $parent_uts, 'our UTS namespace is unchanged');
    is((POSIX::uname())[1], $parent_host, 'our hostname is unchanged');
}

# --- ns_spawn: new user+pid+UTS namespaces, root mapped, stdout piped ----
{
    my $attr = ns_spawn_attr_new() or die "ns_spawn_attr_new: $!";
    is(ns_spawn_attr_set_namespaces($attr, NS_USER | NS_PID | NS_UTS), 0, 'set_namespaces(USER|PID|UTS)');
    is(ns_spawn_attr_map_root($attr), 0, 'map_root');
    is(ns_spawn_attr_set_hostname($attr, 'perl-spawn'), 0, 'set_hostname');
    pipe(my $r, my $w) or die "pipe: $!";
    is(ns_spawn_attr_set_fd($attr, 1, fileno $w), 0, 'set_fd(1, pipe)');

    my @argv = ('sh', '-c', 'echo "$$ $(id -u) $(uname -n) $(readlink /proc/self/ns/pid)"');
    my $pid = ns_spawn('/bin/sh', [@argv, undef], undef, $attr, undef);
    close $w;
    cmp_ok($pid, '>', 0, "ns_spawn started /bin/sh as pid $pid") or diag ns_last_error();
    my $out = <$r> // '';
    close $r;
    is(waitpid($pid, 0), $pid, 'the spawned pid is our child');
    is($?, 0, '... and exited 0');
    chomp $out;
    my ($cpid, $uid, $host, $pidns) = split ' ', $out;
    is($cpid, 1, "the program is pid 1 of its PID namespace ($out)");
    is($uid, 0, '... runs as uid 0 (map_root)');
    is($host, 'perl-spawn', '... with its own hostname');
    isnt($pidns, readlink('/proc/self/ns/pid'), '... in a new PID namespace');

    ns_spawn_attr_free($attr);

    # attr undef: a plain spawn. The exec fails in the child, and the
    # failure comes back from ns_spawn.
    my $bad = ns_spawn('/nonexistent/program', ['x', undef], undef, undef, undef);
    is($bad, -ENOENT, 'ns_spawn of a missing program returns -ENOENT');
    like(ns_last_error(), qr{^ns_spawn: child: execve "/nonexistent/program": }, '... ns_last_error names the function, the step and the program: ' . ns_last_error());
}

# --- LINUXNS_0.2: features, a namespace file handle, the mounts -----------
{
    use constant { NS_FEATURE_CLONE3 => 0x1, NS_FEATURE_NSFS_HANDLES => 0x20, NS_HANDLE_TEXT_MAX => 40 };
    my $features = ns_features();
    ok($features & NS_FEATURE_CLONE3, sprintf('ns_features() = 0x%x has NS_FEATURE_CLONE3', $features));

    SKIP: {
        skip 'no nsfs file handles (Linux 6.18)', 5 unless $features & NS_FEATURE_NSFS_HANDLES;
        my $fd = ns_open_pid(0, NS_UTS);
        my $h = NsHandle->new;
        is(ns_handle_encode($fd, $h), 0, 'ns_handle_encode of our UTS namespace');
        POSIX::close($fd);
        my $buf = "\0" x NS_HANDLE_TEXT_MAX;
        my ($ptr, $len) = FFI::Platypus::Buffer::scalar_to_buffer($buf);
        my $n = ns_handle_format($h, $ptr, $len);
        my $text = substr($buf, 0, $n > 0 ? $n : 0);
        my $want = proc_id('/proc/self/ns/uts', 'uts');
        like($text, qr/^uts:\Q$want\E:\d+$/, "ns_handle_format: $text");
        my $back = NsHandle->new;
        is(ns_handle_parse($text, $back), 0, 'ns_handle_parse of the text');
        is($$back, $$h, '... gives the same bytes');
        my $nfd = ns_open_handle($back, 0);
        my $id;
        is(ns_id($nfd, \$id) == 0 ? $id : undef, $want, "ns_open_handle reopens uts:[$want]");
        POSIX::close($nfd) if $nfd >= 0;
    }

    my $mfd = ns_open_pid(0, NS_MNT);
    my @points;
    my $cb = $ffi->closure(sub {
        my ($info) = @_;
        # struct ns_mount_info: mount_point is the pointer at offset 64
        # (after two uint32, three uint64, four uint32, three uint64).
        my $mp = $ffi->cast('opaque' => 'string', ${ $ffi->cast('opaque' => 'opaque*', $info + 64) });
        push @points, $mp;
        return 0;
    });
    my ($count, $listed);
    for (1 .. 10) {    # others may mount meanwhile
        @points = ();
        my $before = ns_mount_count($mfd);
        $listed = ns_mount_list($mfd, $cb, undef);
        $count = ns_mount_count($mfd);
        last if $before == $count && $listed == $count;
    }
    is($listed, $count, "ns_mount_list reports ns_mount_count's $count mounts");
    is(scalar(@points), $listed, '... one callback each');
    ok((grep { $_ eq '/' } @points), '... "/" among them');
    POSIX::close($mfd);
}

done_testing();
