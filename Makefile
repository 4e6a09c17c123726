# The two front doors: `make run` and `make test`. Everything they need is installed here.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/fupin
export FUPIN_HOME := $(CURDIR)

.PHONY: run test test-sqlite test-postgres lint install system-deps bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

# Debian packages the tests need: chromium for the browser tests, CJK fonts for charts and pages,
# LibreOffice to turn documents into PDF.
SYSTEM_PACKAGES := chromium fonts-noto-cjk libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "安装系统软件包:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

run: $(STAMP)
	$(BIN)/fupin demo
	@echo "打开 http://127.0.0.1:8000 ，用上面的演示账号登录。"
	$(BIN)/fupin runserver 127.0.0.1:8000

lint: $(STAMP)
	$(BIN)/ruff check fupin tests bench
	$(BIN)/fupin makemigrations --check --dry-run >/dev/null || (echo "模型有改动但缺少迁移文件" && exit 1)

test-sqlite: $(STAMP) system-deps
	env -u DATABASE_URL $(BIN)/pytest -q

test-postgres: $(STAMP) system-deps
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -q

test: lint test-sqlite test-postgres

bench: $(STAMP)
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var
