# Two commands do all set-up on a fresh machine (Python 3.11+): see README.md.
VENV := .venv
PY := $(VENV)/bin/python

$(VENV)/.installed: pyproject.toml
	scripts/system-packages.sh
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

demo: $(VENV)/.installed
	$(VENV)/bin/redactor scan fixtures/records --patients fixtures/patients.csv --json out/demo-report.json || [ $$? -eq 1 ]
	$(VENV)/bin/redactor eval out/demo-report.json fixtures/gold

test: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests benchmarks fixtures recipes fuzz
	$(PY) -m pytest

.PHONY: demo test
