"""One-off build tools of the web site (not imported at run time)."""
