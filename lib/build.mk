# lib/: code shared by several programs.  Programs link the objects they
# need; LIB_CORE_* is what every host program links.
LIB_CORE_SRCS := lib/rerr.c lib/log.c lib/ctl_proto.c lib/ctl_chan.c lib/container_id.c \
                 lib/fsutil.c lib/fdpass.c lib/exit_status.c lib/host_cgroup.c
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
