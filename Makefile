# CRM Lab: `make demo`, `make test` and `make lint` set up .venv first (idempotent, quiet when already installed).
# Another Python or venv: `make test PYTHON=python3.13 VENV=.venv-3.13` (what .ci/run does).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.crmlab-installed
LAB    := demo/lab
LAB_STUDENT ?= s021

.PHONY: demo test lint lab bench venv self-study

venv: $(STAMP)

# Exact versions from constraints.txt (pyproject.toml holds the ranges); re-install only when either changes.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "setting up $(VENV) (pip install -c constraints.txt -e .[dev]) ..."
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]" > $(VENV)/pip-install.log 2>&1 \
		|| { cat $(VENV)/pip-install.log; exit 1; }
	@$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3" >/dev/null
	@touch $@

demo: $(STAMP)
	@$(BIN)/crmlab demo --out demo

test: $(STAMP)
	@$(BIN)/python -m pytest -q

# ruff, configured in pyproject.toml ([tool.ruff]).
lint: $(STAMP)
	@$(BIN)/ruff check .

# JupyterLab on the student edition (release notebooks) with one demo student's handed-out data folder.
lab: $(STAMP)
	@test -d demo/course/release -a -d demo/course/handout || $(MAKE) --no-print-directory demo
	@test -d demo/course/handout/$(LAB_STUDENT)/crmlab-data \
		|| { echo "no demo student $(LAB_STUDENT) (demo/course/handout/ lists them)"; exit 2; }
	@rm -rf $(LAB) && mkdir -p $(LAB)
	@cp -r demo/course/release/. $(LAB)/
	@cp -r demo/course/handout/$(LAB_STUDENT)/crmlab-data $(LAB)/
	@echo "student edition in $(LAB), data of demo student $(LAB_STUDENT)"
	@$(BIN)/jupyter lab --notebook-dir=$(LAB)

bench: $(STAMP)
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

# The self-study edition (local verdicts on a public seed, hints, worked solutions) in my-crm/, opened in JupyterLab.
self-study: $(STAMP)
	@$(BIN)/crmlab course build --edition self-study --out my-crm
	@$(BIN)/jupyter lab my-crm
