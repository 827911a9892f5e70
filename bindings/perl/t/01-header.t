# The Perl constants and the struct records against include/linuxns.h.
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NSTest;
use LinuxNS qw(:all);
use LinuxNS::Clone ();
use FFI::Platypus 2.00;

my $header = header_path();
plan skip_all => 'include/linuxns.h not found (set LINUXNS_HEADER)' unless $header;
diag("header $header");

open my $fh, '<', $header or die "$header: $!";
my $text = do { local $/; <$fh> };
close $fh;

# --- #define NAME value ----------------------------------------------------
my %define;
while ($text =~ /^#define\s+(NS_\w+)\s+(.+?)\s*$/mg) {
    $define{$1} = $2;
}
ok(scalar(keys %define) >= 20, scalar(keys %define) . ' NS_* defines in the header');
# Evaluate each as C does: numbers, names of earlier defines, | and parens.
my %value;
for my $name (sort keys %define) {
    my $expr = $define{$name};
    1 while $expr =~ s/\b(NS_\w+)\b/exists $define{$1} ? "($define{$1})" : $1/e;
    die "cannot evaluate $name: $expr" unless $expr =~ /^[\s()|0-9a-fA-Fx]+$/;
    $value{$name} = eval $expr;
}
for my $name (sort keys %value) {
    ok(LinuxNS->can($name), "LinuxNS has $name");
    is(LinuxNS->can($name) ? LinuxNS->can($name)->() : undef, $value{$name}, "$name = $define{$name}");
    ok((grep { $_ eq $name } @LinuxNS::EXPORT_OK), "$name is exportable");
}
my @perl_consts = grep { /^NS_/ } @{ $LinuxNS::EXPORT_TAGS{constants} };
for my $name (@perl_consts) {
    ok(exists $value{$name}, "Perl's $name is in the header");
}

# The Linux::Clone namespace flags are the same bits.
my %pair = (NEWNS => 'NS_MNT', NEWCGROUP => 'NS_CGROUP', NEWUTS => 'NS_UTS', NEWIPC => 'NS_IPC',
            NEWUSER => 'NS_USER', NEWPID => 'NS_PID', NEWNET => 'NS_NET', NEWTIME => 'NS_TIME');
for my $c (sort keys %pair) {
    is(LinuxNS::Clone->can($c)->(), $value{ $pair{$c} }, "LinuxNS::Clone::$c = $pair{$c}");
}
for my $k (qw(FILE VM FILES FS SIGHAND IO SYSVSEM)) {
    is(LinuxNS::Clone->can("KCMP_$k")->(), $value{"NS_KCMP_$k"}, "KCMP_$k = NS_KCMP_$k");
}

# --- prototypes: every function of the header is attached ------------------
my @protos = $text =~ /^(?:const\s+)?(?:struct\s+)?\w+\s*\*?\s*(ns_\w+)\(/mg;
is(scalar(@protos), 53, '53 functions in the header');
is_deeply([sort @protos], [sort keys %LinuxNS::C_SIGNATURES], 'the attached functions are the header\'s');

# --- struct layouts --------------------------------------------------------
sub fields {
    my ($struct) = @_;
    $text =~ /typedef struct \Q$struct\E \{(.*?)\}/s or return;
    my $body = $1;
    $body =~ s{/\*.*?\*/}{}sg;
    return map { [/^\s*(\w+)\s+(\w+);/] } grep { /\w/ } split /\n/, $body;
}
my %ctype = (uint32_t => 'uint32', int32_t => 'sint32', uint64_t => 'uint64', int64_t => 'sint64');
my %size  = (uint32 => 4, sint32 => 4, uint64 => 8, sint64 => 8);

my $ffi = FFI::Platypus->new(api => 2);
for my $case (['ns_idmap', 'LinuxNS::IdMap'], ['ns_info', 'LinuxNS::Info']) {
    my ($struct, $class) = @$case;
    my @f = fields($struct);
    ok(@f, "struct $struct has " . scalar(@f) . ' fields');
    # C layout of the header's fields, natural alignment.
    my ($off, %offset) = (0);
    my $align = 1;
    for my $f (@f) {
        my $t = $ctype{ $f->[0] } or do { fail("unknown C type $f->[0]"); next };
        my $s = $size{$t};
        $off = ($off + $s - 1) & ~($s - 1);
        $offset{ $f->[1] } = [$off, $t];
        $off += $s;
        $align = $s if $s > $align;
    }
    my $csize = ($off + $align - 1) & ~($align - 1);
    is($ffi->sizeof("record($class)"), $csize, "sizeof(struct $struct) = $csize");
    # Each field of the record reads the bytes at the C offset.
    my $n = 0;
    for my $f (@f) {
        my ($o, $t) = @{ $offset{ $f->[1] } };
        my $bytes = "\0" x $csize;
        my $v = 1000 + ++$n;
        substr($bytes, $o, $size{$t}) = pack($size{$t} == 8 ? 'Q' : ($t eq 'sint32' ? 'l' : 'L'), $v);
        my $rec = $class->new;
        $$rec = $bytes;
        ok($rec->can($f->[1]), "$class has $f->[1]");
        is($rec->can($f->[1]) ? $rec->${\ $f->[1]} : undef, $v, "$class->$f->[1] is at offset $o ($f->[0])");
    }
}

# With a C compiler, the offsets as the compiler sees them.
SKIP: {
    my $cc = $ENV{CC} || 'cc';
    skip 'no C compiler', 1 unless grep { -x "$_/$cc" } split /:/, $ENV{PATH} // '';
    require File::Temp;
    my $dir = File::Temp::tempdir(CLEANUP => 1);
    (my $inc = $header) =~ s{/[^/]+$}{};
    open my $c, '>', "$dir/l.c" or die;
    print $c "#include <stdio.h>\n#include <stddef.h>\n#include <linuxns.h>\nint main(void){\n";
    print $c qq{printf("ns_idmap %zu\\n", sizeof(struct ns_idmap));\n};
    print $c qq{printf("ns_info %zu\\n", sizeof(struct ns_info));\n};
    for my $f (fields('ns_info')) {
        print $c qq{printf("ns_info.$f->[1] %zu\\n", offsetof(struct ns_info, $f->[1]));\n};
    }
    print $c "return 0;}\n";
    close $c;
    skip 'the C program does not build', 1 if system("$cc -I'$inc' -o '$dir/l' '$dir/l.c' 2>/dev/null") != 0;
    my %got = map { split ' ' } `'$dir/l'`;
    is($got{ns_idmap}, $ffi->sizeof('record(LinuxNS::IdMap)'), 'cc: sizeof(struct ns_idmap)');
    is($got{ns_info}, $ffi->sizeof('record(LinuxNS::Info)'), 'cc: sizeof(struct ns_info)');
    my $rec = LinuxNS::Info->new;
    for my $f (fields('ns_info')) {
        my $bytes = "\0" x $got{ns_info};
        substr($bytes, $got{"ns_info.$f->[1]"}, 4) = pack('L', 77);   # low half, little or big: checked below
        $$rec = $bytes;
        my $v = $rec->${\ $f->[1]};
        ok($v == 77 || $v == 77 << 32, "cc: ns_info.$f->[1] at offset " . $got{"ns_info.$f->[1]"});
    }
}

done_testing();
