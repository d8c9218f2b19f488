# hostfs-proxy: runuml-9p, the container's 9P2000.L file server on
# vhost-user virtio-9p devices (docs/hostfs-9p.md).
P9_CORE_SRCS := hostfs-proxy/p9_server.c hostfs-proxy/p9_msg.c hostfs-proxy/fid_table.c \
                hostfs-proxy/p9_walk.c hostfs-proxy/p9_file.c hostfs-proxy/p9_dir.c \
                hostfs-proxy/p9_xattr.c hostfs-proxy/p9_lock.c hostfs-proxy/p9_owner.c
P9_CORE_OBJS := $(call objs,$(P9_CORE_SRCS))

PROXY_SRCS := hostfs-proxy/proxy_main.c hostfs-proxy/proxy_confine.c
PROXY := $(LIBEXEC)/runuml-9p

$(PROXY): $(call objs,$(PROXY_SRCS)) $(P9_CORE_OBJS) $(LIB_VU_OBJS) $(LIB_CONFINE_OBJS) $(LIB_CORE_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(ALL_LDFLAGS) $(SECCOMP_LIBS)

ALL_TARGETS   += $(PROXY)
HOST_PROGRAMS += $(PROXY)

# The server core's unit test and libFuzzer harness (tests/fuzz/fuzz_p9.c).
# It also serves requests under the proxy's seccomp filter (seccomp_rules.h).
$(UNIT_DIR)/test_p9_server: $(call objs,tests/unit/test_p9_server.c) $(P9_CORE_OBJS) $(LIB_CORE_OBJS) \
                            $(call objs,lib/seccomp_filter.c)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(ALL_LDFLAGS) $(SECCOMP_LIBS)

UNIT_TESTS  += $(UNIT_DIR)/test_p9_server

$(FUZZ_DIR)/fuzz_p9: tests/fuzz/fuzz_p9.c $(P9_CORE_SRCS) lib/rerr.c lib/fsutil.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $^

FUZZERS += $(FUZZ_DIR)/fuzz_p9
