"""Screens shown over the desk: forms, help, search, confirmation, first run."""
