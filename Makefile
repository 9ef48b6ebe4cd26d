# Sheikh-Kitty. The two commands:
#   make run    install what is missing, build, and serve on 127.0.0.1:8080
#   make test   install what is missing, build (plain and ASan+UBSan), run every test
# Others: make build, make bench, make bench-detect, make bench-guard,
#         make fuzz, make soak, make clean.

BUILD      ?= build
ASAN_BUILD ?= build-asan
CONFIG     ?=
MESON_OPTS ?=

.PHONY: all deps build build-asan run test bench bench-detect bench-guard fuzz soak clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) $(MESON_OPTS) -Db_sanitize=address,undefined -Db_lundef=false \
	  -Dbuildtype=debug -Dc_args=-fno-sanitize-recover=all -Dc_link_args=-fno-sanitize-recover=all

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

build-asan: deps $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)

run: build
	./$(BUILD)/skitty serve $(if $(CONFIG),--config $(CONFIG),)

# As root (CI), the sandbox suite must run: a missing mechanism fails it
# instead of skipping it.
test: build build-asan
	@SKITTY_SANDBOX_MUST_WORK=$$([ "$$(id -u)" -eq 0 ] && echo 1 || echo 0) \
	  scripts/run-tests.sh $(BUILD) $(ASAN_BUILD):unit,api

bench: build
	@scripts/install-deps.sh --bench
	bench/run.sh

bench-detect: build
	bench/detect.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
