"""What screens are made of besides widgets: the mixins that give a screen a flow of keys (the action flow of
lists and details, the log screen's source switching and output), and the log screen's words computed from
its state. Nothing here is a screen; ``paitui.ui.screens`` holds only screens."""
