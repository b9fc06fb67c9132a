"""Simulated flow product: state, seed and handlers."""
