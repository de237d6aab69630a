# echallan — the targets the README names.
SHELL := /bin/bash
export ECHALLAN_MODEL_DIR ?= $(abspath ../shared/models)
export ECHALLAN_DATASETS ?= $(abspath ../shared/datasets)
VENV := .venv/bin

.PHONY: setup demo test lint unit bench clean

TWIN := var/models/yolo11n_int8_dynamic

setup: .venv/.setup-done $(TWIN)/source.json

.venv/.setup-done: pyproject.toml scripts/setup.sh
	bash scripts/setup.sh
	touch $@

# the detector's dynamic-input twin, remade from the shared weights (close-up looks run on it; 1-2 min)
$(TWIN)/source.json: .venv/.setup-done scripts/export_detector.py scripts/coco_weights.py
	set -o pipefail; $(VENV)/python scripts/export_detector.py --out $(TWIN) 2>&1 | grep -v "^INFO:nncf"

## make demo: set up, then run the whole chain on the generated sample (embedded SQLite)
demo: setup
	$(VENV)/echallan demo

## make test: set up (incl. PostgreSQL), lint, type-check and run every test
test: setup lint
	ECHALLAN_REQUIRE_PG=1 $(VENV)/pytest -q

lint: setup
	$(VENV)/ruff check .
	$(VENV)/ruff format --check echallan tests bench
	$(VENV)/mypy

## make unit: the fast tests only (no real models)
unit: setup
	$(VENV)/pytest -q -m "not integration"

## make bench: every benchmark; each writes its section of docs/BENCHMARKS.md (takes a while)
bench: setup
	$(VENV)/python bench/anpr.py
	$(VENV)/python bench/plates.py
	$(VENV)/python bench/violations.py
	$(VENV)/python bench/throughput.py
	$(VENV)/python bench/tracking.py
	$(VENV)/python bench/scale.py
	$(VENV)/python bench/helmet.py
	$(VENV)/python bench/riders.py
	$(VENV)/python bench/stress.py --seed 2032 --seeds 6
	$(VENV)/python bench/owners.py
	$(VENV)/python bench/notices.py 10000 --jobs 2

clean:
	rm -rf var .venv .pytest_cache .mypy_cache .ruff_cache

## make plate-detector: train the plate detector (models/plate_detector/) from the shared data's train half (~20 min on 2 cores)
.PHONY: plate-detector
plate-detector: setup
	nice -n 5 $(VENV)/python scripts/train_plate_detector.py

## make plate-ocr: fine-tune the plate recogniser (models/plate_ocr/) from the shared data's train half (~20 min on 2 cores)
.PHONY: plate-ocr
plate-ocr: setup
	$(VENV)/pip install -q onnx==1.23.2 && $(VENV)/pip install -q --no-deps onnx2torch==1.5.15
	nice -n 5 $(VENV)/python scripts/train_plate_ocr.py
