"""Tests of the desk (Textual pilot and snapshot tests)."""
