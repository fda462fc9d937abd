class LoadError(Exception):
    """A file that cannot be read or parsed; becomes E001 with this message."""
