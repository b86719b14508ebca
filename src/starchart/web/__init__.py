"""starchart's chart site: FastAPI app (create_app), pages, maps and plots; see docs/web.md."""
