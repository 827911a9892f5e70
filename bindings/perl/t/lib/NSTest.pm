package NSTest;
# Helpers of the test-suite: ids from /proc, root checks, forked children.
use strict;
use warnings;
use Exporter 'import';
use POSIX ();
use Storable ();
use File::Spec;
use File::Basename qw(dirname);
use Cwd ();

use FFI::Platypus 2.00;
use constant PR_SET_DUMPABLE => 4;
FFI::Platypus->new(api => 2, lib => [undef])
    ->attach(prctl => ['int', 'ulong', 'ulong', 'ulong', 'ulong'] => 'int');

our @EXPORT = qw(proc_id need_root in_child as_user header_path header_functions nobody_uid);

# The inode number in readlink /proc/PID/ns/NAME ("net:[4026531840]").
sub proc_id {
    my ($pid, $name) = @_;
    my $link = readlink("/proc/$pid/ns/$name") // return undef;
    return $link =~ /^\Q$name\E:\[(\d+)\]$/ ? $1 : undef;
}

sub need_root {
    return if $> == 0;
    require Test::More;
    Test::More::plan(skip_all => 'needs root (namespace tests)');
}

# Runs $code in a forked child and returns what it returned (a list),
# or dies with the child's error. $setup runs first in the child.
sub in_child {
    my ($code, $setup) = @_;
    pipe(my $r, my $w) or die "pipe: $!";
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        close $r;
        my @res;
        my $ok = eval { $setup->() if $setup; @res = $code->(); 1 };
        my $out = $ok ? { result => \@res } : { died => "$@" };
        print {$w} Storable::nfreeze($out);
        close $w;
        POSIX::_exit(0);
    }
    close $w;
    my $data = do { local $/; <$r> };
    close $r;
    waitpid($pid, 0);
    die "child ended without a result (status $?)\n" unless defined $data && length $data;
    my $out = Storable::thaw($data);
    die $out->{died} if exists $out->{died};
    return @{ $out->{result} };
}

sub nobody_uid { 65534 }

# in_child, after dropping to uid and gid 65534 (root only).
sub as_user {
    my ($code, $uid) = @_;
    $uid //= nobody_uid();
    return in_child($code, sub {
        $( = $) = "$uid $uid";
        POSIX::setgid($uid) or die "setgid: $!";
        POSIX::setuid($uid) or die "setuid: $!";
        die "still uid $>\n" unless $> == $uid && $< == $uid;
        # A change of ids leaves the process non-dumpable until the next
        # execve, and its /proc/PID files root's: undo that, as after the
        # execve of setpriv(1).
        prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) == 0 or die "prctl: $!";
    });
}

# include/linuxns.h: $LINUXNS_HEADER, else the source tree's.
sub header_path {
    return $ENV{LINUXNS_HEADER} if $ENV{LINUXNS_HEADER} && -f $ENV{LINUXNS_HEADER};
    my $here = File::Spec->rel2abs(dirname(__FILE__));
    for my $up ('../../../../include/linuxns.h', '../../../include/linuxns.h') {
        my $p = File::Spec->catfile($here, $up);
        return Cwd::abs_path($p) if -f $p;
    }
    return undef;
}

# The ns_* functions the header declares (one declaration a line, as
# cbindgen writes them); empty without a header.
sub header_functions {
    my $path = header_path() // return ();
    open my $fh, '<', $path or die "$path: $!";
    my $text = do { local $/; <$fh> };
    return $text =~ /^(?:const\s+)?(?:struct\s+)?\w+\s*\*?\s*(ns_\w+)\(/mg;
}

1;
