# Billflow: the commands people type. `make run` and `make test` set up everything they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
LS_VENV := .venv-localstack
BIN := $(VENV)/bin
export PATH := $(abspath $(BIN)):$(PATH)
PKG_FILES := $(wildcard shared/*/pyproject.toml services/*/pyproject.toml tools/*/pyproject.toml)

.PHONY: help setup system-packages run demo test check format bench clean redrive

help:
	@echo "make run     set up and start Billflow on this machine (Ctrl-C stops it)"
	@echo "make demo    with 'make run' going: seed a company, bill it, show the invoices"
	@echo "make test    set up, check, and run every test"
	@echo "make check   lint, format check, types, import contracts"
	@echo "make bench   benchmarks that print figures (N=1000 for a bigger billing run)"
	@echo "make redrive QUEUE=billflow-render   move a queue's dead letters back (with make run going)"
	@echo "make format  format the code"

setup: system-packages $(VENV)/.installed $(LS_VENV)/.installed

system-packages:
	@scripts/install-system-packages.sh

$(VENV)/.installed: constraints.txt requirements-dev.txt $(PKG_FILES)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -r requirements-dev.txt
	@touch $@

$(LS_VENV)/.installed: constraints-localstack.txt requirements-localstack.txt
	@test -x $(LS_VENV)/bin/python || $(PYTHON) -m venv $(LS_VENV)
	$(LS_VENV)/bin/python -m pip install -q -c constraints-localstack.txt -r requirements-localstack.txt
	@touch $@

run: setup
	$(BIN)/python -m billflow.devstack up

demo: $(VENV)/.installed
	$(BIN)/python scripts/demo.py

bench: setup
	$(BIN)/python -m bench.render_engine
	$(BIN)/python -m bench.document_languages
	$(BIN)/python -m bench.billing_run --employees $(or $(N),100)
	$(BIN)/python -m bench.single_invoice
	$(BIN)/python -m bench.api_load
	$(BIN)/python bench/extraction_accuracy.py

redrive: $(VENV)/.installed
	@test -n "$(QUEUE)" || (echo "usage: make redrive QUEUE=billflow-render" && exit 2)
	@set -a; [ -f var/run.env ] && . var/run.env; set +a; $(BIN)/python -m billflow.api redrive $(QUEUE)

check: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: setup check
	$(BIN)/pytest

clean:
	rm -rf var test-artifacts .mypy_cache .ruff_cache .pytest_cache
