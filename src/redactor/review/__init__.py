"""Review: decide flagged findings one by one, resumably (logic in session.py, terminal in terminal.py)."""
