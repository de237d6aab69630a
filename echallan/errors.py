"""Named errors. The CLI turns each into a one-line message and a non-zero exit code."""


class EchallanError(Exception):
    """Base class: ``str(err)`` is a complete, one-line message for an officer."""


class InputError(EchallanError):
    """A file given by the user is missing, unreadable or malformed."""


class ConfigError(EchallanError):
    """A configuration file or setting is wrong; the message names the key."""


class ModelNotFoundError(EchallanError):
    """Weights are missing from the configured model directory."""


class LedgerError(EchallanError):
    """A ledger operation was refused (for example an illegal state change)."""
