# oci: the runuml command line.
RUNUML_CLI_SRCS := oci/main.c oci/state_root.c oci/cmd_run.c oci/cmd_spec.c
RUNUML_CLI := $(BINDIR)/runuml

$(RUNUML_CLI): $(call objs,$(RUNUML_CLI_SRCS)) $(LIB_CORE_OBJS) $(LIB_OCI_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(ALL_LDFLAGS) $(JSONC_LIBS)

ALL_TARGETS   += $(RUNUML_CLI)
HOST_PROGRAMS += $(RUNUML_CLI)
