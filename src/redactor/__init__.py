"""redactor: find what must be held back before a GP record is released to the patient."""

__version__ = "0.1.0"
