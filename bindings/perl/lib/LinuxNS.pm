package LinuxNS;

use strict;
use warnings;

our $VERSION = '0.1.0';

use Exporter 'import';
use POSIX ();
use IO::Handle ();
use Errno ();
use Scalar::Util qw(blessed);
use Storable ();
use FFI::Platypus 2.00;
use FFI::CheckLib qw(find_lib);
use FFI::Platypus::Buffer qw(scalar_to_buffer buffer_to_scalar);
use LinuxNS::Error;
use LinuxNS::Namespace;
use LinuxNS::Handle;
use LinuxNS::Pool;

# --- constants: the values of include/linuxns.h (t/header.t checks them) ---
use constant {
    NS_MNT          => 0x00020000,
    NS_CGROUP       => 0x02000000,
    NS_UTS          => 0x04000000,
    NS_IPC          => 0x08000000,
    NS_USER         => 0x10000000,
    NS_PID          => 0x20000000,
    NS_NET          => 0x40000000,
    NS_TIME         => 0x00000080,
    NS_FOR_CHILDREN => 0x00000001,

    NS_MAP_DENY_SETGROUPS => 0x1,
    NS_MAP_USE_HELPER     => 0x2,
    NS_MAP_MAX_RANGES     => 340,

    NS_PROPAGATION_PRIVATE   => 0,
    NS_PROPAGATION_SLAVE     => 1,
    NS_PROPAGATION_SHARED    => 2,
    NS_PROPAGATION_UNCHANGED => 3,

    NS_KCMP_FILE    => 0,
    NS_KCMP_VM      => 1,
    NS_KCMP_FILES   => 2,
    NS_KCMP_FS      => 3,
    NS_KCMP_SIGHAND => 4,
    NS_KCMP_IO      => 5,
    NS_KCMP_SYSVSEM => 6,

    NS_LIST_ALL => 0x1,

    NS_CAPS_BOUNDING    => 0x1,
    NS_CAPS_PERMITTED   => 0x2,
    NS_CAPS_EFFECTIVE   => 0x4,
    NS_CAPS_INHERITABLE => 0x8,
    NS_CAPS_AMBIENT     => 0x10,

    NS_FEATURE_CLONE3               => 0x1,
    NS_FEATURE_CLONE_INTO_CGROUP    => 0x2,
    NS_FEATURE_SETNS_PIDFD          => 0x4,
    NS_FEATURE_PIDFD_GET_NAMESPACE  => 0x8,
    NS_FEATURE_NS_GET_ID            => 0x10,
    NS_FEATURE_NSFS_HANDLES         => 0x20,
    NS_FEATURE_LISTNS               => 0x40,
    NS_FEATURE_MNTNS_IOCTLS         => 0x80,
    NS_FEATURE_LISTMOUNT            => 0x100,
    NS_FEATURE_LISTMOUNT_NS_FD      => 0x200,
    NS_FEATURE_PIDFD_INFO_EXIT      => 0x400,
    NS_FEATURE_IDMAPPED_MOUNTS      => 0x800,
    NS_FEATURE_PID_TRANSLATE        => 0x1000,
    NS_FEATURE_CLONE_NNP            => 0x2000,
    NS_FEATURE_CLONE_PIDFD_AUTOKILL => 0x4000,
    NS_FEATURE_CLONE_AUTOREAP       => 0x8000,
    NS_FEATURE_CLONE_EMPTY_MNTNS    => 0x10000,

    NS_HANDLE_TEXT_MAX => 40,

    NS_POOL_LO_UP => 0x1,
};
use constant NS_ALL => NS_MNT | NS_CGROUP | NS_UTS | NS_IPC | NS_USER | NS_PID | NS_NET | NS_TIME;

my %TYPE_NAME = (
    NS_MNT, 'mnt', NS_CGROUP, 'cgroup', NS_UTS, 'uts', NS_IPC, 'ipc',
    NS_USER, 'user', NS_PID, 'pid', NS_NET, 'net', NS_TIME, 'time',
);

our @FUNCTIONS = qw(
    version last_error type_name type_from_name
    unshare setns enter_pid
    open_pid open_pidfd open_path open_name new_ns new_userns
    id unique_id ns_type get_userns get_parent owner_uid same
    bind_ns unbind_ns netns_add netns_del
    write_uid_map write_gid_map
    spawn spawn_sub spawn_attr clone_sub run_in run_in_c
    list_namespaces get_limit set_limit set_time_offset pivot_root kcmp
    handle_encode handle_format handle_parse open_handle
    mount_list mount_count mount_idmapped
    pid_translate pidfd_status features
    pool_new
);

our %EXPORT_TAGS = (
    types       => [qw(NS_MNT NS_CGROUP NS_UTS NS_IPC NS_USER NS_PID NS_NET NS_TIME NS_ALL NS_FOR_CHILDREN)],
    map         => [qw(NS_MAP_DENY_SETGROUPS NS_MAP_USE_HELPER NS_MAP_MAX_RANGES)],
    propagation => [qw(NS_PROPAGATION_PRIVATE NS_PROPAGATION_SLAVE NS_PROPAGATION_SHARED NS_PROPAGATION_UNCHANGED)],
    kcmp        => [qw(NS_KCMP_FILE NS_KCMP_VM NS_KCMP_FILES NS_KCMP_FS NS_KCMP_SIGHAND NS_KCMP_IO NS_KCMP_SYSVSEM)],
    list        => [qw(NS_LIST_ALL)],
    caps        => [qw(NS_CAPS_BOUNDING NS_CAPS_PERMITTED NS_CAPS_EFFECTIVE NS_CAPS_INHERITABLE NS_CAPS_AMBIENT)],
    features    => [qw(NS_FEATURE_CLONE3 NS_FEATURE_CLONE_INTO_CGROUP NS_FEATURE_SETNS_PIDFD
                       NS_FEATURE_PIDFD_GET_NAMESPACE NS_FEATURE_NS_GET_ID NS_FEATURE_NSFS_HANDLES
                       NS_FEATURE_LISTNS NS_FEATURE_MNTNS_IOCTLS NS_FEATURE_LISTMOUNT
                       NS_FEATURE_LISTMOUNT_NS_FD NS_FEATURE_PIDFD_INFO_EXIT NS_FEATURE_IDMAPPED_MOUNTS
                       NS_FEATURE_PID_TRANSLATE NS_FEATURE_CLONE_NNP NS_FEATURE_CLONE_PIDFD_AUTOKILL
                       NS_FEATURE_CLONE_AUTOREAP NS_FEATURE_CLONE_EMPTY_MNTNS)],
    handle      => [qw(NS_HANDLE_TEXT_MAX)],
    pool        => [qw(NS_POOL_LO_UP)],
    functions   => [@FUNCTIONS],
);
$EXPORT_TAGS{constants} = [map { @{ $EXPORT_TAGS{$_} } } qw(types map propagation kcmp list caps features handle pool)];
$EXPORT_TAGS{all} = [@{ $EXPORT_TAGS{constants} }, @FUNCTIONS];
our @EXPORT_OK = @{ $EXPORT_TAGS{all} };
our @EXPORT = ();

# --- the library ----------------------------------------------------------

sub _find_library {
    if (defined(my $path = $ENV{LINUXNS_LIBRARY})) {
        return $path if -e $path;
        die "LinuxNS: LINUXNS_LIBRARY=$path does not exist\n";
    }
    my ($found) = find_lib(lib => 'linuxns');
    return $found if defined $found;
    die "LinuxNS: liblinuxns not found (install it, set LD_LIBRARY_PATH to its directory, "
      . "or LINUXNS_LIBRARY to its path)\n";
}

our $LIBRARY = _find_library();
our $FFI = FFI::Platypus->new(api => 2, lib => $LIBRARY);
$FFI->type('(opaque)->int'        => 'ns_fn');
$FFI->type('(opaque,opaque)->int' => 'ns_list_cb');
$FFI->type('(opaque,opaque)->int' => 'ns_mount_cb');

{
    package LinuxNS::IdMap;
    use FFI::Platypus::Record;
    record_layout_1(uint32 => 'inside', uint32 => 'outside', uint32 => 'count');

    package LinuxNS::Info;
    use FFI::Platypus::Record;
    record_layout_1(
        uint64 => 'id', uint64 => 'userns_id', uint64 => 'parent_id',
        sint32 => 'type', uint32 => 'nprocs', sint32 => 'pid', uint32 => 'owner_uid',
    );
}
$FFI->type('record(LinuxNS::Info)*' => 'ns_info_ptr');
$FFI->type('record(LinuxNS::Handle)*' => 'ns_handle_ptr');

