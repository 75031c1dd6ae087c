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

bench:  ## every benchmark script against PostgreSQL and Redis (DATABASE_URL, REDIS_URL), one table
	scripts/setup
	.venv/bin/python bench/run.py --pooler
