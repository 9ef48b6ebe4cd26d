# Sheikh-Kitty. The two commands:
#   make run    install what is missing, build, and serve on 127.0.0.1:8080
#   make test   install what is missing, build (plain and ASan+UBSan), run every test
# Others: make build, make bench, make bench-detect, make bench-guard,
#         make train-guard, make fuzz, make soak, make clean.

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
CONFIG     ?=
MESON_OPTS ?=
# The public data sets the guard is trained and measured on.
DATASETS   ?= $(or $(SKITTY_DATASETS),/work/shared/datasets)

.PHONY: all deps build build-asan run test bench bench-detect bench-guard train-guard fuzz soak clean

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

test: build build-asan
	@scripts/run-tests.sh $(BUILD) $(ASAN_BUILD):unit,api,guard

bench: build
	@scripts/install-deps.sh --bench
	bench/run.sh

# libFuzzer binaries (clang, ASan+UBSan), each run for FUZZ_SECONDS on its
# corpus (fuzz/corpus/NAME) with its dictionary (fuzz/NAME.dict); new inputs
# go to $(FUZZ_BUILD)/corpus-NAME, crashes to $(FUZZ_BUILD)/.
$(FUZZ_BUILD)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILD) $(MESON_OPTS) -Dfuzzing=true -Dwerror=false \
	  -Db_sanitize=address,undefined \
	  -Db_lundef=false -Dbuildtype=debug

fuzz: deps $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD)
	@set -e; for bin in $(FUZZ_BUILD)/fuzz/fuzz_*; do \
	  [ -f "$$bin" ] && [ -x "$$bin" ] || continue; \
	  name=$${bin##*/fuzz_}; mkdir -p $(FUZZ_BUILD)/corpus-$$name; \
	  dict=""; [ -f fuzz/$$name.dict ] && dict="-dict=fuzz/$$name.dict"; \
	  echo "fuzz: $$name for $(FUZZ_SECONDS) s"; \
	  $$bin -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=$(FUZZ_BUILD)/ $$dict \
	    $(FUZZ_BUILD)/corpus-$$name fuzz/corpus/$$name; \
	done

# The guard classifier's weights, from the train splits only; bit-for-bit
# reproducible (fixed seed, single thread).
train-guard: build
	./$(BUILD)/tools/guard-train --data $(DATASETS) --out data/guard/classifier.bin

# The guard's figures (held-out splits) into BENCHMARKS.md.
bench-guard: build
	DATASETS=$(DATASETS) BUILD=$(BUILD) bench/guard.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
