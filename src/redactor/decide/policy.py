"""Policies map categories to actions; they live in models/policies as YAML.

A policy changes actions, never categories: the same scan can be judged for a
release to the patient or to a third party by switching the policy file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..detect.resources import models_dir
from ..model import ACTION_RANK, Action, Category, Finding
from ..vocabulary import parse_category

DEFAULT_POLICY = "patient-access"
DEFAULT_WITHHELD_ENTRY = "[REDACTED: entry withheld]"
# Findings raised by a trained model with no rule or word list behind them.
MODEL_ONLY_RULES = frozenset({"passages/sentence-classifier"})


class PolicyError(Exception):
    """A policy file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    actions: dict[Category, Action]
    review_below: float = 0.0
    # The quiet tier: family history the patient gave, negated findings.
    quiet: Action = Action.NOTE
    # What apply withholds for text it could not read and no reviewer cleared: the
    # page (or the words OCR was unsure of), or the whole document.
    unreadable: str = "page"
    # The one line that stands for an entry apply withholds: the same whatever its length.
    withheld_entry: str = DEFAULT_WITHHELD_ENTRY

    def action_for(self, finding: Finding) -> Action:
        if finding.category is Category.UNREADABLE:
            return Action.REVIEW  # unread text can never be passed by a policy
        action = self.actions[finding.category]
        if finding.quiet and ACTION_RANK[action] > ACTION_RANK[self.quiet]:
            return self.quiet
        if finding.rule in MODEL_ONLY_RULES and action is Action.REDACT:
            return Action.REVIEW  # a model's guess alone is held for a person, never removed unseen
        if action is Action.REDACT and finding.score < self.review_below:
            return Action.REVIEW
        return action


def load_policy(source: str | Path | None = None) -> Policy:
    """A policy by name (from models/policies) or by file path."""
    if source is None:
        source = DEFAULT_POLICY
    path = Path(source)
    if not path.suffix:
        path = models_dir() / "policies" / f"{source}.yml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if Path(source).suffix:
            raise PolicyError(f"{source}: no such policy file") from None
        known = ", ".join(sorted(p.stem for p in (models_dir() / "policies").glob("*.yml")))
        raise PolicyError(f"{source}: no such policy (known: {known}; or give a policy YAML file)") from None
    except yaml.YAMLError:
        raise PolicyError(f"{path}: not valid YAML") from None
    if not isinstance(data, dict) or not isinstance(data.get("actions"), dict):
        raise PolicyError(f"{path}: a policy needs a name and an 'actions' mapping")
    actions: dict[Category, Action] = {}
    for key, value in data["actions"].items():
        try:  # a category by its name, code or label, as everywhere else
            actions[parse_category(str(key), list(Category))] = Action(value)
        except ValueError:
            raise PolicyError(f"{path}: '{key}: {value}' is not a known category and action") from None
    missing = [c for c in Category if c is not Category.UNREADABLE and c not in actions]
    if missing:
        raise PolicyError(f"{path}: no action for {', '.join(missing)}")
    try:
        review_below = float(data.get("review_below", 0.0))
    except (TypeError, ValueError):
        raise PolicyError(f"{path}: review_below must be a number") from None
    quiet = data.get("quiet", "note")
    if quiet not in ("note", "review", "keep"):
        raise PolicyError(f"{path}: quiet must be one of note, review, keep")
    unreadable = data.get("unreadable", "page")
    if unreadable not in ("page", "document"):
        raise PolicyError(f"{path}: unreadable must be one of page, document")
    withheld_entry = data.get("withheld_entry", DEFAULT_WITHHELD_ENTRY)
    if not isinstance(withheld_entry, str) or not withheld_entry.strip() or "\n" in withheld_entry:
        raise PolicyError(f"{path}: withheld_entry must be one line of text")
    return Policy(
        name=str(data.get("name") or path.stem),
        actions=actions,
        review_below=review_below,
        quiet=Action(quiet),
        unreadable=unreadable,
        withheld_entry=withheld_entry.strip(),
    )
