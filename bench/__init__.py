"""`python -m bench`: the scale benchmark (publish against its floor, the pandas alternative, sync,
dashboard pages). See bench/__main__.py and docs/benchmarks.md."""