# struct ns_mount_info, which may grow at its end: the record is filled
# with the bytes the library says it filled (its size field), and a
# field is reported only when it lies within them (_mount_info).
our @MOUNT_INFO_LAYOUT = (
    uint32 => 'size', uint32 => 'propagation', uint64 => 'id', uint64 => 'parent_id',
    uint32 => 'proc_id', uint32 => 'proc_parent_id', uint32 => 'dev_major', uint32 => 'dev_minor',
    uint64 => 'peer_group', uint64 => 'master', uint64 => 'attr',
    'string ro' => 'mount_point', 'string ro' => 'root', 'string ro' => 'fs_type', 'string ro' => 'source',
    uint32 => 'idmapped',
);
# [name, offset, end] of each field, laid out as C does; the record gets
# the tail padding C gives the struct (FFI::Platypus::Record adds none).
my @MOUNT_INFO_FIELDS;
{
    my ($off, $align) = (0, 1);
    my @l = @MOUNT_INFO_LAYOUT;
    while (my ($type, $name) = splice @l, 0, 2) {
        my $t = $type =~ /^string/ ? 'opaque' : $type;
        my ($size, $al) = ($FFI->sizeof($t), $FFI->alignof($t));
        $off = ($off + $al - 1) & ~($al - 1);
        push @MOUNT_INFO_FIELDS, [$name, $off, $off + $size];
        $off += $size;
        $align = $al if $al > $align;
    }
    my @pad = (uint8 => ':') x ((($off + $align - 1) & ~($align - 1)) - $off);
    package LinuxNS::MountInfo;
    use FFI::Platypus::Record;
    record_layout_1(@LinuxNS::MOUNT_INFO_LAYOUT, @pad);
}

my @A = ('opaque');    # an ns_spawn_attr *
our %C_SIGNATURES = (
    ns_version        => [[] => 'string'],
    ns_last_error     => [[] => 'string'],
    ns_type_name      => [['int'] => 'string'],
    ns_type_from_name => [['string'] => 'int'],
    ns_unshare        => [['int'] => 'int'],
    ns_setns          => [['int', 'int'] => 'int'],
    ns_open_pid       => [['int', 'int'] => 'int'],
    ns_id             => [['int', 'uint64*'] => 'int'],
    ns_write_uid_map  => [['int', 'opaque', 'size_t', 'uint'] => 'int'],
    ns_write_gid_map  => [['int', 'opaque', 'size_t', 'uint'] => 'int'],
    ns_clone          => [['int', 'ns_fn', 'opaque', 'int*'] => 'int'],
    ns_enter_pid      => [['int', 'int'] => 'int'],
    ns_run_in         => [['int', 'int', 'opaque', 'opaque', 'int*'] => 'int'],
    ns_new            => [['int'] => 'int'],
    ns_new_userns     => [['opaque', 'size_t', 'opaque', 'size_t', 'uint'] => 'int'],
    ns_open_pidfd     => [['int', 'int'] => 'int'],
    ns_open_path      => [['string', 'int'] => 'int'],
    ns_open_name      => [['string'] => 'int'],
    ns_type           => [['int'] => 'int'],
    ns_get_userns     => [['int'] => 'int'],
    ns_get_parent     => [['int'] => 'int'],
    ns_owner_uid      => [['int', 'uint32*'] => 'int'],
    ns_same           => [['int', 'int'] => 'int'],
    ns_unique_id      => [['int', 'uint64*'] => 'int'],
    ns_bind           => [['int', 'string'] => 'int'],
    ns_unbind         => [['string'] => 'int'],
    ns_netns_add      => [['string'] => 'int'],
    ns_netns_del      => [['string'] => 'int'],
    ns_spawn          => [['string', 'string[]', 'opaque', 'opaque', 'int*'] => 'int'],
    ns_spawn_fn       => [['opaque', 'ns_fn', 'opaque', 'int*'] => 'int'],
    ns_spawn_attr_new             => [[] => 'opaque'],
    ns_spawn_attr_free            => [[@A] => 'void'],
    ns_spawn_attr_set_namespaces  => [[@A, 'int'] => 'int'],
    ns_spawn_attr_join            => [[@A, 'int', 'int'] => 'int'],
    ns_spawn_attr_map_root        => [[@A] => 'int'],
    ns_spawn_attr_set_uid_map     => [[@A, 'opaque', 'size_t', 'uint'] => 'int'],
    ns_spawn_attr_set_gid_map     => [[@A, 'opaque', 'size_t', 'uint'] => 'int'],
    ns_spawn_attr_set_hostname    => [[@A, 'string'] => 'int'],
    ns_spawn_attr_set_root        => [[@A, 'string'] => 'int'],
    ns_spawn_attr_set_mount_proc  => [[@A, 'int'] => 'int'],
    ns_spawn_attr_set_propagation => [[@A, 'int'] => 'int'],
    ns_spawn_attr_set_cwd         => [[@A, 'string'] => 'int'],
    ns_spawn_attr_set_fd          => [[@A, 'int', 'int'] => 'int'],
    ns_spawn_attr_set_close_fds   => [[@A, 'int'] => 'int'],
    ns_spawn_attr_set_pdeathsig   => [[@A, 'int'] => 'int'],
    ns_spawn_attr_set_cgroup      => [[@A, 'int'] => 'int'],
    ns_spawn_attr_set_time_offset => [[@A, 'int', 'sint64', 'sint64'] => 'int'],
    ns_list            => [['int', 'ns_list_cb', 'opaque'] => 'int'],
    ns_get_limit       => [['int'] => 'sint64'],
    ns_set_limit       => [['int', 'sint64'] => 'int'],
    ns_set_time_offset => [['int', 'int', 'sint64', 'sint64'] => 'int'],
    ns_pivot_root      => [['string', 'string'] => 'int'],
    ns_kcmp            => [['int', 'int', 'int', 'ulong', 'ulong'] => 'int'],
    # LINUXNS_0.2
    ns_handle_encode   => [['int', 'ns_handle_ptr'] => 'int'],
    ns_open_handle     => [['ns_handle_ptr', 'int'] => 'int'],
    ns_handle_format   => [['ns_handle_ptr', 'opaque', 'size_t'] => 'int'],
    ns_handle_parse    => [['string', 'ns_handle_ptr'] => 'int'],
    ns_list_ex         => [['int', 'uint', 'ns_list_cb', 'opaque'] => 'int'],
    ns_mount_list      => [['int', 'ns_mount_cb', 'opaque'] => 'int'],
    ns_mount_count     => [['int'] => 'int'],
    ns_mount_idmapped  => [['string', 'string', 'int', 'uint'] => 'int'],
    ns_pid_translate   => [['int', 'int', 'int'] => 'int'],
    ns_pidfd_status    => [['int', 'int*'] => 'int'],
    ns_features        => [[] => 'uint64'],
    ns_spawn_attr_set_root_idmap => [[@A, 'int'] => 'int'],
    ns_spawn_attr_set_ids        => [[@A, 'uid_t', 'gid_t', 'opaque', 'size_t'] => 'int'],
    ns_spawn_attr_set_setsid     => [[@A, 'int'] => 'int'],
    ns_spawn_attr_set_pgid       => [[@A, 'int'] => 'int'],
    ns_spawn_attr_set_caps       => [[@A, 'uint', 'uint64'] => 'int'],
    ns_spawn_attr_set_rlimit     => [[@A, 'int', 'opaque'] => 'int'],
    ns_spawn_attr_set_seccomp    => [[@A, 'opaque', 'ushort'] => 'int'],
    ns_spawn_attr_set_umask      => [[@A, 'mode_t'] => 'int'],
    ns_spawn_attr_set_no_new_privs => [[@A, 'int'] => 'int'],
    ns_spawn_attr_set_autoreap     => [[@A, 'int'] => 'int'],
    ns_spawn_attr_set_autokill     => [[@A, 'int'] => 'int'],
    ns_pool_new            => [['int', 'uint', 'uint'] => 'opaque'],
    ns_pool_free           => [['opaque'] => 'void'],
    ns_pool_take           => [['opaque', 'opaque'] => 'int'],
    ns_spawn_attr_use_pool => [[@A, 'opaque'] => 'int'],
);

# The raw functions, as the C library has them: LinuxNS::C::ns_open_pid etc.
for my $name (sort keys %C_SIGNATURES) {
    my ($args, $ret) = @{ $C_SIGNATURES{$name} };
    $FFI->attach([$name => "LinuxNS::C::$name"] => $args => $ret);
}
# ns_spawn with an environment (envp as a string array).
$FFI->attach([ns_spawn => 'LinuxNS::C::ns_spawn_env'] =>
    ['string', 'string[]', 'string[]', 'opaque', 'int*'] => 'int');

# --- errors ---------------------------------------------------------------

# A negative return: die with the errno and ns_last_error's text.
sub _check {
    my ($function, $rc) = @_;
    return $rc if $rc >= 0;
    my $detail = LinuxNS::C::ns_last_error();
    LinuxNS::Error->throw(errno => -$rc, detail => $detail, function => $function);
}

# A failure found before calling the library.
sub _fail {
    my ($function, $errno, $text) = @_;
    my $msg = do { local $! = $errno; "$!" };
    LinuxNS::Error->throw(errno => $errno, function => $function,
        detail => "$function: $text ($msg)");
}

# A namespace handle, a Perl file handle or a descriptor number.
sub _fd {
    my ($x) = @_;
    return -1 unless defined $x;
    if (ref $x) {
        if (blessed $x && $x->can('fileno')) {
            my $fd = $x->fileno;
            return defined $fd ? $fd : -1;
        }
        if (ref $x eq 'GLOB') {
            my $fd = CORE::fileno($x);
            return defined $fd ? $fd : -1;
        }
        return -1;
    }
    if (ref \$x eq 'GLOB') {
        my $fd = CORE::fileno($x);
        return defined $fd ? $fd : -1;
    }
    return $x =~ /^-?\d+$/ ? int $x : -1;
}

