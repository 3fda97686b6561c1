"""A corpus of the same fictional letters written by real PDF and image producers."""
