"""The new-job wizard (``N`` on the jobs list): its screen and the filterable pickers it is made of."""

from paitui.ui.screens.new_job.wizard import NewJobScreen

__all__ = ["NewJobScreen"]
