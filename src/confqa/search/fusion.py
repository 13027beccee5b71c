"""Merging rankings: reciprocal rank fusion or min-max score fusion, with a flat bonus for the passages of a
talk the question names under score fusion."""

from __future__ import annotations

import numpy as np

from confqa.settings import RetrievalSettings


def top_indices(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest scores, best first (argpartition: linear time on large arrays)."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    return top[np.argsort(-scores[top], kind="stable")]


def fuse(
    rankings: list[tuple[list[int], dict[int, float], float]], settings: RetrievalSettings, boost: dict[int, float]
) -> tuple[dict[int, float], float]:
    """Merge rankings (ids best first, their scores, weight) into one score per id, plus the best possible score.
    `boost` adds score fusion's flat bonus for passages about a named talk."""
    fused: dict[int, float] = {}
    if settings.fusion == "rrf":
        for order, _, weight in rankings:
            for rank, index in enumerate(order):
                fused[index] = fused.get(index, 0.0) + weight / (settings.rrf_k + rank + 1)
        return fused, sum(w for _, _, w in rankings) / (settings.rrf_k + 1) or 1.0
    for order, values, weight in rankings[:2]:
        if not order:
            continue
        chosen = [values[i] for i in order]
        low, high = min(chosen), max(chosen)
        for index in order:
            fused[index] = fused.get(index, 0.0) + weight * ((values[index] - low) / (high - low) if high > low else 1.0)
    for index, bonus in boost.items():
        fused[index] = fused.get(index, 0.0) + bonus
    top_possible = sum(w for _, _, w in rankings[:2]) + max(boost.values(), default=0.0)
    return fused, top_possible or 1.0
