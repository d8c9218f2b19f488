# runuml — top-level build.
#
# `make` builds everything into $(BUILD)/ laid out as it is installed:
#   $(BUILD)/bin/runuml                 the runc-compatible CLI
#   $(BUILD)/libexec/runuml/...         helpers, the UML kernel and the initrd
# Each component directory contributes its targets through its own build.mk.

BUILD   ?= build
CACHE   ?= $(or $(RUNUML_CACHE),$(HOME)/.cache/runuml)
PREFIX  ?= /usr/local
CC      ?= gcc
SHELL   := /bin/bash

BINDIR  := $(BUILD)/bin
LIBEXEC := $(BUILD)/libexec/runuml
OBJDIR  := $(BUILD)/obj

WARN    := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wformat=2 \
           -Wmissing-prototypes -Wstrict-prototypes
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) -D_GNU_SOURCE \
             -fstack-protector-strong -D_FORTIFY_SOURCE=2 -Ilib -MMD -MP
LDFLAGS ?=
ALL_LDFLAGS = $(LDFLAGS) $(EXTRA_LDFLAGS)

# libFuzzer harnesses (`make fuzz`): each component's build.mk adds
#   $(FUZZ_DIR)/fuzz_<name>: tests/fuzz/fuzz_<name>.c <sources it needs>
# to FUZZERS, built in one clang step with $(FUZZ_CFLAGS); scripts/fuzz-run.sh
# runs each for FUZZ_SECONDS.
FUZZ_DIR     := build-fuzz
FUZZ_CC      ?= clang
FUZZ_CFLAGS  := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
                -fno-sanitize-recover=all -fno-omit-frame-pointer -D_GNU_SOURCE -Ilib
FUZZ_SECONDS ?= 30
FUZZERS      :=

# C unit tests (TAP): any build.mk adds $(UNIT_DIR)/test_<name> to UNIT_TESTS.
UNIT_DIR := $(BUILD)/tests/unit

JSONC_CFLAGS := $(shell pkg-config --cflags json-c 2>/dev/null)
JSONC_LIBS   := $(shell pkg-config --libs json-c 2>/dev/null || echo -ljson-c)

.PHONY: all deps kernel test unit-test demo install clean check-asan fuzz bench bench-smoke
all:

$(OBJDIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# $(call objs,dir/a.c dir/b.c) -> object paths under $(OBJDIR)
objs = $(patsubst %.c,$(OBJDIR)/%.o,$(1))

include lib/build.mk uml-config/build.mk
include $(sort $(filter-out lib/build.mk uml-config/build.mk,$(wildcard */build.mk */*/build.mk)))

all: $(ALL_TARGETS)
host-programs: $(HOST_PROGRAMS)
unit-tests: $(UNIT_TESTS)
.PHONY: host-programs unit-tests

deps:
	@./scripts/deps.sh

test: deps all
	@./tests/run.sh

unit-test: all
	@./tests/run.sh unit

demo: deps all
	@./scripts/demo.sh

# ASan + UBSan build of every host-side program and the unit tests.
check-asan: deps
	$(MAKE) BUILD=build-asan CC=clang \
	    EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    EXTRA_LDFLAGS="-fsanitize=address,undefined" host-programs unit-tests
	RUNUML_BUILD=build-asan ./tests/run.sh unit

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/libexec/runuml
	install -m 0755 $(BINDIR)/runuml $(DESTDIR)$(PREFIX)/bin/runuml
	cp -a $(LIBEXEC)/. $(DESTDIR)$(PREFIX)/libexec/runuml/

fuzz: $(FUZZERS)
	./scripts/fuzz-run.sh $(FUZZ_SECONDS) $(FUZZERS)

clean:
	rm -rf $(BUILD) build-asan $(FUZZ_DIR)

-include $(shell find $(OBJDIR) -name '*.d' 2>/dev/null)
