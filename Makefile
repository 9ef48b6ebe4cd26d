# Sheikh-Kitty. The two commands:
#   make run    install what is missing, build, and serve on 127.0.0.1:8080
#   make test   install what is missing, build (plain and ASan+UBSan), run every test
# Others: make build, make bench, make bench-detect, make bench-guard,
#         make bench-web, make train-guard, make fuzz, make soak, make screenshot,
#         make clean.

BUILD      ?= build
ASAN_BUILD ?= build-asan
CONFIG     ?=
MESON_OPTS ?=
# The public data sets the guard is trained and measured on.
DATASETS   ?= $(or $(SKITTY_DATASETS),/work/shared/datasets)

.PHONY: all deps build build-asan run test bench bench-detect bench-guard fuzz soak screenshot bench-web train-guard clean

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
	  scripts/run-tests.sh $(BUILD) $(ASAN_BUILD):unit,api,guard

bench: build
	@scripts/install-deps.sh --bench
	bench/run.sh

# docs/playground.png: the page after a real /generate, in headless Chromium.
screenshot: build
	node tests/web/screenshot.mjs $(BUILD)/skitty $(BUILD)/tests/api/fake-openai docs/playground.png

# The playground page's load and render times, in headless Chromium.
bench-web: build
	node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON tests/web/bench.mjs $(BUILD)/skitty | scripts/bench-section.sh playground

fuzz: deps
	@scripts/install-deps.sh --fuzz
	scripts/fuzz.sh

bench-detect: build
	bench/detect.sh

# The guard classifier's weights, from the train splits only; bit-for-bit
# reproducible (fixed seed, single thread).
train-guard: build
	./$(BUILD)/tools/guard-train --data $(DATASETS) --out data/guard/classifier.bin

# The guard's figures (held-out splits) into BENCHMARKS.md.
bench-guard: build
	DATASETS=$(DATASETS) BUILD=$(BUILD) bench/guard.sh

# Ten minutes of mixed load, then the fault injections; figures to BENCHMARKS.md.
soak: build
	@scripts/soak.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
