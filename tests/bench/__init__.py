"""The benchmarks: ``python -m tests.bench`` runs them all; the convention each follows is in README.md here."""
