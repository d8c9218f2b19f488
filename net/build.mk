# net: runuml-net, the container's virtio-net device over vhost-user
# (docs/networking.md).  Modes slirp (libslirp) and netns (AF_PACKET).
NET_SRCS := net/net_main.c net/net_confine.c net/vnet_dev.c net/vnet_frame.c \
            net/slirp_glue.c net/netns_tap.c net/port_spec.c
NET_HELPER := $(LIBEXEC)/runuml-net
SLIRP_LIBS := $(shell pkg-config --libs slirp 2>/dev/null || echo -lslirp)

$(NET_HELPER): $(call objs,$(NET_SRCS)) $(LIB_VU_OBJS) $(LIB_CONFINE_OBJS) $(LIB_CORE_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(ALL_LDFLAGS) $(SECCOMP_LIBS) $(SLIRP_LIBS)

# Hostile virtio-net headers and chains; port forward specifications.
$(UNIT_DIR)/test_net_frame: $(call objs,tests/unit/test_net_frame.c net/vnet_frame.c) $(LIB_CORE_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(ALL_LDFLAGS)

$(UNIT_DIR)/test_net_port_spec: $(call objs,tests/unit/test_net_port_spec.c net/port_spec.c) $(LIB_CORE_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(ALL_LDFLAGS)

# The device over a real vhost-user socketpair, the test as virtio_uml.
$(UNIT_DIR)/test_net_dev: $(call objs,tests/unit/test_net_dev.c net/vnet_dev.c net/vnet_frame.c) $(LIB_VU_OBJS) $(LIB_CORE_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(ALL_LDFLAGS)

$(call objs,tests/unit/test_net_frame.c tests/unit/test_net_port_spec.c tests/unit/test_net_dev.c): ALL_CFLAGS += -Inet

# the vhost-user library (lib/vu_*.c) is what the helper stands on
ifneq ($(wildcard lib/vu_dev.c),)
ALL_TARGETS   += $(NET_HELPER)
HOST_PROGRAMS += $(NET_HELPER)
endif
UNIT_TESTS    += $(UNIT_DIR)/test_net_frame $(UNIT_DIR)/test_net_port_spec $(UNIT_DIR)/test_net_dev

# libFuzzer: hostile transmit chains (make fuzz)
FUZZERS += $(FUZZ_DIR)/fuzz_vnet_frame
$(FUZZ_DIR)/fuzz_vnet_frame: tests/fuzz/fuzz_vnet_frame.c net/vnet_frame.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Inet -o $@ $^
