package Linux::Clone;

use strict;
use warnings;

our $VERSION = '1.2';

use Exporter 'import';
use LinuxNS::Clone ();

our @EXPORT_OK   = @LinuxNS::Clone::EXPORT_OK;
our %EXPORT_TAGS = %LinuxNS::Clone::EXPORT_TAGS;
our @EXPORT      = ();

# The same subs (with their prototypes) and constants under this name.
BEGIN {
    no strict 'refs';
    for my $name (@LinuxNS::Clone::EXPORT_OK) {
        *{"Linux::Clone::$name"} = \&{"LinuxNS::Clone::$name"};
    }
}

1;

__END__

=head1 NAME

Linux::Clone - the Linux::Clone 1.2 interface, provided by LinuxNS::Clone

=head1 SYNOPSIS

    use Linux::Clone;

    Linux::Clone::unshare(Linux::Clone::NEWUTS | Linux::Clone::NEWUSER)
        and die "unshare: $!";

=head1 DESCRIPTION

This module loads L<LinuxNS::Clone> and makes its functions
(C<clone>, C<unshare>, C<setns>, C<pivot_root>, C<kcmp>) and constants
available as C<Linux::Clone::...>, so programs written for CPAN's
Linux::Clone run unchanged on liblinuxns. It exports what
L<LinuxNS::Clone> exports, on request. See L<LinuxNS::Clone> for the
behaviour of each function and what is deliberately not covered.

=head1 SEE ALSO

L<LinuxNS::Clone>, L<LinuxNS>

=cut
