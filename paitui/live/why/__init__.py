"""Explaining a job: why it failed (the culprit pod, the error signature of its last lines and events) and,
later, why it waits. No Textual; the dashboard's panels and ``paitui job why`` both read these."""
