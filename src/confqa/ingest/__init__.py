"""Notes in: files found and decoded, front matter, repair, markdown blocks with line spans, chunks."""
