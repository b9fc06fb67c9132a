"""Creating resources — jobs, pipeline runs, TensorBoards, templates — for the dashboard's forms and the
headless ``paitui KIND VERB`` commands alike: the seeds' rules checked before anything is sent (a
``Refusal`` names the field and the rule), the one request a creation makes (``CreateRequest``), and sending
it with a lost answer settled by reading back (``send``).

DLC jobs: ``job_rules.check_job_body`` (CreateJob's rules), ``template_merge.merge_template`` (a JobTemplate's
Content and Constraints with the user's overrides), ``job_request.create_job_request`` (the one request, for
``paitui job submit``, the template form and edit-and-resubmit), ``body_file`` (YAML/JSON text with the line of
every field, ``--set`` values) and ``template_form`` (a template's fields as form text and back)."""

from paitui.live.create.request import Created, CreateRequest, Refusal, Refused, send

__all__ = ["CreateRequest", "Created", "Refusal", "Refused", "send"]
