# The two commands a newcomer needs: `make run` and `make test`. Everything else is set-up they call.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
DEMO_DB := var/demo.sqlite3

help:
	@echo "make run   — cài đặt, tạo dữ liệu mẫu và chạy hệ thống tại http://127.0.0.1:$(PORT)"
	@echo "make test  — cài đặt, kiểm tra mã (lint) và chạy toàn bộ bộ kiểm thử"
	@echo "make bench [NAME=x] — chạy benchmark; make screenshots — chụp màn hình các trang chính"

# --- set-up -----------------------------------------------------------------------------------
$(VENV)/.created:
	@scripts/find-python > /dev/null
	"$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	touch $@

$(VENV)/.base: $(VENV)/.created requirements/base.txt
	$(PY) -m pip install --quiet --require-hashes -r requirements/base.txt
	touch $@

$(VENV)/.dev: $(VENV)/.created requirements/dev.txt
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.txt
	touch $@ $(VENV)/.base

# Benchmarks only: what the benchmarks compare against (django-import-export), never imported by the system.
$(VENV)/.bench: $(VENV)/.dev requirements/bench.txt
	$(PY) -m pip install --quiet --require-hashes -r requirements/bench.txt
	touch $@

# English UI strings; without GNU gettext the system still runs, in Vietnamese only.
locale/en/LC_MESSAGES/django.mo: locale/en/LC_MESSAGES/django.po | $(VENV)/.base
	@if command -v msgfmt >/dev/null 2>&1; then $(MANAGE) compilemessages --ignore=.venv -v 0; \
	else echo "Cảnh báo: thiếu gettext (msgfmt) nên giao diện tiếng Anh chưa có; cài: apt-get install gettext"; fi

setup: $(VENV)/.base locale/en/LC_MESSAGES/django.mo
setup-dev: $(VENV)/.dev locale/en/LC_MESSAGES/django.mo

# --- the two commands ---------------------------------------------------------------------------
run: setup
	@mkdir -p var
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) seed_demo --if-empty
	$(MANAGE) collectstatic --no-input -v 0
	scripts/serve $(PORT)

test: setup-dev
	@if [ -z "$(SKIP_LINT)" ]; then scripts/lint; fi
	$(PY) -m pytest $(PYTEST_ARGS)

# --- helpers ----------------------------------------------------------------------------------
lint: setup-dev
	scripts/lint

bench: setup-dev $(VENV)/.bench
	$(PY) -m bench $(NAME)

screenshots: setup-dev
	$(PY) -m pytest tests_browser/test_screenshots.py --screenshots

messages: setup
	$(MANAGE) makemessages -l en --ignore=.venv --ignore=var
	$(MANAGE) compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var staticfiles

.PHONY: help setup setup-dev run test lint bench screenshots messages clean
