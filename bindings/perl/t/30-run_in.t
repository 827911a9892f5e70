# run_in: a Perl sub in a forked child that joined a namespace; its
# result comes back serialised.
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NSTest;
use POSIX ();
use Errno qw(EINVAL);
use LinuxNS qw(:types :functions);

need_root();

# A holder process in new UTS and net namespaces, with its own hostname.
pipe(my $r, my $w) or die;
my ($holder, $pidfd) = spawn(['sh', '-c', 'read x; exit 0'],
    namespaces => NS_UTS | NS_NET, hostname => 'perl-run-in', fds => { 0 => $r }, pidfd => 1);
close $r;

my $uts = open_pid($holder, NS_UTS);
is(scalar run_in($uts, sub { (POSIX::uname())[1] }), 'perl-run-in',
   'run_in(uts): the sub sees the namespace\'s hostname');
is(run_in($uts, sub { proc_id('self', 'uts') }), proc_id($holder, 'uts'),
   'run_in(uts): the child is in the holder\'s UTS namespace');
isnt(proc_id('self', 'uts'), proc_id($holder, 'uts'), 'the caller did not move');

# Results of any shape, in the caller's context.
my @list = run_in($uts, sub { (1, 'two', [3]) });
is_deeply(\@list, [1, 'two', [3]], 'a list in list context');
my $hash = run_in($uts, sub { { host => (POSIX::uname())[1], ids => [1, 2] } });
is_deeply($hash, { host => 'perl-run-in', ids => [1, 2] }, 'a hash ref');
is(scalar run_in($uts, sub { wantarray ? 'list' : 'scalar' }), 'scalar', 'scalar context is kept');

# A pidfd and a mask: several namespaces at once.
my @ids = run_in($pidfd, sub { (proc_id('self', 'uts'), proc_id('self', 'net')) }, NS_UTS | NS_NET);
is_deeply(\@ids, [proc_id($holder, 'uts'), proc_id($holder, 'net')], 'run_in(pidfd, NS_UTS|NS_NET)');

# Changes in the child stay there.
my $x = 1;
run_in($uts, sub { $x = 2 });
is($x, 1, 'the sub ran on a copy: our variables are unchanged');

# A user namespace can be joined (ns_run_in cannot: it uses a thread).
my $u = new_userns(uid_map => [{inside => 0, outside => 0, count => 10}], gid_map => [{inside => 0, outside => 0, count => 10}]);
my $map = run_in($u, sub { open my $f, '<', '/proc/self/uid_map' or die; local $/; <$f> });
is($map =~ s/\s+/ /gr, ' 0 0 10 ', 'run_in(userns): /proc/self/uid_map inside');

# Errors: a die in the sub is rethrown; a failing setns is a LinuxNS::Error.
eval { run_in($uts, sub { die "from the child\n" }) };
is($@, "from the child\n", 'a die in the sub is rethrown in the caller');
my $line = __LINE__ + 1;
eval { run_in($uts, sub { 1 }, NS_NET) };
isa_ok($@, 'LinuxNS::Error', 'run_in with the wrong type');
is($@->errno, EINVAL, '... EINVAL');
like($@->detail, qr/^ns_setns: /, '... from ns_setns: ' . $@->detail);
is($@->line, $line, '... at the caller\'s line');

close $w;
waitpid($holder, 0);
done_testing();
