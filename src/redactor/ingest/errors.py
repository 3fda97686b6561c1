"""Input problems, phrased for a one-line message that never quotes record text."""


class IngestError(Exception):
    """A file that cannot be read as a record export; the message names the problem only."""
