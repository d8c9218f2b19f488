# tests: C unit tests (TAP), each linked with the lib code it exercises.

$(UNIT_DIR)/test_ctl_proto: $(call objs,tests/unit/test_ctl_proto.c) $(LIB_CORE_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(ALL_LDFLAGS)

$(UNIT_DIR)/test_oci_spec: $(call objs,tests/unit/test_oci_spec.c) $(LIB_CORE_OBJS) $(LIB_OCI_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(ALL_LDFLAGS) $(JSONC_LIBS)

$(UNIT_DIR)/test_oci_resources: $(call objs,tests/unit/test_oci_resources.c) $(LIB_CORE_OBJS) $(LIB_OCI_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(ALL_LDFLAGS) $(JSONC_LIBS)

$(UNIT_DIR)/test_kernel_config: tests/unit/test_kernel_config.sh
	@mkdir -p $(dir $@)
	install -m 0755 $< $@

UNIT_TESTS  += $(UNIT_DIR)/test_ctl_proto $(UNIT_DIR)/test_oci_spec $(UNIT_DIR)/test_oci_resources $(UNIT_DIR)/test_kernel_config
ALL_TARGETS += $(UNIT_TESTS)
