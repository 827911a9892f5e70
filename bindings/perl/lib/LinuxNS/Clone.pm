package LinuxNS::Clone;

use strict;
use warnings;

our $VERSION = '1.2';

use Exporter 'import';
use POSIX ();
use Errno ();
use Scalar::Util qw(blessed);
use LinuxNS ();

# The kernel's CLONE_* bits, without the prefix as Linux::Clone 1.2 names
# them; CLONE_* aliases are exportable too.
my %CLONE;
BEGIN {
    %CLONE = (
        CSIGNAL        => 0x000000ff,
        NEWTIME        => 0x00000080,
        VM             => 0x00000100,
        FS             => 0x00000200,
        FILES          => 0x00000400,
        SIGHAND        => 0x00000800,
        PIDFD          => 0x00001000,
        PTRACE         => 0x00002000,
        VFORK          => 0x00004000,
        PARENT         => 0x00008000,
        THREAD         => 0x00010000,
        NEWNS          => 0x00020000,
        SYSVSEM        => 0x00040000,
        SETTLS         => 0x00080000,
        PARENT_SETTID  => 0x00100000,
        CHILD_CLEARTID => 0x00200000,
        DETACHED       => 0x00400000,
        UNTRACED       => 0x00800000,
        CHILD_SETTID   => 0x01000000,
        NEWCGROUP      => 0x02000000,
        NEWUTS         => 0x04000000,
        NEWIPC         => 0x08000000,
        NEWUSER        => 0x10000000,
        NEWPID         => 0x20000000,
        NEWNET         => 0x40000000,
        IO             => 0x80000000,
    );
}
use constant { %CLONE, map { ("CLONE_$_" => $CLONE{$_}) } grep { $_ ne 'CSIGNAL' } keys %CLONE };
use constant {
    KCMP_FILE    => 0,
    KCMP_VM      => 1,
    KCMP_FILES   => 2,
    KCMP_FS      => 3,
    KCMP_SIGHAND => 4,
    KCMP_IO      => 5,
    KCMP_SYSVSEM => 6,
};

our @CLONE_NAMES = sort(keys(%CLONE), map { "CLONE_$_" } grep { $_ ne 'CSIGNAL' } keys %CLONE);
our @KCMP_NAMES  = qw(KCMP_FILE KCMP_VM KCMP_FILES KCMP_FS KCMP_SIGHAND KCMP_IO KCMP_SYSVSEM);
our @FUNCTIONS   = qw(clone unshare setns pivot_root kcmp);
our %EXPORT_TAGS = (
    clone     => [@CLONE_NAMES],
    kcmp      => [@KCMP_NAMES],
    functions => [@FUNCTIONS],
    all       => [@CLONE_NAMES, @KCMP_NAMES, @FUNCTIONS],
);
our @EXPORT_OK = @{ $EXPORT_TAGS{all} };
our @EXPORT    = ();

# The namespace bits, the only ones clone() passes on (to ns_clone).
use constant NAMESPACES => NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET;

# Runs a LinuxNS call; a LinuxNS::Error becomes -1 with $! set.
sub _sys {
    my ($code) = @_;
    my $rc;
    my $ok = eval { $rc = $code->(); 1 };
    return $rc if $ok;
    my $e = $@;
    die $e unless blessed $e && $e->isa('LinuxNS::Error');
    $! = $e->errno;
    return -1;
}

sub _einval { $! = Errno::EINVAL(); return -1 }

sub clone($$$;$$$) {
    my ($code, $stacksize, $flags, $ptid, $tls, $ctid) = @_;
    return _einval() unless ref $code eq 'CODE';
    $flags //= 0;
    my $signal = $flags & CSIGNAL;
    my $rest = $flags & ~CSIGNAL;
    return _einval() if $signal != POSIX::SIGCHLD();
    return _einval() if $rest & ~NAMESPACES;
    return _sys(sub { LinuxNS::clone_sub($rest, $code) });
}

