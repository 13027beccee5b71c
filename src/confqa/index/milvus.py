"""The milvus backend: chunk records, dense vectors and Milvus's built-in BM25 in one Milvus collection per confqa
index, searched with the filters pushed down as Milvus filter expressions.

What lives where. Milvus holds what grows with the corpus and is searched: one record per chunk with its text,
the analysed BM25 terms (a BM25 Function turns them into a sparse vector inside Milvus), the dense vector, and
scalar fields for document, section path, talk ids, speakers, year and line span. The local index folder keeps
what the answerer reads for the few passages it quotes (sentences with their vectors and line spans, the talk
catalogue, the notes' text), written by the same build as the faiss backend, plus `milvus.json`: which Milvus,
which alias and collection, and a hash per document of what was written there (for incremental sync).

The BM25 side sees exactly the tokens that the faiss backend's bm25s sees: confqa's own analysis (stop words,
Snowball stems, hyphenated words and their parts) is applied before the text reaches Milvus, and Milvus's
`standard` tokenizer only splits it on spaces again (hyphens are stored as underscores, which it keeps inside a
token). With the same k1 and b, Milvus's scores are bm25s's times (k1 + 1): min-max fusion does not see a constant
factor, so both backends rank alike.

Reads go through an alias; a full rebuild fills a new collection and then moves the alias, so a reader sees the
old collection or the new one, never half of one. An incremental sync upserts the records of changed documents
and deletes those of removed ones in the live collection (see README, "Scaling", for what a reader sees then).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from confqa.errors import ConfqaError, ConfqaUsageError, MissingExtraError
from confqa.index.store import IndexStore
from confqa.lexical import terms
from confqa.models import IndexParameters
from confqa.settings import Settings

STATE_FILE = "milvus.json"
_MAX_TEXT = 65_535  # Milvus VARCHAR limit, in bytes
_MAX_ARRAY = 256
_BATCH = 1_000
Hook = Callable[[str, dict[str, Any]], None]


class MilvusState(BaseModel):
    """What `milvus.json` beside the index records about its Milvus side."""

    model_config = ConfigDict(extra="forbid")

    uri: str
    alias: str
    collection: str
    previous: str | None = None
    generation: str
    index_type: str
    parameters: IndexParameters | None = None  # None: written before the parameters were recorded
    dimension: int
    chunks: int
    documents: dict[str, str]
    synced: str


@dataclass
class SyncReport:
    collection: str
    full: bool
    upserted: int = 0
    deleted_docs: list[str] = field(default_factory=list)
    upserted_docs: list[str] = field(default_factory=list)
    seconds: float = 0.0


# -- connection --------------------------------------------------------------------------------------------
_clients: dict[str, Any] = {}
_clients_lock = threading.Lock()


def is_lite(uri: str) -> bool:
    return not re.match(r"^[a-z][a-z0-9+.-]*://", uri)


def connect(settings: Settings) -> Any:
    """A MilvusClient for settings.milvus_uri (one per URI per process)."""
    uri = settings.milvus_uri.strip()
    if not uri:
        raise ConfqaUsageError("the milvus backend needs a Milvus: --milvus-uri indexes/milvus.db (Milvus Lite, "
                               "a local file) or --milvus-uri http://host:19530 (or set CONFQA_MILVUS_URI)")
    try:
        from pymilvus import MilvusClient
    except ImportError:
        raise MissingExtraError("the milvus backend", "milvus", "pymilvus") from None
    import logging

    # confqa reports Milvus errors itself, in one line; Milvus Lite's in-process gRPC server logs calls that it
    # does not implement (AllocTimestamp, which pymilvus tries before falling back) as errors.
    for logger in ("pymilvus", "grpc._server", "milvus_lite"):
        logging.getLogger(logger).setLevel(logging.CRITICAL)
    if is_lite(uri):
        if not uri.endswith(".db"):
            raise ConfqaUsageError(f"--milvus-uri {uri!r}: a Milvus Lite file must end in .db "
                                   "(or give http://host:19530 for a Milvus server)")
        try:
            import milvus_lite  # noqa: F401
        except ImportError:
            raise MissingExtraError("Milvus Lite (a local --milvus-uri file)", "milvus", "milvus-lite") from None
        path = Path(uri).expanduser().resolve()
        if path.exists() and not path.is_dir():
            # Milvus Lite keeps a database as a folder: a file of that name is something else, never overwritten.
            raise ConfqaError(f"--milvus-uri {uri}: {path} is a file, not a Milvus Lite database (a folder); "
                              "give a new path ending in .db")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfqaError(f"cannot create {path.parent} for Milvus Lite: {exc.strerror or exc}") from None
        key, kwargs = str(path), {"uri": str(path)}
    else:
        key, kwargs = uri, {"uri": uri, "token": os.environ.get(settings.milvus_token_env, "")}
    with _clients_lock:
        if key not in _clients:
            try:
                client = MilvusClient(**kwargs)
            except Exception as exc:  # noqa: BLE001 - pymilvus raises many types; the user needs one line
                raise ConfqaError(_connection_error(uri, exc, settings.milvus_token_env)) from None
            check_version(client, uri)
            _clients[key] = client
        return _clients[key]


# Milvus 2.5 added the BM25 function that turns the analysed text into a sparse vector inside Milvus; an older
# server accepts the schema and silently drops the function (Milvus 2.3.5 does), so its BM25 search finds nothing.
MIN_SERVER_VERSION = (2, 5)
# pymilvus's codes for a connection that failed and for a refused token (Milvus 2.4+ answers 1800).
_CONNECT_FAILED, _AUTH_FAILED = 2, 1800


def check_version(client: Any, uri: str) -> None:
    """Refuse a Milvus older than MIN_SERVER_VERSION, saying why. Milvus Lite reports its own version
    ('milvus_lite-3.2.2'), which has the BM25 function from its first 3.x release."""
    try:
        version = str(client.get_server_version())
    except Exception:  # noqa: BLE001 - a server that cannot say is tried, not refused
        return
    numbers = re.search(r"(\d+)\.(\d+)", version)
    if numbers is None or version.startswith("milvus_lite"):
        return
    if (int(numbers.group(1)), int(numbers.group(2))) < MIN_SERVER_VERSION:
        wanted = ".".join(map(str, MIN_SERVER_VERSION))
        raise ConfqaError(f"the Milvus at {uri} is version {version}; confqa needs Milvus {wanted} or newer, whose "
                          f"BM25 function its lexical search runs on: upgrade the server, or use Milvus Lite "
                          f"(--milvus-uri PATH.db)")


def _connection_error(uri: str, exc: BaseException, token_env: str) -> str:
    """What went wrong connecting, in words a user can act on. pymilvus says 'illegal connection params or server
    unavailable' both when nothing listens and when the server refuses the token: a port that accepts a TCP
    connection tells the two apart."""
    code = getattr(exc, "code", None)
    token_hint = (f"check the token in ${token_env} ('user:password' or an API key)" if os.environ.get(token_env)
                  else f"this server requires one: set ${token_env} to 'user:password' or an API key")
    if code == _AUTH_FAILED or "auth" in str(exc).lower():
        return f"authentication failed at the Milvus at {uri}: {token_hint}"
    if code == _CONNECT_FAILED and _listening(uri):
        return (f"authentication failed at the Milvus at {uri} (it accepts connections but refused confqa's): "
                f"{token_hint}")
    return f"cannot reach Milvus at {uri} ({first_line(exc)}); check that it runs and that --milvus-uri is right"


def _listening(uri: str) -> bool:
    import socket
    from urllib.parse import urlparse

    parsed = urlparse(uri)
    try:
        port = parsed.port or 19530
    except ValueError:
        return False
    try:
        socket.create_connection((parsed.hostname or "localhost", port), timeout=2).close()
    except OSError:
        return False
    return True


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def alias_for(index_dir: Path) -> str:
    """The alias readers use: confqa_<index name>, in the characters Milvus allows."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", index_dir.name) or "index"
    return f"confqa_{name}"[:200]


