# SPDX-License-Identifier: GPL-2.0-only
#
# edgeai top-level build. `make help` lists the targets.
#
# Out-of-tree kernel build: the top-level Kbuild makes
# `make -C $(KDIR) M=$(CURDIR)` build kernel/edgeai.ko.

PREFIX  ?= /usr/local
DESTDIR ?=
export EDGEAI_CACHE ?= $(HOME)/.cache/edgeai

# Cross-building the module (README, "Bring-up on your board"):
#   make module ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- [KDIR=...]
# ARCH and CROSS_COMPILE go to kbuild as given. For arm64, KDIR defaults
# to the board kernel that tests/arm64 builds into the cache: Debian's
# linux-headers-6.12-arm64 cannot serve, its kernel has no CONFIG_DRM_ACCEL
# (nor /dev/accel). Firmware images are data packed by a host tool: they
# are the same for every ARCH.
#
# With CROSS_COMPILE set, `make ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-`
# also builds libedgeai, edgeaictl and edgeaid with the cross compiler,
# against the :arm64 -dev packages (make deps), into build/arm64/.
ifneq ($(CROSS_COMPILE),)
BUILD ?= $(CURDIR)/build/$(or $(ARCH),cross)
CROSS_TRIPLET := $(patsubst %-,%,$(CROSS_COMPILE))
USER_CROSS := CC=$(CROSS_COMPILE)gcc AR=$(CROSS_COMPILE)ar \
	PKG_CONFIG="env PKG_CONFIG_LIBDIR=/usr/lib/$(CROSS_TRIPLET)/pkgconfig:/usr/share/pkgconfig pkg-config"
endif
ifeq ($(ARCH),arm64)
KDIR ?= $(firstword $(patsubst %/done,%/build,$(wildcard $(EDGEAI_CACHE)/arm64/kernel-*/done)) \
		    $(wildcard /usr/src/linux-headers-6.12*-arm64))
endif

# Debian's 6.12 headers by default, else the running kernel's build tree.
KDIR ?= $(firstword $(wildcard /usr/src/linux-headers-6.12*-amd64) \
		    $(wildcard /lib/modules/$(shell uname -r)/build))
KVER ?= $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)

BUILD   ?= $(CURDIR)/build

V ?= 0
Q := $(if $(filter 1,$(V)),,@)

.PHONY: all help module firmware lib tflite tools docs clean install install-module \
	install-user deb deps check demo \
	check-host check-vm check-kunit check-style check-e2e check-arm64 check-debug bench

all: module firmware lib tflite tools

help:
	@echo 'edgeai make targets:'
	@echo '  all (default)  module, firmware images, libedgeai, tools'
	@echo '  module         kernel/edgeai.ko against KDIR=$(KDIR)'
	@echo '  firmware       firmware images in build/firmware/edgeai/'
	@echo '  lib            libedgeai.a, libedgeai.so, edgeai.pc in build/libedgeai/'
	@echo '  tflite         libedgeai-tflite.so, the TensorFlow Lite delegate, in build/libedgeai/'
	@echo '  tools          edgeaictl in build/daemon/'
	@echo '  docs           libedgeai(3) pages from the header (kernel-doc) in build/libedgeai/man/'
	@echo '  install        DESTDIR=$(DESTDIR) PREFIX=$(PREFIX); install-module and install-user'
	@echo '  install-module the module to /lib/modules/<kver>/updates (needs KDIR)'
	@echo '  install-user   everything else, no kernel headers needed: firmware to /lib/firmware/edgeai,'
	@echo '                 libedgeai, tools, edgeaid, Python bindings, man pages; keeps an existing'
	@echo '                 /etc/edgeai/edgeaid.conf'
	@echo '  deb            Debian packages (dpkg-buildpackage -b) into build/deb/, then lintian'
	@echo '  deps           install the Debian packages the build and tests need'
	@echo '  check          all test lanes (host, VM, KUnit, style, e2e, arm64); ends with "N passed, N failed"'
	@echo '  check-arm64    only the arm64 board lane (QEMU virt, device tree)'
	@echo '  check-debug    the vm lane'"'"'s tests on a KASAN/lockdep/kmemleak kernel (not in check)'
	@echo '  demo           the board in a systemd VM: edgeaid, BlazeFace on the NPU finding the face'
	@echo '                 in astronaut.png (build/demo/astronaut-faces.png), two applications sharing it'
	@echo '  bench          benchmarks (ratios measured side by side); figures in build/bench.json'
	@echo '  clean          remove build/ and kernel objects (the cache $(EDGEAI_CACHE) stays)'