sub unshare($) {
    my ($flags) = @_;
    return _sys(sub { LinuxNS::unshare($flags // 0); 0 });
}

sub setns($;$) {
    my ($fh_or_fd, $nstype) = @_;
    my $fd = LinuxNS::_fd($fh_or_fd);
    if ($fd < 0) { $! = Errno::EBADF(); return -1 }
    return _sys(sub { LinuxNS::setns($fd, $nstype // 0); 0 });
}

sub pivot_root($$) {
    my ($new_root, $old_root) = @_;
    return _sys(sub { LinuxNS::pivot_root("$new_root", "$old_root"); 0 });
}

sub kcmp($$$;$$) {
    my ($pid1, $pid2, $type, $idx1, $idx2) = @_;
    return _sys(sub { LinuxNS::kcmp($pid1, $pid2, $type, $idx1 // 0, $idx2 // 0) });
}

1;

__END__

=head1 NAME

LinuxNS::Clone - the interface of Linux::Clone (clone, unshare, setns, pivot_root, kcmp) on liblinuxns

=head1 SYNOPSIS

    use Linux::Clone;      # this package, installed under that name too
    # or: use LinuxNS::Clone; with LinuxNS::Clone:: in place of Linux::Clone::

    Linux::Clone::unshare Linux::Clone::NEWNET and die "unshare: $!";

    my $pid = Linux::Clone::clone sub {
        print "pid $$ in new PID and UTS namespaces\n";
        0                                    # the child's exit status
    }, 0, POSIX::SIGCHLD | Linux::Clone::NEWPID | Linux::Clone::NEWUTS;
    die "clone: $!" if $pid < 0;
    waitpid $pid, 0;

    open my $fh, '<', "/proc/$pid2/ns/uts" or die;
    Linux::Clone::setns $fh, Linux::Clone::NEWUTS and die "setns: $!";

    Linux::Clone::kcmp($$, getppid, Linux::Clone::KCMP_VM);   # 1, 2 or 3

=head1 DESCRIPTION

This module has the interface of CPAN's Linux::Clone 1.2: the same
functions, arguments, prototypes, constants and return conventions
(0 or a pid or a kcmp result on success; -1 with C<$!> set on failure;
nothing dies). It is built on liblinuxns through L<LinuxNS> instead of
XS, and it is also installed as C<Linux::Clone>, so a program written for
Linux::Clone runs after changing only its C<use> line, or none at all.

Nothing is exported by default, as with Linux::Clone. The tags C<:clone>
(the flag constants, also as C<CLONE_*>), C<:kcmp>, C<:functions> and
C<:all> export on request.

=head1 FUNCTIONS

=over 4

=item $pid = clone $code, $stacksize, $flags[, $ptid, $tls, $ctid]

Starts a child that runs C<$code> and exits with its return value as
status (255 if it dies). The child is created by C<ns_clone>: a
fork-like copy of the caller (never sharing its memory), in which the
sub runs through an L<FFI::Platypus> closure on the copy of the caller's
stack, so C<$stacksize> is ignored. The namespace bits of C<$flags>
(NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET) become the
child's new namespaces; with NEWPID the child is pid 1 there. The low
byte is the exit signal and must be SIGCHLD. Another signal (also 0),
and every other flag (VM, VFORK, THREAD, SIGHAND, FILES, FS, SYSVSEM,
PARENT, PTRACE, SETTLS, the *TID flags, PIDFD, UNTRACED, IO) return -1
with C<$!> = EINVAL: a Perl interpreter cannot share its memory, thread
group or descriptor table with a second running copy. C<$ptid>, C<$tls>
and C<$ctid> only matter with those refused flags and are ignored.
Returns the child's pid, which must be waited for, or -1 with C<$!> set.
Output the sub prints is flushed before the child leaves with
C<_exit>; END blocks and destructors do not run in it.

=item unshare $flags

unshare(2) through C<ns_unshare>: the namespace bits, FILES, FS and
SYSVSEM. Returns 0, or -1 with C<$!> set (EINVAL for other bits such as
VM or THREAD).

=item setns $fh_or_fd, $nstype

setns(2) through C<ns_setns>: C<$fh_or_fd> is a file handle, a
descriptor number or a L<LinuxNS::Namespace>; C<$nstype> is 0 (any) or
the expected CLONE_NEW* type (for a pidfd, a mask of several). Returns 0,
or -1 with C<$!> set.

=item pivot_root $new_root, $old_root

pivot_root(2) through C<ns_pivot_root>. Returns 0, or -1 with C<$!> set.

=item kcmp $pid1, $pid2, $type[, $idx1, $idx2]

kcmp(2) through C<ns_kcmp>: 0 equal, 1 less, 2 greater, 3 unordered, or
-1 with C<$!> set.

=back

=head1 CONSTANTS

CSIGNAL, NEWTIME, VM, FS, FILES, SIGHAND, PIDFD, PTRACE, VFORK, PARENT,
THREAD, NEWNS, SYSVSEM, SETTLS, PARENT_SETTID, CHILD_CLEARTID, DETACHED,
UNTRACED, CHILD_SETTID, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID,
NEWNET, IO (each also as CLONE_NAME); KCMP_FILE, KCMP_VM, KCMP_FILES,
KCMP_FS, KCMP_SIGHAND, KCMP_IO, KCMP_SYSVSEM.

NEWTIME shares its bit with the exit signal byte of clone(2): use it with
C<unshare>, not C<clone>.

=head1 NOT COVERED

Linux::Clone 1.3's C<configure_loopback> and C<KCMP_EPOLL_TFD> are
not part of the 1.2 interface and are left out. Sharing flags in
C<clone> are refused, see above.

=head1 SEE ALSO

L<LinuxNS>, clone(2), unshare(2), setns(2), pivot_root(2), kcmp(2).

=cut
