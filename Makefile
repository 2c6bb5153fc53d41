# The two commands the README starts with. Each makes its own virtual environment and installs
# what it needs; nothing else has to be on the machine but Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PORT ?= 8000
PYTEST_ARGS ?= -n auto
# When another install holds the system package manager's lock (an unattended upgrade, another
# terminal), apt waits for it, up to ten minutes, instead of failing at once.
APT_WAIT := -o DPkg::Lock::Timeout=600

.PHONY: demo test lint install browser imap-server

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Concierge needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
		echo "Installing Debian's python3-venv (Python's venv module)…"; rm -rf $(VENV); \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get $(APT_WAIT) update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get $(APT_WAIT) install -y -qq python3-venv >/dev/null; \
		$(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

# Debian's Chromium for the browser tests (Playwright drives it; no browser is downloaded).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests…"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get $(APT_WAIT) update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get $(APT_WAIT) install -y -qq chromium >/dev/null; }

# Debian's Dovecot for the IMAP tests (a test starts its own on a loopback port; the system's stays off).
imap-server:
	@command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || { \
		echo "Installing Debian's dovecot-imapd for the IMAP tests…"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get $(APT_WAIT) update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get $(APT_WAIT) install -y -qq dovecot-imapd >/dev/null; }

demo: $(STAMP)
	PORT=$(PORT) $(BIN)/concierge demo --serve

test: $(STAMP) browser imap-server
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
