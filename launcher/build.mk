# launcher: runuml-monitor, the per-container host process.
MONITOR_SRCS := launcher/monitor_main.c launcher/rootfs_transport.c launcher/kernel_spawn.c \
                launcher/event_loop.c launcher/mon_server.c launcher/helper_proc.c launcher/net_transport.c launcher/netns_iface.c lib/nl_route.c \
                launcher/mount_points.c
MONITOR := $(LIBEXEC)/runuml-monitor

$(MONITOR): $(call objs,$(MONITOR_SRCS)) $(LIB_CORE_OBJS) $(LIB_OCI_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(ALL_LDFLAGS) $(JSONC_LIBS)

ALL_TARGETS   += $(MONITOR)
HOST_PROGRAMS += $(MONITOR)
