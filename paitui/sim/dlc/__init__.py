"""Simulated dlc product: state, seed and handlers."""
