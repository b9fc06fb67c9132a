"""paitui: a keyboard-driven terminal dashboard for Alibaba Cloud PAI."""

__version__ = "0.1.0"
