"""A simulated PAI cloud speaking the real wire protocol (no Textual, no paitui.api imports)."""