# -- records -----------------------------------------------------------------------------------------------
def lexical_text(words: list[str]) -> str:
    """confqa's BM25 terms as a text that Milvus's standard tokenizer splits back into exactly these terms."""
    return " ".join(w.replace("-", "_") for w in words)


def _clip(text: str, limit: int = _MAX_TEXT) -> str:
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[:limit].decode("utf-8", "ignore")


def records_of(store: IndexStore) -> dict[str, list[dict[str, Any]]]:
    """One Milvus record per chunk, grouped by document."""
    from confqa.index.build import bm25_text

    out: dict[str, list[dict[str, Any]]] = {}
    for position, chunk in enumerate(store.chunks):
        speakers = sorted({s for t in chunk.talk_ids for s in store.talks_by_id[t].speakers})
        words = terms(bm25_text(chunk, store.talks_by_id)) or ["_empty_"]
        vector = np.asarray(store.chunk_vectors[position], dtype=np.float32)
        record = {
            "id": chunk.id, "doc": chunk.doc, "section": _clip(chunk.section, 4096), "text": _clip(chunk.text),
            "terms": _clip(lexical_text(words)), "talk_ids": chunk.talk_ids[:_MAX_ARRAY],
            "speakers": speakers[:_MAX_ARRAY], "year": chunk.year if chunk.year is not None else -1,
            "line_start": chunk.line_start, "line_end": chunk.line_end,
        }
        digest = hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode())
        digest.update(vector.tobytes())
        record["record_sha"] = digest.hexdigest()
        record["dense"] = vector.tolist()
        out.setdefault(chunk.doc, []).append(record)
    return out


