"""Text utilities shared by every stage: nothing here imports the rest of confqa."""
