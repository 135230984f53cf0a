"""Full screens over the desk (the Stats view)."""
