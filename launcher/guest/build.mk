# launcher/guest: runuml-init, PID 1 of the guest, linked statically and
# packed (alone) into the initrd the kernel boots from.
GUEST_INIT_SRCS := launcher/guest/init_main.c launcher/guest/container_mounts.c \
                   launcher/guest/container_process.c launcher/guest/guest_proc.c launcher/guest/guest_net.c lib/nl_route.c \
                   launcher/guest/guest_cgroup.c launcher/guest/guest_seccomp.c lib/ctl_proto.c lib/fdpass.c lib/ctl_chan.c \
                   lib/rerr.c lib/fsutil.c $(LIB_OCI_SRCS)
GUEST_INIT   := $(BUILD)/guest/runuml-init
INITRD       := $(LIBEXEC)/initrd.img
GEN_INIT_CPIO := $(BUILD)/tools/gen_init_cpio

$(GUEST_INIT): $(call objs,$(GUEST_INIT_SRCS))
	@mkdir -p $(dir $@)
	$(CC) -static -o $@ $^ $(ALL_LDFLAGS) -Wl,-Bstatic -ljson-c -lseccomp

$(GEN_INIT_CPIO): $(BUILD)/kernel/gen_init_cpio.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -w -o $@ $<

$(BUILD)/kernel/gen_init_cpio.c: $(KERNEL)

$(INITRD): $(GUEST_INIT) $(GEN_INIT_CPIO) launcher/guest/build.mk
	@mkdir -p $(dir $@)
	printf '%s\n' 'dir /dev 0755 0 0' 'nod /dev/console 0600 0 0 c 5 1' \
	    'dir /proc 0555 0 0' 'dir /newroot 0755 0 0' \
	    'file /init $(abspath $(GUEST_INIT)) 0755 0 0' > $(BUILD)/guest/initrd.list
	$(GEN_INIT_CPIO) $(BUILD)/guest/initrd.list | gzip -6n > $@.tmp && mv $@.tmp $@

ALL_TARGETS += $(INITRD)
