# images: the busybox test bundle (rootfs + config.json) and its tarball.
RTEST        := $(BUILD)/guest/rtest
BUSYBOX_IMG  := $(BUILD)/images/busybox

$(RTEST): $(call objs,tests/guest/rtest.c tests/guest/rtest_fs.c tests/guest/rtest_net.c)
	@mkdir -p $(dir $@)
	$(CC) -static -o $@ $^

$(BUSYBOX_IMG)/config.json: images/mkrootfs-busybox.sh $(RTEST) $(BINDIR)/runuml
	@mkdir -p $(dir $(BUSYBOX_IMG))
	./images/mkrootfs-busybox.sh $(BUSYBOX_IMG) $(RTEST) $(BINDIR)/runuml

images: $(BUSYBOX_IMG)/config.json
.PHONY: images
ALL_TARGETS += $(BUSYBOX_IMG)/config.json
