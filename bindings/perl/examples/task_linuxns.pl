use strict; use warnings;
use LinuxNS qw(:types);
pipe(my $r, my $w) or die "pipe: $!";
my $pid = LinuxNS::spawn(['uname', '-n'], namespaces => NS_USER | NS_UTS, map_root => 1,
    hostname => 'box', fds => { 1 => fileno($w) });
close $w;
my $out = do { local $/; <$r> };
waitpid($pid, 0);
print $out;