module:
	@test -n "$(KDIR)" || { echo 'make: no kernel headers; run make deps or set KDIR (arm64: make check-arm64 builds the board kernel)' >&2; exit 1; }
	@grep -qs '^CONFIG_DRM_ACCEL=y' $(KDIR)/.config || { echo 'make: $(KDIR) is a kernel without CONFIG_DRM_ACCEL=y: edgeai.ko needs the accel subsystem (set KDIR; for arm64 see README, "Bring-up on your board")' >&2; exit 1; }
	$(Q)$(MAKE) -C $(KDIR) M=$(CURDIR) modules

firmware:
	$(Q)$(MAKE) -C firmware BUILD=$(BUILD)

lib:
	$(Q)$(MAKE) -C libedgeai BUILD=$(BUILD) $(USER_CROSS)

# The TensorFlow Lite delegate; its TFLite 2.9 C headers come from
# tests/oracle/fetch.sh (cached in $(EDGEAI_CACHE)/oracle) or TFLITE_INCLUDE=.
tflite: lib
	$(Q)$(MAKE) -C libedgeai/tflite BUILD=$(BUILD) $(USER_CROSS)

tools: lib
	$(Q)$(MAKE) -C daemon BUILD=$(BUILD) $(USER_CROSS)

install: all
	$(Q)$(MAKE) install-module install-user

install-module: module
	$(Q)$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=updates \
		DEPMOD=/bin/true modules_install
	$(Q)if [ -z "$(DESTDIR)" ]; then depmod -a $(KVER); fi

# No kernel headers needed. The TFLite delegate is installed when it was
# built (it needs TFLite's headers, which `make tflite` fetches).
install-user: firmware lib tools docs
	$(Q)$(MAKE) -C firmware BUILD=$(BUILD) DESTDIR=$(DESTDIR) install
	$(Q)$(MAKE) -C libedgeai BUILD=$(BUILD) DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) $(USER_CROSS) install install-man
	$(Q)if [ -f $(BUILD)/libedgeai/libedgeai-tflite.so ]; then \
		$(MAKE) -C libedgeai/tflite BUILD=$(BUILD) DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) $(USER_CROSS) install; fi
	$(Q)$(MAKE) -C daemon BUILD=$(BUILD) DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) $(USER_CROSS) install
	$(Q)$(MAKE) -C libedgeai/python DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) install

docs:
	$(Q)$(MAKE) -C libedgeai BUILD=$(BUILD) man

# Debian packages: debian/ builds them with debhelper (dh-dkms for the
# module source); the .debs land in build/deb/ and lintian checks them.
deb:
	$(Q)tests/lib/deb.sh

deps:
	$(Q)tests/lib/deps.sh

# Each lane prints its own progress and a final "N passed, N failed" line
# and records its counts in build/results/<lane>.counts; tests/run-lanes.sh
# sums them.
check: deps
	$(Q)tests/run-lanes.sh host vm kunit style e2e arm64

check-host:
	$(Q)tests/run-lanes.sh host
check-vm:
	$(Q)tests/run-lanes.sh vm
check-kunit:
	$(Q)tests/run-lanes.sh kunit
check-style:
	$(Q)tests/run-lanes.sh style
check-e2e:
	$(Q)tests/run-lanes.sh e2e
check-arm64:
	$(Q)tests/run-lanes.sh arm64
# Not in check: the debug kernel's cold build alone exceeds CI's budget.
check-debug:
	$(Q)tests/run-lanes.sh debug

demo: deps all
	$(Q)tests/e2e/demo.sh

# Benchmarks print ratios measured side by side in one run, never absolute
# pass/fail timings; each tests/bench/*.sh adds its figures to build/bench.json.
bench: deps all
	$(Q)tests/bench/run.sh

clean:
	$(Q)if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	$(Q)rm -rf $(BUILD)
