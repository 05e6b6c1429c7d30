"""Storage: what is kept (SQLModel tables), the engine, the background writer, usage counts, partners."""
