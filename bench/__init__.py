"""Benchmarks: a seeded estate generator and the stage timings (see bench/README.md). Not shipped."""
