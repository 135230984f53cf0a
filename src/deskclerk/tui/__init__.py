"""The desk: the full-screen Textual face of deskclerk."""
