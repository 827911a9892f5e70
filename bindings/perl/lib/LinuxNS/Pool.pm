package LinuxNS::Pool;

use strict;
use warnings;
use Errno ();
use FFI::Platypus::Buffer ();

our $VERSION = '0.1.0';

# The NS_* bits a pool may hold, in the order ns_pool_take writes them.
my @ORDER = (0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000);

sub new {
    my ($class, $types, $size, $flags) = @_;
    my $ptr = LinuxNS::C::ns_pool_new($types // 0, $size // 0, $flags // 0);
    unless ($ptr) {
        my $errno = ($! + 0) || Errno::ENOMEM();
        LinuxNS::Error->throw(errno => $errno, detail => LinuxNS::C::ns_last_error(),
            function => 'ns_pool_new');
    }
    # The refill thread is this process's: a forked copy must not free it.
    return bless { ptr => $ptr, types => $types, size => $size, flags => $flags // 0, pid => $$ }, $class;
}

sub ptr   { $_[0]{ptr} }
sub types { $_[0]{types} }
sub size  { $_[0]{size} }
sub flags { $_[0]{flags} }

# The types of the set take returns, in its order.
sub type_order {
    my ($self) = @_;
    return grep { $self->{types} & $_ } @ORDER;
}

sub take {
    my ($self) = @_;
    LinuxNS::_fail('ns_pool_take', Errno::EINVAL(), 'the pool is freed') unless $self->{ptr};
    my $buf = pack('i*', (-1) x scalar(@ORDER));
    my ($p) = FFI::Platypus::Buffer::scalar_to_buffer($buf);
    my $n = LinuxNS::C::ns_pool_take($self->{ptr}, $p);
    return if $n == -Errno::EAGAIN();
    LinuxNS::_check('ns_pool_take', $n);
    my @ns = map { LinuxNS::Namespace->new($_) } (unpack('i*', $buf))[0 .. $n - 1];
    return wantarray ? @ns : \@ns;
}

sub take_wait {
    my ($self, $timeout) = @_;
    $timeout //= 5;
    require Time::HiRes;
    my $end = Time::HiRes::time() + $timeout;
    while (1) {
        my @ns = $self->take;
        return wantarray ? @ns : \@ns if @ns;
        last if Time::HiRes::time() >= $end;
        Time::HiRes::sleep(0.01);
    }
    LinuxNS::_fail('ns_pool_take', Errno::EAGAIN(), "no set ready within $timeout s");
}

sub free {
    my ($self) = @_;
    my $ptr = delete $self->{ptr};
    LinuxNS::C::ns_pool_free($ptr) if $ptr && $self->{pid} == $$;
    return 1;
}

sub DESTROY {
    my ($self) = @_;
    local ($!, $@, $?);
    $self->free;
}

1;

__END__

=head1 NAME

LinuxNS::Pool - a pool of namespace sets made ahead of time

=head1 SYNOPSIS

    use LinuxNS qw(:types :pool);

    my $pool = LinuxNS::pool_new(NS_USER | NS_NET, 4, NS_POOL_LO_UP);
    my $attr = LinuxNS::spawn_attr(namespaces => NS_USER | NS_NET | NS_PID,
        map_root => 1, pool => $pool);
    my $pid = LinuxNS::spawn(['ip', 'link'], attr => $attr);   # lo is UP
    waitpid($pid, 0);

    my ($user, $net) = $pool->take_wait;    # LinuxNS::Namespace objects
    print $net->userns->id == $user->id ? "owned\n" : "?\n";
    $pool->free;                            # or let it go out of scope

=head1 DESCRIPTION

A pool (C<ns_pool_new>) has a background thread of the library that
keeps C<size> never-used sets of new namespaces ready: spawns whose
attribute uses the pool (C<pool =E<gt> $pool>, C<ns_spawn_attr_use_pool>)
join a ready set in place of creating those namespaces, which moves the
cost of creating them off the spawn. A pooled user namespace maps the
caller's euid and egid to 0 and owns the other namespaces of its set.
Errors of making a set (EPERM, ENOSPC at a max_*_namespaces limit) come
from the next C<take>. The pool is freed (C<ns_pool_free>: the thread
stopped, the ready sets closed) by C<free> or when the object is
destroyed; a forked copy of the process never frees it. Failing methods
die with a L<LinuxNS::Error>.

While a pool exists the process runs one more thread, so
C<LinuxNS::unshare(NS_USER)> and C<setns> into a user namespace from the
caller itself fail with EINVAL; C<spawn>, C<run_in> and the library's
other calls are unaffected.

=head1 METHODS

=over 4

=item LinuxNS::Pool-E<gt>new($types, $size, [$flags])

=item LinuxNS::pool_new($types, $size, [$flags])

A new pool (C<ns_pool_new>): C<$types> an OR of NS_USER, NS_NET, NS_UTS,
NS_IPC, NS_CGROUP, NS_PID; C<$size> 1 to 1024 sets; C<$flags> 0 or
C<NS_POOL_LO_UP> (with NS_NET, the loopback device of each pooled network
namespace is up). EINVAL for C<$types> 0 or with other bits (NS_MNT and
NS_TIME cannot be pooled), a bad size or flags.

=item take

Takes a ready set for the caller's own use (C<ns_pool_take>), never
waiting: a list of L<LinuxNS::Namespace> objects (an array ref in
scalar context), one per type of the pool in ascending order of the NS_*
bits (NS_CGROUP, NS_UTS, NS_IPC, NS_USER, NS_PID, NS_NET; see
C<type_order>); the empty list (C<undef> in scalar context) when none is
ready. Dies with the error of a failed refill (once; the pool refills
again after it).

=item take_wait([$timeout])

C<take> until a set is ready, at most C<$timeout> seconds (default 5),
then dies with EAGAIN.

=item type_order

The NS_* types of a set, in the order C<take> returns them.

=item types, size, flags

As given to C<new>.

=item ptr

The C<ns_pool *> (undef once freed).

=item free

Frees the pool now (C<ns_pool_free>); attribute objects that use it stay
valid and their spawns then create every namespace themselves. Calling
it again does nothing.

=back

=head1 SEE ALSO

L<LinuxNS>, C<man ns_pool_new>

=cut
