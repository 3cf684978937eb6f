# ais: a storage cluster for ML training data.  See README.md and ais(7).
#
#   make            build lib/libais.a and the programs into bin/
#   make deps       install the Debian packages and npm test peers (idempotent)
#   make test       deps + normal and sanitizer builds + unit and bats tests
#   make run        start a local cluster on loopback with a small dataset
#   make stop       stop it
#   make bench      warm GET against nginx, cold GET against the backend,
#                   prefetch against direct reads (a command, not a test)
#   make check      lint: man pages, banned functions, function complexity

CC	?= cc
PKGS	= libcurl libbsd-overlay libxxhash openssl jansson
VERSION	= 0.1.0
CSTD	= -std=c11 -D_GNU_SOURCE -DNNG_ELIDE_DEPRECATED -DAIS_VERSION=\"$(VERSION)\"
WARN	= -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	  -Wshadow -Wpointer-arith -Wno-unused-parameter -Wno-format-truncation
OPT	?= -O2 -g
CFLAGS	+= $(CSTD) $(WARN) $(OPT) -Ilib $(shell pkg-config --cflags $(PKGS))
LDLIBS	+= $(shell pkg-config --libs $(PKGS)) -lnng -lpthread

# BUILD is the output folder of objects; the sanitizer build uses build/asan.
BUILD	?= build/release
BINDIR	?= bin
PROGS	= ais-proxy ais-target ais-get ais-ctl ais-loader ais-prefetch

LIB_SRCS = $(sort $(wildcard lib/*.c))
LIB_OBJS = $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB	 = $(BUILD)/libais.a
UNIT_SRCS = $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

all: $(PROGS:%=$(BINDIR)/%) lib/libais.a

lib/libais.a: $(LIB)
	cp $(LIB) $@

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

define prog_rule
$(1)_OBJS = $$(patsubst %.c,$(BUILD)/%.o,$$(sort $$(wildcard $(1)/*.c)))
$(BINDIR)/$(1): $$($(1)_OBJS) $(LIB)
	@mkdir -p $(BINDIR)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $$@ $$($(1)_OBJS) $(LIB) $(LDLIBS)
endef
$(foreach p,$(PROGS),$(eval $(call prog_rule,$(p))))

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS) -lcmocka

units: $(UNIT_BINS)

# The sanitizer build: same sources, objects under build/asan, programs
# under build/asan/bin.  The integration tests run against these binaries.
asan:
	$(MAKE) BUILD=build/asan BINDIR=build/asan/bin \
	    OPT="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined" \
	    LDFLAGS="-fsanitize=address,undefined" build/asan/bin/ais-proxy \
	    build/asan/bin/ais-target build/asan/bin/ais-get build/asan/bin/ais-ctl \
	    build/asan/bin/ais-loader build/asan/bin/ais-prefetch units

deps:
	tests/helpers/install-deps.sh

test: deps
	$(MAKE) all units
	$(MAKE) asan
	tests/run.sh

run: deps all
	tests/helpers/run-local.sh

stop:
	bin/ais-ctl cluster down --dir $${AIS_CLUSTER_DIR:-$$HOME/.ais/cluster}

bench: deps all
	tests/helpers/bench-matrix.sh
	tests/helpers/bench-prefetch.sh

check: all
	tests/helpers/lint.sh

clean:
	rm -rf build bin/ais-* lib/libais.a

.PHONY: all units asan deps test run stop bench check clean
-include $(shell find build -name '*.d' 2>/dev/null)
