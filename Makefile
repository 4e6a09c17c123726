# The two front doors: `make run` and `make test`. Everything they need is installed here.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The suite's PostgreSQL database is named for this checkout (its tests run in test_<name>), so that two checkouts
# testing at once on one server do not drop each other's.
PG_URL ?= postgres://postgres@127.0.0.1:5432/fupin_$(shell printf %s "$(CURDIR)" | cksum | cut -d' ' -f1)
export FUPIN_HOME := $(CURDIR)

.PHONY: run run-deps test test-sqlite test-postgres lint install system-deps bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

# Debian packages the tests need: chromium for the browser tests, CJK fonts for charts and pages,
# LibreOffice to turn documents into PDF, pg_dump/pg_restore for the PostgreSQL backups (the distribution's
# client, the same major version as its server).
SYSTEM_PACKAGES := chromium fonts-noto-cjk fonts-arphic-ukai libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils \
  postgresql-client

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "安装系统软件包:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# What the demo needs beyond Python: the CJK font for charts, LibreOffice for "下载 PDF". Installed when run as
# root; otherwise said plainly, and the demo runs without them.
RUN_PACKAGES := fonts-noto-cjk libreoffice-writer-nogui

run-deps:
	@missing=""; for p in $(RUN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "安装系统软件包:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
	  echo "缺少系统软件包:$$missing —— 没有 fonts-noto-cjk 图表无法显示中文，没有 LibreOffice 通报不能下载 PDF。"; \
	  echo "请以 root 运行 make run，或执行：sudo apt-get install$$missing"; \
	fi

# The demo's own secret key, made once and kept in var/ (the server refuses the public development key).
var/secret-key:
	@mkdir -p var
	@umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

run: $(STAMP) run-deps var/secret-key
	$(BIN)/fupin demo
	@echo "打开 http://127.0.0.1:8000 ，用上面的演示账号登录；按 Ctrl+C 停止。"
	SECRET_KEY="$$(cat var/secret-key)" $(BIN)/fupin serve --bind 127.0.0.1:8000

lint: $(STAMP)
	$(BIN)/ruff check fupin tests bench
	$(BIN)/fupin makemigrations --check --dry-run >/dev/null || (echo "模型有改动但缺少迁移文件" && exit 1)

# Each database's suite has a home of its own (var/ with its files), so that the two can run side by side.
test-sqlite: $(STAMP) system-deps
	mkdir -p var/test-sqlite
	env -u DATABASE_URL FUPIN_HOME=$(CURDIR)/var/test-sqlite $(BIN)/pytest -q

test-postgres: $(STAMP) system-deps
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	mkdir -p var/test-postgres
	DATABASE_URL=$(PG_URL) FUPIN_HOME=$(CURDIR)/var/test-postgres $(BIN)/pytest -q

# The two suites side by side: about the longer one's time rather than the sum (each waits on servers, browsers
# and processes as much as on a core). Each one's output is printed whole when it ends.
test: lint
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

bench: $(STAMP)
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var
