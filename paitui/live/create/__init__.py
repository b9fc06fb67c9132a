"""Creating resources — jobs, pipeline runs, TensorBoards, templates — for the dashboard's forms and the
headless ``paitui KIND VERB`` commands alike: the seeds' rules checked before anything is sent (a
``Refusal`` names the field and the rule), the one request a creation makes (``CreateRequest``), and sending
it with a lost answer settled by reading back (``send``)."""

from paitui.live.create.request import Created, CreateRequest, Refusal, Refused, send

__all__ = ["CreateRequest", "Created", "Refusal", "Refused", "send"]