def _doc_hash(records: list[dict[str, Any]]) -> str:
    return hashlib.sha256("".join(r["record_sha"] for r in records).encode()).hexdigest()


def index_type_for(chunks: int, parameters: IndexParameters) -> str:
    """FLAT (exact) up to exact_search_limit chunks, as the faiss backend scans exactly there; HNSW above, where
    exact search costs a full pass per question and HNSW keeps recall@10 near 0.99 at a few ms (BENCHMARKS.md).
    Past ~10^8 vectors per node, IVF_SQ8 or DISKANN trade a little recall for memory (not needed here)."""
    return "FLAT" if chunks <= parameters.exact_search_limit else "HNSW"


def _create_collection(client: Any, name: str, dimension: int, index_type: str, lite: bool,
                       parameters: IndexParameters) -> None:
    from pymilvus import DataType, Function, FunctionType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=1024)
    schema.add_field("doc", DataType.VARCHAR, max_length=1024)
    schema.add_field("section", DataType.VARCHAR, max_length=4096)
    schema.add_field("text", DataType.VARCHAR, max_length=_MAX_TEXT)
    schema.add_field("terms", DataType.VARCHAR, max_length=_MAX_TEXT, enable_analyzer=True,
                     analyzer_params={"tokenizer": "standard"})
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dimension)
    for name_ in ("talk_ids", "speakers"):
        schema.add_field(name_, DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=_MAX_ARRAY,
                         max_length=512)
    for name_ in ("year", "line_start", "line_end"):
        schema.add_field(name_, DataType.INT64)
    schema.add_field("record_sha", DataType.VARCHAR, max_length=64)
    schema.add_function(Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["terms"],
                                 output_field_names=["sparse"]))
    try:
        client.create_collection(name, schema=schema,
                                 index_params=_index_params(client, index_type, lite, True, parameters))
    except Exception:  # noqa: BLE001 - retry without the optional scalar indexes
        client.create_collection(name, schema=schema,
                                 index_params=_index_params(client, index_type, lite, False, parameters))


def _index_params(client: Any, index_type: str, lite: bool, scalar_indexes: bool, parameters: IndexParameters) -> Any:
    params = client.prepare_index_params()
    if index_type == "HNSW":
        params.add_index("dense", index_type="HNSW", metric_type="IP", params={
            "M": parameters.hnsw_m, "efConstruction": parameters.hnsw_ef_construction})
    else:
        params.add_index("dense", index_type="FLAT", metric_type="IP")
    # A server scores BM25 with DAAT_MAXSCORE (exact top-k, skips hopeless documents); Milvus Lite only has
    # the exhaustive TAAT_NAIVE, which gives the same scores.
    params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25", params={
        "inverted_index_algo": "TAAT_NAIVE" if lite else "DAAT_MAXSCORE", "bm25_k1": parameters.bm25_k1,
        "bm25_b": parameters.bm25_b})
    for name_ in ("doc", "year") if scalar_indexes else ():
        try:  # scalar indexes speed up filters on a server; Milvus Lite may not have them
            params.add_index(name_, index_type="INVERTED")
        except Exception:  # noqa: BLE001
            pass
    return params


