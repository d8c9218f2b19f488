# uml-config: the UML kernel, built from Debian's linux-source-6.1 and cached
# under $(CACHE) keyed by source version + fragment + patches.
KERNEL        := $(LIBEXEC)/linux
KERNEL_CONFIG := $(BUILD)/kernel/config

$(KERNEL): scripts/build-kernel.sh uml-config/runuml.config $(wildcard uml-config/patches/*.patch)
	./scripts/build-kernel.sh $(CACHE) $@ $(KERNEL_CONFIG)

$(KERNEL_CONFIG): $(KERNEL)

kernel: $(KERNEL)

ALL_TARGETS += $(KERNEL)
