# `make run` starts PutRight with demo data; `make test` runs every test (SQLite and PostgreSQL, side by side).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install demo serve clean

run: install  ## Demo data on SQLite in ./var/, then the production server and the worker on http://127.0.0.1:8000/
	$(BIN)/putright demo
	@echo "The worker's emails (the demo prints them instead of sending) go to var/demo-emails.log"
	PUTRIGHT_DEMO=1 $(BIN)/putright worker >>var/demo-emails.log & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	PUTRIGHT_DEMO=1 $(BIN)/putright serve

test: install  ## The whole test suite, on a real SQLite file and a throwaway PostgreSQL server
	scripts/test

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml package-lock.json tests/oidc/package-lock.json putright/frontend/putright.scss
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	npm ci --no-audit --no-fund --loglevel=error
	npm run build --silent
	npm ci --prefix tests/oidc --no-audit --no-fund --loglevel=error  # the tests' OpenID provider (oidc-provider)
	touch $@

clean:  ## Remove the demo database and the virtual environment
	rm -rf var $(VENV) node_modules putright/static/putright putright/static/govuk
