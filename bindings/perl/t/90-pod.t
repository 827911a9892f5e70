# Every module has POD that podchecker accepts, and documents every
# function LinuxNS exports.
use strict;
use warnings;
use Test::More;
use File::Find ();
use Pod::Checker ();
use LinuxNS ();

my @pm;
File::Find::find(sub { push @pm, $File::Find::name if /\.pm$/ }, 'lib');
ok(@pm >= 5, scalar(@pm) . ' modules');
for my $pm (sort @pm) {
    my $out = '';
    open my $fh, '>', \$out or die;
    my $errors = Pod::Checker::podchecker($pm, $fh, -warnings => 2);
    is($errors, 0, "podchecker $pm") or diag($out);
    unlike($out, qr/WARNING/, "... without warnings") or diag($out);
}

open my $fh, '<', 'lib/LinuxNS.pm' or die;
my $pod = do { local $/; <$fh> };
for my $f (@LinuxNS::FUNCTIONS) {
    like($pod, qr/^=item \Q$f\E\(/m, "LinuxNS documents $f()");
}
for my $c (sort keys %LinuxNS::C_SIGNATURES) {
    next if $c =~ /^ns_spawn_attr_(?:new|free)$/ && $pod =~ /\Q$c\E/;
    like($pod, qr/\Q$c\E/, "LinuxNS documents what calls $c");
}

done_testing();
