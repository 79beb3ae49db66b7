# Two commands a user needs: `make lab` (run the course) and `make test` (run the tests).
# Both create .venv on first use and install the tested versions from requirements.lock.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.embedlab-installed
# Tests and the course never touch the model hubs.
export HF_HUB_OFFLINE = 1
export TRANSFORMERS_OFFLINE = 1

.PHONY: lab test venv notebooks check-notebooks nbgrader check-nbgrader benchmark clean

venv: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "embedlab needs Python 3.10 or newer; found " + sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (embedlab)" >/dev/null
# nbgrader (for teachers and the tests) adds menus to JupyterLab that learners do not need.
	$(BIN)/jupyter labextension disable --level=sys_prefix @jupyter/nbgrader >/dev/null 2>&1
	touch $(STAMP)

# Opens working copies in work/ (ignored by git, never overwritten), so that `git pull`
# updates the course without touching a learner's answers; --allow-root when run as root.
# LAB_ARGS: more options for JupyterLab (e.g. LAB_ARGS="--no-browser --port=8890").
lab: $(STAMP)
	$(BIN)/python -m embedlab.workspace $(LAB_ARGS)

# pytest-xdist workers. 0 (the default) runs everything in one process: on 2 cores two
# workers were no faster (7 min 5 s against 7 min 2 s), and a notebook that finds the other
# worker busy trains on one torch thread, whose rounding moved a number notebook 06 states.
# TEST_WORKERS=2 (or auto) for machines with cores to spare.
TEST_WORKERS ?= 0
test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

notebooks: $(STAMP)
	$(BIN)/python tools/build_notebooks.py

check-notebooks: $(STAMP)
	$(BIN)/python tools/build_notebooks.py --check

nbgrader: $(STAMP)
	$(BIN)/python tools/build_notebooks.py --nbgrader release/nbgrader

check-nbgrader: $(STAMP)
	$(BIN)/python tools/nbgrader_roundtrip.py

benchmark: $(STAMP)
	$(BIN)/python benchmarks/notebook_budget.py

clean:
	rm -rf $(VENV) release .pytest_cache
