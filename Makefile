# yiwang — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PYTEST_ARGS ?=

.PHONY: demo test lint install clean messages

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "需要 Python 3.11 或更高版本"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
	  echo "无法创建虚拟环境：请先安装 python3-venv（sudo apt-get install -y python3-venv）"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

# `make demo YIWANG_BIND=0.0.0.0:8000` (or YIWANG_BIND in the environment) chooses the address.
demo: $(STAMP)
	$(BIN)/yiwang demo $(if $(YIWANG_BIND),--bind $(YIWANG_BIND))

# One test process per core (pytest-xdist): every test owns its database and its files, so they run apart.
test: $(STAMP)
	$(BIN)/pytest -n auto --durations=15 $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

clean:
	rm -rf $(VENV) var test-artifacts

# After adding UI strings: refresh the English catalogue, translate the new entries, then compile.
messages: $(STAMP)
	cd src/yiwang && ../../$(BIN)/yiwang makemessages -l en --ignore 'migrations/*' && msgfmt --check -o locale/en/LC_MESSAGES/django.mo locale/en/LC_MESSAGES/django.po
