"""Simulated workspace product: state, seed and handlers."""
