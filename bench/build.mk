# bench: `make bench` and `make bench-smoke` (bench/run.sh), and ubench, the
# static helper they run inside containers and natively (bench/ubench*.c).
UBENCH_SRCS := bench/ubench.c bench/ubench_micro.c bench/ubench_fs.c bench/ubench_stream.c \
               bench/ubench_net.c bench/ubench_pss.c
UBENCH      := $(BUILD)/bench/ubench

$(UBENCH): $(call objs,$(UBENCH_SRCS))
	@mkdir -p $(dir $@)
	$(CC) -static -o $@ $^ $(ALL_LDFLAGS)

ALL_TARGETS += $(UBENCH)

bench: deps all
	./bench/run.sh

bench-smoke: all
	./bench/run.sh --smoke
