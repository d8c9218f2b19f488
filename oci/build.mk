# oci: the runuml command line.
RUNUML_CLI_SRCS := oci/main.c oci/state_root.c oci/container.c oci/monitor_launch.c \
                   oci/cmd_run.c oci/cmd_spec.c oci/cmd_create.c oci/cmd_start.c oci/cmd_state.c \
                   oci/cmd_kill.c oci/cmd_delete.c oci/cmd_list.c oci/cmd_ps.c oci/cmd_pause.c \
                   oci/cmd_exec.c oci/exec_session.c oci/cmd_features.c oci/cmd_update.c oci/cmd_events.c \
                   oci/cmd_install.c oci/cmd_uninstall.c oci/docker_config.c oci/cmd_check.c
RUNUML_CLI := $(BINDIR)/runuml

$(RUNUML_CLI): $(call objs,$(RUNUML_CLI_SRCS)) $(LIB_CORE_OBJS) $(LIB_OCI_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(ALL_LDFLAGS) $(JSONC_LIBS)

ALL_TARGETS   += $(RUNUML_CLI)
HOST_PROGRAMS += $(RUNUML_CLI)

# `runuml --version` names the commit it was built from.
RUNUML_COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
# (override: check-asan passes EXTRA_CFLAGS on the command line)
$(OBJDIR)/oci/main.o: override EXTRA_CFLAGS += -DRUNUML_COMMIT='"$(RUNUML_COMMIT)"'
