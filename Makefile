# Pramern: `make run` starts a demo on http://127.0.0.1:8000, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint typecheck check bench lock messages clean

$(STAMP): requirements/base.txt requirements/dev.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Pramern needs Python 3.11 or newer ($(PYTHON) is older)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

run: $(STAMP)
	@mkdir -p var/static
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_framework --replace
	$(BIN)/python manage.py load_demo
	@echo ""
	@echo "Pramern: http://127.0.0.1:8000/  (log in with a demo account above; stop with Ctrl-C)"
	@echo "CLI:     $(BIN)/pramern score examples/strong-unit.yaml"
	@echo ""
	@# The report worker (huey) runs beside the server and stops with it.
	$(BIN)/python manage.py run_huey --quiet & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	PRAMERN_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy --strict pramern/scoring pramern/cli.py pramern/thaidates.py pramern/thaitext.py pramern/errors.py pramern/assessments/demo_data.py

check: lint typecheck test

bench: $(STAMP)
	$(BIN)/python bench/score_bench.py
	$(BIN)/python bench/workspace_bench.py
	$(BIN)/python bench/export_bench.py
	$(BIN)/python bench/pdf_bench.py
	$(BIN)/python bench/demo_bench.py

# Regenerate the pinned requirements from requirements/*.in in a scratch virtualenv.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -r requirements/base.in
	.lock-venv/bin/pip freeze --exclude-editable > requirements/base.txt.new
	.lock-venv/bin/pip install --quiet -r requirements/dev.in
	.lock-venv/bin/pip freeze --exclude-editable > requirements/dev.txt.new
	rm -rf .lock-venv
	@echo "Review requirements/*.txt.new, then move them over base.txt and dev.txt."

# Thai translations: edit locale/th/LC_MESSAGES/django.po, then `make messages`.
messages: $(STAMP)
	$(BIN)/python manage.py makemessages --locale th --ignore '.venv/*' --ignore 'var/*'
	$(BIN)/python -m pramern.ui.compilemessages locale/th/LC_MESSAGES/django.po locale/th/LC_MESSAGES/djangojs.po

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
