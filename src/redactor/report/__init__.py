"""Report: the JSON contract, the terminal summary (and, later, HTML)."""