sub _handle {
    my ($function, $rc) = @_;
    return LinuxNS::Namespace->new(_check($function, $rc));
}

# An array ref of {inside, outside, count}: the packed struct ns_idmap array.
sub _map_buffer {
    my ($function, $map) = @_;
    return ('', 0) unless defined $map;
    _fail($function, Errno::EINVAL(), 'a map is an array ref of {inside, outside, count} hashes')
        unless ref $map eq 'ARRAY';
    my $buf = '';
    for my $range (@$map) {
        _fail($function, Errno::EINVAL(), 'a map range is a hash {inside, outside, count}')
            unless ref $range eq 'HASH';
        my $rec = LinuxNS::IdMap->new(
            inside  => $range->{inside}  // 0,
            outside => $range->{outside} // 0,
            count   => $range->{count}   // 1,
        );
        $buf .= $$rec;
    }
    return ($buf, scalar @$map);
}

sub _flush_all {
    STDOUT->flush;
    STDERR->flush;
    my $sel = select;
    no strict 'refs';
    eval { $sel->flush } if $sel;
}

# --- the functions --------------------------------------------------------

sub version    { LinuxNS::C::ns_version() }
sub last_error { LinuxNS::C::ns_last_error() }

sub type_name {
    my ($type) = @_;
    my $name = LinuxNS::C::ns_type_name($type // 0);
    return $name if defined $name;
    LinuxNS::Error->throw(errno => Errno::EINVAL(), detail => LinuxNS::C::ns_last_error(),
        function => 'ns_type_name');
}

sub type_from_name { _check('ns_type_from_name', LinuxNS::C::ns_type_from_name($_[0])) }
sub unshare        { _check('ns_unshare', LinuxNS::C::ns_unshare($_[0] // 0)); 1 }
sub setns          { _check('ns_setns', LinuxNS::C::ns_setns(_fd($_[0]), $_[1] // 0)); 1 }
sub enter_pid      { _check('ns_enter_pid', LinuxNS::C::ns_enter_pid($_[0], $_[1] // 0)); 1 }

sub open_pid    { _handle('ns_open_pid', LinuxNS::C::ns_open_pid($_[0] // 0, $_[1] // 0)) }
sub open_pidfd  { _handle('ns_open_pidfd', LinuxNS::C::ns_open_pidfd(_fd($_[0]), $_[1] // 0)) }
sub open_path   { _handle('ns_open_path', LinuxNS::C::ns_open_path($_[0], $_[1] // 0)) }
sub open_name   { _handle('ns_open_name', LinuxNS::C::ns_open_name($_[0])) }
sub new_ns      { _handle('ns_new', LinuxNS::C::ns_new($_[0] // 0)) }
sub get_userns  { _handle('ns_get_userns', LinuxNS::C::ns_get_userns(_fd($_[0]))) }
sub get_parent  { _handle('ns_get_parent', LinuxNS::C::ns_get_parent(_fd($_[0]))) }
sub netns_add   { _handle('ns_netns_add', LinuxNS::C::ns_netns_add($_[0])) }
sub netns_del   { _check('ns_netns_del', LinuxNS::C::ns_netns_del($_[0])); 1 }

sub new_userns {
    my (%o) = @_;
    my ($ubuf, $un) = _map_buffer('ns_new_userns', $o{uid_map});
    my ($gbuf, $gn) = _map_buffer('ns_new_userns', $o{gid_map});
    my ($uptr) = $un ? scalar_to_buffer($ubuf) : (undef);
    my ($gptr) = $gn ? scalar_to_buffer($gbuf) : (undef);
    return _handle('ns_new_userns',
        LinuxNS::C::ns_new_userns($uptr, $un, $gptr, $gn, $o{flags} // 0));
}

sub id {
    my $id;
    _check('ns_id', LinuxNS::C::ns_id(_fd($_[0]), \$id));
    return $id;
}

sub unique_id {
    my $id;
    _check('ns_unique_id', LinuxNS::C::ns_unique_id(_fd($_[0]), \$id));
    return $id;
}

sub ns_type { _check('ns_type', LinuxNS::C::ns_type(_fd($_[0]))) }

sub owner_uid {
    my $uid;
    _check('ns_owner_uid', LinuxNS::C::ns_owner_uid(_fd($_[0]), \$uid));
    return $uid;
}

sub same { _check('ns_same', LinuxNS::C::ns_same(_fd($_[0]), _fd($_[1]))) ? 1 : 0 }

sub bind_ns   { _check('ns_bind', LinuxNS::C::ns_bind(_fd($_[0]), $_[1])); 1 }
sub unbind_ns { _check('ns_unbind', LinuxNS::C::ns_unbind($_[0])); 1 }

sub _write_map {
    my ($function, $pid, $map, $flags) = @_;
    my ($buf, $n) = _map_buffer($function, $map);
    my ($ptr) = $n ? scalar_to_buffer($buf) : (undef);
    no strict 'refs';
    _check($function, &{"LinuxNS::C::$function"}($pid // 0, $ptr, $n, $flags // 0));
    return 1;
}
sub write_uid_map { _write_map('ns_write_uid_map', @_) }
sub write_gid_map { _write_map('ns_write_gid_map', @_) }

sub spawn_attr { LinuxNS::SpawnAttr->new(@_) }

# Splits spawn's own options from the attribute's.
sub _spawn_setup {
    my ($function, %o) = @_;
    my %own;
    for my $k (qw(program env pidfd attr)) {
        $own{$k} = delete $o{$k} if exists $o{$k};
    }
    my $attr;
    if ($own{attr}) {
        _fail($function, Errno::EINVAL(), 'attr => ... cannot be combined with other spawn options')
            if %o;
        $attr = $own{attr};
    } elsif (%o) {
        $attr = LinuxNS::SpawnAttr->new(%o);
    }
    return (\%own, $attr);
}

sub _pidfd_result {
    my ($pid, $own, $pidfd) = @_;
    return $pid unless $own->{pidfd};
    open(my $fh, '<&=', $pidfd) or do { POSIX::close($pidfd); _fail('ns_spawn', $! + 0, "pidfd: $!") };
    return wantarray ? ($pid, $fh) : $pid;
}

sub spawn {
    my ($argv, %o) = @_;
    _fail('spawn', Errno::EINVAL(), 'the first argument is an array ref of the program and its arguments')
        unless ref $argv eq 'ARRAY' && @$argv;
    my ($own, $attr) = _spawn_setup('spawn', %o);
    my $program = $own->{program} // $argv->[0];
    my $pidfd;
    my $aptr = $attr ? $attr->ptr : undef;
    my @args = ("$program", [map("$_", @$argv), undef]);
    my $pid;
    if (defined(my $env = $own->{env})) {
        my @env = ref $env eq 'HASH' ? map("$_=$env->{$_}", sort keys %$env) : @$env;
        $pid = LinuxNS::C::ns_spawn_env(@args, [@env, undef], $aptr, $own->{pidfd} ? \$pidfd : undef);
    } else {
        $pid = LinuxNS::C::ns_spawn(@args, undef, $aptr, $own->{pidfd} ? \$pidfd : undef);
    }
    _check('ns_spawn', $pid);
    return _pidfd_result($pid, $own, $pidfd);
}

# The child of ns_clone and ns_spawn_fn is a fork-like copy of this
# process: the Perl closure runs there, and its value is the exit status.
sub _child_closure {
    my ($code) = @_;
    return $FFI->closure(sub {
        my $status = 0;
        my $ok = eval { my $r = $code->(); $status = defined $r ? $r : 0; 1 };
        unless ($ok) {
            print STDERR (ref $@ ? "$@" : $@);
            $status = 255;
        }
        _flush_all();
        return $status;
    });
}

sub spawn_sub {
    my ($code, %o) = @_;
    _fail('spawn_sub', Errno::EINVAL(), 'the first argument is a code ref') unless ref $code eq 'CODE';
    my ($own, $attr) = _spawn_setup('spawn_sub', %o);
    my $closure = _child_closure($code);
    my $pidfd;
    _flush_all();
    my $pid = LinuxNS::C::ns_spawn_fn($attr ? $attr->ptr : undef, $closure, undef,
        $own->{pidfd} ? \$pidfd : undef);
    _check('ns_spawn_fn', $pid);
    return _pidfd_result($pid, $own, $pidfd);
}

sub clone_sub {
    my ($types, $code, %o) = @_;
    _fail('clone_sub', Errno::EINVAL(), 'the second argument is a code ref') unless ref $code eq 'CODE';
    my $closure = _child_closure($code);
    my $pidfd;
    _flush_all();
    my $pid = LinuxNS::C::ns_clone($types // 0, $closure, undef, $o{pidfd} ? \$pidfd : undef);
    _check('ns_clone', $pid);
    return _pidfd_result($pid, \%o, $pidfd);
}

sub run_in {
    my ($ns, $code, $types) = @_;
    _fail('run_in', Errno::EINVAL(), 'the second argument is a code ref') unless ref $code eq 'CODE';
    my $want = wantarray;
    my $fd = _fd($ns);
    pipe(my $r, my $w) or _fail('run_in', $! + 0, "pipe: $!");
    binmode $_ for $r, $w;
    my $pid = fork;
    _fail('run_in', $! + 0, "fork: $!") unless defined $pid;
    if ($pid == 0) {
        close $r;
        my $out;
        my $rc = LinuxNS::C::ns_setns($fd, $types // 0);
        if ($rc < 0) {
            $out = { setns => [-$rc, LinuxNS::C::ns_last_error()] };
        } else {
            my @res;
            my $ok = eval { @res = $want ? $code->() : scalar $code->(); 1 };
            $out = $ok ? { result => \@res } : { died => $@ };
        }
        my $frozen = eval { Storable::nfreeze($out) };
        unless (defined $frozen) {
            my $why = $@;
            $out = { died => (exists $out->{died} ? "$out->{died}" : "run_in: the result cannot be serialised: $why") };
            $frozen = Storable::nfreeze($out);
        }
        print {$w} $frozen;
        close $w;
        POSIX::_exit(0);
    }
    close $w;
    my $data = do { local $/; <$r> };
    close $r;
    waitpid($pid, 0);
    my $status = $?;
    unless (defined $data && length $data) {
        _fail('run_in', Errno::ECHILD(), "the child ended without a result (wait status $status)");
    }
    my $out = Storable::thaw($data);
    if (my $e = $out->{setns}) {
        LinuxNS::Error->throw(errno => $e->[0], detail => $e->[1], function => 'ns_setns');
    }
    die $out->{died} if exists $out->{died};
    my @res = @{ $out->{result} };
    return $want ? @res : $res[-1];
}

sub run_in_c {
    my ($ns, $types, $fn, $arg) = @_;
    my $result;
    _check('ns_run_in', LinuxNS::C::ns_run_in(_fd($ns), $types // 0, $fn, $arg, \$result));
    return $result;
}

sub list_namespaces {
    my ($types, $flags) = @_;
    my @list;
    my $cb = $FFI->closure(sub {
        my ($ptr) = @_;
        my $info = $FFI->cast('opaque' => 'ns_info_ptr', $ptr);
        push @list, {
            id        => $info->id,
            userns_id => $info->userns_id,
            parent_id => $info->parent_id,
            type      => $info->type,
            type_name => $TYPE_NAME{ $info->type } // '',
            nprocs    => $info->nprocs,
            pid       => $info->pid,
            owner_uid => $info->owner_uid,
        };
        return 0;
    });
    if (defined $flags) {
        _check('ns_list_ex', LinuxNS::C::ns_list_ex($types // 0, $flags, $cb, undef));
    } else {
        _check('ns_list', LinuxNS::C::ns_list($types // 0, $cb, undef));
    }
    return @list;
}

# --- namespace file handles -------------------------------------------------

sub handle_encode {
    my ($ns) = @_;
    my $h = LinuxNS::Handle->new;
    _check('ns_handle_encode', LinuxNS::C::ns_handle_encode(_fd($ns), $h));
    return $h;
}

sub handle_format {
    my ($h) = @_;
    _fail('ns_handle_format', Errno::EINVAL(), 'h: not a LinuxNS::Handle')
        unless blessed $h && $h->isa('LinuxNS::Handle');
    my $buf = "\0" x NS_HANDLE_TEXT_MAX;
    my ($ptr, $len) = scalar_to_buffer($buf);
    my $n = _check('ns_handle_format', LinuxNS::C::ns_handle_format($h, $ptr, $len));
    return substr($buf, 0, $n);
}

sub handle_parse {
    my ($text) = @_;
    my $h = LinuxNS::Handle->new;
    _check('ns_handle_parse', LinuxNS::C::ns_handle_parse($text, $h));
    return $h;
}

sub open_handle {
    my ($h, $flags) = @_;
    $h = handle_parse($h) unless blessed $h && $h->isa('LinuxNS::Handle');
    return _handle('ns_open_handle', LinuxNS::C::ns_open_handle($h, $flags // 0));
}

# --- mounts ---------------------------------------------------------------

# A hash of the fields of one struct ns_mount_info the library filled.
sub _mount_info {
    my ($ptr) = @_;
    my $size = ${ $FFI->cast('opaque' => 'uint32*', $ptr) };
    my $full = $FFI->sizeof('record(LinuxNS::MountInfo)');
    my $n = $size < $full ? $size : $full;
    my $rec = LinuxNS::MountInfo->new;
    $$rec = buffer_to_scalar($ptr, $n) . ("\0" x ($full - $n));
    my %m;
    for my $f (@MOUNT_INFO_FIELDS) {
        my ($name, undef, $end) = @$f;
        next if $name eq 'size' || $end > $size;
        $m{$name} = $rec->$name;
    }
    return \%m;
}

sub mount_list {
    my ($ns) = @_;
    my @list;
    my $cb = $FFI->closure(sub {
        push @list, _mount_info($_[0]);
        return 0;
    });
    _check('ns_mount_list', LinuxNS::C::ns_mount_list(_fd($ns), $cb, undef));
    return @list;
}

sub mount_count { _check('ns_mount_count', LinuxNS::C::ns_mount_count(_fd($_[0]))) }

sub mount_idmapped {
    my ($source, $target, $userns, $flags) = @_;
    _check('ns_mount_idmapped', LinuxNS::C::ns_mount_idmapped($source, $target, _fd($userns), $flags // 0));
    return 1;
}

# --- processes and the kernel ----------------------------------------------

sub pid_translate {
    my ($pid, $from, $to) = @_;
    return _check('ns_pid_translate', LinuxNS::C::ns_pid_translate($pid // 0, _fd($from), _fd($to)));
}

sub pidfd_status {
    my ($pidfd) = @_;
    my $status;
    my $rc = LinuxNS::C::ns_pidfd_status(_fd($pidfd), \$status);
    return undef if $rc == -Errno::EAGAIN();
    _check('ns_pidfd_status', $rc);
    return $status;
}

sub features { LinuxNS::C::ns_features() }

sub pool_new { LinuxNS::Pool->new(@_) }

sub get_limit       { _check('ns_get_limit', LinuxNS::C::ns_get_limit($_[0] // 0)) }
sub set_limit       { _check('ns_set_limit', LinuxNS::C::ns_set_limit($_[0] // 0, $_[1] // -1)); 1 }
sub set_time_offset { _check('ns_set_time_offset', LinuxNS::C::ns_set_time_offset($_[0] // 0, $_[1] // -1, $_[2] // 0, $_[3] // 0)); 1 }
sub pivot_root      { _check('ns_pivot_root', LinuxNS::C::ns_pivot_root($_[0], $_[1])); 1 }
sub kcmp            { _check('ns_kcmp', LinuxNS::C::ns_kcmp($_[0] // 0, $_[1] // 0, $_[2] // -1, $_[3] // 0, $_[4] // 0)) }

# --- the spawn attribute object --------------------------------------------

package LinuxNS::SpawnAttr;

use strict;
use warnings;

our @KEYS = qw(namespaces join map_root uid_map gid_map hostname root mount_proc
    propagation cwd fds close_fds pdeathsig cgroup time_offsets
    root_idmap uid gid groups setsid pgid caps rlimits seccomp umask
    no_new_privs autoreap autokill pool);

# RLIMIT_* (sys/resource.h): the generic numbering; alpha, mips and sparc
# number some differently, so names are taken only elsewhere.
my %RLIMIT = (CPU => 0, FSIZE => 1, DATA => 2, STACK => 3, CORE => 4, RSS => 5,
    NPROC => 6, NOFILE => 7, MEMLOCK => 8, AS => 9, LOCKS => 10, SIGPENDING => 11,
    MSGQUEUE => 12, NICE => 13, RTPRIO => 14, RTTIME => 15);
my $RLIMIT_NAMES = do { require Config; $Config::Config{archname} !~ /^(?:alpha|mips|sparc)/ };
my $RLIM_INFINITY = unpack('L!', pack('l!', -1));
my $ID_UNCHANGED = 0xFFFFFFFF;    # (uid_t)-1, (gid_t)-1

my %CAP_SET = (bounding => LinuxNS::NS_CAPS_BOUNDING(), permitted => LinuxNS::NS_CAPS_PERMITTED(),
    effective => LinuxNS::NS_CAPS_EFFECTIVE(), inheritable => LinuxNS::NS_CAPS_INHERITABLE(),
    ambient => LinuxNS::NS_CAPS_AMBIENT());

sub new {
    my ($class, %o) = @_;
    my $ptr = LinuxNS::C::ns_spawn_attr_new();
    unless ($ptr) {
        my $errno = ($! + 0) || Errno::ENOMEM();
        LinuxNS::Error->throw(errno => $errno, detail => LinuxNS::C::ns_last_error(),
            function => 'ns_spawn_attr_new');
    }
    my $self = bless { ptr => $ptr, keep => [] }, $class;
    $self->set(%o);
    return $self;
}

sub ptr { $_[0]{ptr} }

sub _call {
    my ($self, $setter, @args) = @_;
    no strict 'refs';
    LinuxNS::_check("ns_spawn_attr_$setter", &{"LinuxNS::C::ns_spawn_attr_$setter"}($self->{ptr}, @args));
}

sub set {
    my ($self, %o) = @_;
    my %known = map { $_ => 1 } @KEYS, qw(uid_map_flags gid_map_flags);
    for my $k (sort keys %o) {
        LinuxNS::_fail('spawn', Errno::EINVAL(), "unknown spawn option '$k'") unless $known{$k};
    }
    $self->_call('set_namespaces', $o{namespaces}) if defined $o{namespaces};
    if (defined(my $join = $o{join})) {
        for my $j (ref $join eq 'ARRAY' ? @$join : ($join)) {
            my ($ns, $types) = ref $j eq 'ARRAY' ? @$j : ($j, 0);
            push @{ $self->{keep} }, $ns;
            $self->_call('join', LinuxNS::_fd($ns), $types // 0);
        }
    }
    $self->_call('map_root') if $o{map_root};
    for my $which (qw(uid gid)) {
        next unless defined $o{"${which}_map"};
        my ($buf, $n) = LinuxNS::_map_buffer("ns_spawn_attr_set_${which}_map", $o{"${which}_map"});
        my ($ptr) = $n ? FFI::Platypus::Buffer::scalar_to_buffer($buf) : (undef);
        $self->_call("set_${which}_map", $ptr, $n, $o{"${which}_map_flags"} // 0);
    }
    $self->_call('set_hostname', $o{hostname}) if defined $o{hostname};
    $self->_call('set_root', $o{root}) if defined $o{root};
    $self->_call('set_mount_proc', $o{mount_proc} ? 1 : 0) if defined $o{mount_proc};
    $self->_call('set_propagation', $o{propagation}) if defined $o{propagation};
    $self->_call('set_cwd', $o{cwd}) if defined $o{cwd};
    if (defined(my $fds = $o{fds})) {
        my @pairs = ref $fds eq 'HASH' ? map { [$_, $fds->{$_}] } sort { $a <=> $b } keys %$fds : @$fds;
        for my $p (@pairs) {
            my ($child, $parent) = @$p;
            push @{ $self->{keep} }, $parent;
            $self->_call('set_fd', $child, defined $parent ? LinuxNS::_fd($parent) : -1);
        }
    }
    $self->_call('set_close_fds', $o{close_fds} ? 1 : 0) if defined $o{close_fds};
    if (defined(my $sig = $o{pdeathsig})) {
        if ($sig !~ /^\d+$/) {
            (my $name = $sig) =~ s/^SIG//;
            my $num = eval { no strict 'refs'; &{"POSIX::SIG$name"}() };
            LinuxNS::_fail('spawn', Errno::EINVAL(), "unknown signal '$sig'") unless defined $num;
            $sig = $num;
        }
        $self->_call('set_pdeathsig', $sig);
    }
    if (defined(my $cg = $o{cgroup})) {
        $self->_call('set_cgroup', LinuxNS::_fd($cg));
    }
    if (defined(my $offsets = $o{time_offsets})) {
        for my $clock (sort { $a <=> $b } keys %$offsets) {
            my ($sec, $nsec) = ref $offsets->{$clock} ? @{ $offsets->{$clock} } : ($offsets->{$clock}, 0);
            $self->_call('set_time_offset', $clock, $sec, $nsec // 0);
        }
    }
    $self->_call('set_root_idmap', LinuxNS::_fd($o{root_idmap})) if defined $o{root_idmap};
    $self->_ids(@o{qw(uid gid groups)}) if defined $o{uid} || defined $o{gid} || defined $o{groups};
    $self->_call('set_setsid', $o{setsid} ? 1 : 0) if defined $o{setsid};
    $self->_call('set_pgid', $o{pgid}) if defined $o{pgid};
    $self->_caps($o{caps}) if defined $o{caps};
    $self->_rlimits($o{rlimits}) if defined $o{rlimits};
    $self->_seccomp($o{seccomp}) if defined $o{seccomp};
    if (defined(my $mask = $o{umask})) {
        $mask = oct $mask if !ref $mask && $mask =~ /^0[0-7]+$/;
        $self->_call('set_umask', $mask);
    }
    # In this order: autoreap => 0 also clears autokill, and autokill => 1
    # turns autoreap and no_new_privs on.
    $self->_call('set_no_new_privs', $o{no_new_privs} ? 1 : 0) if defined $o{no_new_privs};
    $self->_call('set_autoreap', $o{autoreap} ? 1 : 0) if defined $o{autoreap};
    $self->_call('set_autokill', $o{autokill} ? 1 : 0) if defined $o{autokill};
    # pool => $pool takes namespaces from it, pool => undef stops; the
    # attr keeps the LinuxNS::Pool object alive (its free still frees it).
    if (exists $o{pool}) {
        my $pool = $o{pool};
        LinuxNS::_fail('ns_spawn_attr_use_pool', Errno::EINVAL(), 'pool: not a LinuxNS::Pool')
            if defined $pool && !(Scalar::Util::blessed($pool) && $pool->isa('LinuxNS::Pool'));
        $self->_call('use_pool', defined $pool ? $pool->ptr : undef);
        $self->{pool} = $pool;
    }
    return $self;
}

sub _ids {
    my ($self, $uid, $gid, $groups) = @_;
    my ($gptr, $n) = (undef, 0);
    if (defined $groups) {
        LinuxNS::_fail('ns_spawn_attr_set_ids', Errno::EINVAL(), 'groups is an array ref of gids')
            unless ref $groups eq 'ARRAY';
        # Non-NULL also for no groups at all: setgroups with none.
        my $buf = @$groups ? pack('L*', @$groups) : pack('L', 0);
        ($gptr) = FFI::Platypus::Buffer::scalar_to_buffer($buf);
        $n = @$groups;
    }
    $self->_call('set_ids', $uid // $ID_UNCHANGED, $gid // $ID_UNCHANGED, $gptr, $n);
}

sub _caps {
    my ($self, $caps) = @_;
    LinuxNS::_fail('ns_spawn_attr_set_caps', Errno::EINVAL(),
        'caps is a hash {bounding|permitted|effective|inheritable|ambient or NS_CAPS_* bits => capabilities}')
        unless ref $caps eq 'HASH';
    for my $key (sort keys %$caps) {
        my $which = $key =~ /^\d+$/ ? $key : $CAP_SET{ lc $key };
        LinuxNS::_fail('ns_spawn_attr_set_caps', Errno::EINVAL(), "unknown capability set '$key'")
            unless defined $which;
        my $set = $caps->{$key} // 0;
        if (ref $set eq 'ARRAY') {
            my $mask = 0;
            for my $cap (@$set) {
                LinuxNS::_fail('ns_spawn_attr_set_caps', Errno::EINVAL(), "capability '$cap' is not 0 to 63")
                    unless defined $cap && $cap =~ /^\d+$/ && $cap < 64;
                $mask |= 1 << $cap;
            }
            $set = $mask;
        }
        $self->_call('set_caps', $which, $set);
    }
}

sub _rlimits {
    my ($self, $limits) = @_;
    LinuxNS::_fail('ns_spawn_attr_set_rlimit', Errno::EINVAL(), 'rlimits is a hash {RESOURCE => [soft, hard]}')
        unless ref $limits eq 'HASH';
    my @set;
    for my $key (keys %$limits) {
        my $res = $key;
        if ($key !~ /^\d+$/) {
            (my $name = uc $key) =~ s/^RLIMIT_//;
            $res = $RLIMIT_NAMES ? $RLIMIT{$name} : undef;
            LinuxNS::_fail('ns_spawn_attr_set_rlimit', Errno::EINVAL(),
                "unknown resource '$key'" . ($RLIMIT_NAMES ? '' : ' (give RLIMIT_* numbers on this architecture)'))
                unless defined $res;
        }
        my $v = $limits->{$key};
        my ($soft, $hard) = ref $v eq 'ARRAY' ? @$v : ($v, $v);
        push @set, [$res, map { !defined $_ || $_ eq 'unlimited' ? $RLIM_INFINITY : $_ } $soft, $hard];
    }
    for my $r (sort { $a->[0] <=> $b->[0] } @set) {
        my $buf = pack('L!L!', $r->[1], $r->[2]);
        my ($ptr) = FFI::Platypus::Buffer::scalar_to_buffer($buf);
        $self->_call('set_rlimit', $r->[0], $ptr);
    }
}

sub _seccomp {
    my ($self, $filter) = @_;
    my $buf;
    if (ref $filter eq 'ARRAY') {
        $buf = join '', map {
            my ($code, $jt, $jf, $k) = ref $_ eq 'HASH' ? @{$_}{qw(code jt jf k)} : ref $_ eq 'ARRAY' ? @$_ : ();
            LinuxNS::_fail('ns_spawn_attr_set_seccomp', Errno::EINVAL(),
                'an instruction is [code, jt, jf, k] or {code, jt, jf, k}') unless defined $code;
            pack('SCCL', $code, $jt // 0, $jf // 0, $k // 0);
        } @$filter;
    } elsif (!ref $filter) {
        $buf = $filter;    # already struct sock_filter[]
    }
    LinuxNS::_fail('ns_spawn_attr_set_seccomp', Errno::EINVAL(),
        'seccomp is an array ref of instructions, or their packed bytes (8 each)')
        unless defined $buf && length($buf) % 8 == 0;
    my $n = length($buf) / 8;
    LinuxNS::_fail('ns_spawn_attr_set_seccomp', Errno::EINVAL(), "$n instructions: 1 to 4096")
        unless $n >= 1 && $n <= 4096;
    my ($ptr) = FFI::Platypus::Buffer::scalar_to_buffer($buf);
    $self->_call('set_seccomp', $ptr, $n);
}

sub DESTROY {
    my ($self) = @_;
    local ($!, $@, $?);
    LinuxNS::C::ns_spawn_attr_free(delete $self->{ptr}) if $self->{ptr};
}

package LinuxNS;

1;

__END__

=head1 NAME

LinuxNS - Linux namespaces for Perl: handles, unshare/setns, maps, spawning, run_in

=head1 SYNOPSIS

    use LinuxNS qw(:types);

    my $net = LinuxNS::open_pid(0, NS_NET);              # a LinuxNS::Namespace
    print "net:[", $net->id, "]\n";                       # as readlink /proc/self/ns/net

    my $pid = LinuxNS::spawn(['sh', '-c', 'id -u; hostname'],
        namespaces => NS_USER | NS_UTS | NS_PID, map_root => 1, hostname => 'box');
    waitpid($pid, 0);                                     # prints 0 and box

    my $host = LinuxNS::run_in(LinuxNS::open_pid($pid2, NS_UTS), sub { (POSIX::uname())[1] });

    for my $ns (LinuxNS::list_namespaces(NS_NET)) {
        print "$ns->{type_name} $ns->{id} $ns->{nprocs}\n";
    }

    my $text = $net->handle->text;                        # "net:4026531840:4097"
    my $again = LinuxNS::open_handle($text);              # while it lives (Linux 6.18)

    for my $m (LinuxNS::mount_list(LinuxNS::open_pid($pid2, NS_MNT))) {
        print "$m->{mount_point} $m->{fs_type} $m->{source}\n";   # as findmnt -N
    }

    eval { LinuxNS::open_pid(-1, NS_NET) };
    print $@->errno, ' ', $@->detail, "\n";               # 22 ns_open_pid: ...

=head1 DESCRIPTION

LinuxNS is the Perl interface to liblinuxns, the C library of Linux
namespace tools (C<man linuxns>). It covers every function of the
library: the ones that move the caller (C<unshare>, C<setns>,
C<enter_pid>; fine in a single-threaded Perl), the ones that never move it
(C<spawn>, C<run_in>, C<new_ns>, C<list_namespaces>, ...) and the maps.

Conventions:

=over 4

=item *

A failure dies with a L<LinuxNS::Error> object (errno, C<$!>-style text,
the text of C<ns_last_error>, which begins with the C function's name),
reported at the caller's line as C<Carp::croak> does, and sets C<$!>.
Functions that have nothing to return return 1.

=item *

A new namespace descriptor comes back as a L<LinuxNS::Namespace> object
that closes it when destroyed. Where a namespace is taken (C<$ns> below),
such an object, a Perl file handle or a descriptor number is accepted.

=item *

A uid or gid map is an array ref of hashes:
C<[{inside =E<gt> 0, outside =E<gt> $E<gt>, count =E<gt> 1}]>
(C<count> defaults to 1).

=item *

Nothing is exported by default. C<use LinuxNS qw(:types)> exports the
NS_* type constants (and NS_ALL, NS_FOR_CHILDREN); C<:map> the map flags
and NS_MAP_MAX_RANGES; C<:propagation> the NS_PROPAGATION_* modes;
C<:kcmp> the NS_KCMP_* types; C<:list> NS_LIST_ALL; C<:caps> the
NS_CAPS_* capability sets; C<:features> the NS_FEATURE_* bits;
C<:handle> NS_HANDLE_TEXT_MAX; C<:pool> NS_POOL_LO_UP; C<:constants> all of them; C<:functions>
every function below; C<:all> everything. Single names can be asked for
too.

=back

=head2 Finding the library

C<$ENV{LINUXNS_LIBRARY}>, when set, is the path of the library to load.
Otherwise L<FFI::CheckLib> searches like the dynamic loader:
C<LD_LIBRARY_PATH>, then the system's library directories (an installed
liblinuxns). C<$LinuxNS::LIBRARY> is the path loaded;
C<$LinuxNS::FFI> is the L<FFI::Platypus> object.

=head2 Threads, run_in and ns_run_in

Perl code must not run on a thread the library starts, so LinuxNS never
hands a Perl sub to C<ns_run_in>. C<run_in> instead forks a child (a
single-threaded copy of the process), calls C<ns_setns> there and runs
the sub in it; the result is sent back with L<Storable> through a pipe.
Unlike C<ns_run_in> this can also join user namespaces, but the sub
works on a copy of the process: changes to variables are not seen by
the caller, only the returned value is. C<run_in_c> calls C<ns_run_in>
itself, for a C function pointer.

C<clone_sub> and C<spawn_sub> run a Perl sub in the child the library
creates (C<ns_clone>, C<ns_spawn_fn>), through an L<FFI::Platypus>
closure: that child is a fork-like copy of the (single-threaded) caller,
so the Perl interpreter works there as after C<fork>. The child leaves
with C<_exit> once the sub returns: LinuxNS flushes STDOUT, STDERR and
the selected handle first, END blocks and destructors do not run. Do not
use them from a Perl program that runs several threads.

=head1 FUNCTIONS

Each names the C function it calls; C<man ns_spawn> etc. describe them
in full.

=head2 Library and types

=over 4

=item version()

The library version, "MAJOR.MINOR.PATCH" (C<ns_version>).

=item last_error()

The calling thread's last failure text (C<ns_last_error>); the
L<LinuxNS::Error> object already holds it.

=item type_name($type)

"mnt", "cgroup", "uts", "ipc", "user", "pid", "net" or "time" for an
NS_* value (C<ns_type_name>).

=item type_from_name($name)

The NS_* value of a name (C<ns_type_from_name>).

=item features()

The kernel features the library found and uses, a mask of the
C<:features> bits (C<ns_features>): C<features() & NS_FEATURE_CLONE3>
etc. NS_FEATURE_CLONE3, NS_FEATURE_CLONE_INTO_CGROUP,
NS_FEATURE_SETNS_PIDFD, NS_FEATURE_PIDFD_GET_NAMESPACE,
NS_FEATURE_NS_GET_ID (C<unique_id>), NS_FEATURE_NSFS_HANDLES
(C<handle_encode>, C<open_handle>), NS_FEATURE_LISTNS,
NS_FEATURE_MNTNS_IOCTLS, NS_FEATURE_LISTMOUNT,
NS_FEATURE_LISTMOUNT_NS_FD, NS_FEATURE_PIDFD_INFO_EXIT (C<pidfd_status>
of a reaped process), NS_FEATURE_IDMAPPED_MOUNTS, NS_FEATURE_PID_TRANSLATE,
NS_FEATURE_CLONE_NNP, NS_FEATURE_CLONE_PIDFD_AUTOKILL,
NS_FEATURE_CLONE_AUTOREAP, NS_FEATURE_CLONE_EMPTY_MNTNS. Never fails;
0 under C<LINUXNS_FORCE_FALLBACK=1>.

=back

=head2 Moving the caller

These move the calling thread, i.e. the whole of a single-threaded Perl
program; use them in a forked child to keep the parent where it is.

=over 4

=item unshare($types)

New namespaces for the caller (C<ns_unshare>): an OR of NS_* values, plus
CLONE_FILES, CLONE_FS, CLONE_SYSVSEM.

=item setns($ns, [$types])

Joins a namespace, or with a pidfd and a mask several namespaces of a
process at once (C<ns_setns>). C<$types> defaults to 0 (any).

=item enter_pid($pid, [$types])

Joins the namespaces of a process, like C<nsenter -t PID>
(C<ns_enter_pid>); C<$types> 0 (the default) means all.

=back

=head2 Namespace handles

All return a L<LinuxNS::Namespace>.

=over 4

=item open_pid($pid, $type)

A namespace of a process; pid 0 is the calling thread (C<ns_open_pid>).
C<$type | NS_FOR_CHILDREN> for pid_for_children / time_for_children.

=item open_pidfd($pidfd, $type)

The same through a pidfd (C<ns_open_pidfd>); the pidfd may be the file
handle C<spawn> returns.

=item open_path($path, [$type])

A namespace file: /proc/PID/ns/X, a bind mount (C<ns_open_path>).
C<$type> 0 (the default) accepts any.

=item open_name($name)

A network namespace by its C<ip netns> name (C<ns_open_name>).

=item new_ns($type)

Creates a namespace of one type without moving the caller (C<ns_new>).

=item new_userns(uid_map => $map, gid_map => $map, flags => $flags)

Creates a user namespace with maps (C<ns_new_userns>); C<flags> are the
C<:map> flags.

=item get_userns($ns)

The owning user namespace (C<ns_get_userns>).

=item get_parent($ns)

The parent of a PID or user namespace (C<ns_get_parent>).

=item netns_add($name)

Creates a named network namespace, as C<ip netns add> (C<ns_netns_add>).

=item open_handle($handle, [$flags])

Reopens the namespace a L<LinuxNS::Handle> names, or the text of one
(C<ns_open_handle>, after C<ns_handle_parse> for a text). Dies with
ESTALE when the namespace is gone (or the kernel will not tell whether
the caller may open it), EPERM when it lives but is refused to the
caller, EOPNOTSUPP before Linux 6.18. C<$flags> is 0 (the descriptor is
always close-on-exec).

=back

=head2 Namespace file handles

A L<LinuxNS::Handle> names a namespace by type, inode number and the
kernel's 64-bit id: 64 bytes, or a text "TYPE:INODE:ID", to store or
send to another process, which reopens the namespace with
C<open_handle> while it lives. A handle keeps nothing alive (Linux
6.18).

=over 4

=item handle_encode($ns)

The handle of a namespace (C<ns_handle_encode>); also
C<$ns-E<gt>handle>.

=item handle_format($handle)

Its text, "uts:4026532315:4121" (C<ns_handle_format>); also
C<$handle-E<gt>text>. At most C<NS_HANDLE_TEXT_MAX> - 1 characters.

=item handle_parse($text)

The handle of such a text (C<ns_handle_parse>): exactly what
C<handle_format> writes, without a newline; EINVAL otherwise.

=back

=head2 Questions about a namespace

=over 4

=item id($ns)

The inode number, as in C<net:[4026531840]> (C<ns_id>).

=item unique_id($ns)

The kernel's never-reused 64-bit id (C<ns_unique_id>, Linux 6.18).

=item ns_type($ns)

The NS_* type (C<ns_type>).

=item owner_uid($ns)

The uid that created the owning user namespace (C<ns_owner_uid>).

=item same($ns_a, $ns_b)

1 when both name the same namespace, else 0 (C<ns_same>).

=back

=head2 Keeping namespaces

=over 4

=item bind_ns($ns, $path)

Keeps a namespace alive by bind-mounting it on C<$path> (C<ns_bind>).

=item unbind_ns($path)

Undoes C<bind_ns> (C<ns_unbind>).

=item netns_del($name)

Deletes a named network namespace (C<ns_netns_del>).

=back

=head2 Maps

=over 4

=item write_uid_map($pid, $map, [$flags])

Writes /proc/PID/uid_map (C<ns_write_uid_map>); pid 0 is the caller.

=item write_gid_map($pid, $map, [$flags])

Writes /proc/PID/gid_map (C<ns_write_gid_map>); NS_MAP_DENY_SETGROUPS
writes "deny" to setgroups first.

=back

=head2 Spawning

=over 4

=item spawn(\@argv, %options)

Starts a program in new or existing namespaces, as a direct child to
C<waitpid> (C<ns_spawn>). Returns the pid; with C<pidfd =E<gt> 1>, in
list context, the pid and a read file handle of its pidfd. C<$argv[0]>
is the program (looked up in PATH without a '/') unless C<program> is
given. Options:

    program      => $path       # instead of $argv[0]
    env          => {K => V} or [ "K=V", ... ]   # default: our %ENV
    pidfd        => 1
    attr         => $spawn_attr # a LinuxNS::SpawnAttr instead of the below
    namespaces   => NS_USER | NS_PID | ...   # ns_spawn_attr_set_namespaces
    join         => [$ns, [$pidfd, NS_NET | NS_UTS], ...] # ns_spawn_attr_join
    map_root     => 1           # ns_spawn_attr_map_root
    uid_map      => [{inside => 0, outside => 1000, count => 1}], uid_map_flags => 0
    gid_map      => [...],      gid_map_flags => NS_MAP_DENY_SETGROUPS
    hostname     => 'box'       # ns_spawn_attr_set_hostname
    root         => $dir        # ns_spawn_attr_set_root
    mount_proc   => 1           # ns_spawn_attr_set_mount_proc
    propagation  => NS_PROPAGATION_SLAVE   # ns_spawn_attr_set_propagation
    cwd          => $dir        # ns_spawn_attr_set_cwd
    fds          => {1 => $fh, 2 => undef} # ns_spawn_attr_set_fd (undef closes)
    close_fds    => 1           # ns_spawn_attr_set_close_fds
    pdeathsig    => 'TERM'      # ns_spawn_attr_set_pdeathsig (name or number)
    cgroup       => $dirhandle_or_fd       # ns_spawn_attr_set_cgroup
    time_offsets => {CLOCK => [$sec, $nsec]} # ns_spawn_attr_set_time_offset
    root_idmap   => $userns     # ns_spawn_attr_set_root_idmap
    uid => 1000, gid => 1000, groups => [27, 100]   # ns_spawn_attr_set_ids
    setsid       => 1           # ns_spawn_attr_set_setsid
    pgid         => 0           # ns_spawn_attr_set_pgid
    caps         => {SET => $caps, ...}  # ns_spawn_attr_set_caps
    rlimits      => {NOFILE => [$soft, $hard], CORE => 0}  # ns_spawn_attr_set_rlimit
    seccomp      => [[$code, $jt, $jf, $k], ...]           # ns_spawn_attr_set_seccomp
    umask        => 027         # ns_spawn_attr_set_umask
    no_new_privs => 1           # ns_spawn_attr_set_no_new_privs
    autoreap     => 1           # ns_spawn_attr_set_autoreap (Linux 7.1)
    autokill     => 1           # ns_spawn_attr_set_autokill (Linux 7.1)
    pool         => $pool       # ns_spawn_attr_use_pool (undef: stop using one)

Clock numbers come from L<Time::HiRes> (CLOCK_MONOTONIC, CLOCK_BOOTTIME).

C<root_idmap>: the C<root> directory is mounted idmapped through the
user namespace C<$userns> (see C<mount_idmapped>) before the child
pivots into it, so a sandbox whose own maps are those of C<$userns>
(say "0 65534 1", with C<uid =E<gt> 0, gid =E<gt> 0>) owns the files
host root owns. Needs root; C<root> must be set.

C<uid>, C<gid>, C<groups>: the ids the program runs with (setgroups,
setresgid, setresuid, in the child's final namespaces: inside a new user
namespace, ids of its maps). One left out is kept as before (by default
the caller's); C<groups =E<gt> []> means none (refused where setgroups
is denied, as after C<map_root>). Leaving uid 0 clears the capabilities
unless C<caps> keeps some.

C<setsid>: a new session (no controlling terminal); C<pgid>: a process
group, 0 for a new one led by the program. Not both.

C<caps>: capability sets of the program, a hash whose keys are set names
(C<bounding>, C<permitted>, C<effective>, C<inheritable>, C<ambient>) or
an OR of NS_CAPS_* bits, and whose values are a mask (bit n for
capability n, CAP_NET_BIND_SERVICE is 10) or an array ref of capability
numbers. C<{ bounding =E<gt> [10] }> limits a root program to
CAP_NET_BIND_SERVICE;
C<{ NS_CAPS_PERMITTED | NS_CAPS_EFFECTIVE | NS_CAPS_INHERITABLE | NS_CAPS_AMBIENT, [10] }>
with C<uid> keeps it for a program that is not root. Sets not named
stay as the kernel leaves them.

C<rlimits>: a hash of resource (a name as C<NOFILE> or C<RLIMIT_NOFILE>,
or the RLIMIT_* number) to C<[$soft, $hard]>, or one value for both;
C<undef> or C<'unlimited'> is RLIM_INFINITY. Raising a hard limit needs
root outside any user namespace.

C<seccomp>: a classic BPF filter over struct seccomp_data, installed
right before the program runs, with no_new_privs: an array ref of
instructions, each C<[$code, $jt, $jf, $k]> or
C<{code =E<gt> ..., jt =E<gt> ..., jf =E<gt> ..., k =E<gt> ...}>, or
the packed C<struct sock_filter> bytes. Checked when set (EINVAL names
the instruction). C<[[0x06, 0, 0, 0x7fff0000]]> (return ALLOW) runs the
program under a filter that allows everything.

C<umask>: a number (write it in octal, C<027>) or an octal string
(C<'027'>), 0 to 0777.

C<no_new_privs>: the program starts with no_new_privs set
(C<NoNewPrivs: 1> in its /proc/self/status): execve never grants it or
anything it runs privileges (set-user-ID and set-group-ID bits and file
capabilities are ignored), and the flag cannot be cleared. On every
kernel (CLONE_NNP from Linux 7.1, else prctl(PR_SET_NO_NEW_PRIVS) right
before exec). C<seccomp> sets it as well.

C<autoreap>: the kernel reaps the program when it exits: it never
becomes a zombie and sends no SIGCHLD, and C<waitpid> cannot wait for it
(ECHILD). Ask for C<pidfd =E<gt> 1>: the pidfd handle becomes readable
(C<IO::Select>, C<poll>) when the program exits, and C<pidfd_status>
then gives its wait status. C<autoreap =E<gt> 0> also turns C<autokill>
off.

C<autokill>: the program is killed (SIGKILL) when the last descriptor of
its pidfd closes: with C<pidfd =E<gt> 1>, when the handle is closed or
goes out of scope (and every duplicate of it), or when this process exits
or execs. Implies C<autoreap> and C<no_new_privs>.

C<autoreap> and C<autokill> need CLONE_AUTOREAP and CLONE_PIDFD_AUTOKILL
(Linux 7.1; C<features()> has NS_FEATURE_CLONE_AUTOREAP and
NS_FEATURE_CLONE_PIDFD_AUTOKILL then). Without them, setting either to 1
dies with EOPNOTSUPP (the detail names the function, the CLONE_ flag and
7.1): there is no fallback, wait for the program as usual, or end it
yourself (C<pdeathsig>). Setting them to 0 always succeeds. C<spawn> also
dies with EOPNOTSUPP when they are combined with joins that need an
intermediate process (ns_spawn(3): PID joins without CAP_SYS_ADMIN, joins
before a new PID or time namespace, a joined time namespace), or with
C<time_offsets>.

C<pool>: a L<LinuxNS::Pool> (from C<pool_new>) whose ready namespace
sets the spawns take (C<ns_spawn_attr_use_pool>): a spawn joins a ready
set in place of creating those types, and creates the other types of
C<namespaces> (owned by the pooled user namespace, when the pool has
one); with the pool empty, or freed, it creates everything itself, as
without a pool, never waiting. C<spawn> dies with EINVAL unless the
pool's types are all among C<namespaces> and none of them is joined, and
(with NS_USER in the pool) the maps are none or C<map_root>'s. The
attribute object keeps the pool object alive; C<$pool-E<gt>free> still
frees it, after which the spawns create everything. C<pool =E<gt> undef>
stops using a pool.

=item spawn_sub($code, %options)

Runs C<$code> in a child set up as C<spawn> would (C<ns_spawn_fn>); the
sub's return value is the exit status. Same options as C<spawn> except
C<program> and C<env>. See L</Threads, run_in and ns_run_in>.

=item spawn_attr(%options)

A L<LinuxNS::SpawnAttr> object built from C<spawn>'s attribute options
(C<ns_spawn_attr_new> and the setters; freed with
C<ns_spawn_attr_free> on destruction), to reuse with
C<spawn(\@argv, attr =E<gt> $attr)>.

=item clone_sub($types, $code, [pidfd => 1])

Runs C<$code> in a child with new namespaces C<$types> (C<ns_clone>);
with NS_PID it is pid 1 there. Returns the pid (and a pidfd handle on
request); the sub's return value is the exit status.

=item run_in($ns, $code, [$types])

Runs C<$code> in a forked child that has joined C<$ns> (C<ns_setns> in
the child; a pidfd with a mask of C<$types> joins several at once) and
returns what it returned, in the caller's context, copied back with
L<Storable>. An exception in the sub is rethrown in the caller; a
failing C<ns_setns> throws a L<LinuxNS::Error>.

=item run_in_c($ns, $types, $c_function, $c_arg)

C<ns_run_in> itself, for a C function pointer (an opaque from
L<FFI::Platypus>, never a Perl sub): returns the function's result.

=back

=head2 The system

=over 4

=item list_namespaces([$types], [$flags])

Every namespace on the system, as lsns shows them (C<ns_list>): a list
of hashes with C<id>, C<userns_id>, C<parent_id>, C<type>, C<type_name>,
C<nprocs>, C<pid>, C<owner_uid>, ascending by type and id. With
C<$flags> (C<ns_list_ex>), C<NS_LIST_ALL> also lists the namespaces no
process is in (held by a descriptor, a bind mount in any mount
namespace, a thread, a *_for_children link, or only as another's parent
or owner); those have C<nprocs> and C<pid> 0.

=item mount_list($mntns)

The mounts of a mount namespace, without entering it (C<ns_mount_list>),
as findmnt -N shows them; for our own, as /proc/self/mountinfo. A list
of hashes in the kernel's order, with the fields of struct ns_mount_info:

    mount_point     where it is mounted ("/", "/proc", ...)
    root            the directory of the filesystem mounted ("/" unless a bind mount)
    fs_type         "ext4", "tmpfs", "fuse.sshfs", ...
    source          "/dev/sda1", "tmpfs", ...; "none" for none
    proc_id, proc_parent_id   the ids of mountinfo (findmnt's ID, PARENT)
    id, parent_id   the unique 64-bit ids (statmount); 0 without statmount
    dev_major, dev_minor
    propagation     MS_SHARED (1 << 20), MS_SLAVE (1 << 19),
                    MS_UNBINDABLE (1 << 17) bits, or MS_PRIVATE (1 << 18)
    peer_group, master   "shared:N", "master:N"; 0 if none
    attr            MOUNT_ATTR_* bits (RDONLY 0x1, NOSUID 0x2, IDMAP 0x100000, ...)
    idmapped        1 for an idmapped mount, else 0

A field a later library adds is reported only once this package knows
it; one an older library did not fill is left out. Also
C<$ns-E<gt>mounts>.

=item mount_count($mntns)

The number of mounts of a mount namespace (C<ns_mount_count>); also
C<$ns-E<gt>mount_count>.

=item mount_idmapped($source, $target, $userns, [$flags])

Bind-mounts C<$source> (and the mounts below it) on C<$target> in the
caller's mount namespace with its file owners mapped through the user
namespace C<$userns> (C<ns_mount_idmapped>; Linux 5.12): with a map "0
65534 1", root's files show as uid 65534 through C<$target>. Needs root
for a host filesystem; C<umount $target> removes it. C<$flags> is 0.
This moves nothing but mounts where the caller is: use a forked child
with its own mount namespace to keep it from others.

=item pid_translate($pid, $from_pidns, $to_pidns)

The pid that PID namespace C<$to_pidns> shows for the process
C<$from_pidns> numbers C<$pid> (C<ns_pid_translate>): pid 1 of a child's
new PID namespace is its pid in ours. Dies with ESRCH when the target
namespace cannot see it.

=item pidfd_status($pidfd)

The wait status of the process behind a pidfd (a file handle from
C<spawn(..., pidfd =E<gt> 1)> or a descriptor), as C<$?> has it, without
waiting or reaping (C<ns_pidfd_status>): C<undef> while it runs. An
exited child stays for C<waitpid>; from Linux 6.15 a reaped one still
has its status (EOPNOTSUPP before).

=item get_limit($type)

/proc/sys/user/max_TYPE_namespaces (C<ns_get_limit>).

=item set_limit($type, $value)

Writes it (C<ns_set_limit>).

=item set_time_offset($pid, $clock, $sec, [$nsec])

A clock offset of the time namespace C<$pid>'s children get
(C<ns_set_time_offset>).

=item pivot_root($new_root, $put_old)

pivot_root(2) (C<ns_pivot_root>).

=item kcmp($pid1, $pid2, $type, [$idx1, $idx2])

kcmp(2) (C<ns_kcmp>): 0 equal, 1 less, 2 greater, 3 unordered.

=back

=head2 Namespace pools

=over 4

=item pool_new($types, $size, [$flags])

A L<LinuxNS::Pool>: a background thread of the library keeps C<$size>
(1 to 1024) never-used sets of new namespaces of C<$types> ready
(C<ns_pool_new>), for C<spawn(..., pool =E<gt> $pool)> and
C<$pool-E<gt>take> (C<ns_pool_take>); freed with C<$pool-E<gt>free> or
when the object goes away (C<ns_pool_free>). C<$types>: an OR of
NS_USER, NS_NET, NS_UTS, NS_IPC, NS_CGROUP, NS_PID; a pooled user
namespace maps our euid and egid to 0 and owns the set's other
namespaces. C<$flags>: 0 or C<NS_POOL_LO_UP> (C<:pool>, with NS_NET):
the loopback device of each pooled network namespace is up. Dies with
EINVAL for C<$types> 0 or with other bits (NS_MNT, NS_TIME), C<$size>
0 or above 1024, unknown flags or NS_POOL_LO_UP without NS_NET. While a
pool exists the process has one more thread: C<unshare(NS_USER)> and
C<setns> into a user namespace from the caller itself then fail with
EINVAL (C<run_in>, C<spawn> and the other calls that work in a child are
unaffected). See L<LinuxNS::Pool>.

=back

=head2 The raw functions and records

C<LinuxNS::C::ns_open_pid> etc. are the C functions as attached, with
the C conventions (negative errno returns); C<%LinuxNS::C_SIGNATURES>
lists their FFI types. C<LinuxNS::IdMap> (struct ns_idmap),
C<LinuxNS::Info> (struct ns_info), C<LinuxNS::MountInfo> (struct
ns_mount_info) and L<LinuxNS::Handle> (struct ns_handle) are
L<FFI::Platypus::Record> classes.

=head1 LinuxNS::SpawnAttr

=over 4

=item LinuxNS::SpawnAttr-E<gt>new(%options)

=item $attr-E<gt>set(%options)

Applies C<spawn>'s attribute options.

=item $attr-E<gt>ptr

The C<ns_spawn_attr *>.

=back

=head1 SEE ALSO

L<LinuxNS::Namespace>, L<LinuxNS::Handle>, L<LinuxNS::Pool>, L<LinuxNS::Error>,
L<LinuxNS::Clone> (the interface of Linux::Clone), C<man linuxns>.

=cut