def _insert(client: Any, collection: str, records: list[dict[str, Any]], upsert: bool = False) -> None:
    write = client.upsert if upsert else client.insert
    for start in range(0, len(records), _BATCH):
        write(collection, records[start:start + _BATCH])


# -- state -------------------------------------------------------------------------------------------------
def read_state(index_dir: Path) -> MilvusState | None:
    path = index_dir / STATE_FILE
    try:
        return MilvusState.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        return None
    except ValueError:
        return None  # a damaged state file only costs a full rebuild


def _write_state(index_dir: Path, state: MilvusState) -> None:
    tmp = index_dir / f".{STATE_FILE}.tmp-{os.getpid()}"
    tmp.write_text(state.model_dump_json(indent=1), encoding="utf-8")
    os.replace(tmp, index_dir / STATE_FILE)


def same_milvus(state: MilvusState, settings: Settings) -> bool:
    uri = settings.milvus_uri.strip()
    return state.uri == (str(Path(uri).expanduser().resolve()) if is_lite(uri) else uri)


# -- sync --------------------------------------------------------------------------------------------------
def sync(index_dir: Path, store: IndexStore, settings: Settings, rebuild: bool = False,
         hook: Hook | None = None) -> SyncReport:
    """Bring the Milvus collection in line with the local index: upsert changed documents and delete removed
    ones, or (first time, --rebuild, another index type or model) fill a new collection and move the alias."""
    from confqa.index.build import build_lock

    with build_lock(index_dir, wait_seconds=120.0):  # one writer per index, as for the local files
        return _sync(index_dir, store, settings, rebuild, hook)


def _sync(index_dir: Path, store: IndexStore, settings: Settings, rebuild: bool, hook: Hook | None) -> SyncReport:
    started = time.perf_counter()
    client = connect(settings)
    uri = settings.milvus_uri.strip()
    lite = is_lite(uri)
    alias = alias_for(index_dir)
    by_doc = records_of(store)
    hashes = {doc: _doc_hash(records) for doc, records in by_doc.items()}
    parameters = store.manifest.index_parameters
    wanted_type = index_type_for(len(store.chunks), parameters)
    dimension = store.manifest.embedding.dimension
    state = read_state(index_dir)
    full = True  # until the state says an incremental sync will do
    try:
        live = state is not None and client.has_collection(state.collection)
        full = (rebuild or state is None or not live or not same_milvus(state, settings)
                or state.index_type != wanted_type or state.dimension != dimension
                or state.parameters != parameters)
        if full:
            report = _full_sync(client, alias, by_doc, dimension, wanted_type, lite, parameters, hook)
        else:
            assert state is not None
            report = SyncReport(collection=state.collection, full=False)
            changed = sorted(d for d in hashes if state.documents.get(d) != hashes[d])
            removed = sorted(d for d in state.documents if d not in hashes)
            for doc in changed:
                records = by_doc[doc]
                _insert(client, state.collection, records, upsert=True)
                client.delete(state.collection, **filter_arguments(
                    client, state.collection, "doc == {doc} and id not in {keep}", {"doc": doc, "keep": [r["id"] for r in records]}))
                report.upserted += len(records)
            if removed:
                client.delete(state.collection, **filter_arguments(
                    client, state.collection, "doc in {docs}", {"docs": removed}))
            report.upserted_docs, report.deleted_docs = changed, removed
            if changed or removed:
                client.flush(state.collection)
    except ConfqaError:
        raise
    except Exception as exc:  # noqa: BLE001 - a Milvus failure is one line for the user, the local index is fine
        raise ConfqaError(_write_error(uri, exc, index_dir, settings, full)) from None
    previous = state.collection if state is not None and full and state.collection != report.collection else (
        state.previous if state is not None else None)
    _write_state(index_dir, MilvusState(
        uri=str(Path(uri).expanduser().resolve()) if lite else uri, alias=alias, collection=report.collection,
        previous=previous, generation=store.generation.name, index_type=wanted_type, parameters=parameters,
        dimension=dimension,
        chunks=len(store.chunks), documents=hashes,
        synced=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    ))
    if full and state is not None and state.previous and state.previous not in {report.collection, previous}:
        _drop(client, state.previous)
    report.seconds = time.perf_counter() - started
    return report


