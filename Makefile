# Netzwerk Landshut: `make run` sets everything up and serves the app; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_INSTALL := $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends

.PHONY: run test install translations system-deps lint messages clean

# Debian's python3 needs python3-venv for a virtual environment; a failed attempt leaves nothing behind.
$(BIN)/pip:
	@$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || $(APT_INSTALL) python3-venv
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }

$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/pip
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

translations: install
	$(BIN)/pybabel compile -d netzwerk/translations

# Serve the app (development configuration) and the scheduler; Ctrl-C stops both.
run: install translations
	NETZWERK_CONFIG=$${NETZWERK_CONFIG:-development} $(FLASK) db upgrade
	NETZWERK_CONFIG=$${NETZWERK_CONFIG:-development} $(FLASK) demo
	@echo "== Netzwerk Landshut: http://$(HOST):$(PORT)  (Demo-Passwort: landshut-demo)"
	@echo "   manager@example.org (Regionalmanagement), mitglied@example.org (Mitglied), partner@example.org (Partner)"
	@export NETZWERK_CONFIG=$${NETZWERK_CONFIG:-development}; \
	trap 'kill $$scheduler $$web 2>/dev/null; wait' INT TERM EXIT; \
	$(FLASK) scheduler run & scheduler=$$!; \
	$(FLASK) run --host $(HOST) --port $(PORT) & web=$$!; \
	wait -n

# Debian's Chromium (browser tests), PostgreSQL (the suite's second database) and Dovecot (the IMAP server of
# the incoming-mail tests), when missing.
system-deps:
	@command -v chromium >/dev/null || $(APT_INSTALL) chromium
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || $(APT_INSTALL) postgresql
	@command -v dovecot >/dev/null || [ -x /usr/sbin/dovecot ] || $(APT_INSTALL) dovecot-imapd

lint: install
	$(BIN)/ruff check .

# The whole suite on SQLite, then on a throwaway PostgreSQL cluster that the tests start themselves.
test: system-deps install translations lint
	$(BIN)/pytest --db=sqlite
	$(BIN)/pytest --db=postgresql

# Extract new UI strings and merge them into the catalogs (then translate netzwerk/translations/en).
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -o netzwerk/translations/messages.pot --no-location --omit-header .
	$(BIN)/pybabel update -i netzwerk/translations/messages.pot -d netzwerk/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) instance .pytest_cache test-output
