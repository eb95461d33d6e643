# Netzwerk Landshut: `make run` sets everything up and serves the app; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# $(call apt_install,PACKAGES): one braced command, so `present || $(call apt_install,x)` installs only when missing
apt_install = { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(1); }

.PHONY: run test bench install lock translations system-deps js-deps lint typecheck messages clean

# Debian's python3 needs python3-venv for a virtual environment; a failed attempt leaves nothing behind.
$(BIN)/pip:
	@$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || $(call apt_install,python3-venv)
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }

# Exactly the locked versions (requirements.txt, with PyPI's hashes), then the app itself without resolving again;
# setuptools comes from the lock, so the editable build needs no isolated download. `pip check` fails when
# setup.cfg asks for something the lock lacks (then `make lock`).
$(VENV)/.installed: requirements.txt setup.cfg pyproject.toml | $(BIN)/pip
	$(BIN)/pip install -q --require-hashes -r requirements.txt
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	touch $@

install: $(VENV)/.installed

# Re-compile requirements.txt from setup.cfg (all extras) against PyPI alone, so the hashes are PyPI's and not
# those of a local mirror; existing pins stay unless UPGRADE=1 (all) or UPGRADE=package (one package). Then
# requirements-production.txt: the app and PostgreSQL only (no test or dev tools on a server), held to the same
# versions (a constraints file may carry neither hashes nor extras, hence the sed).
LOCK_UPGRADE = $(if $(UPGRADE),$(if $(filter 1,$(UPGRADE)),--upgrade,--upgrade-package $(UPGRADE)))
PIP_COMPILE = env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null $(BIN)/pip-compile --quiet --generate-hashes \
  --allow-unsafe --all-build-deps --no-strip-extras --index-url https://pypi.org/simple --no-emit-index-url
lock: | $(BIN)/pip
	@[ -x $(BIN)/pip-compile ] || $(BIN)/pip install -q --require-hashes -r requirements.txt
	$(PIP_COMPILE) --extra postgresql --extra test --extra dev $(LOCK_UPGRADE) --output-file requirements.txt setup.cfg
	sed -n 's/^\([A-Za-z0-9._-]*\)\(\[[a-z,]*\]\)\{0,1\}\(==[^ ]*\).*/\1\3/p' requirements.txt >$(VENV)/lock-constraints.txt
	$(PIP_COMPILE) --extra postgresql --constraint $(VENV)/lock-constraints.txt \
	  --output-file requirements-production.txt setup.cfg

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

# Debian's Chromium (browser tests), PostgreSQL (the suite's second database), Dovecot (the IMAP server of
# the incoming-mail tests) and Java (the W3C Nu HTML Checker, npm vnu-jar), when missing.
system-deps:
	@command -v chromium >/dev/null || $(call apt_install,chromium)
	@command -v java >/dev/null || $(call apt_install,default-jre-headless)
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || $(call apt_install,postgresql)
	@command -v dovecot >/dev/null || [ -x /usr/sbin/dovecot ] || $(call apt_install,dovecot-imapd)

# Mozilla's ical.js (Thunderbird, Nextcloud) reads every calendar the suite produces (tests/calendar_clients.py),
# the W3C Nu HTML Checker (vnu-jar) every page of the walk (tests/test_markup.py): Debian's node and npm when
# missing, then the pinned packages from tests/js/package-lock.json.
JS_DEPS := tests/js/node_modules/.package-lock.json
$(JS_DEPS): tests/js/package.json tests/js/package-lock.json
	@command -v node >/dev/null || $(call apt_install,nodejs)
	@command -v npm >/dev/null || $(call apt_install,npm)
	cd tests/js && npm ci --no-audit --no-fund --loglevel=error
	touch $@

js-deps: $(JS_DEPS)

# Style, formatting, the import contracts (.importlinter) and the types of the packages in TYPED.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(MAKE) --no-print-directory typecheck

# Packages whose types mypy checks (settings in setup.cfg [mypy]); the next ones to add are in CONTRIBUTING.md.
TYPED := netzwerk/auth netzwerk/mail netzwerk/privacy $(wildcard netzwerk/clock.py) netzwerk/validation.py
typecheck: install
	$(BIN)/mypy $(TYPED)

# The whole suite on SQLite and on a throwaway PostgreSQL cluster that the tests start themselves, side by side.
test: system-deps js-deps install translations lint
	tests/run-both-databases -n 2 --dist loadfile

# The long benchmarks, outside `make test` (the folder bench/ would otherwise shadow this target).
# BENCH_FRACTION=0.1 builds a tenth of Landshut ×10 for a quick look.
BENCH_FRACTION ?= 1
bench: install translations
	@command -v wrk >/dev/null || $(call apt_install,wrk)
	$(BIN)/python -m bench.pages --db sqlite --fraction $(BENCH_FRACTION)
	$(BIN)/python -m bench.pages --db postgresql --fraction $(BENCH_FRACTION)
	$(BIN)/python -m bench.mail_outbox
	NETZWERK_WRITERS_SECONDS=30 $(BIN)/pytest --db=sqlite -q tests/test_parallel_writers.py
	HYPOTHESIS_PROFILE=bench $(BIN)/pytest --db=sqlite -q tests/test_properties.py
	HYPOTHESIS_PROFILE=bench $(BIN)/pytest --db=postgresql -q tests/test_properties.py

# Extract new UI strings and merge them into the catalogs (then translate netzwerk/translations/en).
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -o netzwerk/translations/messages.pot --no-location --omit-header .
	$(BIN)/pybabel update -i netzwerk/translations/messages.pot -d netzwerk/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache test-output tests/js/node_modules
