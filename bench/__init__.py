"""Benchmarks: `bench/run` (one JSON line per figure, updates BENCHMARKS.md). See BENCHMARKS.md."""
