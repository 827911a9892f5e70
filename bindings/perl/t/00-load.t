use strict;
use warnings;
no warnings "once";
use Test::More;
use lib 't/lib';

use_ok('LinuxNS', qw(:all));
use_ok('LinuxNS::Clone');
use_ok('Linux::Clone');

diag("liblinuxns " . LinuxNS::version() . " from $LinuxNS::LIBRARY");
like(LinuxNS::version(), qr/^\d+\.\d+\.\d+$/, 'version() is MAJOR.MINOR.PATCH');
ok(-e $LinuxNS::LIBRARY, 'the loaded library exists');
if (defined $ENV{LINUXNS_LIBRARY}) {
    is($LinuxNS::LIBRARY, $ENV{LINUXNS_LIBRARY}, 'LINUXNS_LIBRARY is the library loaded');
}

# Every function of the library is attached, and has a Perl function:
# as many as the header declares (t/01-header.t compares the names).
SKIP: {
    require NSTest;
    my @declared = NSTest::header_functions();
    skip 'include/linuxns.h not found (set LINUXNS_HEADER)', 1 unless @declared;
    is(scalar(keys %LinuxNS::C_SIGNATURES), scalar(@declared),
       scalar(@declared) . ' C functions attached, as many as the header declares');
}
for my $f (sort keys %LinuxNS::C_SIGNATURES) {
    ok(defined &{"LinuxNS::C::$f"}, "LinuxNS::C::$f");
}
for my $f (@LinuxNS::FUNCTIONS) {
    ok(defined &{"LinuxNS::$f"}, "LinuxNS::$f");
}

# Importing: nothing by default, tags on request.
{
    package Plain;
    LinuxNS->import;
    ::ok(!defined &Plain::NS_NET, 'nothing exported by default');
    package Types;
    LinuxNS->import(':types');
    ::is(Types::NS_NET(), 0x40000000, ':types exports NS_NET');
    ::ok(!defined &Types::NS_KCMP_VM, '... and not the kcmp constants');
    package Clone;
    Linux::Clone->import(':clone');
    ::is(Clone::CLONE_NEWNET(), 0x40000000, 'Linux::Clone :clone exports CLONE_NEWNET');
}
is(Linux::Clone::NEWUSER(), LinuxNS::NS_USER(), 'Linux::Clone::NEWUSER is NS_USER');
is(prototype('Linux::Clone::unshare'), '$', 'Linux::Clone::unshare has the ($) prototype');
is(\&Linux::Clone::clone, \&LinuxNS::Clone::clone, 'Linux::Clone::clone is LinuxNS::Clone::clone');

done_testing();
