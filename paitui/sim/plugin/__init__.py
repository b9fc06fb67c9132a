"""Simulated plugin product: state, seed and handlers."""
