# lib/: code shared by several programs.  Programs link the objects they
# need; LIB_CORE_* is what every host program links.
LIB_CORE_SRCS := lib/rerr.c lib/log.c lib/ctl_proto.c lib/ctl_chan.c lib/container_id.c \
                 lib/fsutil.c lib/fdpass.c lib/exit_status.c lib/unix_listen.c lib/host_cgroup.c
LIB_CORE_OBJS := $(call objs,$(LIB_CORE_SRCS))

# The OCI config.json parser (json-c); linked by the CLI, the monitor and the
# guest init (statically there).
LIB_OCI_SRCS := lib/oci_spec.c lib/oci_names.c lib/launch_doc.c lib/state_file.c lib/hooks.c \
                lib/oci_resources.c
LIB_OCI_OBJS := $(call objs,$(LIB_OCI_SRCS))

# Confinement of helper processes (seccomp allow-lists, namespaces, caps).
LIB_CONFINE_SRCS := lib/seccomp_filter.c lib/confine.c
LIB_CONFINE_OBJS := $(call objs,$(LIB_CONFINE_SRCS))
SECCOMP_LIBS     := $(shell pkg-config --libs libseccomp 2>/dev/null || echo -lseccomp)

ALL_TARGETS   ?=
HOST_PROGRAMS ?=
UNIT_TESTS    ?=

# The vhost-user device backend (lib/vu_dev.h): linked by runuml-9p and the
# network helper.
LIB_VU_SRCS := lib/vu_dev.c lib/vu_req.c lib/vu_sock.c lib/vu_mem.c lib/vu_ring.c
LIB_VU_OBJS := $(call objs,$(LIB_VU_SRCS))

$(UNIT_DIR)/test_vu_ring: $(call objs,tests/unit/test_vu_ring.c) $(LIB_VU_OBJS) $(call objs,lib/rerr.c)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(ALL_LDFLAGS)

$(UNIT_DIR)/test_vu_proto: $(call objs,tests/unit/test_vu_proto.c) $(LIB_VU_OBJS) $(call objs,lib/rerr.c)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(ALL_LDFLAGS)

UNIT_TESTS += $(UNIT_DIR)/test_vu_ring $(UNIT_DIR)/test_vu_proto

FUZZERS += $(FUZZ_DIR)/fuzz_vring $(FUZZ_DIR)/fuzz_vu_msg
$(FUZZ_DIR)/fuzz_vring: tests/fuzz/fuzz_vring.c $(LIB_VU_SRCS) lib/rerr.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $^
$(FUZZ_DIR)/fuzz_vu_msg: tests/fuzz/fuzz_vu_msg.c $(LIB_VU_SRCS) lib/rerr.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $^
