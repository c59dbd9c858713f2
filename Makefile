# acla: build, test and install libacla.so, include/acla.h, acla.pc and the `acla` tool.
PREFIX ?= /usr/local
BUILD := build
SWIFT ?= swift
PYTHON ?= python3
APT_PACKAGES := libopenblas-dev libomp-dev libpng-dev libjpeg62-turbo-dev pkg-config binutils libcairo2-dev valgrind libopenmpi-dev openmpi-bin
SONAME_VERSION := 0.1.0

# `make install` puts the Python package here (PYTHON_SITEDIR=... overrides): add it to
# PYTHONPATH unless it is on sys.path already (or use `pip install examples/python`).
PYTHON_SITEDIR ?= $(shell $(PYTHON) -c "import sysconfig; print(sysconfig.get_path('purelib', 'posix_prefix', vars={'base': '$(PREFIX)', 'platbase': '$(PREFIX)'}))" 2>/dev/null)

.PHONY: all setup build test test-swift test-c test-python install install-files install-python clean \
  fuzz fuzz-build fuzz-persistent memcheck

all: build

# Installs the system packages the build needs (Debian), when any is missing.
setup:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then echo "setup: all packages present ($(APT_PACKAGES))"; \
	elif [ "$$(id -u)" = 0 ]; then echo "setup: installing$$missing"; \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	elif command -v sudo >/dev/null 2>&1; then echo "setup: installing$$missing with sudo"; \
	  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	else echo "setup: cannot install$$missing (not root, no sudo): install them and re-run"; exit 1; fi

# Release build of libacla.so (Swift runtime linked in) and the acla tool (stripped: the debug
# information is half its size; .build/release/acla-cli keeps it), staged in build/.
build:
	$(SWIFT) build -c release --static-swift-stdlib
	@mkdir -p $(BUILD)/lib $(BUILD)/bin
	@# copy, then rename over: a running `acla` (a training) keeps its old file, never a half-written one
	cp .build/release/libacla.so $(BUILD)/lib/.libacla.so.new
	mv -f $(BUILD)/lib/.libacla.so.new $(BUILD)/lib/libacla.so.$(SONAME_VERSION)
	ln -sf libacla.so.$(SONAME_VERSION) $(BUILD)/lib/libacla.so.0
	ln -sf libacla.so.0 $(BUILD)/lib/libacla.so
	cp .build/release/acla-cli $(BUILD)/bin/.acla.new
	strip $(BUILD)/bin/.acla.new
	mv -f $(BUILD)/bin/.acla.new $(BUILD)/bin/acla
	@echo "built: $(BUILD)/lib/libacla.so and $(BUILD)/bin/acla"

test: build test-swift test-c test-python

test-swift:
	$(PYTHON) Tests/layers/check_layers.py
	$(SWIFT) test

# The shipped library's promises, then C programs built against a staged install (pkg-config).
test-c: build
	bash Tests/check_library.sh $(BUILD)/lib/libacla.so
	bash Tests/check_cpu_dispatch.sh $(BUILD)/lib/libacla.so
	rm -rf $(BUILD)/stage && $(MAKE) --no-print-directory install PREFIX=$(CURDIR)/$(BUILD)/stage
	bash Tests/capi/run.sh $(CURDIR)/$(BUILD)/stage

test-python: build
	ACLA_LIBRARY=$(CURDIR)/$(BUILD)/lib/libacla.so PYTHONPATH=$(CURDIR)/examples/python \
	  $(PYTHON) -m pytest -q Tests/python

# libFuzzer targets (Tests/fuzz/README.md): builds them with ASan, then runs each for FUZZ_SECONDS;
# exits non-zero on any finding (its input is kept in .build/fuzz-artifacts/). swiftc keeps only
# the last -sanitize flag, so the fuzzer and ASan are passed again together for the Swift code.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= config safetensors png jpeg npy trainer
fuzz-build:
	@for t in $(FUZZ_TARGETS); do \
	  ACLA_FUZZ=1 $(SWIFT) build -c release --build-path .build/fuzz --sanitize=fuzzer --sanitize=address \
	    -Xswiftc -sanitize=fuzzer,address --product fuzz-$$t || exit 1; done

fuzz: fuzz-build
	bash Tests/fuzz/run.sh .build/fuzz/release $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The persistent-process fuzz (Tests/fuzz/persistent.c) through the installed release library.
fuzz-persistent: build
	rm -rf $(BUILD)/stage && $(MAKE) --no-print-directory install PREFIX=$(CURDIR)/$(BUILD)/stage
	cc -O2 -std=c11 -Wall -Wextra -Werror -o $(BUILD)/persistent-fuzz Tests/fuzz/persistent.c \
	  $$(PKG_CONFIG_PATH=$(CURDIR)/$(BUILD)/stage/lib/pkgconfig pkg-config --cflags --libs acla)
	$(BUILD)/persistent-fuzz $(FUZZ_SECONDS)

# The C test programs under valgrind memcheck (Tests/memcheck/run.sh, suppressions explained in
# Tests/memcheck/acla.supp).
memcheck: build
	rm -rf $(BUILD)/stage && $(MAKE) --no-print-directory install PREFIX=$(CURDIR)/$(BUILD)/stage
	bash Tests/memcheck/run.sh $(CURDIR)/$(BUILD)/stage

install: build install-files

# `make install` without the build step (what is in build/ already).
install-files:
	install -d $(PREFIX)/lib $(PREFIX)/include $(PREFIX)/lib/pkgconfig $(PREFIX)/bin
	install -m 755 $(BUILD)/lib/libacla.so.$(SONAME_VERSION) $(PREFIX)/lib/
	ln -sf libacla.so.$(SONAME_VERSION) $(PREFIX)/lib/libacla.so.0
	ln -sf libacla.so.0 $(PREFIX)/lib/libacla.so
	install -m 644 include/acla.h $(PREFIX)/include/acla.h
	sed -e 's/@VERSION@/$(SONAME_VERSION)/' pkgconfig/acla.pc.in > $(PREFIX)/lib/pkgconfig/acla.pc
	install -m 755 $(BUILD)/bin/acla $(PREFIX)/bin/acla
	install -d $(PREFIX)/share/acla/models
	install -m 644 models/catalog.json $(PREFIX)/share/acla/models/
	for f in models/*.safetensors; do [ -e "$$f" ] && install -m 644 "$$f" $(PREFIX)/share/acla/models/; done; true
	$(MAKE) --no-print-directory install-python

# The Python package (pure Python), with the library folder recorded for acla.loader.
install-python:
	@test -n "$(PYTHON_SITEDIR)" || { echo "install-python: set PYTHON_SITEDIR ($(PYTHON) not found)"; exit 1; }
	install -d $(PYTHON_SITEDIR)/acla
	install -m 644 examples/python/acla/*.py $(PYTHON_SITEDIR)/acla/
	rm -f $(PYTHON_SITEDIR)/acla/_install.py
	printf '# written by make install\nLIBDIR = %s\n' "'$(PREFIX)/lib'" > $(PYTHON_SITEDIR)/acla/_install.py
	@echo "python: installed the acla package in $(PYTHON_SITEDIR)"

clean:
	rm -rf $(BUILD) .build
