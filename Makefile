.PHONY: run test setup lint format bench

run:  ## set up and run the app with demo data on http://127.0.0.1:8000
	scripts/run

test:  ## set up and run the whole test suite
	scripts/test

setup:
	scripts/setup

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .

bench:  ## run every benchmark script (against DATABASE_URL when set)
	scripts/setup
	.venv/bin/python bench/oncall_lookup.py
	.venv/bin/python bench/activation_fanout.py
	.venv/bin/python bench/usage_statistics.py
