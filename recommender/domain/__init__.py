"""The domain: plain Python from a profile to explained, ranked recommendations (no Flask, no database)."""
