# linuxns: build, test and demo.
#   make          build liblinuxns.so / liblinuxns.a and include/linuxns.h
#   make test     cargo tests, then the C tests under ctest
#   make demo     run the main example (a shell line in a sandbox)
#   make bench    benchmarks against the raw syscalls and peer tools (tables)
#   make man      man/ (the manual pages) from include/linuxns.h
# Missing tools (cmake, pkg-config, uidmap, iproute2, cargo-c, and Go, Perl's
# FFI::Platypus, GHC and Python's lxns for the FFI tests) are installed by
# .ci/deps with apt-get and pip when run as root.

CARGO     ?= cargo
PREFIX    ?= /usr/local
LIBDIR    ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR    ?= $(PREFIX)/share/man
DESTDIR   ?=
VERSION   := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
MAJOR     := $(word 1,$(subst ., ,$(VERSION)))
MINOR     := $(word 2,$(subst ., ,$(VERSION)))
# What a static link of liblinuxns.a needs (rustc --print native-static-libs).
STATIC_LIBS := -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
BUILD_DIR ?= build/ctest
LIB_DIR   := $(CURDIR)/target/release
export PKG_CONFIG_PATH := $(LIB_DIR)$(if $(PKG_CONFIG_PATH),:$(PKG_CONFIG_PATH))

.PHONY: all build deps deps-build check-memory miri test test-rust test-c c-build demo bench fuzz man install uninstall clean

all: build

# rustc links a cdylib with a version script of its own, which the linker
# prefers to ours: the shared library is linked again from the static one
# with linuxns.map, so that every symbol carries its version node
# (LINUXNS_0.1, ...), as liburing's do. Written aside, then renamed over.
build:
	$(CARGO) build --release
	$(CC) -shared -Wl,--whole-archive $(LIB_DIR)/liblinuxns.a -Wl,--no-whole-archive \
	  -Wl,--version-script=linuxns.map -Wl,-soname,liblinuxns.so.$(MAJOR) $(STATIC_LIBS) \
	  -o $(LIB_DIR)/liblinuxns.so.versioned
	mv -f $(LIB_DIR)/liblinuxns.so.versioned $(LIB_DIR)/liblinuxns.so

deps:
	@sh .ci/deps

deps-build:
	@sh .ci/deps build

test: deps test-rust test-c

test-rust: build
	$(CARGO) test --release

c-build: deps-build build
	cmake -S tests -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	env -u MAKEFLAGS -u MAKELEVEL cmake --build $(BUILD_DIR) -j2

test-c: c-build
	ctest --test-dir $(BUILD_DIR) --output-on-failure

# Memory checking: the C tests built with AddressSanitizer and
# UndefinedBehaviorSanitizer (both library paths; all but the FFI, install,
# soak and small-stack tests), then the ones valgrind can run under
# `ctest -T memcheck` (errors fail the test).
ASAN_DIR ?= build/asan
check-memory: c-build
	@command -v valgrind >/dev/null || { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null; }
	cmake -S tests -B $(ASAN_DIR) -DLINUXNS_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	env -u MAKEFLAGS -u MAKELEVEL cmake --build $(ASAN_DIR) -j2
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(ASAN_DIR) -LE 'ffi|bindings|install|soak|stack' --output-on-failure
	ctest --test-dir $(BUILD_DIR) -T memcheck -L memcheck --output-on-failure

# The Rust tests that make no system calls (unit tests, fuzz regressions)
# under Miri; needs a nightly toolchain with the miri component, so it is
# not part of CI.
miri:
	$(CARGO) +nightly miri test --lib --test fuzz_regressions

demo: c-build
	$(BUILD_DIR)/examples/sandbox

# Benchmarks against the raw syscalls and peer tools (not part of `make test`).
bench: build
	bench/run.sh

# Fuzzing with cargo-fuzz (not part of `make test` or CI): every target in
# fuzz/fuzz_targets for FUZZ_SECONDS each (default 300); see fuzz/run.sh.
fuzz:
	fuzz/run.sh

# The manual pages under man/ (section 3, one per function, and linuxns(7)),
# written by tools/mangen.py from the doc comments of the header; committed
# like the header, and checked to be current by .ci/run and ctest man_pages.
man: build
	python3 tools/mangen.py

# make install [PREFIX=/usr/local] [LIBDIR=...] [INCLUDEDIR=...] [MANDIR=...] [DESTDIR=...]
SUBST = sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
	-e 's|@MAJOR@|$(MAJOR)|g' -e 's|@MINOR@|$(MINOR)|g' \
	-e 's|@EXTRA_LIBS@||g' -e 's|@STATIC_LIBS@|$(STATIC_LIBS)|g'
LIB = $(DESTDIR)$(LIBDIR)
# The pages, and the .so links that name the shared ns_spawn_attr(3).
MAN3 = $(notdir $(wildcard man/man3/*.3))
MAN7 = $(notdir $(wildcard man/man7/*.7))

install: build
	install -d $(LIB) $(LIB)/pkgconfig $(LIB)/cmake/linuxns $(DESTDIR)$(INCLUDEDIR)
	install -m 755 target/release/liblinuxns.so $(LIB)/liblinuxns.so.$(VERSION)
	ln -sf liblinuxns.so.$(VERSION) $(LIB)/liblinuxns.so.$(MAJOR)
	ln -sf liblinuxns.so.$(MAJOR) $(LIB)/liblinuxns.so
	install -m 644 target/release/liblinuxns.a $(LIB)/liblinuxns.a
	install -m 644 include/linuxns.h $(DESTDIR)$(INCLUDEDIR)/linuxns.h
	install -d $(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(MANDIR)/man7
	install -m 644 $(addprefix man/man3/,$(MAN3)) $(DESTDIR)$(MANDIR)/man3/
	install -m 644 $(addprefix man/man7/,$(MAN7)) $(DESTDIR)$(MANDIR)/man7/
	$(SUBST) pkgconfig/linuxns.pc.in > $(LIB)/pkgconfig/linuxns.pc
	$(SUBST) cmake/linuxnsConfig.cmake.in > $(LIB)/cmake/linuxns/linuxnsConfig.cmake
	$(SUBST) cmake/linuxnsConfigVersion.cmake.in > $(LIB)/cmake/linuxns/linuxnsConfigVersion.cmake
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then ldconfig 2>/dev/null || true; fi

uninstall:
	rm -f $(LIB)/liblinuxns.so.$(VERSION) $(LIB)/liblinuxns.so.$(MAJOR) $(LIB)/liblinuxns.so
	rm -f $(LIB)/liblinuxns.a $(DESTDIR)$(INCLUDEDIR)/linuxns.h $(LIB)/pkgconfig/linuxns.pc
	rm -f $(LIB)/cmake/linuxns/linuxnsConfig.cmake $(LIB)/cmake/linuxns/linuxnsConfigVersion.cmake
	-rmdir $(LIB)/cmake/linuxns 2>/dev/null
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man3/,$(MAN3)) $(addprefix $(DESTDIR)$(MANDIR)/man7/,$(MAN7))

clean:
	$(CARGO) clean
	rm -rf build
