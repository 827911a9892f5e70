package LinuxNS::Namespace;

use strict;
use warnings;
use POSIX ();

our $VERSION = '0.1.0';

# Takes ownership of a namespace descriptor the library returned.
sub new {
    my ($class, $fd) = @_;
    return bless { fd => $fd }, $class;
}

sub fileno { $_[0]{fd} }

sub id         { LinuxNS::id($_[0]{fd}) }
sub unique_id  { LinuxNS::unique_id($_[0]{fd}) }
sub type       { LinuxNS::ns_type($_[0]{fd}) }
sub type_name  { LinuxNS::type_name(LinuxNS::ns_type($_[0]{fd})) }
sub userns     { LinuxNS::get_userns($_[0]{fd}) }
sub parent     { LinuxNS::get_parent($_[0]{fd}) }
sub owner_uid {
    my ($self) = @_;
    return LinuxNS::owner_uid($self->{fd}) if LinuxNS::ns_type($self->{fd}) == LinuxNS::NS_USER();
    return LinuxNS::owner_uid($self->userns);
}
sub equals     { LinuxNS::same($_[0]{fd}, $_[1]) }
sub setns      { LinuxNS::setns($_[0]{fd}, $_[1] // 0) }
sub bind       { LinuxNS::bind_ns($_[0]{fd}, $_[1]) }
sub handle     { LinuxNS::handle_encode($_[0]{fd}) }
sub mounts     { LinuxNS::mount_list($_[0]{fd}) }
sub mount_count { LinuxNS::mount_count($_[0]{fd}) }

sub release {
    my ($self) = @_;
    return delete $self->{fd};
}

sub close {
    my ($self) = @_;
    my $fd = delete $self->{fd};
    return 1 unless defined $fd;
    return defined POSIX::close($fd);
}

sub DESTROY {
    my ($self) = @_;
    local ($!, $@, $?);
    POSIX::close($self->{fd}) if defined $self->{fd};
}

1;

__END__

=head1 NAME

LinuxNS::Namespace - a namespace handle that closes its descriptor on destruction

=head1 SYNOPSIS

    use LinuxNS qw(:types);

    my $net = LinuxNS::open_pid(0, NS_NET);        # a LinuxNS::Namespace
    printf "%s:[%d]\n", $net->type_name, $net->id;  # net:[4026531840]
    my $owner = $net->userns;                        # another handle
    print "same\n" if $net->equals(LinuxNS::open_path('/proc/1/ns/net'));

=head1 DESCRIPTION

Functions of L<LinuxNS> that return a new namespace descriptor
(C<open_pid>, C<open_pidfd>, C<open_path>, C<open_name>, C<open_handle>,
C<new_ns>, C<new_userns>, C<get_userns>, C<get_parent>, C<netns_add>)
return it as an object of this class. The descriptor is O_CLOEXEC and is
closed when the object is destroyed. Wherever LinuxNS takes a namespace it takes
such an object, a Perl file handle or a plain descriptor number. Failing
methods die with a L<LinuxNS::Error>.

=head1 METHODS

=over 4

=item new($fd)

Wraps a descriptor; the object owns it from then on.

=item fileno

The descriptor number.

=item id

The inode number, as in C<net:[4026531840]> (C<ns_id>).

=item unique_id

The kernel's 64-bit id that is never reused (C<ns_unique_id>; Linux 6.18).

=item type

The NS_* value (C<ns_type>).

=item type_name

"net", "mnt", ... (C<ns_type> and C<ns_type_name>).

=item userns

The owning user namespace, a new handle (C<ns_get_userns>).

=item parent

The parent of a PID or user namespace, a new handle (C<ns_get_parent>).

=item owner_uid

The uid that created the user namespace, or for another type the user
namespace owning it (C<ns_owner_uid>, with C<ns_get_userns> for other
types).

=item equals($other)

True when C<$other> (a handle, file handle or descriptor) names the same
namespace (C<ns_same>).

=item setns([$types])

Moves the calling thread into the namespace (C<ns_setns>).

=item bind($path)

Keeps the namespace alive on C<$path> (C<ns_bind>).

=item handle

A L<LinuxNS::Handle> of the namespace (C<ns_handle_encode>; Linux
6.18): a token that reopens it later with C<LinuxNS::open_handle>.

=item mounts

The mounts of a mount namespace, as C<LinuxNS::mount_list> gives them
(C<ns_mount_list>).

=item mount_count

The number of mounts of a mount namespace (C<ns_mount_count>).

=item release

Gives up ownership: returns the descriptor, which is then not closed by
the object.

=item close

Closes the descriptor now.

=back

=head1 SEE ALSO

L<LinuxNS>

=cut
