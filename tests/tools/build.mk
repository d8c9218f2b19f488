# tests/tools: small host programs the bats suites use.
RECVTTY := $(BUILD)/tests/tools/recvtty

$(RECVTTY): $(call objs,tests/tools/recvtty.c) $(call objs,lib/fdpass.c lib/rerr.c)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(ALL_LDFLAGS)

ALL_TARGETS += $(RECVTTY)

SUBREAPER := $(BUILD)/tests/tools/subreaper

$(SUBREAPER): $(call objs,tests/tools/subreaper.c)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(ALL_LDFLAGS)

ALL_TARGETS += $(SUBREAPER)
