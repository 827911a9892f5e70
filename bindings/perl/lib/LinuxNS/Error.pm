package LinuxNS::Error;

use strict;
use warnings;

our $VERSION = '0.1.0';

use overload
    '""'     => \&as_string,
    'bool'   => sub { 1 },
    '0+'     => sub { $_[0]{errno} },
    fallback => 1;

# Packages whose frames are skipped when finding the caller's line.
my $INTERNAL = qr/^(?:LinuxNS(?:::.*)?|Linux::Clone|FFI::Platypus(?:::.*)?)$/;

sub new {
    my ($class, %args) = @_;
    my $errno = $args{errno} // 0;
    my $text = do { local $! = $errno; "$!" };
    my $self = bless {
        errno    => $errno,
        message  => $text,
        detail   => $args{detail} // '',
        function => $args{function} // '',
    }, $class;
    my $level = 0;
    while (my @frame = caller($level++)) {
        next if $frame[0] =~ $INTERNAL;
        @{$self}{qw(file line)} = @frame[1, 2];
        last;
    }
    unless (defined $self->{file}) {
        my @frame = caller(0);
        @{$self}{qw(file line)} = @frame[1, 2];
    }
    return $self;
}

sub throw {
    my $class = shift;
    my $self = $class->new(@_);
    $! = $self->{errno};
    die $self;
}

sub errno    { $_[0]{errno} }
sub message  { $_[0]{message} }
sub detail   { $_[0]{detail} }
sub function { $_[0]{function} }
sub file     { $_[0]{file} }
sub line     { $_[0]{line} }

sub as_string {
    my ($self) = @_;
    my $what = length $self->{detail} ? $self->{detail} : "$self->{function}: $self->{message}";
    my $text = $what;
    $text .= " ($self->{message})" if length $self->{detail} && index($what, $self->{message}) < 0;
    return "$text at $self->{file} line $self->{line}.\n";
}

1;

__END__

=head1 NAME

LinuxNS::Error - the exception thrown by LinuxNS functions

=head1 SYNOPSIS

    use LinuxNS qw(:types);

    my $ns = eval { LinuxNS::open_pid(-1, NS_NET) };
    if (my $e = $@) {
        die $e unless ref $e && $e->isa('LinuxNS::Error');
        printf "errno %d (%s): %s\n", $e->errno, $e->message, $e->detail;
        print "$e";   # ns_open_pid: ... (Invalid argument) at script.pl line 3.
    }

=head1 DESCRIPTION

Every LinuxNS and LinuxNS::Namespace function that fails dies with an
object of this class, and sets C<$!> to the same errno. The library
returned a negative errno; the object keeps it with the text of
C<ns_last_error()>, read right after the failing call on the same thread.

The object is reported at the caller's line, as C<Carp::croak> does: the
frames of LinuxNS's own packages are skipped.

=head1 METHODS

=over 4

=item new(errno => $n, detail => $text, function => $name)

Builds the object and records the first caller outside LinuxNS.

=item throw(...)

C<new> with the same arguments, sets C<$!>, then dies with the object.

=item errno

The positive errno value (C<EINVAL> is 22). The object in numeric context
is this number.

=item message

The C<$!>-style text of the errno, e.g. "Invalid argument".

=item detail

The text of C<ns_last_error()>, which begins with the name of the C
function, e.g. "ns_open_pid: pid -1: ...". Empty for failures found by the
Perl side before calling the library (then C<function> names the Perl
function).

=item function

The name of the failing C function (or Perl function).

=item file

=item line

Where the failing LinuxNS function was called from.

=item as_string

The stringification: C<detail> (or C<function: message>), the errno text
in parentheses when C<detail> does not already contain it, and
" at FILE line N.\n".

=back

=head1 SEE ALSO

L<LinuxNS>

=cut
