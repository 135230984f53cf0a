"""deskclerk: a keyboard-first terminal desk for property-management front desks."""

__version__ = "0.1.0"
