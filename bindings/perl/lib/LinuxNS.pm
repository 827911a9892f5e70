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
use FFI::Platypus::Buffer qw(scalar_to_buffer);
use LinuxNS::Error;
use LinuxNS::Namespace;

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
);

our %EXPORT_TAGS = (
    types       => [qw(NS_MNT NS_CGROUP NS_UTS NS_IPC NS_USER NS_PID NS_NET NS_TIME NS_ALL NS_FOR_CHILDREN)],
    map         => [qw(NS_MAP_DENY_SETGROUPS NS_MAP_USE_HELPER NS_MAP_MAX_RANGES)],
    propagation => [qw(NS_PROPAGATION_PRIVATE NS_PROPAGATION_SLAVE NS_PROPAGATION_SHARED NS_PROPAGATION_UNCHANGED)],
    kcmp        => [qw(NS_KCMP_FILE NS_KCMP_VM NS_KCMP_FILES NS_KCMP_FS NS_KCMP_SIGHAND NS_KCMP_IO NS_KCMP_SYSVSEM)],
    functions   => [@FUNCTIONS],
);
$EXPORT_TAGS{constants} = [map { @{ $EXPORT_TAGS{$_} } } qw(types map propagation kcmp)];
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
    my ($types) = @_;
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
    _check('ns_list', LinuxNS::C::ns_list($types // 0, $cb, undef));
    return @list;
}

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
    propagation cwd fds close_fds pdeathsig cgroup time_offsets);

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
    return $self;
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
C<:kcmp> the NS_KCMP_* types; C<:constants> all of them; C<:functions>
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

Clock numbers come from L<Time::HiRes> (CLOCK_MONOTONIC, CLOCK_BOOTTIME).

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

=item list_namespaces([$types])

Every namespace on the system, as lsns shows them (C<ns_list>): a list
of hashes with C<id>, C<userns_id>, C<parent_id>, C<type>, C<type_name>,
C<nprocs>, C<pid>, C<owner_uid>, ascending by type and id.

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

=head2 The raw functions and records

C<LinuxNS::C::ns_open_pid> etc. are the C functions as attached, with
the C conventions (negative errno returns); C<%LinuxNS::C_SIGNATURES>
lists their FFI types. C<LinuxNS::IdMap> (struct ns_idmap) and
C<LinuxNS::Info> (struct ns_info) are L<FFI::Platypus::Record> classes.

=head1 LinuxNS::SpawnAttr

=over 4

=item LinuxNS::SpawnAttr-E<gt>new(%options)

=item $attr-E<gt>set(%options)

Applies C<spawn>'s attribute options.

=item $attr-E<gt>ptr

The C<ns_spawn_attr *>.

=back

=head1 SEE ALSO

L<LinuxNS::Namespace>, L<LinuxNS::Error>, L<LinuxNS::Clone>
(the interface of Linux::Clone), C<man linuxns>.

=cut
