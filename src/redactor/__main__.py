"""`python -m redactor`."""

from .cli import app

app(prog_name="redactor")
