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
# Found by line (a return type, then the name and its parenthesis) ...
my @protos = $text =~ /^(?:const\s+)?(?:struct\s+)?\w+\s*\*?\s*(ns_\w+)\(/mg;
# ... and counted a second way, by statement: the header without comments
# and preprocessor lines, cut at each ';', every piece (after its last
# brace) that is not a typedef and names an ns_* function before its first
# parenthesis. A declaration the line pattern misses makes the two differ.
my @declared;
{
    (my $code = $text) =~ s{/\*.*?\*/}{}sg;
    $code =~ s{//[^\n]*}{}g;
    $code =~ s{^\s*#[^\n]*}{}mg;
    for my $piece (split /;/, $code) {
        $piece =~ s/^.*[{}]//s;
        next if $piece =~ /^\s*typedef\b/;
        push @declared, $1 if $piece =~ /^[^(]*?\b(ns_\w+)\s*\(/s;
    }
}
ok(scalar(@declared) > 0, scalar(@declared) . ' function declarations in the header');
is(scalar(@protos), scalar(@declared), scalar(@protos) . ' functions in the header, found both ways');
is_deeply([sort @protos], [sort @declared], '... the same names');
is_deeply([sort @protos], [sort keys %LinuxNS::C_SIGNATURES], 'the attached functions are the header\'s');
for my $name (sort @protos) {
    ok(defined &{"LinuxNS::C::$name"}, "LinuxNS::C::$name is attached");
}

# The version script next to the header (a source tree) exports the same.
SKIP: {
    (my $map = $header) =~ s{include/[^/]+$}{linuxns.map};
    skip 'no linuxns.map next to the header', 1 unless $map ne $header && -f $map;
    open my $mfh, '<', $map or die "$map: $!";
    my $mtext = do { local $/; <$mfh> };
    close $mfh;
    my @exported = $mtext =~ /^\s*(ns_\w+)\s*;/mg;
    is_deeply([sort @exported], [sort @protos], scalar(@exported) . ' functions exported by linuxns.map: the header\'s');
}

# --- struct layouts --------------------------------------------------------
# [C type, name, element count] of each field; 'ptr' for a pointer.
sub fields {
    my ($struct) = @_;
    $text =~ /typedef struct \Q$struct\E \{(.*?)\}/s or return;
    my $body = $1;
    $body =~ s{/\*.*?\*/}{}sg;
    return map {
        /^\s*(?:const\s+)?(\w+)\s*(\*?)\s*(\w+)\s*(?:\[(\d+)\])?\s*;/
            ? [$2 ? 'ptr' : $1, $3, $4 // 1]
            : ['?', $_, 1]
    } grep { /\S/ } split /\n/, $body;
}
my $ffi = FFI::Platypus->new(api => 2);
my $ptr_size = $ffi->sizeof('opaque');
my %ctype = (uint32_t => 'uint32', int32_t => 'sint32', uint64_t => 'uint64', int64_t => 'sint64', ptr => 'ptr');
my %size  = (uint32 => 4, sint32 => 4, uint64 => 8, sint64 => 8, ptr => $ptr_size);
my %packc = (uint32 => 'L', sint32 => 'l', uint64 => 'Q', sint64 => 'q', ptr => ($ptr_size == 8 ? 'Q' : 'L'));

# Writes a value into a record's bytes at $offset and reads it back
# through the accessor of $field: the accessor's offset is $offset when
# the value comes back. A pointer field is given a string to point at; of
# an array, the first and the last element are tried.
my @keep;
sub probe {
    my ($class, $size, $field, $t, $count, $offset, $v) = @_;
    my $rec = $class->new;
    if ($t eq 'ptr') {
        my $str = "at $offset\0";
        push @keep, \$str;
        my ($p) = FFI::Platypus::Buffer::scalar_to_buffer($str);
        my $bytes = "\0" x $size;
        substr($bytes, $offset, $ptr_size) = pack($packc{ptr}, $p);
        $$rec = $bytes;
        return ($rec->$field // '') eq "at $offset" ? 1 : 0;
    }
    for my $i ($count > 1 ? (0, $count - 1) : (undef)) {
        my $bytes = "\0" x $size;
        substr($bytes, $offset + ($i // 0) * $size{$t}, $size{$t}) = pack($packc{$t}, $v);
        $$rec = $bytes;
        my $got = defined $i ? $rec->$field($i) : $rec->$field;
        return 0 unless defined $got && $got == $v;
    }
    return 1;
}

require FFI::Platypus::Buffer;
my @structs = (['ns_idmap', 'LinuxNS::IdMap'], ['ns_info', 'LinuxNS::Info'],
               ['ns_mount_info', 'LinuxNS::MountInfo'], ['ns_handle', 'LinuxNS::Handle']);
my @header_structs = $text =~ /^typedef struct (\w+) \{/mg;
is_deeply([sort @header_structs], [sort map { $_->[0] } @structs], 'every struct of the header has a record class');
for my $case (@structs) {
    my ($struct, $class) = @$case;
    my @f = fields($struct);
    ok(@f, "struct $struct has " . scalar(@f) . ' fields');
    # C layout of the header's fields, natural alignment.
    my ($off, %offset) = (0);
    my $align = 1;
    for my $f (@f) {
        my $t = $ctype{ $f->[0] } or do { fail("struct $struct: unknown C type in '$f->[1]'"); next };
        my $s = $size{$t};
        $off = ($off + $s - 1) & ~($s - 1);
        $offset{ $f->[1] } = [$off, $t, $f->[2]];
        $off += $s * $f->[2];
        $align = $s if $s > $align;
    }
    my $csize = ($off + $align - 1) & ~($align - 1);
    is($ffi->sizeof("record($class)"), $csize, "sizeof(struct $struct) = $csize");
    # Each field of the record reads the bytes at the C offset.
    my $n = 0;
    for my $f (@f) {
        my ($o, $t, $count) = @{ $offset{ $f->[1] } // next };
        ok($class->can($f->[1]), "$class has $f->[1]");
        ok($class->can($f->[1]) && probe($class, $csize, $f->[1], $t, $count, $o, 1000 + ++$n),
           "$class->$f->[1] is at offset $o ($f->[0]" . ($count > 1 ? "[$count]" : '') . ')');
    }
}
# ns_mount_list reports exactly the fields of the header.
{
    my %l = reverse @LinuxNS::MOUNT_INFO_LAYOUT;
    my @names = grep { $_ ne 'size' } map { $_->[1] } fields('ns_mount_info');
    my @in_layout = grep { $_ ne 'size' } do { my @l = @LinuxNS::MOUNT_INFO_LAYOUT; map { $l[2 * $_ + 1] } 0 .. $#l / 2 };
    is_deeply(\@in_layout, \@names, 'LinuxNS::MountInfo has the fields of struct ns_mount_info, in order');
}

# The record of one mount honours the size the library filled: a field
# that ends beyond it (an older library) is left out, bytes beyond the
# record (a newer one) are not read.
{
    my $full = $ffi->sizeof('record(LinuxNS::MountInfo)');
    my $str = "/mnt\0";
    my ($sp) = FFI::Platypus::Buffer::scalar_to_buffer($str);
    for my $case ([$full, 1], [$full - 8, 0], [$full + 64, 1]) {
        my ($size, $has_idmapped) = @$case;
        my $rec = LinuxNS::MountInfo->new;
        my $bytes = "\0" x ($full + 64);
        substr($bytes, 0, 4) = pack('L', $size);
        substr($bytes, 24, 4) = pack('L', 42);    # proc_id
        substr($bytes, $_, $ptr_size) = pack($packc{ptr}, $sp) for 64, 72, 80, 88;
        my ($p) = FFI::Platypus::Buffer::scalar_to_buffer($bytes);
        my $m = LinuxNS::_mount_info($p);
        is($m->{proc_id}, 42, "a mount record of $size bytes: proc_id");
        is($m->{mount_point}, '/mnt', '... mount_point');
        is(exists $m->{idmapped} ? 1 : 0, $has_idmapped, '... idmapped ' . ($has_idmapped ? 'reported' : 'left out'));
        ok(!exists $m->{size}, '... size is not a field of the hash');
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
    for my $case (@structs) {
        my $s = $case->[0];
        print $c qq{printf("$s %zu\\n", sizeof(struct $s));\n};
        for my $f (fields($s)) {
            print $c qq{printf("$s.$f->[1] %zu\\n", offsetof(struct $s, $f->[1]));\n};
        }
    }
    print $c qq{printf("rlimit %zu\\n", sizeof(struct rlimit));\n};
    print $c qq{printf("sock_filter %zu\\n", sizeof(struct sock_filter));\n};
    print $c "return 0;}\n";
    close $c;
    skip 'the C program does not build', 1 if system("$cc -I'$inc' -o '$dir/l' '$dir/l.c' 2>/dev/null") != 0;
    my %got = map { split ' ' } `'$dir/l'`;
    my $n = 0;
    for my $case (@structs) {
        my ($s, $class) = @$case;
        is($got{$s}, $ffi->sizeof("record($class)"), "cc: sizeof(struct $s)");
        for my $f (fields($s)) {
            my $t = $ctype{ $f->[0] } // next;
            my $o = $got{"$s.$f->[1]"};
            ok(probe($class, $got{$s}, $f->[1], $t, $f->[2], $o, 2000 + ++$n), "cc: $s.$f->[1] at offset $o");
        }
    }
    # What spawn packs for ns_spawn_attr_set_rlimit and _set_seccomp.
    is($got{rlimit}, length(pack('L!L!', 0, 0)), 'cc: sizeof(struct rlimit) = pack("L!L!")');
    is($got{sock_filter}, length(pack('SCCL', 0, 0, 0, 0)), 'cc: sizeof(struct sock_filter) = pack("SCCL")');
}

done_testing();
