# Sourced by .ci/deps: what the Perl package (bindings/perl) needs.
need_cmd perl perl
need_cmd prove perl
need_cmd make make
need_perl FFI::Platypus libffi-platypus-perl
need_perl FFI::CheckLib libffi-checklib-perl
need_perl ExtUtils::MakeMaker perl
need_cmd podchecker perl
need_cmd setpriv util-linux