def _write_error(uri: str, exc: BaseException, index_dir: Path, settings: Settings, full: bool) -> str:
    """Why writing to Milvus failed, and what can help: waiting for Milvus to come back, a fresh collection
    (--rebuild) after a failed incremental sync, or nothing confqa can do (the reason says what)."""
    command = f"confqa index --index {index_dir} --backend milvus --milvus-uri {settings.milvus_uri}"
    where = "the local index is updated and readers of Milvus still see the previous collection"
    if getattr(exc, "code", None) == _CONNECT_FAILED or "unavailable" in str(exc).lower():
        return f"Milvus at {uri} became unreachable while confqa wrote to it; {where}; sync it when it is back with: " \
               f"{command}"
    if not full:
        return f"Milvus at {uri} refused an update ({first_line(exc)}); {where}; write a fresh collection with: " \
               f"{command} --rebuild"
    return f"Milvus at {uri} refused the new collection ({first_line(exc)}); it was removed again, and {where}"


def _alias_target(client: Any, alias: str) -> str | None:
    if alias not in client.list_aliases().get("aliases", []):
        return None
    return str(client.describe_alias(alias)["collection_name"])


def _full_sync(client: Any, alias: str, by_doc: dict[str, list[dict[str, Any]]], dimension: int,
               index_type: str, lite: bool, parameters: IndexParameters, hook: Hook | None) -> SyncReport:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S%f")
    name = f"{alias}_g{stamp}"
    _create_collection(client, name, dimension, index_type, lite, parameters)
    try:
        records = [r for doc in sorted(by_doc) for r in by_doc[doc]]
        _insert(client, name, records)
        client.flush(name)  # one sealed segment: Milvus Lite keeps BM25 statistics per segment
        client.load_collection(name)
        if hook:
            hook("before_switch", {"collection": name, "alias": alias})
        if _alias_target(client, alias) is None:
            client.create_alias(name, alias)
        else:
            client.alter_alias(name, alias)
    except BaseException:
        _drop(client, name)  # a half-built collection is never left behind (the alias still names the old one)
        raise
    return SyncReport(collection=name, full=True, upserted=len(records), upserted_docs=sorted(by_doc))


def _drop(client: Any, name: str) -> None:
    """Drop the collection before the previous one: the previous one stays for a reader that resolved the alias
    just before the switch. Only collections this index's own state names are dropped, never by name pattern,
    so another index on a shared Milvus is never touched."""
    try:
        client.drop_collection(name)
    except Exception:  # noqa: BLE001 - best effort; a leftover collection costs space, not correctness
        pass


# -- filter expressions ------------------------------------------------------------------------------------
_templates: dict[Any, bool] = {}  # by client object (clients live as long as the process: see connect)


def filter_arguments(client: Any, collection: str, template: str, params: dict[str, Any]) -> dict[str, Any]:
    """A filter for search, query and delete: the expression with its values as `filter_params` (Milvus
    expression templates: nothing to escape, and a long id list is not parsed as text), or, for a Milvus without
    templates (Milvus Lite), the values written in as JSON literals, which are Milvus literals: json.dumps is the
    one escaping."""
    if not template:
        return {"filter": ""}
    if _has_templates(client, collection):
        return {"filter": template, "filter_params": params}
    return {"filter": re.sub(r"\{(\w+)\}", lambda m: json.dumps(params[m.group(1)], ensure_ascii=False), template)}


def _has_templates(client: Any, collection: str) -> bool:
    """Whether this Milvus fills `{name}` placeholders from filter_params: asked once per client with an empty
    templated query. Until a probe has succeeded, values are written in (which every Milvus reads)."""
    key = client
    if key not in _templates:
        try:
            client.query(collection, filter="id in {ids}", filter_params={"ids": []}, limit=1, output_fields=["id"])
        except Exception as exc:  # noqa: BLE001 - a parse error says no; anything else says nothing yet
            if "unexpected character" in str(exc):
                _templates[key] = False
            return False
        _templates[key] = True
    return _templates[key]
