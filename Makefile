# linuxns: build, test and demo.
#   make          build liblinuxns.so / liblinuxns.a and include/linuxns.h
#   make test     cargo tests, then the C tests under ctest
#   make demo     run the main example (a shell line in a sandbox)
#   make bench    benchmarks (spawn cost against peers), prints a table
# Missing tools (cmake, pkg-config, newuidmap, iproute2) are installed with
# apt-get when run as root.

CARGO     ?= cargo
BUILD_DIR ?= build/ctest
LIB_DIR   := $(CURDIR)/target/release
export PKG_CONFIG_PATH := $(LIB_DIR)$(if $(PKG_CONFIG_PATH),:$(PKG_CONFIG_PATH))

# command -> Debian package providing it
TOOLS := cmake:cmake pkg-config:pkg-config cc:gcc nm:binutils newuidmap:uidmap ip:iproute2 lsns:util-linux setpriv:util-linux

.PHONY: all build deps test test-rust test-c c-build demo bench clean

all: build

build:
	$(CARGO) build --release

deps:
	@missing=""; for t in $(TOOLS); do \
	  command -v $${t%%:*} >/dev/null 2>&1 || missing="$$missing $${t#*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "missing tools (install the packages:$$missing)" >&2; exit 1; \
	  fi; \
	fi

test: test-rust test-c

test-rust: build
	$(CARGO) test --release

c-build: deps build
	cmake -S tests -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	env -u MAKEFLAGS -u MAKELEVEL cmake --build $(BUILD_DIR) -j2

test-c: c-build
	ctest --test-dir $(BUILD_DIR) --output-on-failure

demo: c-build
	$(BUILD_DIR)/examples/sandbox

# Benchmarks against the raw syscalls and peer tools (not part of `make test`).
bench: build
	bench/run.sh

clean:
	$(CARGO) clean
	rm -rf build
