# Failures: a LinuxNS::Error with errno, $! text, ns_last_error's text,
# reported at the caller's line.
use strict;
use warnings;
use Test::More;
use POSIX qw(EINVAL EBADF ENOENT);
use LinuxNS qw(:types :functions);

my $line = __LINE__ + 1;
my $ns = eval { open_pid(-1, NS_NET) };
my $e = $@;
ok(!defined $ns, 'open_pid(-1) returns nothing');
isa_ok($e, 'LinuxNS::Error');
is($e->errno, EINVAL, 'errno is EINVAL');
is(0 + $e, EINVAL, 'numeric value is the errno');
is($e->message, do { local $! = EINVAL; "$!" }, 'message is the $! text');
like($e->detail, qr/^ns_open_pid: \S/, "detail is ns_last_error, starting with the function: " . $e->detail);
is($e->detail, LinuxNS::last_error(), 'detail equals last_error() right after');
is($e->function, 'ns_open_pid', 'function names the C function');
is($e->file, __FILE__, 'file is the caller\'s');
is($e->line, $line, 'line is the caller\'s');
like("$e", qr/^ns_open_pid: .* at \Q${\ __FILE__}\E line $line\.\n\z/, "stringified: $e");
ok($!{EINVAL}, '$! is set to EINVAL');

# Through a method and a nested LinuxNS call: still the caller's line.
{
    my $n = LinuxNS::Namespace->new(9999);
    my $l = __LINE__ + 1;
    eval { $n->id };
    is($@->errno, EBADF, 'id of a closed descriptor: EBADF');
    is($@->line, $l, '... reported at the line of the method call');
    like($@->detail, qr/^ns_id: /, '... ns_id in the detail');
    $n->release;
}

# A die inside a sub called by LinuxNS::run_in is not a LinuxNS::Error.
eval { open_path('/nonexistent/ns/file') };
is($@->errno, ENOENT, 'open_path of a missing file: ENOENT');
like($@->detail, qr/^ns_open_path: /, '... ' . $@->detail);

eval { type_name(3) };
is($@->errno, EINVAL, 'type_name(3): EINVAL');
is($@->function, 'ns_type_name', '... from ns_type_name');

eval { type_from_name('bogus') };
is($@->errno, EINVAL, 'type_from_name("bogus"): EINVAL');
is(type_from_name('net'), NS_NET, 'type_from_name("net")');
is(type_name(NS_MNT), 'mnt', 'type_name(NS_MNT)');

eval { LinuxNS::spawn(['true'], bogus => 1) };
is($@->errno, EINVAL, 'an unknown spawn option: EINVAL');
like("$@", qr/unknown spawn option 'bogus'/, "... $@");

eval { LinuxNS::spawn(['/nonexistent/program']) };
is($@->errno, ENOENT, 'spawn of a missing program: ENOENT');
like($@->detail, qr{^ns_spawn: child: execve "/nonexistent/program": }, '... ' . $@->detail);

eval { LinuxNS::write_uid_map(0, 'not a map') };
is($@->errno, EINVAL, 'a map that is not an array ref: EINVAL');

done_testing();
