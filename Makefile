# Two entry points; both do all set-up first (see scripts/setup.sh).
.PHONY: setup run test bench

setup:
	@bash scripts/setup.sh

run: setup
	python3 app.py

test: setup
	python3 -m pytest -q

bench: setup
	python3 bench/run.py
	python3 bench/export_bench.py
	python3 bench/presentation_bench.py
	python3 bench/register_bench.py
	python3 bench/national_map_bench.py
	python3 bench/hostile_bench.py
	python3 bench/first_load_bench.py
