"""Errors a clerk can cause, worded for the clerk; a traceback is a bug."""


class DeskError(Exception):
    """Something the user can fix; its message is shown as it is."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field  # the field at fault, as the service names it (None: no one field)

    def __str__(self) -> str:
        return self.message


class InvalidInput(DeskError):
    """A field is missing, too long or not in the expected form."""


class NotFound(DeskError):
    """The record, unit or person named does not exist."""


class Conflict(DeskError):
    """The action does not fit the record's present state (e.g. signing out twice)."""


class NotAllowed(DeskError):
    """The person acting may not do this (e.g. a clerk closing an order a supervisor must)."""


class StorageError(DeskError):
    """The database refused a save or a read (disk full, file gone, newer schema, damage)."""
