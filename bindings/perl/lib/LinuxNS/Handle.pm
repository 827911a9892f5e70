package LinuxNS::Handle;

use strict;
use warnings;

our $VERSION = '0.1.0';

# struct ns_handle: 64 bytes, no padding (t/01-header.t checks the layout).
use FFI::Platypus::Record;
record_layout_1(
    uint32       => 'size',
    sint32       => 'type',
    uint64       => 'unique_id',
    uint32       => 'inode',
    'uint32[11]' => 'reserved',
);

# The methods call LinuxNS, which loads this module: LinuxNS is complete
# by the time any of them runs.

sub parse {
    my ($class, $text) = @_;
    return LinuxNS::handle_parse($text);
}

sub from_bytes {
    my ($class, $bytes) = @_;
    my $size = length ${ $class->new };
    LinuxNS::_fail('LinuxNS::Handle->from_bytes', Errno::EINVAL(),
        "a handle is $size bytes, not " . length($bytes // ''))
        unless defined $bytes && length $bytes == $size;
    my $self = $class->new;
    $$self = $bytes;
    return $self;
}

sub bytes     { ${ $_[0] } }
sub text      { LinuxNS::handle_format($_[0]) }
sub open      { LinuxNS::open_handle($_[0], $_[1] // 0) }
sub type_name { LinuxNS::type_name($_[0]->type) }
sub equals    { ref $_[1] && $_[1]->isa(__PACKAGE__) && ${ $_[0] } eq ${ $_[1] } ? 1 : 0 }

1;

__END__

=head1 NAME

LinuxNS::Handle - a namespace file handle (struct ns_handle): a token that reopens a namespace

=head1 SYNOPSIS

    use LinuxNS qw(:types);

    my $h = LinuxNS::open_pid(0, NS_NET)->handle;   # ns_handle_encode
    my $text = $h->text;                            # "net:4026531840:4097"
    # ... store it, send it to another process ...
    my $net = LinuxNS::open_handle($text);          # a LinuxNS::Namespace
    my $same = LinuxNS::Handle->parse($text)->open; # the same

=head1 DESCRIPTION

A handle names one namespace by its type, inode number and the kernel's
64-bit id, which is never reused: it cannot name another namespace
later, and it keeps nothing alive. The namespace can be reopened from it
(C<ns_open_handle>) while it lives, in this process or another one, by a
caller the kernel lets open it (see C<man ns_open_handle>). Needs Linux
6.18; before, encoding and opening die with EOPNOTSUPP.

The object is an L<FFI::Platypus::Record> of C<struct ns_handle>: 64
bytes that are the same for the same namespace, so they can be compared,
stored and sent as they are (C<bytes>, C<from_bytes>); or as text
(C<text>, C<parse>), "TYPE:INODE:ID".

C<LinuxNS::handle_encode> and C<LinuxNS::Namespace-E<gt>handle> make
one; C<LinuxNS::handle_parse> and C<parse> read the text back.

=head1 METHODS

=over 4

=item LinuxNS::Handle-E<gt>parse($text)

The handle of a text C<ns_handle_format> wrote ("uts:4026532315:4121",
no spaces or newline; C<ns_handle_parse>). Dies with EINVAL for any
other text.

=item LinuxNS::Handle-E<gt>from_bytes($bytes)

The handle whose 64 bytes are C<$bytes> (as C<bytes> gave them). Not
checked until used.

=item LinuxNS::Handle-E<gt>new(%fields)

A handle built by hand (the record constructor): C<size> (64), C<type>,
C<unique_id> and C<inode> must all be set.

=item bytes

The 64 bytes of the handle, in the host's byte order.

=item text

The text form, "TYPE:INODE:ID" (C<ns_handle_format>); at most
C<NS_HANDLE_TEXT_MAX> - 1 characters.

=item open([$flags])

Reopens the namespace (C<ns_open_handle>): a new L<LinuxNS::Namespace>.
Dies with ESTALE when the namespace is gone (or the kernel will not say
whether the caller may open it), EPERM when it lives but the caller may
not open it.

=item equals($other)

1 when C<$other> is a handle with the same bytes (the same namespace),
else 0.

=item size

=item type

=item unique_id

=item inode

=item reserved

The fields of C<struct ns_handle>: 64, the NS_* type, the 64-bit id
(C<unique_id> of the namespace), the inode number (its C<id>), and
eleven zero words.

=item type_name

"net", "mnt", ... of C<type>.

=back

=head1 SEE ALSO

L<LinuxNS>, L<LinuxNS::Namespace>, C<man ns_handle_encode>.

=cut
