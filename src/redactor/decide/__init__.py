"""Decide: turn findings into actions (policy) and entries into verdicts."""

from .policy import Policy, PolicyError, load_policy
from .verdicts import decide_document

__all__ = ["Policy", "PolicyError", "decide_document", "load_policy"]
