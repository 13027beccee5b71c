"""The index: generations on disk (storage), building them (build), opening them (store), and mirroring them to
a Milvus collection (milvus)."""
