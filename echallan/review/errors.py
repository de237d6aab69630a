"""Named errors of the review desk; each ``str(err)`` is one line fit to show an officer."""

from __future__ import annotations

from echallan.errors import EchallanError


class ReviewError(EchallanError):
    """A review action was refused (wrong state, missing reason, unknown plate ...)."""


class AuthError(ReviewError):
    """Wrong user name or password, a disabled account, or an expired session."""


class Forbidden(ReviewError):
    """The logged-in account's role may not do this."""


class ClaimedError(ReviewError):
    """Another reviewer holds the claim on this challan."""

    def __init__(self, message: str, holder: str) -> None:
        super().__init__(message)
        self.holder = holder
